/**
 * What every `mqtt-workbench` command that talks to a broker shares: the connection flags (as
 * mosquitto_pub/sub and MQTTX CLI spell them), a saved profile by name with its secrets from the
 * data folder, and one connection made by the app's own engine (engine/connection-manager.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ConnectionOptions, type ConnectionOptionsInput, type MqttMessage, type MqttVersion, type SavedSubscription, connectionOptions } from '../../shared/contract';
import type { CodecEngine } from '../core/codecs/compile-rules';
import { compileCodecRules } from '../core/codecs/compile-rules';
import { loadCodecSettingsFile } from '../core/codecs/codec-settings-file';
import { CheckConnectError, type CheckSession, openCheckSession } from '../core/checks/check-session';
import { createProfileStore } from '../core/profiles/profile-store';
import { createKeyFileCipher } from '../core/secrets/key-file-cipher';
import { CliFailure, type ConnectionFlags, EXIT, dataDirOf, integerFlag } from './cli-flags';

const VERSIONS: Record<string, MqttVersion | 'auto'> = { '5': 5, '311': 4, '31': 3, auto: 'auto' };

function readFlagFile(path: string, flag: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliFailure(`${flag} ${path}: ${(error as Error).message}`, EXIT.usage);
  }
}

/** A saved profile's options (secrets decrypted with the data folder's key file) and codec settings. */
function loadProfile(name: string, dataDir: string): { options: ConnectionOptions; codecs: CodecEngine; subscriptions: SavedSubscription[] } {
  if (!existsSync(join(dataDir, 'profiles.db'))) throw new CliFailure(`No saved profiles in ${dataDir} (--data-dir or WORKBENCH_DATA_DIR names another folder)`, EXIT.usage);
  const store = createProfileStore(join(dataDir, 'profiles.db'), createKeyFileCipher(join(dataDir, 'secrets.key')));
  try {
    const profiles = store.list();
    const profile = profiles.find((p) => p.id === name) ?? profiles.find((p) => p.name === name) ?? profiles.find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (!profile) {
      throw new CliFailure(`No profile named "${name}" in ${dataDir}; saved: ${profiles.map((p) => p.name).join(', ') || 'none'}`, EXIT.usage);
    }
    let options: ConnectionOptions;
    try {
      options = store.optionsForConnect(profile.id);
    } catch (error) {
      // The desktop app encrypts with the OS keychain, which this command cannot open.
      throw new CliFailure(`The secrets of "${profile.name}" could not be read here (${(error as Error).message})`, EXIT.usage);
    }
    const codecs = compileCodecRules({ profile: store.codecsOf(profile.id), global: loadCodecSettingsFile(join(dataDir, 'codecs.json')) });
    return { options, codecs, subscriptions: profile.subscriptions };
  } finally {
    store.close();
  }
}

export interface ResolvedConnection {
  options: ConnectionOptions;
  /** The codec rules that read received payloads: the profile's and the global ones. */
  codecs: CodecEngine;
  /** The profile's saved subscriptions (none without a profile). */
  subscriptions: SavedSubscription[];
}

/** The connection options from a profile (if named) with the flags given on top. */
export function resolveConnection(flags: ConnectionFlags, overrides: Partial<ConnectionOptionsInput> = {}): ResolvedConnection {
  const dataDir = dataDirOf(flags);
  const base = flags.profile ? loadProfile(flags.profile, dataDir) : undefined;
  const codecs = base?.codecs ?? compileCodecRules({ global: loadCodecSettingsFile(join(dataDir, 'codecs.json')) });
  const tlsGiven = Boolean(flags.cafile || flags.cert || flags.key || flags.insecure);
  const protocol = (flags.protocol ?? base?.options.protocol ?? (tlsGiven ? 'mqtts' : 'mqtt')) as ConnectionOptions['protocol'];
  const secure = protocol === 'mqtts' || protocol === 'wss';
  const defaultPort = { mqtt: 1883, mqtts: 8883, ws: 8083, wss: 8084 }[protocol];
  const input: ConnectionOptionsInput = {
    ...(base?.options ?? {}),
    protocol,
    host: flags.host ?? base?.options.host ?? '127.0.0.1',
    port: integerFlag(flags.port, '--port', 1, 65535) ?? base?.options.port ?? defaultPort,
    protocolVersion: flags.protocolVersion ? VERSIONS[flags.protocolVersion]! : (base?.options.protocolVersion ?? 5),
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
      ...(base?.options.tls ?? {}),
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
  return { options: parsed.data, codecs, subscriptions: base?.subscriptions ?? [] };
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

// The light half, for the commands that import both from here (record).
export { CliFailure, EXIT, EXIT_CODES_HELP, type ConnectionFlags, addConnectionFlags, collect, dataDirOf, integerFlag, parseUserProperties } from './cli-flags';
