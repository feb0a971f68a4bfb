/**
 * The light half of a command's connection (issue 19): the connection options from the flags (as
 * mosquitto_pub/sub and MQTTX CLI spell them) and one connection made by the app's own engine. A
 * saved profile (the profile store, its secrets) and the codec rules are loaded only when a command
 * asks for them (cli-profile.ts): a plain `pub -h host -t a -m x` loads neither.
 */
import { type ConnectionOptions, type ConnectionOptionsInput, type MqttMessage, type MqttVersion, type SavedSubscription, connectionOptions } from '../../shared/contract';
import { readFileSync } from 'node:fs';
import { CheckConnectError, type CheckSession, openCheckSession } from '../core/checks/check-session';
import { CliFailure, type ConnectionFlags, EXIT, dataDirOf, integerFlag } from './cli-flags';

const VERSIONS: Record<string, MqttVersion | 'auto'> = { '5': 5, '311': 4, '31': 3, auto: 'auto' };

function readFlagFile(path: string, flag: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliFailure(`${flag} ${path}: ${(error as Error).message}`, EXIT.usage);
  }
}

/** The connection options from the flags, on top of a saved profile's (`base`) when one was named. */
export function connectionFromFlags(flags: ConnectionFlags, base: ConnectionOptions | undefined, overrides: Partial<ConnectionOptionsInput> = {}): ConnectionOptions {
  const tlsGiven = Boolean(flags.cafile || flags.cert || flags.key || flags.insecure);
  const protocol = (flags.protocol ?? base?.protocol ?? (tlsGiven ? 'mqtts' : 'mqtt')) as ConnectionOptions['protocol'];
  const secure = protocol === 'mqtts' || protocol === 'wss';
  const defaultPort = { mqtt: 1883, mqtts: 8883, ws: 8083, wss: 8084 }[protocol];
  const input: ConnectionOptionsInput = {
    ...(base ?? {}),
    protocol,
    host: flags.host ?? base?.host ?? '127.0.0.1',
    port: integerFlag(flags.port, '--port', 1, 65535) ?? base?.port ?? defaultPort,
    protocolVersion: flags.protocolVersion ? VERSIONS[flags.protocolVersion]! : (base?.protocolVersion ?? 5),
    // A command line does its own retrying: one attempt, then an exit code.
    reconnect: { enabled: false, initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 0 },
    ...overrides,
  };
  if (flags.username !== undefined) input.username = flags.username;
  if (flags.password !== undefined) input.password = flags.password;
  if (flags.clientId !== undefined) input.clientId = flags.clientId;
  const keepalive = integerFlag(flags.keepalive, '--keepalive', 0, 65535);
  if (keepalive !== undefined) input.keepaliveSeconds = keepalive;
  const timeout = integerFlag(flags.connectTimeout, '--connect-timeout', 100, 300_000);
  if (timeout !== undefined) input.connectTimeoutMs = timeout;
  if (secure && tlsGiven) {
    input.tls = {
      ...(base?.tls ?? {}),
      ...(flags.cafile ? { ca: [readFlagFile(flags.cafile, '--cafile')] } : {}),
      ...(flags.cert ? { cert: readFlagFile(flags.cert, '--cert') } : {}),
      ...(flags.key ? { key: readFlagFile(flags.key, '--key') } : {}),
      rejectUnauthorized: !flags.insecure,
    };
  }
  const parsed = connectionOptions.safeParse(input);
  if (!parsed.success) {
    throw new CliFailure(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; '), EXIT.usage);
  }
  return parsed.data;
}

/**
 * The connection options from a profile (if named: only then is the profile store loaded) with the
 * flags given on top, and the profile's saved subscriptions. No codec rules: cli-connection.ts's
 * resolveConnection has them, for the commands that decode what they receive.
 */
export async function resolveConnectionOptions(flags: ConnectionFlags, overrides: Partial<ConnectionOptionsInput> = {}): Promise<{ options: ConnectionOptions; subscriptions: SavedSubscription[] }> {
  const profile = flags.profile ? (await import('./cli-profile')).loadProfile(flags.profile, dataDirOf(flags)) : undefined;
  return { options: connectionFromFlags(flags, profile?.options, overrides), subscriptions: profile?.subscriptions ?? [] };
}

export type CliSession = CheckSession;

/** Connects with the engine (core/checks/check-session.ts); a failure is exit code 3. */
export async function openSession(options: ConnectionOptions, onMessage?: (message: MqttMessage) => void): Promise<CliSession> {
  try {
    return await openCheckSession(options, onMessage);
  } catch (error) {
    if (error instanceof CheckConnectError) throw new CliFailure(error.message, EXIT.noConnection);
    throw error;
  }
}
