import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AuthHooks } from '../auth';
import type { BrokerOptions } from '../options';
import { aclHooks, parseAclFile } from './acl';
import { ConfigError } from './config-error';
import { parsePasswordFile, passwordChecker } from './password-file';

/**
 * A mosquitto-style configuration file (`npm run broker -- --config FILE`): the subset of mosquitto.conf
 * this broker implements, read line by line. An unknown or unsupported line is an error naming the
 * file, the line and the key: a setting is never silently ignored. The same keys are command-line
 * flags (`--max-keepalive 60` = `max_keepalive 60`, see cli.ts), through `applySetting`.
 */

export interface ListenerSetting {
  /** 0 = a free port (mosquitto would read a Unix socket there: not supported). */
  port: number;
  /** Bind address; absent = all interfaces, as mosquitto. */
  host: string | undefined;
  protocol: 'mqtt' | 'websockets';
}

export interface BrokerSettings {
  listeners: ListenerSetting[];
  allowAnonymous?: boolean;
  passwordFile?: string;
  aclFile?: string;
  maxKeepalive?: number;
  maxInflightMessages?: number;
  maxQueuedMessages?: number;
  maxPacketSize?: number;
  messageSizeLimit?: number;
  retainAvailable?: boolean;
  persistence?: boolean;
  persistenceLocation?: string;
  sysInterval?: number;
}

/** Where a setting came from, for errors; relative paths are resolved against `baseDir`. */
export interface SettingSource {
  file: string;
  line: number | undefined;
  baseDir: string;
}

const MQTT_MAX_PACKET = 268_435_455 + 5;

function integer(key: string, value: string, at: SettingSource, min: number, max: number, note = ''): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new ConfigError(at.file, at.line, key, `"${value}" is not a whole number from ${min} to ${max}${note}`);
  return n;
}

function boolean(key: string, value: string, at: SettingSource): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(at.file, at.line, key, `"${value}" must be true or false`);
}

function path(key: string, value: string, at: SettingSource): string {
  if (value === '') throw new ConfigError(at.file, at.line, key, 'needs a path');
  return resolve(at.baseDir, value);
}

const SETTERS: Record<string, (settings: BrokerSettings, value: string, at: SettingSource) => void> = {
  listener(settings, value, at) {
    const [portText = '', host, extra] = value.split(/\s+/);
    if (extra !== undefined) throw new ConfigError(at.file, at.line, 'listener', 'expected "listener PORT [ADDRESS]"');
    settings.listeners.push({ port: integer('listener', portText, at, 0, 65535, ' (0 = a free port; Unix sockets are not supported)'), host, protocol: 'mqtt' });
  },
  protocol(settings, value, at) {
    const last = settings.listeners.at(-1);
    if (!last) throw new ConfigError(at.file, at.line, 'protocol', 'needs a listener line before it');
    if (value !== 'mqtt' && value !== 'websockets') throw new ConfigError(at.file, at.line, 'protocol', `"${value}" must be mqtt or websockets`);
    last.protocol = value;
  },
  per_listener_settings(_settings, value, at) {
    // false is what this broker does (one set of settings for every listener); true is not supported
    if (boolean('per_listener_settings', value, at)) throw new ConfigError(at.file, at.line, 'per_listener_settings', 'true is not supported: settings apply to every listener');
  },
  allow_anonymous: (s, v, at) => void (s.allowAnonymous = boolean('allow_anonymous', v, at)),
  password_file: (s, v, at) => void (s.passwordFile = path('password_file', v, at)),
  acl_file: (s, v, at) => void (s.aclFile = path('acl_file', v, at)),
  max_keepalive: (s, v, at) => void (s.maxKeepalive = integer('max_keepalive', v, at, 0, 65535)),
  max_inflight_messages: (s, v, at) => void (s.maxInflightMessages = integer('max_inflight_messages', v, at, 0, 65535, ' (0 = no limit)')),
  max_queued_messages: (s, v, at) => void (s.maxQueuedMessages = integer('max_queued_messages', v, at, 1, 10_000_000, ' (0, no limit, is not supported: memory stays bounded)')),
  max_packet_size: (s, v, at) => {
    const n = integer('max_packet_size', v, at, 0, MQTT_MAX_PACKET, ' (0 = the MQTT maximum)');
    if (n > 0 && n < 20) throw new ConfigError(at.file, at.line, 'max_packet_size', `${n} is too small for a CONNECT: 0 or at least 20`);
    s.maxPacketSize = n;
  },
  message_size_limit: (s, v, at) => void (s.messageSizeLimit = integer('message_size_limit', v, at, 0, 268_435_455, ' (0 = no limit)')),
  retain_available: (s, v, at) => void (s.retainAvailable = boolean('retain_available', v, at)),
  persistence: (s, v, at) => void (s.persistence = boolean('persistence', v, at)),
  persistence_location: (s, v, at) => void (s.persistenceLocation = path('persistence_location', v, at)),
  sys_interval: (s, v, at) => void (s.sysInterval = integer('sys_interval', v, at, 0, 65535, ' (0 = no $SYS tree)')),
};

