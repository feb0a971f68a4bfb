import { type Broker, createBroker } from './create-broker';
import { listenTcp } from './listeners/tcp';
import { listenTls } from './listeners/tls';
import { listenWs } from './listeners/ws';
import type { Listener } from './listeners/listen';
import type { BrokerOptions } from './options';

/** One listener to open: plain TCP (mqtt://), WebSocket (ws://) or TLS (mqtts://) with its PEM pair. */
export type ListenerSpec =
  | { protocol: 'mqtt' | 'websockets'; host: string; port: number }
  | { protocol: 'mqtts'; host: string; port: number; key: string | Buffer; cert: string | Buffer };

export interface OpenListener {
  readonly spec: ListenerSpec;
  /** The port it got (the spec's, or a free one for port 0). */
  readonly port: number;
  /** `mqtt://host:port`, `ws://...` or `mqtts://...`, IPv6 hosts in brackets. */
  readonly url: string;
}

/** A listener could not open; everything opened before it was closed again. */
export class ListenError extends Error {
  constructor(
    readonly spec: ListenerSpec,
    cause: unknown,
  ) {
    super(`cannot listen on ${spec.host}:${spec.port}: ${(cause as Error).message}`, { cause });
  }
}

/** A broker with its listeners: what the headless command and the Broker view both run. */
export interface ServedBroker {
  readonly broker: Broker;
  /** In the order they were asked for. */
  readonly listeners: readonly OpenListener[];
  /** Stops the broker (v5 clients get DISCONNECT 0x8B), then its listeners. */
  close(): Promise<void>;
}

const SCHEMES = { mqtt: 'mqtt', websockets: 'ws', mqtts: 'mqtts' } as const;

function open(broker: Broker, spec: ListenerSpec): Promise<Listener> {
  const at = { host: spec.host, port: spec.port };
  if (spec.protocol === 'websockets') return listenWs(broker, at);
  if (spec.protocol === 'mqtts') return listenTls(broker, { ...at, key: spec.key, cert: spec.cert });
  return listenTcp(broker, at);
}

/**
 * Creates a broker and opens its listeners in order. If one fails, the ones already open and the
 * broker are closed and a ListenError names the listener (its `cause` is the listen error).
 */
export async function serveBroker(options: BrokerOptions, specs: readonly ListenerSpec[]): Promise<ServedBroker> {
  const broker = createBroker(options);
  const opened: Array<{ listener: Listener; open: OpenListener }> = [];
  for (const spec of specs) {
    try {
      const listener = await open(broker, spec);
      const host = spec.host.includes(':') ? `[${spec.host}]` : spec.host;
      opened.push({ listener, open: { spec, port: listener.port, url: `${SCHEMES[spec.protocol]}://${host}:${listener.port}` } });
    } catch (error) {
      await Promise.all(opened.map(({ listener }) => listener.close()));
      await broker.close();
      throw new ListenError(spec, error);
    }
  }
  return {
    broker,
    listeners: opened.map((entry) => entry.open),
    async close() {
      await broker.close();
      await Promise.all(opened.map(({ listener }) => listener.close()));
    },
  };
}
