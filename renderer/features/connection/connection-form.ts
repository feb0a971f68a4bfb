import { type ConnectionOptionsInput, connectionOptions } from '../../../shared/contract';

/** What the form edits: strings where the user types, so half-typed numbers are not lost. */
export type Protocol = 'mqtt' | 'mqtts' | 'ws' | 'wss';

export interface ConnectionForm {
  protocol: Protocol;
  host: string;
  port: string;
  path: string;
  clientId: string;
  username: string;
  password: string;
  protocolVersion: 3 | 4 | 5;
  clean: boolean;
  keepalive: string;
  /** TLS only: check the broker's certificate chain and host name. */
  verifyCertificate: boolean;
  /** TLS only: a CA certificate file (PEM or DER) to trust, as read from disk. */
  ca: { name: string; bytes: Uint8Array } | null;
}

/** Ports brokers conventionally use (IANA for 1883/8883; 8083/8084 are common WebSocket choices). */
export const DEFAULT_PORTS: Record<Protocol, string> = { mqtt: '1883', mqtts: '8883', ws: '8083', wss: '8084' };

export const isTls = (protocol: Protocol) => protocol === 'mqtts' || protocol === 'wss';
export const isWebSocket = (protocol: Protocol) => protocol === 'ws' || protocol === 'wss';

export const INITIAL_FORM: ConnectionForm = {
  protocol: 'mqtt',
  host: '127.0.0.1',
  port: DEFAULT_PORTS.mqtt,
  path: '/mqtt',
  clientId: '',
  username: '',
  password: '',
  protocolVersion: 5,
  clean: true,
  keepalive: '60',
  verifyCertificate: true,
  ca: null,
};

export function generateClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `mqtt-workbench-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Switching protocol moves the port to the new default unless the user typed their own. */
export function withProtocol(form: ConnectionForm, protocol: Protocol): ConnectionForm {
  const port = form.port === DEFAULT_PORTS[form.protocol] ? DEFAULT_PORTS[protocol] : form.port;
  return { ...form, protocol, port };
}

export type FormCheck = { ok: true; options: ConnectionOptionsInput } | { ok: false; problems: Record<string, string> };

/** Checks the form against the contract's own schema, so the UI and the host agree on what is valid. */
export function checkForm(form: ConnectionForm): FormCheck {
  const toNumber = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const options: ConnectionOptionsInput = {
    protocol: form.protocol,
    host: form.host.trim(),
    port: toNumber(form.port),
    path: form.path,
    clientId: form.clientId.trim(),
    protocolVersion: form.protocolVersion,
    clean: form.clean,
    keepaliveSeconds: toNumber(form.keepalive),
    ...(form.username ? { username: form.username } : {}),
    ...(form.password ? { password: form.password } : {}),
    ...(isTls(form.protocol)
      ? { tls: { rejectUnauthorized: form.verifyCertificate, ...(form.ca ? { ca: [form.ca.bytes] } : {}) } }
      : {}),
  };
  const parsed = connectionOptions.safeParse(options);
  if (parsed.success) return { ok: true, options };
  const problems: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    problems[field] ??= issue.message.startsWith('Invalid input') ? 'Enter a number' : issue.message;
  }
  return { ok: false, problems };
}
