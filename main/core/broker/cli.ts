import { readFileSync, writeFileSync } from 'node:fs';
import { ConfigError } from './config/config-error';
import { applySetting, type BrokerSettings, brokerOptionsFrom, emptySettings, type ListenerSetting, readMosquittoConfig } from './config/mosquitto-config';
import type { Broker } from './create-broker';
import { answerStatsOverIpc, collectAfterConnectStorms, tuneHeadlessHeap } from './headless-process';
import { ListenError, type ListenerSpec, type ServedBroker, serveBroker } from './serve';
import { generateCertificate, tlsPairProblem } from './tls-certificate';

export interface BrokerCliOptions {
  host: string;
  port: number;
  wsPort: number | undefined;
  /** An mqtts:// listener: with --tls-cert/--tls-key, else a certificate generated for this host. */
  tlsPort: number | undefined;
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** Where a generated certificate's CA is written, for clients to trust (--cafile). */
  tlsCaOut: string | undefined;
  /** A mosquitto-style configuration file (config/mosquitto-config.ts). */
  config: string | undefined;
  /** mosquitto settings given as flags (`--max-keepalive 60` = `max_keepalive 60`), applied over the file's. */
  settings: Array<{ flag: string; key: string; value: string }>;
  /** --port, --ws-port or --host was given (not allowed beside listeners from the file). */
  listenerFlags: boolean;
  /** --stats-ipc: answer memory statistics on the IPC channel (headless-process.ts; the broker bench). */
  statsIpc: boolean;
  /** --max-connections N: the broker's maxConnections (default 10,000; mosquitto's max_connections is not a config key here). */
  maxConnections: number | undefined;
}

/** mosquitto options that are also flags: `--max-keepalive` for `max_keepalive`, and so on. */
const SETTING_FLAGS = [
  'allow_anonymous',
  'password_file',
  'acl_file',
  'max_keepalive',
  'max_inflight_messages',
  'max_queued_messages',
  'max_packet_size',
  'message_size_limit',
  'retain_available',
  'persistence',
  'persistence_location',
  'sys_interval',
];
const FLAG_TO_KEY = new Map(SETTING_FLAGS.map((key) => [`--${key.replace(/_/g, '-')}`, key]));

const USAGE =
  'Usage: broker [--config mosquitto.conf] [--port 1883] [--ws-port 8083] [--tls-port 8883 [--tls-cert FILE --tls-key FILE | --tls-ca-out FILE]] [--host 127.0.0.1] ' +
  `[${[...FLAG_TO_KEY.keys()].map((flag) => `${flag} VALUE`).join('] [')}]`;

