import { copyText } from '../../ui/clipboard';
import { formatMoment } from '../../ui/clock';
import { type ChangeEvent, type FormEvent, useEffect, useMemo, useState } from 'react';
import type { BrokerTlsInput, BrokerTlsStatus, WorkbenchError } from '../../../shared/contract';
import { type BrokerForm, useBrokerStore } from '../../stores/broker-store';
import { LIMIT_FIELDS, limitsFromForm } from '../../model/broker-limits';
import { useConnectionsStore } from '../../stores/connections-store';
import { useUiStore, useTimeFormat } from '../../stores/ui-store';
import { Check, Field } from '../../ui/field';

/** A port typed into the form: '' is "none" when optional; otherwise 0-65535 (0 = any free port). */
function parsePort(text: string, optional: boolean): { port?: number; problem?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? {} : { problem: 'Port is required (0 = any free port)' };
  if (!/^\d+$/.test(trimmed)) return { problem: 'Port must be a number 0-65535' };
  const port = Number(trimmed);
  if (port > 65535) return { problem: 'Port must be 0-65535' };
  return { port };
}

function LimitsEditor({ problem }: { problem: string | undefined }) {
  const form = useBrokerStore((s) => s.form);
  const setForm = useBrokerStore((s) => s.setForm);
  const running = useBrokerStore((s) => s.status.running);
  return (
    <fieldset className="broker-limits" disabled={running} data-testid="broker-limits">
      <legend>
        Limits <span className="muted">(mosquitto.conf names; empty = default)</span>
      </legend>
      {LIMIT_FIELDS.map(({ key, name, hint }) => (
        <Field key={key} label={name} testId={`broker-limit-${name}`} hint={hint}>
          <input
            data-testid={`broker-limit-${name}`}
            inputMode="numeric"
            placeholder="default"
            value={form.limits[key]}
            onChange={(e) => setForm({ limits: { ...form.limits, [key]: e.target.value } })}
          />
        </Field>
      ))}
      <Check label="retain_available" checked={form.retainAvailable} onChange={(retainAvailable) => setForm({ retainAvailable })} testId="broker-limit-retain_available" />
      {problem && (
        <p className="field-problem" data-testid="broker-limits-problem">
          {problem}
        </p>
      )}
    </fieldset>
  );
}

