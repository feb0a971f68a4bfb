/**
 * What every `mqtt-workbench` command that talks to a broker shares: the connection flags (as
 * mosquitto_pub/sub and MQTTX CLI spell them), a saved profile by name with its secrets from the
 * data folder, and one connection made by the app's own engine (engine/connection-manager.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { type ConnectionOptions, type ConnectionOptionsInput, type MqttMessage, type MqttVersion, type SavedSubscription, type UserProperties, connectionOptions } from '../../shared/contract';
import type { CodecEngine } from '../core/codecs/compile-rules';
import { compileCodecRules } from '../core/codecs/compile-rules';
import { loadCodecSettingsFile } from '../core/codecs/codec-settings-file';
import { CheckConnectError, type CheckSession, openCheckSession } from '../core/checks/check-session';
import { createProfileStore } from '../core/profiles/profile-store';
import { createKeyFileCipher } from '../core/secrets/key-file-cipher';
import { defaultDataDir } from './data-dir';

/** Exit codes, the same for every command (and in README, "Other commands"). */
export const EXIT = { ok: 0, failed: 1, usage: 2, noConnection: 3 } as const;
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure: a check or test failed, a publish was refused, or -W/-C ended without the messages asked for
  2  usage error (unknown flag, bad value)
  3  could not connect (refused, unreachable, timed out, bad credentials)`;

/** A failure with the exit code it ends the command with. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface ConnectionFlags {
  host?: string;
  port?: string;
  protocol?: string;
  protocolVersion?: string;
  username?: string;
  password?: string;
  clientId?: string;
  keepalive?: string;
  connectTimeout?: string;
  profile?: string;
  dataDir?: string;
  cafile?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

/** Adds the connection flags to a command. No defaults in commander: a flag given overrides the profile. */
export function addConnectionFlags(command: Command): Command {
  return command
    .option('-h, --host <host>', 'broker host (default 127.0.0.1, or the profile\'s)')
    .option('-p, --port <port>', 'broker port (default 1883, 8883 with TLS)')
    .addOption(new Option('--protocol <protocol>', 'transport (default mqtt; mqtts when a TLS flag is given)').choices(['mqtt', 'mqtts', 'ws', 'wss']))
    .addOption(new Option('-V, --protocol-version <version>', 'MQTT version (default 5)').choices(['5', '311', '31', 'auto']))
    .option('-u, --username <name>', 'user name')
    .option('-P, --password <password>', 'password')
    .option('-i, --client-id <id>', 'client id (default mqtt-workbench-<random>)')
    .option('-k, --keepalive <seconds>', 'keep alive in seconds (default 60)')
    .option('--connect-timeout <ms>', 'how long to wait for CONNACK (default 10000)')
    .option('--profile <name>', 'a saved profile of the app (its name or id), with its stored secrets')
    .option('--data-dir <path>', 'the app\'s data folder for --profile and codec rules (default: WORKBENCH_DATA_DIR or the OS data folder)')
    .option('--cafile <file>', 'trusted CA certificate (PEM)')
    .option('--cert <file>', 'client certificate (PEM)')
    .option('--key <file>', 'client private key (PEM)')
    .option('--insecure', 'do not verify the broker\'s certificate (testing only)');
}

const VERSIONS: Record<string, MqttVersion | 'auto'> = { '5': 5, '311': 4, '31': 3, auto: 'auto' };

export function integerFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new CliFailure(`${name} must be an integer from ${min} to ${max} (got ${value})`, EXIT.usage);
  return number;
}

function readFlagFile(path: string, flag: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliFailure(`${flag} ${path}: ${(error as Error).message}`, EXIT.usage);
  }
}

export function dataDirOf(flags: { dataDir?: string }): string {
  return flags.dataDir ?? process.env.WORKBENCH_DATA_DIR ?? defaultDataDir();
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

/** Collects a repeated flag (`-t a -t b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `k=v` pairs as an ordered list (order matters [MQTT-3.3.2-18]). */
export function parseUserProperties(pairs: string[] | undefined): UserProperties | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliFailure(`--user-property expects key=value (got ${pair})`, EXIT.usage);
    return { key: pair.slice(0, at), value: pair.slice(at + 1) };
  });
}
