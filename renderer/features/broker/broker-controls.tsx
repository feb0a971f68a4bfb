import { type FormEvent, useState } from 'react';
import type { WorkbenchError } from '../../../shared/contract';
import { useBrokerStore } from '../../stores/broker-store';
import { useConnectionsStore } from '../../stores/connections-store';
import { useUiStore } from '../../stores/ui-store';
import { Field } from '../../ui/field';

/** A port typed into the form: '' is "none" when optional; otherwise 0-65535 (0 = any free port). */
function parsePort(text: string, optional: boolean): { port?: number; problem?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return optional ? {} : { problem: 'Port is required (0 = any free port)' };
  if (!/^\d+$/.test(trimmed)) return { problem: 'Port must be a number 0-65535' };
  const port = Number(trimmed);
  if (port > 65535) return { problem: 'Port must be 0-65535' };
  return { port };
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
          <button type="button" className="icon-button" data-testid="broker-user-remove" title="Remove this user" onClick={() => setForm({ users: users.filter((_, i) => i !== index) })}>
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

export function BrokerControls() {
  const form = useBrokerStore((s) => s.form);
  const setForm = useBrokerStore((s) => s.setForm);
  const status = useBrokerStore((s) => s.status);
  const busy = useBrokerStore((s) => s.busy);
  const error = useBrokerStore((s) => s.error);
  const start = useBrokerStore((s) => s.start);
  const stop = useBrokerStore((s) => s.stop);
  const [problems, setProblems] = useState<{ port?: string; wsPort?: string; users?: string }>({});

  const startWith = (portText: string) => {
    const port = parsePort(portText, false);
    const wsPort = parsePort(form.wsPort, true);
    const users = form.users.filter((u) => u.username !== '' || u.password !== '');
    const usersProblem = users.some((u) => u.username === '') ? 'Every user needs a name' : undefined;
    const next = { ...(port.problem ? { port: port.problem } : {}), ...(wsPort.problem ? { wsPort: wsPort.problem } : {}), ...(usersProblem ? { users: usersProblem } : {}) };
    setProblems(next);
    if (Object.keys(next).length > 0 || port.port === undefined) return;
    void start({ port: port.port, ...(wsPort.port !== undefined ? { wsPort: wsPort.port } : {}), users });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (status.running) void stop();
    else startWith(form.port);
  };
  const startOnAnyPort = () => {
    setForm({ port: '0' });
    startWith('0');
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
      <strong>{error.code === 'BROKER_START_FAILED' ? 'The broker could not start' : 'Broker request failed'}</strong>
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
  const onConnect = async () => {
    setConnecting(true);
    setConnectError(null);
    const user = status.authRequired ? users.find((u) => u.username) : undefined;
    const error = await connect({
      name: `Embedded broker :${tcpPort}`,
      protocol: 'mqtt',
      host: '127.0.0.1',
      port: tcpPort,
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
      {status.authRequired && <span className="muted">· login required</span>}
      {status.startedAt !== undefined && <span className="muted">· since {new Date(status.startedAt).toLocaleTimeString()}</span>}
      <button type="button" className="primary small" data-testid="broker-connect" disabled={connecting} onClick={() => void onConnect()}>
        {connecting ? 'Connecting…' : 'Connect to it'}
      </button>
      {connectError && (
        <span className="field-problem" data-testid="broker-connect-error">
          {connectError.message}
        </span>
      )}
    </div>
  );
}
