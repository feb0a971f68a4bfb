import { X509Certificate } from 'node:crypto';
import { BROKER_LIST_LIMIT, type BrokerStatusView, type BrokerTlsInput, type BrokerTlsStatus, WorkbenchFailure } from '../../../shared/contract';
import { userTableAuth } from '../broker/auth-scram';
import { brokerOptionsFrom } from '../broker/config/mosquitto-config';
import type { Broker } from '../broker/create-broker';
import { ListenError, type ListenerSpec, type ServedBroker, serveBroker } from '../broker/serve';
import { type GeneratedCertificate, generateCertificate, tlsPairProblem } from '../broker/tls-certificate';
import type { RequestHandlers } from '../rpc/dispatcher';
import type { EventHub } from '../rpc/event-hub';
import type { ChannelsOf, Service } from './service';

type BrokerHandlers = Pick<RequestHandlers, ChannelsOf<'broker'>>;

const STATS_PERIOD_MS = 1000;
/** Live-view change events are coalesced to at most one per kind per this period. */
const CHANGE_COALESCE_MS = 200;

interface Running {
  broker: Broker;
  served: ServedBroker;
  tcpPort: number;
  wsPort?: number;
  tls?: BrokerTlsStatus;
  host: string;
  startedAt: number;
  authRequired: boolean;
  statsTimer: ReturnType<typeof setInterval>;
  last: { at: number; messagesIn: number; messagesOut: number };
  rates: { messagesInPerSecond: number; messagesOutPerSecond: number };
  stopEvents: () => void;
}

/** The certificates in a PEM text (never its keys), for clients to trust. */
function certificatesOnly(pem: string): string {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).join('\n') + '\n';
}

/** Key and certificate for the TLS listener, checked before anything listens. */
function tlsMaterial(input: NonNullable<BrokerTlsInput>, cached: () => GeneratedCertificate): { key: string; cert: string; status: Omit<BrokerTlsStatus, 'port'> } {
  if (input.certificate.kind === 'generated') {
    const generated = cached();
    return {
      key: generated.keyPem,
      cert: generated.certPem,
      status: { generated: true, caPem: generated.caPem, fingerprint: generated.fingerprint, subject: 'CN=localhost', validTo: generated.validTo, hosts: generated.hosts },
    };
  }
  const { cert, key } = input.certificate;
  const problem = tlsPairProblem(cert, key);
  if (problem) throw new WorkbenchFailure('TLS_ERROR', problem, { reason: 'brokerCertificate', detail: problem });
  const parsed = new X509Certificate(cert);
  const hosts = (parsed.subjectAltName ?? '')
    .split(', ')
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''))
    .filter(Boolean);
  return {
    key,
    cert,
    status: { generated: false, caPem: certificatesOnly(cert), fingerprint: parsed.fingerprint256, subject: parsed.subject.replace(/\n/g, ', '), validTo: parsed.validTo, hosts },
  };
}