export const SETTING_KEYS = Object.keys(SETTERS);

export function emptySettings(): BrokerSettings {
  return { listeners: [] };
}

/** Applies one `key value` (from a file line or a flag). Throws ConfigError naming where. */
export function applySetting(settings: BrokerSettings, key: string, value: string, at: SettingSource): void {
  const setter = Object.hasOwn(SETTERS, key) ? SETTERS[key] : undefined;
  if (!setter) throw new ConfigError(at.file, at.line, key, `unknown or unsupported option (this broker reads: ${SETTING_KEYS.join(', ')})`);
  setter(settings, value, at);
}

/** Parses a configuration text; `file` names it in errors, relative paths are resolved against its folder. */
export function parseMosquittoConfig(text: string, file: string, settings: BrokerSettings = emptySettings()): BrokerSettings {
  const baseDir = dirname(resolve(file));
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const space = line.search(/\s/);
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? '' : line.slice(space).trim();
    applySetting(settings, key, value, { file, line: i + 1, baseDir });
  }
  return settings;
}

export function readMosquittoConfig(file: string): BrokerSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, undefined, undefined, `cannot be read: ${(error as Error).message}`);
  }
  return parseMosquittoConfig(text, file);
}

function readSideFile(file: string, key: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, undefined, key, `cannot be read: ${(error as Error).message}`);
  }
}

export interface ResolvedSettings {
  /** Broker options; `auth` only when a password file, an ACL or allow_anonymous false asks for it. */
  options: BrokerOptions;
  /** Things the user should know at start (printed on stderr by the headless command). */
  warnings: string[];
}

/**
 * Turns settings into broker options, reading the password and ACL files. allow_anonymous defaults
 * as in mosquitto 2: false once listeners or a password file are configured, true otherwise.
 */
export function brokerOptionsFrom(settings: BrokerSettings): ResolvedSettings {
  const options: BrokerOptions = {};
  const warnings: string[] = [];
  if (settings.maxKeepalive !== undefined) options.maxKeepAlive = settings.maxKeepalive;
  if (settings.sysInterval !== undefined) options.sysInterval = settings.sysInterval;
  if (settings.maxInflightMessages !== undefined) {
    // mosquitto: outgoing QoS 1/2 in flight per client, and for v5 clients the Receive Maximum it announces
    const n = settings.maxInflightMessages || 65535;
    options.maxInflight = n;
    options.receiveMaximum = n;
  }
  if (settings.maxQueuedMessages !== undefined) options.maxQueuedMessages = settings.maxQueuedMessages;
  if (settings.maxPacketSize !== undefined) options.maxPacketSize = settings.maxPacketSize || MQTT_MAX_PACKET;
  if (settings.messageSizeLimit !== undefined) options.maxPayloadSize = settings.messageSizeLimit;
  if (settings.retainAvailable !== undefined) options.retainAvailable = settings.retainAvailable;
  if (settings.persistenceLocation !== undefined) {
    let isDirectory = false;
    try {
      isDirectory = statSync(settings.persistenceLocation).isDirectory();
    } catch {
      throw new ConfigError(settings.persistenceLocation, undefined, 'persistence_location', 'does not exist');
    }
    if (!isDirectory) throw new ConfigError(settings.persistenceLocation, undefined, 'persistence_location', 'is not a folder');
  }
  // as mosquitto: persistence_location defaults to the working folder
  if (settings.persistence) options.persistenceDir = settings.persistenceLocation ?? process.cwd();

  const allowAnonymous = settings.allowAnonymous ?? !(settings.listeners.length > 0 || settings.passwordFile !== undefined);
  const checkPassword = settings.passwordFile !== undefined ? passwordChecker(parsePasswordFile(readSideFile(settings.passwordFile, 'password_file'), settings.passwordFile)) : undefined;
  const acl = settings.aclFile !== undefined ? aclHooks(parseAclFile(readSideFile(settings.aclFile, 'acl_file'), settings.aclFile)) : undefined;
  if (!allowAnonymous && !checkPassword) warnings.push('allow_anonymous is false and there is no password_file: no client can connect');

  if (checkPassword || acl || !allowAnonymous) {
    const auth: AuthHooks = {
      authenticate({ username, password }) {
        // anonymous = no user name (a v5 password alone does not make a user)
        if (username === undefined) return allowAnonymous ? { ok: true } : { ok: false, reason: 'not-authorized' };
        if (!checkPassword) return allowAnonymous ? { ok: true } : { ok: false, reason: 'not-authorized' };
        return checkPassword(username, password) ? { ok: true } : { ok: false, reason: 'bad-credentials' };
      },
      ...(acl ?? {}),
    };
    options.auth = auth;
  }
  return { options, warnings };
}
