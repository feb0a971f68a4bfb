import type { Duplex } from 'node:stream';
import { Connection } from './connection';
import { type BrokerContext, type BrokerCounters, newCounters } from './context';
import { type BrokerOptions, resolveOptions } from './options';
import { openJournal } from './persistence';
import { RetainedStore } from './retained-store';
import { SubscriptionTrie } from './subscription-trie';
import { startSysTopics } from './sys-topics';
import { cancelWillTimer } from './wills';
import type { BrokerEventListener } from './events';
export type { BrokerEvent, BrokerEventListener } from './events';

export interface BrokerStats extends BrokerCounters {
  connections: number;
  sessions: number;
  subscriptions: number;
  retained: number;
  inflight: number;
  queued: number;
  /** Publishers whose input is paused right now because a subscriber's queue is full (flow control). */
  pausedPublishers: number;
}

export interface ClientInfo {
  clientId: string;
  remoteAddress: string;
  protocolVersion: 3 | 4 | 5;
  connectedAt: number;
  username: string | undefined;
}

export interface SessionInfo {
  clientId: string;
  connected: boolean;
  expiryInterval: number;
  subscriptions: Array<{ filter: string; qos: number; subscriptionId?: number }>;
  inflight: number;
  queued: number;
  dropped: number;
  /** Declared a slow consumer (kept publishers paused too long): its overflow is being dropped. */
  slowConsumer: boolean;
}

export interface InflightInfo {
  packetId: number;
  topic: string;
  qos: number;
  /** 'awaiting-ack' (PUBACK/PUBREC), 'awaiting-pubcomp' (PUBREL sent), 'to-resend' (after a reconnect). */
  stage: 'awaiting-ack' | 'awaiting-pubcomp' | 'to-resend';
  payloadBytes: number;
}

export interface Broker {
  /** Serves one client over any duplex byte stream (TCP socket, TLS socket, WebSocket stream). */
  handle(stream: Duplex, remoteAddress?: string): void;
  /** Stops: v5 clients get DISCONNECT 0x8B, others a close; sessions and retained messages are dropped. */
  close(): Promise<void>;
  stats(): BrokerStats;
  /** Connections accepted since start (stats().connectionsAccepted without stats()'s walk over every session). */
  connectionsAccepted(): number;
  clients(): ClientInfo[];
  sessions(): SessionInfo[];
  retained(): Array<{ topic: string; qos: number; payloadBytes: number }>;
  /** Outgoing QoS 1/2 messages of one session not yet acknowledged, in send order. */
  inflight(clientId: string): InflightInfo[];
  /** Lifecycle events for a live view; returns the disposer. */
  onEvent(listener: BrokerEventListener): () => void;
}

export function createBroker(options: BrokerOptions = {}): Broker {
  const resolved = resolveOptions(options);
  const ctx: BrokerContext = {
    options: resolved,
    authorizeRead: resolved.auth.authorizeRead,
    sessions: new Map(),
    connections: new Set(),
    trie: new SubscriptionTrie(),
    retained: new RetainedStore(),
    counters: newCounters(),
    listeners: new Set(),
    flow: { blocking: new Set(), timer: null },
    watchdog: { watched: new Set(), timer: null },
    closing: false,
    journal: null,
  };
  // restored before any client: sessions, subscriptions, queues and retained messages of the last run
  if (ctx.options.persistenceDir !== undefined) ctx.journal = openJournal(ctx.options.persistenceDir, ctx);
  const sysTimer = startSysTopics(ctx);

  return {
    handle(stream, remoteAddress) {
      if (ctx.closing) {
        stream.destroy();
        return;
      }
      ctx.counters.connectionsAccepted++;
      ctx.connections.add(new Connection(ctx, stream, remoteAddress));
    },

    async close() {
      ctx.closing = true;
      sysTimer?.cancel();
      ctx.flow.timer?.cancel();
      ctx.flow.timer = null;
      ctx.watchdog.timer?.cancel();
      ctx.watchdog.timer = null;
      // (MAY) v5 clients learn why; 3.1.1/3.1 have no server DISCONNECT; no Will goes out
      const closed = [...ctx.connections].map((connection) => connection.shutdown());
      for (const session of ctx.sessions.values()) {
        session.expiryTimer?.cancel();
        cancelWillTimer(session);
        session.ended = true;
      }
      ctx.sessions.clear();
      ctx.retained.clear();
      // persisted state stays in the journal for the next start (nothing above wrote an end to it)
      ctx.journal?.close();
      ctx.journal = null;
      await Promise.all(closed);
    },

    connectionsAccepted: () => ctx.counters.connectionsAccepted,

    stats() {
      let inflight = 0;
      let queued = 0;
      for (const session of ctx.sessions.values()) {
        inflight += session.inflight.size;
        queued += session.queue.length;
      }
      let pausedPublishers = 0;
      for (const connection of ctx.connections) if (connection.flow.pausedBy) pausedPublishers++;
      return {
        ...ctx.counters,
        connections: ctx.connections.size,
        sessions: ctx.sessions.size,
        subscriptions: ctx.trie.size,
        retained: ctx.retained.size,
        inflight,
        queued,
        pausedPublishers,
      };
    },

    clients() {
      const out: ClientInfo[] = [];
      for (const connection of ctx.connections) {
        if (connection.state !== 'connected') continue;
        out.push({
          clientId: connection.clientId,
          remoteAddress: connection.remoteAddress,
          protocolVersion: connection.version,
          connectedAt: connection.connectedAt,
          username: connection.username,
        });
      }
      return out;
    },

    sessions() {
      return [...ctx.sessions.values()].map((session) => ({
        clientId: session.clientId,
        connected: session.connection !== null,
        expiryInterval: session.expiryInterval,
        subscriptions: [...session.subscriptions.values()].map((s) => ({
          filter: s.filter,
          qos: s.qos,
          ...(s.subscriptionId !== undefined ? { subscriptionId: s.subscriptionId } : {}),
        })),
        inflight: session.inflight.size,
        queued: session.queue.length,
        dropped: session.dropped,
        slowConsumer: session.slow,
      }));
    },

    onEvent(listener) {
      ctx.listeners.add(listener);
      return () => ctx.listeners.delete(listener);
    },

    inflight(clientId) {
      const session = ctx.sessions.get(clientId);
      if (!session) return [];
      return [...session.inflight.values()].map((entry) => ({
        packetId: entry.packetId,
        topic: entry.msg.topic,
        qos: entry.qos,
        stage: entry.stage === 2 ? 'awaiting-pubcomp' : entry.sent ? 'awaiting-ack' : 'to-resend',
        payloadBytes: entry.msg.payload.length,
      }));
    },

    retained() {
      return [...ctx.retained.values()].map((m) => ({ topic: m.topic, qos: m.qos, payloadBytes: m.payload.length }));
    },
  };
}
