import type { EnhancedAuthenticator, EnhancedAuthStep } from './auth';
import type { ProtocolVersion, QoS, WillMessage } from './codec/packets';
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

// Client (the connection as the rest of the broker sees it) lives beside Session: each refers to the
// other, and one module keeps that out of the import graph's cycles.

export type ConnectionState = 'awaiting-connect' | 'authenticating' | 'connected' | 'closed';

/**
 * The client's limits for what we send it, from its CONNECT (v5; defaults otherwise). Fixed by the
 * CONNECT handler before anything else, so even a refusal obeys them.
 */
export interface ClientLimits {
  /** Outgoing QoS>0 window: min(client Receive Maximum, broker maxInflight) ([MQTT-4.9.0-1]). */
  readonly sendLimit: number;
  /** The client's Maximum Packet Size: nothing larger is sent to it ([MQTT-3.1.2-24]). */
  readonly maxPacketSize: number;
  /** Topic aliases the client accepts from us; 0 = none ([MQTT-3.1.2-26]). */
  readonly topicAliasMaximum: number;
  /** Request Problem Information: false = no Reason String on acknowledgements ([MQTT-3.1.2-29]). */
  readonly requestProblemInformation: boolean;
}

/** Before CONNECT, and what a CONNECT without limits leaves: the largest packet MQTT can express, no aliases. */
export const NO_LIMITS: ClientLimits = Object.freeze({ sendLimit: 65535, maxPacketSize: 268_435_455 + 5, topicAliasMaximum: 0, requestProblemInformation: true });

/** The outbound flow towards one client: owned by delivery/ and written only there. */
export interface ClientFlow {
  /** Outgoing QoS>0 PUBLISH sent on this connection and not yet acknowledged (send.ts). */
  unacked: number;
  /** Topic aliases we set towards the client, topic → alias; fresh on each connection, made on first use (framing.ts). */
  aliases: Map<string, number> | null;
  /** Sessions whose full queues keep this client paused as a publisher; null when none (flow-control.ts). */
  pausedBy: Set<Session> | null;
}

/** One enhanced authentication exchange in progress. */
export interface AuthExchange {
  authenticator: EnhancedAuthenticator;
  onSuccess(step: Extract<EnhancedAuthStep, { status: 'success' }>): void;
  onFailure(reasonCode: number): void;
}

/** Enhanced authentication on a connection (spec 4.12): owned by handlers/auth.ts. */
export interface ClientAuth {
  /** The Authentication Method from CONNECT: every later AUTH must name it ([MQTT-4.12.1-1]). */
  readonly method: string;
  /** The exchange in progress (CONNECT's or a re-authentication), if any. */
  exchange: AuthExchange | undefined;
}

/**
 * What the rest of the broker sees of one network connection (connection.ts). Its state is grouped by
 * owner: identity and lifecycle change only through its methods (the CONNECT and DISCONNECT handlers
 * call them); `limits` are fixed at CONNECT; `flow` belongs to delivery/; `auth` to handlers/auth.ts;
 * the inbound topic aliases to handlers/publish.ts.
 */
export interface Client {
  readonly state: ConnectionState;
  /** Protocol version from CONNECT (4 until one has been read that far). */
  readonly version: ProtocolVersion;
  /** Set when CONNECT is accepted. */
  readonly clientId: string;
  readonly username: string | undefined;
  readonly session: Session | null;
  readonly connectedAt: number;
  /** "address:port" of the peer, asked of the socket only when someone wants it. */
  readonly remoteAddress: string;
  readonly limits: ClientLimits;
  readonly flow: ClientFlow;
  readonly auth: ClientAuth | null;
  /** Topic aliases set by the client ([MQTT-3.3.2-7] per connection); null until it sets one. */
  readonly inboundAliases: Map<number, string> | null;
  /** Who ended the connection, and the reason code sent or received (for the live view). */
  readonly closedBy: 'client' | 'broker' | 'network';
  readonly closeReasonCode: number | undefined;
  /** Set by DISCONNECT 0x00 and at shutdown: the Will is dropped ([MQTT-3.14.4-3]). */
  readonly discardWill: boolean;
  /** The client stopped reading: its socket buffer is over the limit. */
  readonly congested: boolean;
  /** Whether a Reason String may go on an acknowledgement ([MQTT-3.1.2-29]). */
  readonly explainsFailures: boolean;

  write(data: Buffer): void;
  writeAll(chunks: Buffer[]): void;
  /** `withReason` unless it exceeds the client's Maximum Packet Size; then `bare()`, the packet without its Reason String. */
  writeWithReason(withReason: Buffer, bare: () => Buffer): void;

  /** CONNECT, first: the client's limits for everything sent to it from now on. */
  fixLimits(limits: ClientLimits): void;
  /** CONNECT with an Authentication Method: only AUTH and DISCONNECT are read until CONNACK. */
  beginAuthentication(method: string): void;
  /** CONNECT accepted and its CONNACK written: the session is attached and keep alive starts. */
  connected(session: Session, clientId: string, username: string | undefined, keepAliveSeconds: number): void;
  /** The inbound alias map, made on first use (handlers/publish.ts). */
  ownInboundAliases(): Map<number, string>;
  /** Flow control (delivery/flow-control.ts): stop and resume reading its packets. */
  pauseReading(): void;
  resumeReading(): void;

  /** Ends it for a reason: v5 gets CONNACK or DISCONNECT with the code, 3.1.1/3.1 a close. */
  disconnect(reasonCode: number, reasonString?: string): void;
  /** Ends it for a reason that cannot be sent (a CONNACK over the client's maximum). */
  closeUnanswered(reasonCode: number): void;
  /** The client sent DISCONNECT with `reasonCode`; `discardWill` for a normal one. */
  closedByClient(reasonCode: number, discardWill: boolean): void;
  /** Closes, optionally writing one last packet. */
  close(lastPacket?: Buffer): void;
  /** Broker shutdown: DISCONNECT 0x8B to v5 clients, no Will; resolves once closed (at most a second). */
  shutdown(): Promise<void>;
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
  connection: Client | null = null;
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
  blocking: Set<Client> | null = null;
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
