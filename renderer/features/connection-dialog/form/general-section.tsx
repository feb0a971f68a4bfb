import { Check, Field } from '../../../ui/field';
import { type Protocol, type Version, generateClientId, isWebSocket, mayUseV5, withProtocol } from './form-model';
import type { SectionProps } from './section-props';

export function GeneralSection({ form, update, problems, setForm }: SectionProps & { setForm(change: (form: SectionProps['form']) => SectionProps['form']): void }) {
  return (
    <div className="form-grid">
      <Field label="Protocol" className="span-1">
        <select data-testid="connect-protocol" value={form.protocol} onChange={(e) => setForm((f) => withProtocol(f, e.target.value as Protocol))}>
          <option value="mqtt">mqtt://</option>
          <option value="mqtts">mqtts://</option>
          <option value="ws">ws://</option>
          <option value="wss">wss://</option>
        </select>
      </Field>
      <Field label="Host" className="span-2" problem={problems.host} testId="connect-host">
        <input data-testid="connect-host" value={form.host} onChange={(e) => update('host', e.target.value)} spellCheck={false} aria-invalid={!!problems.host} />
      </Field>
      <Field label="Port" className="span-1" problem={problems.port} testId="connect-port">
        <input data-testid="connect-port" value={form.port} inputMode="numeric" onChange={(e) => update('port', e.target.value)} aria-invalid={!!problems.port} />
      </Field>
      {isWebSocket(form.protocol) && (
        <Field label="WebSocket path" className="span-4" problem={problems.path} testId="connect-path">
          <input data-testid="connect-path" value={form.path} onChange={(e) => update('path', e.target.value)} spellCheck={false} />
        </Field>
      )}
      <Field label="Client ID" className="span-3" problem={problems.clientId}>
        <span className="input-with-button">
          <input data-testid="connect-client-id" value={form.clientId} placeholder="assigned by the broker if empty" onChange={(e) => update('clientId', e.target.value)} spellCheck={false} />
          <button type="button" data-testid="connect-generate-client-id" title="Generate a client id" aria-label="Generate a client id" onClick={() => update('clientId', generateClientId())}>
            ⟳
          </button>
        </span>
      </Field>
      <Field label="MQTT version" className="span-1">
        <select
          data-testid="connect-version"
          value={form.protocolVersion}
          title="Auto tries MQTT 5.0, then 3.1.1, then 3.1, and says which one the broker speaks"
          onChange={(e) => update('protocolVersion', e.target.value === 'auto' ? 'auto' : (Number(e.target.value) as Version))}
        >
          <option value="auto">Auto (5.0, then 3.1.1)</option>
          <option value={5}>5.0</option>
          <option value={4}>3.1.1</option>
          <option value={3}>3.1</option>
        </select>
      </Field>
      <Field label="Keep alive (s)" className="span-1" problem={problems.keepaliveSeconds} testId="connect-keepalive">
        <input data-testid="connect-keepalive" value={form.keepalive} inputMode="numeric" onChange={(e) => update('keepalive', e.target.value)} />
      </Field>
      <Field label="Connect timeout (ms)" className="span-1" problem={problems.connectTimeoutMs} testId="connect-timeout">
        <input data-testid="connect-timeout" value={form.connectTimeout} inputMode="numeric" onChange={(e) => update('connectTimeout', e.target.value)} />
      </Field>
      <Check className="span-2" label={form.protocolVersion === 5 ? 'Clean start' : 'Clean session'} testId="connect-clean" checked={form.clean} onChange={(v) => update('clean', v)} />
      {!form.clean && mayUseV5(form.protocolVersion) && !(Number(form.sessionExpiry) > 0) && (
        <p className="hint span-2" data-testid="session-expiry-hint">
          With MQTT 5 the broker keeps a session only for its Session Expiry Interval, which is 0 here: the session and its queued
          messages end when the connection closes. Set it on the MQTT 5 tab (e.g. 3600 s) to receive what was published while you
          were away.
        </p>
      )}
    </div>
  );
}
