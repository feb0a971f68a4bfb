import { createHash } from 'node:crypto';
import type { ConnectionOptions } from '../../../shared/contract';

/**
 * Which connection a message belongs to, stable across runs of the app. The engine's ids (c1, c2,
 * ...) restart with every launch, so they cannot tell today's c1 from yesterday's; history is kept
 * under this key instead, and shown under the label.
 */
export interface ConnectionIdentity {
  /** `profile:<id>` or `endpoint:<hash>`; never a run id, so it cannot meet a migrated `c1`. */
  key: string;
  /** What a user calls it: the profile's name, or the connection's name / host:port. */
  label: string;
}

/**
 * A saved profile is the connection, as in MQTTX: its history stays its own when the profile is
 * renamed or pointed at another port, and a duplicate starts a history of its own.
 */
export function profileIdentity(profileId: string, name: string): ConnectionIdentity {
  return { key: `profile:${profileId}`, label: name };
}

/**
 * A connection typed in (no profile) is known by what identifies the endpoint and the session on it:
 * - protocol, host (case-insensitive, as DNS is) and port: the listener;
 * - the WebSocket path, for ws/wss only (TCP ignores it, and the form always fills one in);
 * - the user name: another account on the same broker may see other topics (ACLs);
 * - the client id when the user chose one: it names the session the broker keeps. An empty one is
 *   replaced by a random id per connect, so it must not count, or every connect would start anew.
 * Not the password (a secret; changing it does not change whose messages they are), the MQTT
 * version or TLS and CONNECT details. Hashed: the user name and client id may be long, and the
 * key is stored with every topic.
 */
export function endpointIdentity(options: ConnectionOptions): ConnectionIdentity {
  const isWebSocket = options.protocol === 'ws' || options.protocol === 'wss';
  const parts = [
    options.protocol,
    options.host.toLowerCase(),
    String(options.port),
    isWebSocket ? options.path : '',
    options.username ?? '',
    options.clientId,
  ];
  // JSON keeps the parts apart whatever characters they hold.
  const hash = createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24);
  return { key: `endpoint:${hash}`, label: options.name || endpointLabel(options, isWebSocket) };
}

/**
 * An unnamed connection's label names what its key is made of, so two typed-in connections to the
 * same broker (another user, another client id) read differently in History's filter: plain
 * `host:port` for the common case, with the scheme, `user@`, the WebSocket path and ` · client id`
 * added only when they are there.
 */
function endpointLabel(options: ConnectionOptions, isWebSocket: boolean): string {
  const scheme = options.protocol === 'mqtt' ? '' : `${options.protocol}://`;
  const user = options.username ? `${options.username}@` : '';
  const path = isWebSocket ? options.path : '';
  const clientId = options.clientId ? ` · ${options.clientId}` : '';
  return `${scheme}${user}${options.host}:${options.port}${path}${clientId}`;
}
