import { type FormEvent, useState } from 'react';
import type { ConnectionStatus } from '../../../shared/contract';
import { useActiveConnection, useConnectionsStore } from '../../stores/connections-store';
import {
  type ConnectionForm,
  INITIAL_FORM,
  type Protocol,
  checkForm,
  generateClientId,
  isTls,
  isWebSocket,
  withProtocol,
} from './connection-form';
import { StatusBadge } from './status-badge';

function useStatus(): ConnectionStatus {
  const connecting = useConnectionsStore((s) => s.connecting);
  const active = useActiveConnection();
  if (connecting) return 'connecting';
  return active?.status ?? 'disconnected';
}

type Update = <K extends keyof ConnectionForm>(key: K, value: ConnectionForm[K]) => void;

function TlsFields({ form, update }: { form: ConnectionForm; update: Update }) {
  // The file's bytes go to the host as they are (PEM or DER); nothing is parsed here.
  const onFile = async (file: File | undefined) => update('ca', file ? { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null);
  return (
    <>
      <label className="span-4">
        CA certificate (PEM or DER; the system store is used when empty)
        <span className="input-with-button">
          <input key={form.ca?.name ?? 'none'} data-testid="connect-ca-file" type="file" accept=".pem,.crt,.cer,.der" onChange={(e) => void onFile(e.target.files?.[0])} />
          {form.ca && (
            <button type="button" data-testid="connect-ca-clear" title={`Forget ${form.ca.name}`} onClick={() => update('ca', null)}>
              ×
            </button>
          )}
        </span>
      </label>
      <label className="span-4 checkbox">
        <input data-testid="connect-verify-certificate" type="checkbox" checked={form.verifyCertificate} onChange={(e) => update('verifyCertificate', e.target.checked)} />
        Verify the broker&apos;s certificate (turn off only for testing)
      </label>
    </>
  );
}

export function ConnectionPanel() {
  const [form, setForm] = useState<ConnectionForm>(INITIAL_FORM);
  const [showProblems, setShowProblems] = useState(false);
  const connect = useConnectionsStore((s) => s.connect);
  const disconnect = useConnectionsStore((s) => s.disconnect);
  const error = useConnectionsStore((s) => s.error);
  const active = useActiveConnection();
  const status = useStatus();
  const isIdle = status === 'disconnected';
  const check = checkForm(form);
  const problems = showProblems && !check.ok ? check.problems : {};

  const update: Update = (key, value) => setForm((f) => ({ ...f, [key]: value }));

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!isIdle) {
      void disconnect();
      return;
    }
    setShowProblems(true);
    if (check.ok) void connect(check.options);
  };

  // The last error: a failed request, or what broke an established connection (while reconnecting).
  const shownError = error ?? (active && active.status !== 'connected' ? active.lastError : undefined);
  const attempts = active?.status === 'reconnecting' && active.reconnectAttempts > 0 ? ` · attempt ${active.reconnectAttempts}` : '';
  const field = (name: string) => (problems[name] ? <span className="field-problem">{problems[name]}</span> : null);

  return (
    <form className="connection-form" onSubmit={onSubmit} noValidate>
      <fieldset disabled={!isIdle} className="form-grid">
        <label className="span-1">
          Protocol
          <select data-testid="connect-protocol" value={form.protocol} onChange={(e) => setForm(withProtocol(form, e.target.value as Protocol))}>
            <option value="mqtt">mqtt://</option>
            <option value="mqtts">mqtts://</option>
            <option value="ws">ws://</option>
            <option value="wss">wss://</option>
          </select>
        </label>
        <label className="span-2">
          Host
          <input data-testid="connect-host" value={form.host} onChange={(e) => update('host', e.target.value)} spellCheck={false} />
          {field('host')}
        </label>
        <label className="span-1">
          Port
          <input data-testid="connect-port" value={form.port} inputMode="numeric" onChange={(e) => update('port', e.target.value)} />
          {field('port')}
        </label>
        {isWebSocket(form.protocol) && (
          <label className="span-2">
            Path
            <input data-testid="connect-path" value={form.path} onChange={(e) => update('path', e.target.value)} spellCheck={false} />
            {field('path')}
          </label>
        )}
        <label className="span-3">
          Client ID
          <span className="input-with-button">
            <input data-testid="connect-client-id" value={form.clientId} placeholder="generated if empty" onChange={(e) => update('clientId', e.target.value)} spellCheck={false} />
            <button type="button" data-testid="connect-generate-client-id" title="Generate a client id" onClick={() => update('clientId', generateClientId())}>
              ⟳
            </button>
          </span>
        </label>
        <label className="span-1">
          Keep alive
          <input data-testid="connect-keepalive" value={form.keepalive} inputMode="numeric" onChange={(e) => update('keepalive', e.target.value)} />
          {field('keepaliveSeconds')}
        </label>
        <label className="span-2">
          Username
          <input data-testid="connect-username" value={form.username} autoComplete="off" onChange={(e) => update('username', e.target.value)} />
        </label>
        <label className="span-2">
          Password
          <input data-testid="connect-password" type="password" value={form.password} autoComplete="off" onChange={(e) => update('password', e.target.value)} />
        </label>
        <label className="span-2">
          MQTT version
          <select data-testid="connect-version" value={form.protocolVersion} onChange={(e) => update('protocolVersion', Number(e.target.value) as 3 | 4 | 5)}>
            <option value={5}>5.0</option>
            <option value={4}>3.1.1</option>
            <option value={3}>3.1</option>
          </select>
        </label>
        <label className="span-2 checkbox">
          <input data-testid="connect-clean" type="checkbox" checked={form.clean} onChange={(e) => update('clean', e.target.checked)} />
          Clean start
        </label>
        {isTls(form.protocol) && <TlsFields form={form} update={update} />}
      </fieldset>
      <div className="form-actions">
        <span>
          <StatusBadge status={status} />
          <span className="muted">{attempts}</span>
        </span>
        <button type="submit" data-testid="connect-button" className={isIdle ? 'primary' : 'danger'} disabled={status === 'connecting'}>
          {isIdle ? 'Connect' : 'Disconnect'}
        </button>
      </div>
      {active && status === 'connected' && (
        <p className="connection-detail" data-testid="connection-detail">
          {active.url} · {active.clientId}
        </p>
      )}
      {shownError && (
        <p className="error-box" role="alert" data-testid="connection-error">
          <strong>{shownError.code}</strong> {shownError.message}
        </p>
      )}
    </form>
  );
}
