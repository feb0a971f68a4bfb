import { Check, Field } from '../../../ui/field';
import { KeyValueEditor } from '../../../ui/key-value-editor';
import { isWebSocket, mayUseV5 } from './form-model';
import type { SectionProps } from './section-props';

/** Secret headers the host holds for this profile: their names only, like the password's "set". */
function StoredHeaders({ form, update }: Pick<SectionProps, 'form' | 'update'>) {
  if (form.storedHeaders.length === 0) return null;
  return (
    <ul className="span-4 secret-note stored-headers" data-testid="stored-headers">
      {form.storedHeaders.map((name) => {
        const clearing = form.clearHeaders.includes(name);
        return (
          <li key={name} className="secret-state" data-testid="stored-header" data-name={name} data-state={clearing ? 'cleared' : 'stored'}>
            {name}: {clearing ? 'stored, cleared on save' : 'stored (sent on connect; type it again to replace)'}{' '}
            <button
              type="button"
              className="link-button"
              data-testid="stored-header-toggle"
              onClick={() => update('clearHeaders', clearing ? form.clearHeaders.filter((h) => h !== name) : [...form.clearHeaders, name])}
            >
              {clearing ? 'keep' : 'clear'}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

export function AdvancedSection({ form, update, problems }: SectionProps) {
  return (
    <div className="form-grid">
      <Check className="span-4" label="Reconnect automatically, with backoff" testId="connect-reconnect-enabled" checked={form.reconnectEnabled} onChange={(v) => update('reconnectEnabled', v)} />
      <Field label="First delay (ms)" className="span-1" problem={problems['reconnect.initialDelayMs']} testId="connect-reconnect-initial">
        <input data-testid="connect-reconnect-initial" value={form.reconnectInitial} inputMode="numeric" disabled={!form.reconnectEnabled} onChange={(e) => update('reconnectInitial', e.target.value)} />
      </Field>
      <Field label="Longest delay (ms)" className="span-1" problem={problems['reconnect.maxDelayMs']} testId="connect-reconnect-max">
        <input data-testid="connect-reconnect-max" value={form.reconnectMax} inputMode="numeric" disabled={!form.reconnectEnabled} onChange={(e) => update('reconnectMax', e.target.value)} />
      </Field>
      <Field label="Attempts (0 = until stopped)" className="span-2" problem={problems['reconnect.maxAttempts']} testId="connect-reconnect-attempts">
        <input data-testid="connect-reconnect-attempts" value={form.reconnectMaxAttempts} inputMode="numeric" disabled={!form.reconnectEnabled} onChange={(e) => update('reconnectMaxAttempts', e.target.value)} />
      </Field>
      <Check
        className="span-4"
        label="Keep $ topics for wildcard filters (some brokers deliver $SYS/… or $JS/… for #, which MQTT says must not match them)"
        testId="connect-keep-dollar-topics"
        checked={form.keepDollarTopics}
        onChange={(v) => update('keepDollarTopics', v)}
      />
      <Check
        className="span-4"
        label="Durable capture: acknowledge QoS 1/2 messages only once History has stored them"
        testId="connect-durable-capture"
        checked={form.durableCapture}
        onChange={(v) => update('durableCapture', v)}
      />
      {form.durableCapture && (
        <p className="span-4 hint" data-testid="durable-capture-hint">
          With a persistent session (clean {form.protocolVersion === 5 ? 'start' : 'session'} off
          {mayUseV5(form.protocolVersion) ? ' and a Session Expiry Interval' : ''}) a crash loses nothing the broker delivered: what was not
          stored was not acknowledged, and the broker sends it again. It slows a firehose to what the broker lets be in flight at once.
        </p>
      )}
      {isWebSocket(form.protocol) ? (
        <>
          <Field label="WebSocket headers (sent with the upgrade request)" className="span-4" problem={problems.wsHeaders}>
            <KeyValueEditor testId="connect-ws-headers" keyLabel="header" pairs={form.wsHeaders} onChange={(pairs) => update('wsHeaders', pairs)} />
          </Field>
          <StoredHeaders form={form} update={update} />
          <Field
            label="Also keep secret (header names, comma separated)"
            className="span-4"
            testId="connect-secret-headers"
            hint="Authorization, Proxy-Authorization, Cookie and names with token, key, secret or auth always are: stored encrypted, never shown or exported."
          >
            <input data-testid="connect-secret-headers" value={form.secretHeaderNames} spellCheck={false} onChange={(e) => update('secretHeaderNames', e.target.value)} />
          </Field>
        </>
      ) : (
        <p className="span-4 hint">WebSocket headers apply to ws:// and wss://.</p>
      )}
    </div>
  );
}
