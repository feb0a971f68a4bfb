import { create } from 'zustand';
import type { LiveMessage, MqttMessage, ReceivedProperties } from '../../shared/contract';
import { MessageRing, type RingMessage } from '../model/message-ring';
import { getApi } from './api';

/** A message put back into the live list (from History after a reload), with its decoded payload when a rule covers it. */
type RefillMessage = MqttMessage & Partial<Pick<LiveMessage, 'decoded'>>;

/** How many messages the UI keeps per connection; older ones drop off (the count of all received is kept). */
export const MESSAGE_CAPACITY = 20_000;

/** One ring per open connection: the list filters by connection in O(1), and each is bounded. */
const rings = new Map<string, MessageRing>();
/** Closed tabs: a batch still in flight for one must not bring its ring back. Ids are never reused. */
const forgotten = new Set<string>();
/** Bumped per connection on clear: seqs restart at 0, so views built on the old ones must rebuild. */
const epochs = new Map<string, number>();

export interface MessageCounts {
  /** Messages held now (at most MESSAGE_CAPACITY). */
  size: number;
  /** Messages received since the last clear, including those that dropped off the ring. */
  total: number;
}

const NO_COUNTS: MessageCounts = { size: 0, total: 0 };

/** The counts as ingested, ahead of the store's until the next publish (null when nothing is pending). */
let pendingCounts: Record<string, MessageCounts> | null = null;

interface MessagesState {
  /** Bumped on every change: the rings are mutable, so components select this to re-render. */
  version: number;
  counts: Record<string, MessageCounts>;
  /**
   * Paused connections and the total they paused at: the list shows only messages before it, while
   * later ones keep arriving in the ring (counted as "N new", nothing dropped but by the ring's bound).
   */
  paused: Record<string, number>;
  setPaused(connectionId: string, paused: boolean): void;
  /** Live messages the host did not send this page while it lagged behind (browser mode); they are in History. */
  droppedByHost: number;
  noteDropped(count: number): void;
  dismissDropped(): void;
  /**
   * Takes messages of any connections into the rings as they arrive, numbering each (`seq`, set on
   * the message itself: the feed hands over objects it owns), without re-rendering: publish() does,
   * once per frame at most.
   */
  ingest(messages: readonly MqttMessage[]): void;
  /** Shows what ingest took since the last publish (one store update, so one render). */
  publish(): void;
  /**
   * Puts messages from before this page (History's, oldest first) ahead of those kept: they take
   * the seqs below the oldest kept one, so what points at a kept message (the tree, a selection)
   * still does.
   */
  refill(connectionId: string, older: readonly RefillMessage[]): void;
  /** Refills with the connection's latest `limit` messages in History from before what is kept (a reload). */
  refillFromHistory(connectionId: string, connectionKey: string, limit: number): Promise<void>;
  clear(connectionId: string): void;
  /** Drops a closed connection's messages. */
  forget(connectionId: string): void;
}

