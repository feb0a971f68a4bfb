import type { ProtocolVersion, QoS, WillMessage } from './codec/packets';
import type { Connection } from './connection';
import { Deque } from './deque';
import type { LongTimer } from './long-timer';
import type { Message } from './message';

/** How one subscription of a session was made (spec 3.8.3.1). */
export interface Subscription {
  session: Session;
  /** The filter exactly as subscribed, "$share/group/..." included: the key for replace/unsubscribe. */
  filter: string;
  /** The filter used for matching ("$share/g/" stripped). */
  topicFilter: string;
  /** Shared subscription group name, or null. */
  group: string | null;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
  subscriptionId: number | undefined;
}

/** A message waiting to be sent to a session. */
export interface Pending {
  msg: Message;
  qos: QoS;
  retain: boolean;
  subscriptionIds: number[] | undefined;
  /** Set when the message came through a shared subscription (for redistribution). */
  group?: SharedGroupRef | undefined;
  /** Its record in the persistence journal, when the session is persisted (persistence.ts). */
  seq?: number | undefined;
}

/** The part of a shared group that redistribution needs. */
export interface SharedGroupRef {
  pick(): Subscription | undefined;
}

/** An outgoing QoS 1/2 message not yet fully acknowledged. */
export interface Inflight extends Pending {
  packetId: number;
  /** 1 = PUBLISH sent or to resend, awaiting PUBACK/PUBREC; 2 = PUBREL sent, awaiting PUBCOMP. */
  stage: 1 | 2;
  /** Whether the PUBLISH went out on the current connection (false after a reconnect until resent). */
  sent: boolean;
}

export interface StoredWill extends WillMessage {
  delayInterval: number;
}

/** Anything the session needs from the connection it is attached to. */
export interface SessionConnection {
  readonly version: ProtocolVersion;
}

/**
 * Shared empty collections for sessions that never used one (most idle sessions: issue #5, memory
 * per connection). Reads, delete and clear work as on any empty collection; a write means a write
 * site forgot its `own*()` call, and fails loudly instead of leaking into every session.
 */
class EmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new Error('internal: write to a shared empty map (use the session own*() accessor)');
  }
}
class EmptySet<T> extends Set<T> {
  override add(): this {
    throw new Error('internal: write to a shared empty set (use the session own*() accessor)');
  }
}
const NO_SUBSCRIPTIONS: Map<string, Subscription> = new EmptyMap();
const NO_INFLIGHT: Map<number, Inflight> = new EmptyMap();
const NO_IDS: Set<number> = new EmptySet();

/** Session state (spec 4.1): it lives in the broker, possibly longer than any connection. */
export class Session {
  /** Read freely; write through ownSubscriptions(). */
  subscriptions = NO_SUBSCRIPTIONS;
  /** Outgoing QoS 1/2 by packet id, in the order they were first sent ([MQTT-4.4.0-1]); write through ownInflight(). */
  inflight = NO_INFLIGHT;
  readonly queue = new Deque<Pending>();
  /** Incoming QoS 2 packet ids that got PUBREC and await PUBREL ([MQTT-4.3.3-10]); write through ownIncomingQos2(). */
  incomingQos2 = NO_IDS;
  /** The connection currently attached, or null while offline. */
  connection: SessionConnection | null = null;
  /** Seconds the session outlives its connection; 0xFFFFFFFF = never expires. */
  expiryInterval = 0;
  expiryTimer: LongTimer | null = null;
  /** When the session went offline (epoch ms), for the inspector. */
  disconnectedAt = 0;
  will: StoredWill | null = null;
  willTimer: LongTimer | null = null;
  /** Messages dropped for this session: queue full, expired, too large, slow consumer. */
  dropped = 0;
  /** Inflight entries with sent === false, so new messages never overtake them. */
  unsentInflight = 0;
  ended = false;
  /** Publishers paused because this session's queue passed the high-water mark (null when none). */
  blocking: Set<Connection> | null = null;
  /** When this session began holding publishers paused (the broker clock, options.now). */
  blockedSince = 0;
  /** Declared a slow consumer: it no longer pauses publishers, and overflow is dropped for it. */
  slow = false;
  private nextPacketId = 1;

  /** The user name of the connection that last attached it (authorization of its Will and deliveries). */
  username: string | undefined = undefined;
  /** Recorded in the persistence journal (it outlives its connection and persistence is on). */
  persisted = false;

  constructor(
    readonly clientId: string,
    public version: ProtocolVersion,
  ) {}

  ownSubscriptions(): Map<string, Subscription> {
    return this.subscriptions === NO_SUBSCRIPTIONS ? (this.subscriptions = new Map()) : this.subscriptions;
  }

  ownInflight(): Map<number, Inflight> {
    return this.inflight === NO_INFLIGHT ? (this.inflight = new Map()) : this.inflight;
  }

  ownIncomingQos2(): Set<number> {
    return this.incomingQos2 === NO_IDS ? (this.incomingQos2 = new Set()) : this.incomingQos2;
  }

  /** A non-zero packet id not in use by this session's outgoing flows ([MQTT-2.2.1-4]), or 0 if none. */
  allocatePacketId(): number {
    if (this.inflight.size >= 65535) return 0;
    for (;;) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 65535 ? 1 : id + 1;
      if (!this.inflight.has(id)) return id;
    }
  }
}
