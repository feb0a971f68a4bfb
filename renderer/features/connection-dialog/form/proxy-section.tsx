import { Field } from '../../../ui/field';
import { SecretState } from './auth-section';
import type { ConnectionForm } from './form-model';
import type { SectionProps } from './section-props';

const KINDS: { value: ConnectionForm['proxyKind']; label: string }[] = [
  { value: 'none', label: 'None (direct)' },
  { value: 'system', label: 'System proxy settings' },
  { value: 'http', label: 'HTTP CONNECT' },
  { value: 'socks5', label: 'SOCKS5' },
];

/** How the connection reaches the broker, for mqtt, mqtts, ws and wss alike. */
export function ProxySection({ form, update, problems, editing }: SectionProps & { editing: boolean }) {
  const named = form.proxyKind === 'http' || form.proxyKind === 'socks5';
  return (
    <div className="form-grid">
      <Field label="Proxy" className="span-2" problem={problems['proxy.kind']}>
        <select data-testid="connect-proxy-kind" value={form.proxyKind} onChange={(e) => update('proxyKind', e.target.value as ConnectionForm['proxyKind'])}>
          {KINDS.map((kind) => (
            <option key={kind.value} value={kind.value}>
              {kind.label}
            </option>
          ))}
        </select>
      </Field>
      {form.proxyKind === 'system' && <p className="hint span-4">The desktop app asks the system for this broker's proxy; in a browser tab the host uses HTTPS_PROXY or ALL_PROXY (NO_PROXY exempts hosts).</p>}
      {named && (
        <>
          <Field label="Proxy host" className="span-2" problem={problems['proxy.host']}>
            <input data-testid="connect-proxy-host" value={form.proxyHost} spellCheck={false} onChange={(e) => update('proxyHost', e.target.value)} />
          </Field>
          <Field label="Proxy port" problem={problems['proxy.port']}>
            <input data-testid="connect-proxy-port" inputMode="numeric" value={form.proxyPort} placeholder={form.proxyKind === 'http' ? '3128' : '1080'} onChange={(e) => update('proxyPort', e.target.value)} />
          </Field>
          <Field label="Proxy user name" className="span-2" problem={problems['proxy.username']}>
            <input data-testid="connect-proxy-username" value={form.proxyUsername} autoComplete="off" spellCheck={false} onChange={(e) => update('proxyUsername', e.target.value)} />
          </Field>
          <Field label="Proxy password" className="span-2" problem={problems['proxy.password']} hint={editing && <SecretState field="proxyPassword" form={form} update={update} testId="proxy-password-state" />}>
            <input data-testid="connect-proxy-password" type="password" autoComplete="off" value={form.proxyPassword} onChange={(e) => update('proxyPassword', e.target.value)} />
          </Field>
        </>
      )}
    </div>
  );
}
