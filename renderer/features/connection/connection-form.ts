import { type ConnectionOptionsInput, connectionOptions } from '../../../shared/contract';

/** What the form edits: strings where the user types, so half-typed numbers are not lost. */
export interface ConnectionForm {
  protocol: 'mqtt' | 'ws';
  host: string;
  port: string;
  path: string;
  clientId: string;
  username: string;
  password: string;
  protocolVersion: 4 | 5;
  clean: boolean;
  keepalive: string;
}

export const DEFAULT_PORTS: Record<ConnectionForm['protocol'], string> = { mqtt: '1883', ws: '8083' };

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
};

export function generateClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `mqtt-workbench-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Switching protocol moves the port to the new default unless the user typed their own. */
export function withProtocol(form: ConnectionForm, protocol: ConnectionForm['protocol']): ConnectionForm {
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
