import { create } from 'zustand';
import type { MqttMessage } from '../../shared/contract';
import { MessageRing, type StoredMessage } from './message-ring';

/** How many messages the UI keeps per connection; older ones drop off (the count of all received is kept). */
export const MESSAGE_CAPACITY = 20_000;

/** One ring per open connection: the list filters by connection in O(1), and each is bounded. */
const rings = new Map<string, MessageRing>();
/** Closed tabs: a batch still in flight for one must not bring its ring back. Ids are never reused. */
const forgotten = new Set<string>();

export interface MessageCounts {
  /** Messages held now (at most MESSAGE_CAPACITY). */
  size: number;
  /** Messages received since the last clear, including those that dropped off the ring. */
  total: number;
}

const NO_COUNTS: MessageCounts = { size: 0, total: 0 };

interface MessagesState {
  /** Bumped on every change: the rings are mutable, so components select this to re-render. */
  version: number;
  counts: Record<string, MessageCounts>;
  /** Appends messages of any connections; `skipped` counts per connection those never kept. */
  append(messages: readonly MqttMessage[], skipped?: Record<string, number>): void;
  clear(connectionId: string): void;
  /** Drops a closed connection's messages. */
  forget(connectionId: string): void;
}

export const useMessagesStore = create<MessagesState>()((set, get) => ({
  version: 0,
  counts: {},
  append(messages, skipped = {}) {
    if (messages.length === 0 && Object.keys(skipped).length === 0) return;
    const counts = { ...get().counts };
    for (const [id, count] of Object.entries(skipped)) {
      const c = counts[id] ?? NO_COUNTS;
      counts[id] = { size: c.size, total: c.total + count };
    }
    for (const message of messages) {
      if (forgotten.has(message.connectionId)) continue;
      let ring = rings.get(message.connectionId);
      if (!ring) rings.set(message.connectionId, (ring = new MessageRing(MESSAGE_CAPACITY)));
      const c = counts[message.connectionId] ?? NO_COUNTS;
      ring.push({ ...message, seq: c.total });
      counts[message.connectionId] = { size: ring.size, total: c.total + 1 };
    }
    set((state) => ({ version: state.version + 1, counts }));
  },
  clear(connectionId) {
    rings.get(connectionId)?.clear();
    set((state) => ({ version: state.version + 1, counts: { ...state.counts, [connectionId]: NO_COUNTS } }));
  },
  forget(connectionId) {
    rings.delete(connectionId);
    forgotten.add(connectionId);
    set((state) => {
      const counts = { ...state.counts };
      delete counts[connectionId];
      return { version: state.version + 1, counts };
    });
  },
}));

export function useMessageCounts(connectionId: string | null): MessageCounts {
  return useMessagesStore((s) => (connectionId ? s.counts[connectionId] : undefined)) ?? NO_COUNTS;
}

/** Reads a kept message by position (0 = oldest). Call during render, after selecting `version`. */
export function messageAt(connectionId: string, index: number): StoredMessage | undefined {
  return rings.get(connectionId)?.at(index);
}

/** Finds a kept message by seq: seqs in a ring are consecutive, so this is O(1). */
export function messageBySeq(connectionId: string, seq: number): StoredMessage | undefined {
  const ring = rings.get(connectionId);
  const oldest = ring?.at(0);
  if (!ring || !oldest) return undefined;
  const message = ring.at(seq - oldest.seq);
  return message?.seq === seq ? message : undefined;
}