function UsersEditor() {
  const users = useBrokerStore((s) => s.form.users);
  const setForm = useBrokerStore((s) => s.setForm);
  const running = useBrokerStore((s) => s.status.running);
  const change = (index: number, field: 'username' | 'password', value: string) =>
    setForm({ users: users.map((user, i) => (i === index ? { ...user, [field]: value } : user)) });
  return (
    <fieldset className="broker-users" disabled={running} data-testid="broker-users">
      <legend>Users {users.length === 0 && <span className="muted">(none: anyone may connect)</span>}</legend>
      {users.map((user, index) => (
        <div className="broker-user" key={index} data-testid="broker-user">
          <input data-testid="broker-user-name" placeholder="user name" aria-label="User name" value={user.username} onChange={(e) => change(index, 'username', e.target.value)} />
          <input data-testid="broker-user-password" type="password" placeholder="password" aria-label="Password" value={user.password} onChange={(e) => change(index, 'password', e.target.value)} />
          <button type="button" className="icon-button" data-testid="broker-user-remove" title="Remove this user" aria-label="Remove this user" onClick={() => setForm({ users: users.filter((_, i) => i !== index) })}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="small" data-testid="broker-user-add" onClick={() => setForm({ users: [...users, { username: '', password: '' }] })}>
        + Add user
      </button>
    </fieldset>
  );
}

/** Reads a chosen PEM file into the form (it never leaves the page except in broker.start). */
function loadPem(event: ChangeEvent<HTMLInputElement>, apply: (text: string) => void): void {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (file) void file.text().then(apply);
}

function TlsEditor({ problems }: { problems: { tlsPort?: string | undefined; tls?: string | undefined } }) {
  const form = useBrokerStore((s) => s.form);
  const setForm = useBrokerStore((s) => s.setForm);
  const running = useBrokerStore((s) => s.status.running);
  return (
    <fieldset className="broker-tls" disabled={running} data-testid="broker-tls">
      <legend>
        <Check label="TLS listener (mqtts://)" checked={form.tlsEnabled} onChange={(tlsEnabled) => setForm({ tlsEnabled })} testId="broker-tls-enabled" />
      </legend>
      {form.tlsEnabled && (
        <>
          <Field label="TLS port" problem={problems.tlsPort} testId="broker-tls-port" hint="0 = any free port">
            <input data-testid="broker-tls-port" inputMode="numeric" value={form.tlsPort} aria-invalid={Boolean(problems.tlsPort)} onChange={(e) => setForm({ tlsPort: e.target.value })} />
          </Field>
          <div className="broker-tls-mode" role="radiogroup" aria-label="Certificate">
            <label className="checkbox">
              <input type="radio" name="broker-tls-mode" data-testid="broker-tls-generated" checked={form.tlsMode === 'generated'} onChange={() => setForm({ tlsMode: 'generated' })} />
              Generate a certificate for localhost, 127.0.0.1 and ::1
            </label>
            <label className="checkbox">
              <input type="radio" name="broker-tls-mode" data-testid="broker-tls-own" checked={form.tlsMode === 'pem'} onChange={() => setForm({ tlsMode: 'pem' })} />
              Use my certificate and key (PEM)
            </label>
          </div>
          {form.tlsMode === 'pem' && (
            <div className="broker-tls-pem">
              <PemInput label="Certificate (PEM, chain allowed)" testId="broker-tls-cert" value={form.tlsCert} placeholder="-----BEGIN CERTIFICATE-----" onChange={(tlsCert) => setForm({ tlsCert })} />
              <PemInput label="Private key (PEM, unencrypted)" testId="broker-tls-key" value={form.tlsKey} placeholder="-----BEGIN PRIVATE KEY-----" onChange={(tlsKey) => setForm({ tlsKey })} />
            </div>
          )}
          {problems.tls && (
            <p className="field-problem" data-testid="broker-tls-problem">
              {problems.tls}
            </p>
          )}
        </>
      )}
    </fieldset>
  );
}

function PemInput({ label, testId, value, placeholder, onChange }: { label: string; testId: string; value: string; placeholder: string; onChange(text: string): void }) {
  return (
    <label>
      {label}
      <textarea data-testid={testId} rows={3} spellCheck={false} placeholder={placeholder} value={value} onChange={(e) => onChange(e.target.value)} />
      <input type="file" data-testid={`${testId}-file`} accept=".pem,.crt,.cer,.key,text/plain" aria-label={`Load ${label} from a file`} onChange={(e) => loadPem(e, onChange)} />
    </label>
  );
}

/** The TLS part of broker.start from the form, or the problem that stops it. */
function tlsFromForm(form: BrokerForm): { tls?: BrokerTlsInput; problems: { tlsPort?: string; tls?: string } } {
  if (!form.tlsEnabled) return { problems: {} };
  const port = parsePort(form.tlsPort, false);
  if (port.problem || port.port === undefined) return { problems: { tlsPort: port.problem ?? 'Port is required' } };
  if (form.tlsMode === 'generated') return { tls: { port: port.port, certificate: { kind: 'generated' } }, problems: {} };
  if (form.tlsCert.trim() === '' || form.tlsKey.trim() === '') return { problems: { tls: 'Give both the certificate and its private key (paste them or load the files)' } };
  return { tls: { port: port.port, certificate: { kind: 'pem', cert: form.tlsCert, key: form.tlsKey } }, problems: {} };
}

export function BrokerControls() {
  useTimeFormat();
  const form = useBrokerStore((s) => s.form);
  const setForm = useBrokerStore((s) => s.setForm);
  const status = useBrokerStore((s) => s.status);
  const busy = useBrokerStore((s) => s.busy);
  const error = useBrokerStore((s) => s.error);
  const start = useBrokerStore((s) => s.start);
  const stop = useBrokerStore((s) => s.stop);
  const [problems, setProblems] = useState<{ port?: string; wsPort?: string; users?: string; tlsPort?: string; tls?: string; limits?: string }>({});

  const startWith = (portText: string, tlsPortText = form.tlsPort) => {
    const port = parsePort(portText, false);
    const wsPort = parsePort(form.wsPort, true);
    const users = form.users.filter((u) => u.username !== '' || u.password !== '');
    const usersProblem = users.some((u) => u.username === '') ? 'Every user needs a name' : undefined;
    const tls = tlsFromForm({ ...form, tlsPort: tlsPortText });
    const limits = limitsFromForm(form);
    const next = {
      ...(limits.problem ? { limits: limits.problem } : {}),
      ...(port.problem ? { port: port.problem } : {}),
      ...(wsPort.problem ? { wsPort: wsPort.problem } : {}),
      ...(usersProblem ? { users: usersProblem } : {}),
      ...tls.problems,
    };
    setProblems(next);
    if (Object.keys(next).length > 0 || port.port === undefined) return;
    void start({ port: port.port, ...(wsPort.port !== undefined ? { wsPort: wsPort.port } : {}), users, ...(tls.tls ? { tls: tls.tls } : {}), limits: limits.limits });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (status.running) void stop();
    else startWith(form.port);
  };
  const startOnAnyPort = () => {
    setForm({ port: '0', ...(form.tlsEnabled ? { tlsPort: '0' } : {}) });
    startWith('0', form.tlsEnabled ? '0' : form.tlsPort);
  };

  return (
    <form className="broker-controls" onSubmit={onSubmit} data-testid="broker-form">
      <div className="broker-ports">
        <Field label="TCP port" problem={problems.port} testId="broker-port" hint="0 = any free port">
          <input data-testid="broker-port" inputMode="numeric" value={form.port} disabled={status.running} aria-invalid={Boolean(problems.port)} onChange={(e) => setForm({ port: e.target.value })} />
        </Field>
        <Field label="WebSocket port" problem={problems.wsPort} testId="broker-ws-port" hint="empty = no WebSocket">
          <input data-testid="broker-ws-port" inputMode="numeric" placeholder="none" value={form.wsPort} disabled={status.running} aria-invalid={Boolean(problems.wsPort)} onChange={(e) => setForm({ wsPort: e.target.value })} />
        </Field>
        <button type="submit" className={status.running ? 'danger broker-toggle' : 'primary broker-toggle'} data-testid="broker-toggle" disabled={busy !== null}>
          {busy === 'starting' ? 'Starting…' : busy === 'stopping' ? 'Stopping…' : status.running ? 'Stop broker' : 'Start broker'}
        </button>
      </div>
      <UsersEditor />
      <TlsEditor problems={problems} />
      <LimitsEditor problem={problems.limits} />
      {problems.users && (
        <p className="field-problem" data-testid="broker-users-problem">
          {problems.users}
        </p>
      )}
      {error && <BrokerError error={error} onPickAny={startOnAnyPort} />}
    </form>
  );
}

function BrokerError({ error, onPickAny }: { error: WorkbenchError; onPickAny(): void }) {
  return (
    <div className="error-box" role="alert" data-testid="broker-error" data-code={error.code}>
      <strong>
        {error.code === 'BROKER_START_FAILED' ? 'The broker could not start' : error.code === 'TLS_ERROR' ? 'The TLS certificate or key cannot be used' : 'Broker request failed'}
      </strong>
      <span data-testid="broker-error-message">{error.message}</span>
      {error.code === 'BROKER_START_FAILED' && (
        <span>
          Pick another port above, or{' '}
          <button type="button" className="link-button" data-testid="broker-use-any-port" onClick={onPickAny}>
            start on any free port (0)
          </button>
          .
        </span>
      )}
    </div>
  );
}

/** Where the broker listens, and a one-click client connection to it. */
export function BrokerStatusLine() {
  const status = useBrokerStore((s) => s.status);
  const users = useBrokerStore((s) => s.form.users);
  const connect = useConnectionsStore((s) => s.connect);
  const setView = useUiStore((s) => s.setView);
  const [connectError, setConnectError] = useState<WorkbenchError | null>(null);
  const [connecting, setConnecting] = useState(false);

  if (!status.running || status.tcpPort === undefined) {
    return (
      <p className="broker-status muted" data-testid="broker-status" data-running="false">
        Stopped. Start it to get an MQTT broker on this machine for testing (bound to 127.0.0.1).
      </p>
    );
  }
  const host = status.host ?? '127.0.0.1';
  const tcpPort = status.tcpPort;
  const tls = status.tls;
  const onConnect = async (overTls: boolean) => {
    setConnecting(true);
    setConnectError(null);
    const user = status.authRequired ? users.find((u) => u.username) : undefined;
    const error = await connect({
      ...(overTls && tls
        ? {
            name: `Embedded broker :${tls.port} (TLS)`,
            protocol: 'mqtts' as const,
            port: tls.port,
            // trusts exactly the certificate the broker showed, with full verification
            tls: { ca: [new TextEncoder().encode(tls.caPem)], rejectUnauthorized: true },
          }
        : { name: `Embedded broker :${tcpPort}`, protocol: 'mqtt' as const, port: tcpPort }),
      host: '127.0.0.1',
      protocolVersion: 5,
      ...(user ? { username: user.username, password: user.password } : {}),
    });
    setConnecting(false);
    if (error) setConnectError(error);
    else setView('workbench');
  };
  return (
    <div className="broker-status" data-testid="broker-status" data-running="true" data-port={tcpPort}>
      <span className="status-dot status-connected" aria-hidden="true" />
      <span>Listening on</span>
      <code data-testid="broker-address-tcp">
        mqtt://{host}:{tcpPort}
      </code>
      {status.wsPort !== undefined && (
        <code data-testid="broker-address-ws">
          ws://{host}:{status.wsPort}
        </code>
      )}
      {tls && (
        <code data-testid="broker-address-tls">
          mqtts://{host}:{tls.port}
        </code>
      )}
      {status.authRequired && <span className="muted">· login required</span>}
      {status.startedAt !== undefined && <span className="muted" data-testid="broker-since">· since {formatMoment(status.startedAt)}</span>}
      <button type="button" className="primary small" data-testid="broker-connect" disabled={connecting} onClick={() => void onConnect(false)}>
        {connecting ? 'Connecting…' : 'Connect to it'}
      </button>
      {tls && (
        <button type="button" className="small" data-testid="broker-connect-tls" disabled={connecting} onClick={() => void onConnect(true)}>
          Connect over TLS
        </button>
      )}
      {connectError && (
        <span className="field-problem" data-testid="broker-connect-error">
          {connectError.message}
        </span>
      )}
      {tls && <TlsCertificate tls={tls} />}
    </div>
  );
}

/** What clients must trust to reach the TLS listener: copy it, download it, or read it. */
function TlsCertificate({ tls }: { tls: BrokerTlsStatus }) {
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const url = useMemo(() => URL.createObjectURL(new Blob([tls.caPem], { type: 'application/x-pem-file' })), [tls.caPem]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const copy = () => {
    void copyText(tls.caPem).then((ok) => setCopied(ok ? 'copied' : 'failed'));
  };
  const what = tls.generated ? 'CA certificate' : 'Certificate';
  return (
    <div className="broker-tls-certificate" data-testid="broker-tls-certificate" data-generated={tls.generated}>
      <span>
        {tls.generated ? 'Clients trust this generated local CA' : 'Clients trust your certificate'} (server certificate for {tls.hosts.join(', ') || tls.subject}, valid until{' '}
        {tls.validTo}):
      </span>
      <code className="broker-tls-fingerprint" data-testid="broker-tls-fingerprint" title="SHA-256 fingerprint of the server certificate">
        {tls.fingerprint}
      </code>
      <span className="broker-tls-actions">
        <button type="button" className="small" data-testid="broker-tls-copy" onClick={copy}>
          Copy {what}
        </button>
        <a className="link-button" data-testid="broker-tls-download" href={url} download={tls.generated ? 'mqtt-workbench-ca.pem' : 'broker-certificate.pem'}>
          Download {what}
        </a>
        {copied && (
          <span className="muted" data-testid="broker-tls-copied">
            {copied === 'copied' ? 'Copied' : 'Copying was refused: select the text below'}
          </span>
        )}
      </span>
      <details>
        <summary>Show the PEM</summary>
        <pre data-testid="broker-tls-ca">{tls.caPem}</pre>
      </details>
    </div>
  );
}
