import { BROKER_LIST_LIMIT, type BrokerStatusView, WorkbenchFailure } from '../../../shared/contract';
import { usernamePasswordAuth } from '../broker/auth';
import { type Broker, createBroker } from '../broker/create-broker';
import { type TcpListener, listenTcp } from '../broker/listeners/tcp';
import { type WsListener, listenWs } from '../broker/listeners/ws';
import type { RequestHandlers } from '../rpc/dispatcher';
import type { EventHub } from '../rpc/event-hub';

type BrokerHandlers = Pick<RequestHandlers, Extract<keyof RequestHandlers, `broker.${string}`>>;

const STATS_PERIOD_MS = 1000;
/** Live-view change events are coalesced to at most one per kind per this period. */
const CHANGE_COALESCE_MS = 200;

interface Running {
  broker: Broker;
  tcp: TcpListener;
  ws?: WsListener;
  host: string;
  startedAt: number;
  authRequired: boolean;
  statsTimer: ReturnType<typeof setInterval>;
  last: { at: number; messagesIn: number; messagesOut: number };
  rates: { messagesInPerSecond: number; messagesOutPerSecond: number };
  stopEvents: () => void;
}

/** The one-click embedded broker behind the broker.* channels. */
export function createBrokerService(events: EventHub): { handlers: BrokerHandlers; close(): Promise<void> } {
  let running: Running | null = null;
  const pendingChanges = new Map<string, ReturnType<typeof setTimeout>>();

  function status(): BrokerStatusView {
    if (!running) return { running: false };
    const s = running.broker.stats();
    return {
      running: true,
      host: running.host,
      tcpPort: running.tcp.port,
      ...(running.ws ? { wsPort: running.ws.port } : {}),
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
    await current.broker.close();
    await Promise.all([current.tcp.close(), current.ws?.close()]);
    events.emit('broker.stats', { running: false });
  }

  const handlers: BrokerHandlers = {
    'broker.start': async ({ host, port, wsPort, users }) => {
      if (running) return status();
      const auth = users && users.length > 0 ? usernamePasswordAuth(Object.fromEntries(users.map((u) => [u.username, u.password]))) : undefined;
      const broker = createBroker(auth ? { auth } : {});
      let tcp: TcpListener;
      let ws: WsListener | undefined;
      try {
        tcp = await listenTcp(broker, { host, port });
      } catch (error) {
        await broker.close();
        throw new WorkbenchFailure('BROKER_START_FAILED', `Cannot listen on ${host}:${port}: ${(error as Error).message}`);
      }
      try {
        if (wsPort !== undefined) ws = await listenWs(broker, { host, port: wsPort });
      } catch (error) {
        await tcp.close();
        await broker.close();
        throw new WorkbenchFailure('BROKER_START_FAILED', `Cannot listen for WebSocket on ${host}:${wsPort}: ${(error as Error).message}`);
      }
      const stopEvents = broker.onEvent((event) => {
        if (event.type.startsWith('client.')) changed('client');
        else if (event.type.startsWith('session.')) changed('session');
        else if (event.type.startsWith('subscription.')) changed('subscription');
        else changed('retained');
      });
      const now = Date.now();
      const current: Running = {
        broker,
        tcp,
        ...(ws ? { ws } : {}),
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