export const useMessagesStore = create<MessagesState>()((set, get) => ({
  version: 0,
  counts: {},
  paused: {},
  droppedByHost: 0,
  noteDropped(count) {
    set((state) => ({ droppedByHost: state.droppedByHost + count }));
  },
  dismissDropped() {
    set({ droppedByHost: 0 });
  },
  setPaused(connectionId, paused) {
    set((state) => {
      const next = { ...state.paused };
      if (paused) next[connectionId] = state.counts[connectionId]?.total ?? 0;
      else delete next[connectionId];
      return { paused: next };
    });
  },
  ingest(messages) {
    if (messages.length === 0) return;
    const counts = (pendingCounts ??= { ...get().counts });
    // Batches come mostly from one connection: its ring and total are looked up once per run of it.
    let current = null as { id: string; ring: MessageRing; total: number } | null;
    const settle = () => {
      if (current) counts[current.id] = { size: current.ring.size, total: current.total };
    };
    for (const message of messages) {
      if (current?.id !== message.connectionId) {
        settle();
        current = null;
        if (forgotten.has(message.connectionId)) continue;
        let ring = rings.get(message.connectionId);
        if (!ring) rings.set(message.connectionId, (ring = new MessageRing(MESSAGE_CAPACITY)));
        current = { id: message.connectionId, ring, total: counts[message.connectionId]?.total ?? 0 };
      }
      // Numbered in place, not copied: a copy per message was a large share of a firehose's garbage.
      const stored = message as RingMessage;
      stored.seq = current.total++;
      current.ring.push(stored);
    }
    settle();
  },
  publish() {
    if (!pendingCounts) return;
    const counts = pendingCounts;
    pendingCounts = null;
    set((state) => ({ version: state.version + 1, counts }));
  },
  refill(connectionId, older) {
    if (older.length === 0 || forgotten.has(connectionId)) return;
    let ring = rings.get(connectionId);
    if (!ring) rings.set(connectionId, (ring = new MessageRing(MESSAGE_CAPACITY)));
    const kept: RingMessage[] = [];
    for (let i = 0; i < ring.size; i++) kept.push(ring.at(i)!);
    const counts = (pendingCounts ??= { ...get().counts });
    const total = counts[connectionId]?.total ?? 0;
    const first = kept[0]?.seq ?? total;
    const room = Math.max(0, MESSAGE_CAPACITY - kept.length);
    const taken = older.slice(Math.max(0, older.length - room));
    ring.clear();
    taken.forEach((message, index) => {
      const stored = message as RingMessage;
      stored.seq = first - taken.length + index;
      ring.push(stored);
    });
    for (const message of kept) ring.push(message);
    counts[connectionId] = { size: ring.size, total };
    epochs.set(connectionId, (epochs.get(connectionId) ?? 0) + 1);
    get().publish();
  },
  async refillFromHistory(connectionId, connectionKey, limit) {
    const oldest = rings.get(connectionId)?.at(0);
    // Before what this page already got live, so nothing shows twice.
    const until = Math.min(oldest ? oldest.timestamp - 1 : Number.POSITIVE_INFINITY, Date.now());
    const result = await getApi().history.query({ query: { connectionKeys: [connectionKey], until }, limit, order: 'desc' });
    if (!result.ok) return;
    // `decoded`: what the codec rules make of it (History applies them as it reads), as live rows have.
    const older = result.value.messages.reverse().map(({ direction, topic, payload, qos, retain, dup, timestamp, properties, decoded }): RefillMessage => ({
      connectionId,
      direction,
      topic,
      payload,
      qos,
      retain,
      dup,
      timestamp,
      ...(properties ? { properties: properties as ReceivedProperties } : {}),
      ...(decoded ? { decoded } : {}),
    }));
    get().refill(connectionId, older);
  },
  clear(connectionId) {
    rings.get(connectionId)?.clear();
    if (pendingCounts) pendingCounts[connectionId] = NO_COUNTS;
    epochs.set(connectionId, (epochs.get(connectionId) ?? 0) + 1);
    set((state) => {
      const paused = { ...state.paused };
      // Seqs restart at 0: a pause point from before the clear would hide new messages.
      if (paused[connectionId] !== undefined) paused[connectionId] = 0;
      return { version: state.version + 1, counts: { ...state.counts, [connectionId]: NO_COUNTS }, paused };
    });
  },
  forget(connectionId) {
    rings.delete(connectionId);
    if (pendingCounts) delete pendingCounts[connectionId];
    forgotten.add(connectionId);
    set((state) => {
      const counts = { ...state.counts };
      delete counts[connectionId];
      const paused = { ...state.paused };
      delete paused[connectionId];
      return { version: state.version + 1, counts, paused };
    });
  },
}));

export function useMessageCounts(connectionId: string | null): MessageCounts {
  return useMessagesStore((s) => (connectionId ? s.counts[connectionId] : undefined)) ?? NO_COUNTS;
}

/** Reads a kept message by position (0 = oldest). Call during render, after selecting `version`. */
export function messageAt(connectionId: string, index: number): RingMessage | undefined {
  return rings.get(connectionId)?.at(index);
}

/** Finds a kept message by seq: seqs in a ring are consecutive, so this is O(1). */
export function messageBySeq(connectionId: string, seq: number): RingMessage | undefined {
  const ring = rings.get(connectionId);
  const oldest = ring?.at(0);
  if (!ring || !oldest) return undefined;
  const message = ring.at(seq - oldest.seq);
  return message?.seq === seq ? message : undefined;
}

/** A connection's ring for views that index it, and its epoch (changes when it is cleared). */
export function ringOf(connectionId: string): { ring: MessageRing; epoch: number } | undefined {
  const ring = rings.get(connectionId);
  return ring ? { ring, epoch: epochs.get(connectionId) ?? 0 } : undefined;
}

/**
 * The kept messages of `topic` before `seq`, newest first, at most `limit` (for diffs). Walks back
 * from `seq`'s position only, so it costs what it finds, up to the ring's size.
 */
export function earlierOnTopic(connectionId: string, seq: number, topic: string, limit: number): RingMessage[] {
  const ring = rings.get(connectionId);
  const oldest = ring?.at(0);
  if (!ring || !oldest) return [];
  const found: RingMessage[] = [];
  for (let index = Math.min(seq - oldest.seq, ring.size) - 1; index >= 0 && found.length < limit; index--) {
    const message = ring.at(index);
    if (message?.topic === topic) found.push(message);
  }
  return found;
}

/** A live message's whole payload from the host (the list carries at most a preview of a big one). */
export function fetchPayload(connectionId: string, id: number) {
  return getApi().messages.payload({ connectionId, id });
}
