import type { Connection } from './connection';
import type { BrokerEventListener } from './events';
import type { ResolvedOptions } from './options';
import type { RetainedStore } from './retained-store';
import type { Session } from './session';
import type { SubscriptionTrie } from './subscription-trie';

/** Counters since the broker started; `dropped` counts every message a client did not get for a limit. */
export interface BrokerCounters {
  connectionsAccepted: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  dropped: number;
  droppedQueueFull: number;
  droppedSlowConsumer: number;
  droppedTooLarge: number;
  droppedExpired: number;
  /** Retained messages not stored because the store was full (the message itself was delivered). */
  retainedRejected: number;
}

/** The broker's shared state, handed to every handler. */
export interface BrokerContext {
  readonly options: ResolvedOptions;
  readonly sessions: Map<string, Session>;
  readonly connections: Set<Connection>;
  readonly trie: SubscriptionTrie;
  readonly retained: RetainedStore;
  readonly counters: BrokerCounters;
  readonly listeners: Set<BrokerEventListener>;
  closing: boolean;
}

export function newCounters(): BrokerCounters {
  return {
    connectionsAccepted: 0,
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    dropped: 0,
    droppedQueueFull: 0,
    droppedSlowConsumer: 0,
    droppedTooLarge: 0,
    droppedExpired: 0,
    retainedRejected: 0,
  };
}
