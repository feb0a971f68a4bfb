import { create } from 'zustand';
import type { MqttMessage } from '../../shared/contract';
import { MessageRing, type StoredMessage } from './message-ring';

/** How many messages the UI keeps; older ones drop off (the count of all received is kept). */
export const MESSAGE_CAPACITY = 20_000;

const ring = new MessageRing(MESSAGE_CAPACITY);

interface MessagesState {
  /** Bumped on every change: the ring itself is mutable, so components select this to re-render. */
  version: number;
  /** Messages held now (at most MESSAGE_CAPACITY). */
  size: number;
  /** Messages received since the last clear, including those that dropped off the ring. */
  total: number;
  append(messages: readonly MqttMessage[], skipped?: number): void;
  clear(): void;
}

export const useMessagesStore = create<MessagesState>()((set, get) => ({
  version: 0,
  size: 0,
  total: 0,
  append(messages, skipped = 0) {
    if (messages.length === 0 && skipped === 0) return;
    let seq = get().total + skipped;
    for (const message of messages) ring.push({ ...message, seq: seq++ });
    set((state) => ({ version: state.version + 1, size: ring.size, total: seq }));
  },
  clear() {
    ring.clear();
    set((state) => ({ version: state.version + 1, size: 0, total: 0}));
  },
}));

/** Reads a kept message by position (0 = oldest). Call during render, after selecting `version`. */
export function messageAt(index: number): StoredMessage | undefined {
  return ring.at(index);
}

/** Finds a kept message by seq: seqs in the ring are consecutive, so this is O(1). */
export function messageBySeq(seq: number): StoredMessage | undefined {
  const oldest = ring.at(0);
  if (!oldest) return undefined;
  const message = ring.at(seq - oldest.seq);
  return message?.seq === seq ? message : undefined;
}