/** The one-click embedded broker behind the broker.* channels. */
export function createBrokerService(events: EventHub): Service<ChannelsOf<'broker'>> {
  let running: Running | null = null;
  /** One generated CA per host and app run, so a restarted broker keeps the certificate users trust. */
  const generated = new Map<string, GeneratedCertificate>();
  const pendingChanges = new Map<string, ReturnType<typeof setTimeout>>();

  function status(): BrokerStatusView {
    if (!running) return { running: false };
    const s = running.broker.stats();
    return {
      running: true,
      host: running.host,
      tcpPort: running.tcpPort,
      ...(running.wsPort !== undefined ? { wsPort: running.wsPort } : {}),
      ...(running.tls ? { tls: running.tls } : {}),
      startedAt: running.startedAt,
      authRequired: running.authRequired,
      stats: {
        connections: s.connections,
        sessions: s.sessions,
        subscriptions: s.subscriptions,
        retained: s.retained,
        inflight: s.inflight,
        queued: s.queued,
        messagesIn: s.messagesIn,
        messagesOut: s.messagesOut,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
        dropped: s.dropped,
        slowConsumers: s.slowConsumers,
        pausedPublishers: s.pausedPublishers,
        ...running.rates,
      },
    };
  }

  function changed(kind: 'client' | 'session' | 'subscription' | 'retained'): void {
    if (pendingChanges.has(kind)) return;
    pendingChanges.set(
      kind,
      setTimeout(() => {
        pendingChanges.delete(kind);
        events.emit('broker.changed', { kind });
      }, CHANGE_COALESCE_MS),
    );
  }

  async function stop(): Promise<void> {
    if (!running) return;
    const current = running;
    running = null;
    clearInterval(current.statsTimer);
    current.stopEvents();
    await current.served.close();
    events.emit('broker.stats', { running: false });
  }

  const handlers: BrokerHandlers = {
    'broker.start': async ({ host, port, wsPort, users, tls: tlsInput, limits }) => {
      if (running) return status();
      // a bad certificate or key is refused before anything listens
      const material = tlsInput
        ? tlsMaterial(tlsInput, () => {
            let entry = generated.get(host);
            if (!entry || Date.parse(entry.validTo) - Date.now() < 86400_000) {
              entry = generateCertificate({ hosts: [host] });
              generated.set(host, entry);
            }
            return entry;
          })
        : undefined;
      // user name/password in CONNECT, or SCRAM-SHA-1/-256/-512 (every method our engine offers) through AUTH
      const auth = users && users.length > 0 ? userTableAuth(Object.fromEntries(users.map((u) => [u.username, u.password]))) : undefined;
      // the same mapping as `--config` / the headless flags (no listeners or files here: limits only)
      const limitOptions = limits ? brokerOptionsFrom({ listeners: [], ...limits }).options : {};
      const specs: ListenerSpec[] = [{ protocol: 'mqtt', host, port }];
      if (wsPort !== undefined) specs.push({ protocol: 'websockets', host, port: wsPort });
      if (tlsInput && material) specs.push({ protocol: 'mqtts', host, port: tlsInput.port, key: material.key, cert: material.cert });
      let served: ServedBroker;
      try {
        served = await serveBroker({ ...limitOptions, ...(auth ? { auth } : {}) }, specs);
      } catch (error) {
        if (!(error instanceof ListenError)) throw error;
        const cause = error.cause as NodeJS.ErrnoException;
        const at = `${host}:${error.spec.port}`;
        const detail = cause.message;
        if (error.spec.protocol === 'mqtt') throw new WorkbenchFailure('BROKER_START_FAILED', `Cannot listen on ${at}: ${detail}`, { reason: 'listen', at, detail });
        if (error.spec.protocol === 'websockets') throw new WorkbenchFailure('BROKER_START_FAILED', `Cannot listen for WebSocket on ${at}: ${detail}`, { reason: 'listenWebSocket', at, detail });
        // listen errors carry an errno code; anything else is the TLS context refusing the pair
        if (cause.code && /^E[A-Z]+$/.test(cause.code)) throw new WorkbenchFailure('BROKER_START_FAILED', `Cannot listen for TLS on ${at}: ${detail}`, { reason: 'listenTls', at, detail });
        throw new WorkbenchFailure('TLS_ERROR', `The certificate and key cannot serve TLS: ${detail}`, { reason: 'brokerCertificate', detail });
      }
      const broker = served.broker;
      const ws = served.listeners.find((listener) => listener.spec.protocol === 'websockets');
      const tlsListener = served.listeners.find((listener) => listener.spec.protocol === 'mqtts');
      const tls: Running['tls'] = tlsListener && material ? { port: tlsListener.port, ...material.status } : undefined;
      const stopEvents = broker.onEvent((event) => {
        if (event.type.startsWith('client.')) changed('client');
        else if (event.type.startsWith('session.')) changed('session');
        else if (event.type.startsWith('subscription.')) changed('subscription');
        else changed('retained');
      });
      const now = Date.now();
      const current: Running = {
        broker,
        served,
        tcpPort: served.listeners[0]!.port,
        ...(ws ? { wsPort: ws.port } : {}),
        ...(tls ? { tls } : {}),
        host,
        startedAt: now,
        authRequired: Boolean(auth),
        last: { at: now, messagesIn: 0, messagesOut: 0 },
        rates: { messagesInPerSecond: 0, messagesOutPerSecond: 0 },
        stopEvents,
        statsTimer: setInterval(() => {
          const s = broker.stats();
          const at = Date.now();
          const seconds = Math.max((at - current.last.at) / 1000, 0.001);
          current.rates = {
            messagesInPerSecond: Math.round((s.messagesIn - current.last.messagesIn) / seconds),
            messagesOutPerSecond: Math.round((s.messagesOut - current.last.messagesOut) / seconds),
          };
          current.last = { at, messagesIn: s.messagesIn, messagesOut: s.messagesOut };
          events.emit('broker.stats', status());
        }, STATS_PERIOD_MS),
      };
      current.statsTimer.unref?.();
      running = current;
      return status();
    },
    'broker.stop': async () => {
      await stop();
      return {};
    },
    'broker.status': () => status(),
    'broker.inspect': () => {
      if (!running) return { clients: [], sessions: [], retained: [], truncated: false };
      const clients = running.broker.clients();
      const sessions = running.broker.sessions();
      const retained = running.broker.retained();
      const truncated = clients.length > BROKER_LIST_LIMIT || sessions.length > BROKER_LIST_LIMIT || retained.length > BROKER_LIST_LIMIT;
      return {
        clients: clients.slice(0, BROKER_LIST_LIMIT).map(({ username, ...rest }) => ({ ...rest, ...(username !== undefined ? { username } : {}) })),
        sessions: sessions.slice(0, BROKER_LIST_LIMIT).map((s) => ({ ...s, subscriptions: s.subscriptions.slice(0, 1000) })),
        retained: retained.slice(0, BROKER_LIST_LIMIT),
        truncated,
      };
    },
  };

  return {
    handlers,
    async close() {
      for (const timer of pendingChanges.values()) clearTimeout(timer);
      pendingChanges.clear();
      await stop();
    },
  };
}
