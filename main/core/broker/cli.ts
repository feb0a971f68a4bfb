import { createBroker, type Broker } from './create-broker';
import { listenTcp, type TcpListener } from './listeners/tcp';
import { listenWs, type WsListener } from './listeners/ws';

export interface BrokerCliOptions {
  host: string;
  port: number;
  wsPort: number | undefined;
}

/** Parses `--port N --ws-port N --host H` (port 0 = a free port). Throws with a usage message. */
export function parseBrokerArgs(argv: string[]): BrokerCliOptions {
  const options: BrokerCliOptions = { host: '127.0.0.1', port: 1883, wsPort: undefined };
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
    else if (flag === '--host') options.host = value();
    else throw new Error(`unknown option ${arg}. Usage: broker [--port 1883] [--ws-port 8083] [--host 127.0.0.1]`);
  }
  return options;
}

export interface RunningBroker {
  broker: Broker;
  line: string;
  stop(): Promise<void>;
}

/** Starts the broker and its listeners; `line` is what the headless command prints. */
export async function startBrokerFromArgs(argv: string[]): Promise<RunningBroker> {
  const options = parseBrokerArgs(argv);
  const broker = createBroker();
  const tcp: TcpListener = await listenTcp(broker, { host: options.host, port: options.port });
  let ws: WsListener | undefined;
  try {
    if (options.wsPort !== undefined) ws = await listenWs(broker, { host: options.host, port: options.wsPort });
  } catch (error) {
    await tcp.close();
    throw error;
  }
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  const line = `Broker listening: mqtt://${shown}:${tcp.port}${ws ? ` ws://${shown}:${ws.port}` : ''}`;
  return {
    broker,
    line,
    async stop() {
      await broker.close();
      await Promise.all([tcp.close(), ws?.close()]);
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
