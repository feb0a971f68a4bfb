import { readFileSync, writeFileSync } from 'node:fs';
import { createBroker, type Broker } from './create-broker';
import { listenTcp, type TcpListener } from './listeners/tcp';
import { listenTls, type TlsListener } from './listeners/tls';
import { listenWs, type WsListener } from './listeners/ws';
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
}

const USAGE = 'Usage: broker [--port 1883] [--ws-port 8083] [--tls-port 8883 [--tls-cert FILE --tls-key FILE | --tls-ca-out FILE]] [--host 127.0.0.1]';

/** Parses the headless broker's options (port 0 = a free port). Throws with a usage message. */
export function parseBrokerArgs(argv: string[]): BrokerCliOptions {
  const options: BrokerCliOptions = { host: '127.0.0.1', port: 1883, wsPort: undefined, tlsPort: undefined, tlsCert: undefined, tlsKey: undefined, tlsCaOut: undefined };
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
    if (flag === '--port') options.port = port();
    else if (flag === '--ws-port') options.wsPort = port();
    else if (flag === '--tls-port') options.tlsPort = port();
    else if (flag === '--tls-cert') options.tlsCert = value();
    else if (flag === '--tls-key') options.tlsKey = value();
    else if (flag === '--tls-ca-out') options.tlsCaOut = value();
    else if (flag === '--host') options.host = value();
    else throw new Error(`unknown option ${arg}. ${USAGE}`);
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
  stop(): Promise<void>;
}

/** Starts the broker and its listeners; `line` is what the headless command prints. */
export async function startBrokerFromArgs(argv: string[]): Promise<RunningBroker> {
  const options = parseBrokerArgs(argv);
  // Files are read and checked before anything listens: a bad key must not leave ports open.
  const tls = options.tlsPort !== undefined ? tlsPair(options) : undefined;
  const broker = createBroker();
  const tcp: TcpListener = await listenTcp(broker, { host: options.host, port: options.port });
  let ws: WsListener | undefined;
  let secure: TlsListener | undefined;
  try {
    if (options.wsPort !== undefined) ws = await listenWs(broker, { host: options.host, port: options.wsPort });
    if (tls) secure = await listenTls(broker, { host: options.host, port: options.tlsPort, cert: tls.cert, key: tls.key });
  } catch (error) {
    await Promise.all([tcp.close(), ws?.close()]);
    throw error;
  }
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  const line =
    `Broker listening: mqtt://${shown}:${tcp.port}${ws ? ` ws://${shown}:${ws.port}` : ''}` + (secure && tls ? ` mqtts://${shown}:${secure.port}${tls.note}` : '');
  return {
    broker,
    line,
    async stop() {
      await broker.close();
      await Promise.all([tcp.close(), ws?.close(), secure?.close()]);
    },
  };
}

/** The headless entry: prints one line, stops cleanly on SIGINT/SIGTERM. */
export async function runBrokerCli(argv: string[]): Promise<void> {
  let running: RunningBroker;
  try {
    running = await startBrokerFromArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${running.line}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void running.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
