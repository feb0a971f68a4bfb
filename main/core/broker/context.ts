import type { BrokerEventListener } from './events';
import type { Journal } from './journal';
import type { LongTimer } from './long-timer';
import type { ResolvedOptions } from './options';
import type { RetainedStore } from './retained-store';
import type { Client, Session } from './session';
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
  /** Times an online subscriber kept publishers paused beyond `slowConsumerTimeoutMs` and was declared slow. */
  slowConsumers: number;
  /** Times a publisher's input was paused because a subscriber's queue reached its high-water mark. */
  flowPauses: number;
  /** PUBLISH refused by authorization (ACL): v5 0x87, 3.1.1 acknowledged and dropped. */
  deniedPublish: number;
  /** SUBSCRIBE filters refused by authorization (ACL): SUBACK 0x87 / 0x80. */
  deniedSubscribe: number;
  /** Messages a subscriber matched but may not read (ACL read access), so not given to it. */
  deniedDelivery: number;
  /** PUBLISH whose payload is over `maxPayloadSize` (mosquitto's message_size_limit): refused. */
  payloadTooLarge: number;
}

/** Flow control towards publishers (delivery/flow-control.ts): the sessions currently holding publishers paused. */
export interface FlowState {
  readonly blocking: Set<Session>;
  timer: LongTimer | null;
}

/** What the broker's one shared timer looks at a few times a second (a connection: connect timeout, keep alive). */
export interface Watched {
  /** Called on the broker's clock; false = stop watching it. */
  onTick(now: number): boolean;
}

/** The broker's shared state, handed to every handler. */
export interface BrokerContext {
  readonly options: ResolvedOptions;
  readonly sessions: Map<string, Session>;
  readonly connections: Set<Client>;
  readonly trie: SubscriptionTrie;
  readonly retained: RetainedStore;
  readonly counters: BrokerCounters;
  readonly listeners: Set<BrokerEventListener>;
  readonly flow: FlowState;
  /** The one timer behind connect timeouts and keep alive (connection.ts). */
  readonly watchdog: { readonly watched: Set<Watched>; timer: LongTimer | null };
  closing: boolean;
  /** options.auth.authorizeRead, read once: the routing path tests only this field (undefined = no ACL). */
  readonly authorizeRead: ((clientId: string, topic: string, username?: string) => boolean) | undefined;
  /** Opt-in persistence (options.persistenceDir); null = everything in memory. */
  journal: Journal | null;
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
    slowConsumers: 0,
    flowPauses: 0,
    deniedPublish: 0,
    deniedSubscribe: 0,
    deniedDelivery: 0,
    payloadTooLarge: 0,
  };
}