/** Parses the headless broker's options (port 0 = a free port). Throws with a usage message. */
export function parseBrokerArgs(argv: string[]): BrokerCliOptions {
  const options: BrokerCliOptions = {
    host: '127.0.0.1',
    port: 1883,
    wsPort: undefined,
    tlsPort: undefined,
    tlsCert: undefined,
    tlsKey: undefined,
    tlsCaOut: undefined,
    config: undefined,
    settings: [],
    listenerFlags: false,
    statsIpc: false,
    maxConnections: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const port = () => {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`${flag} must be a port number (0-65535)`);
      return v;
    };
    const key = FLAG_TO_KEY.get(flag);
    if (key !== undefined) options.settings.push({ flag, key, value: value() });
    else if (flag === '--config') options.config = value();
    else if (flag === '--port') options.port = port();
    else if (flag === '--ws-port') options.wsPort = port();
    else if (flag === '--tls-port') options.tlsPort = port();
    else if (flag === '--tls-cert') options.tlsCert = value();
    else if (flag === '--tls-key') options.tlsKey = value();
    else if (flag === '--tls-ca-out') options.tlsCaOut = value();
    else if (flag === '--host') options.host = value();
    else if (flag === '--stats-ipc') options.statsIpc = true;
    else if (flag === '--max-connections') {
      const v = Number(value());
      if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} must be a whole number of at least 1`);
      options.maxConnections = v;
    }
    else throw new Error(`unknown option ${arg}. ${USAGE}`);
    if (flag === '--port' || flag === '--ws-port' || flag === '--host') options.listenerFlags = true;
  }
  if ((options.tlsCert === undefined) !== (options.tlsKey === undefined)) throw new Error(`--tls-cert and --tls-key go together. ${USAGE}`);
  if ((options.tlsCert !== undefined || options.tlsCaOut !== undefined) && options.tlsPort === undefined) throw new Error(`TLS files need --tls-port. ${USAGE}`);
  if (options.tlsCert !== undefined && options.tlsCaOut !== undefined) throw new Error(`--tls-ca-out is for a generated certificate, not with --tls-cert. ${USAGE}`);
  return options;
}

/** The TLS key pair: the user's files (checked to match) or one generated for `host`, its CA written out. */
function tlsPair(options: BrokerCliOptions): { cert: string; key: string; note: string } {
  if (options.tlsCert !== undefined && options.tlsKey !== undefined) {
    const cert = readFileSync(options.tlsCert, 'utf8');
    const key = readFileSync(options.tlsKey, 'utf8');
    const problem = tlsPairProblem(cert, key);
    if (problem) throw new Error(`TLS certificate and key: ${problem}`);
    return { cert, key, note: '' };
  }
  const generated = generateCertificate({ hosts: [options.host] });
  if (options.tlsCaOut !== undefined) writeFileSync(options.tlsCaOut, generated.caPem);
  return { cert: generated.certPem, key: generated.keyPem, note: options.tlsCaOut !== undefined ? ` (CA: ${options.tlsCaOut})` : ` (generated certificate ${generated.fingerprint})` };
}

export interface RunningBroker {
  broker: Broker;
  line: string;
  /** Things to tell the user at start (e.g. a setting accepted but not implemented), for stderr. */
  warnings: string[];
  stop(): Promise<void>;
}

/** The configuration file's settings with the flags' over them; errors name the file line or the flag. */
function settingsFrom(options: BrokerCliOptions): BrokerSettings {
  const settings = options.config !== undefined ? readMosquittoConfig(options.config) : emptySettings();
  for (const { flag, key, value } of options.settings) {
    try {
      applySetting(settings, key, value, { file: 'command line', line: undefined, baseDir: process.cwd() });
    } catch (error) {
      if (error instanceof ConfigError) throw new Error(`${flag}: ${error.problem}`);
      throw error;
    }
  }
  if (settings.listeners.length > 0 && options.listenerFlags) {
    throw new Error(`${options.config}: the file has listener lines, so --port, --ws-port and --host cannot be used with it`);
  }
  return settings;
}

/** Starts the broker and its listeners; `line` is what the headless command prints. */
export async function startBrokerFromArgs(argv: string[]): Promise<RunningBroker> {
  const options = parseBrokerArgs(argv);
  // Files are read and checked before anything listens: a bad key or setting must not leave ports open.
  const settings = settingsFrom(options);
  const { options: fromSettings, warnings } = brokerOptionsFrom(settings);
  const brokerOptions = options.maxConnections !== undefined ? { ...fromSettings, maxConnections: options.maxConnections } : fromSettings;
  const tls = options.tlsPort !== undefined ? tlsPair(options) : undefined;
  const wanted: ListenerSetting[] =
    settings.listeners.length > 0
      ? settings.listeners
      : [
          { port: options.port, host: options.host, protocol: 'mqtt' },
          ...(options.wsPort !== undefined ? [{ port: options.wsPort, host: options.host, protocol: 'websockets' as const }] : []),
        ];
  const specs: ListenerSpec[] = wanted.map((listener) => ({
    protocol: listener.protocol,
    // a listener without an address binds every IPv4 interface, as mosquitto's does
    host: listener.host ?? '0.0.0.0',
    port: listener.port,
  }));
  if (tls && options.tlsPort !== undefined) specs.push({ protocol: 'mqtts', host: options.host, port: options.tlsPort, cert: tls.cert, key: tls.key });
  tuneHeadlessHeap();
  let served: ServedBroker;
  try {
    served = await serveBroker(brokerOptions, specs);
  } catch (error) {
    throw error instanceof ListenError ? error.cause : error; // the listen error itself, as before
  }
  collectAfterConnectStorms(served.broker);
  if (options.statsIpc) answerStatsOverIpc(served.broker);
  return {
    broker: served.broker,
    line: `Broker listening: ${served.listeners.map((listener) => (listener.spec.protocol === 'mqtts' ? `${listener.url}${tls?.note ?? ''}` : listener.url)).join(' ')}`,
    warnings,
    stop: () => served.close(),
  };
}
