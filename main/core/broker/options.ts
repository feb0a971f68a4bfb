import type { QoS } from './codec/packets';
import type { AuthHooks } from './auth';
import { type BrokerTimers, realTimers } from './long-timer';

/** Settings of one broker; every limit has a default so `createBroker()` works as is. */
export interface BrokerOptions {
  /** Largest packet accepted from a client, fixed header included; advertised in CONNACK. Default 1 MiB. */
  maxPacketSize?: number;
  /** Unacknowledged incoming QoS 2 per connection (our Receive Maximum). Default 65535 (not advertised). */
  receiveMaximum?: number;
  /** Cap on unacknowledged outgoing QoS 1/2 per connection, below the client's Receive Maximum. Default 1000. */
  maxInflight?: number;
  /** Messages queued per session (offline, or beyond the in-flight window). Default 1000; excess is dropped and counted. */
  maxQueuedMessages?: number;
  /**
   * How long an online subscriber may keep publishers paused (its queue above the high-water mark,
   * never drained to the low-water mark) before it counts as a slow consumer: the publishers are
   * released and what does not fit its queue is dropped for it (counted). Default 2000 ms.
   */
  slowConsumerTimeoutMs?: number;
  /** Also queue QoS 0 messages for offline sessions (spec: MAY). Default false. */
  queueQos0Offline?: boolean;
  /** Topic aliases a client may use towards the broker. Default 10; 0 disables. */
  topicAliasMaximum?: number;
  /** Highest QoS supported. Default 2. */
  maximumQoS?: QoS;
  retainAvailable?: boolean;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifierAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  /** When set, v5 clients are told this keep alive in CONNACK and it is enforced instead of theirs. */
  serverKeepAlive?: number;
  /**
   * mosquitto's max_keepalive: a v5 client asking for more (or for 0, no keep alive) is told this value
   * as Server Keep Alive and held to it; 3.1.1/3.1 clients keep theirs (they cannot be told). 0 = off.
   */
  maxKeepAlive?: number;
  /** Largest PUBLISH payload accepted (mosquitto's message_size_limit); larger ones are refused, counted. 0 = no limit. */
  maxPayloadSize?: number;
  /** Cap on Session Expiry Interval (seconds); 3.1.1 CleanSession 0 sessions get this. Default never expires. */
  maxSessionExpiryInterval?: number;
  /** Subscriptions one session may hold; beyond it SUBACK 0x97 (3.1.1: 0x80). Default 10,000. */
  maxSubscriptionsPerSession?: number;
  /** Retained topics kept; a new topic beyond it is delivered but not stored (counted). Default 100,000. */
  maxRetainedMessages?: number;
  /** Sessions held, connected or not; a CONNECT needing a new one beyond it gets 0x97 (3.1.1: 0x03). Default 100,000. */
  maxSessions?: number;
  /** Close a connection that has not sent CONNECT within this time. Default 10 s. */
  connectTimeoutMs?: number;
  /** Refuse connections beyond this count (CONNACK 0x97 / 3.1.1 0x03). Default 10,000. */
  maxConnections?: number;
  /** Accept an empty ClientID (v5 and 3.1.1 with CleanSession 1) and assign one. Default true. */
  allowEmptyClientId?: boolean;
  /** Longest ClientID accepted, in bytes. Default 65535 (3.1 MQIsdp clients are held to 23). */
  maxClientIdLength?: number;
  /** Topic names and filters with more levels are refused. Default 128. */
  maxTopicLevels?: number;
  /** Bytes buffered towards one client before it counts as slow: QoS 0 is then dropped, QoS 1/2 queued. Default 1 MiB. */
  maxOutgoingBufferBytes?: number;
  /** Answer QoS 1/2 publications nobody subscribed to with reason 0x10 (v5). Default true. */
  reportNoMatchingSubscribers?: boolean;
  /**
   * Response Information sent in CONNACK to a v5 client that asks with Request Response Information 1
   * ([MQTT-3.1.2-28]): the basis of its response topics. Default: "response/{ClientID}/". null = never.
   */
  responseInformation?: ((clientId: string) => string) | null;
  /**
   * Keep retained messages and sessions that outlive their connection (with their subscriptions and
   * queued/unacknowledged QoS 1/2 messages) in a journal in this folder, restored at start (persistence.ts).
   * Default: in memory only.
   */
  persistenceDir?: string;
  /**
   * Seconds between publications of the `$SYS/broker/...` tree (mosquitto's sys_interval, sys-topics.ts),
   * retained. Default 10; 0 = no $SYS tree.
   */
  sysInterval?: number;
  /** Authentication and authorization hooks. Default: everyone may connect, publish and subscribe. */
  auth?: AuthHooks;
  /**
   * The broker's one clock (epoch ms), for tests: message and session expiry, keep alive, the connect
   * timeout, Will delay and slow consumers all read it. Timer deadlines are computed on this clock; the
   * timers themselves come from `timers`. Default Date.now.
   */
  now?: () => number;
  /**
   * Where the broker's timers come from (Will Delay, Session Expiry, keep alive, connect timeout, slow
   * consumers), for tests: a test clock that fires them when advanced, together with `now`. Default: real timers.
   */
  timers?: BrokerTimers;
}

export type ResolvedOptions = Required<Omit<BrokerOptions, 'serverKeepAlive' | 'auth' | 'responseInformation' | 'persistenceDir'>> & {
  persistenceDir: string | undefined;
  serverKeepAlive: number | undefined;
  responseInformation: ((clientId: string) => string) | null;
  auth: AuthHooks;
};

export const NEVER_EXPIRES = 0xffffffff;

export function resolveOptions(options: BrokerOptions = {}): ResolvedOptions {
  return {
    maxPacketSize: options.maxPacketSize ?? 1024 * 1024,
    receiveMaximum: options.receiveMaximum ?? 65535,
    maxInflight: options.maxInflight ?? 1000,
    maxQueuedMessages: options.maxQueuedMessages ?? 1000,
    slowConsumerTimeoutMs: options.slowConsumerTimeoutMs ?? 2000,
    queueQos0Offline: options.queueQos0Offline ?? false,
    topicAliasMaximum: options.topicAliasMaximum ?? 10,
    maximumQoS: options.maximumQoS ?? 2,
    retainAvailable: options.retainAvailable ?? true,
    wildcardSubscriptionAvailable: options.wildcardSubscriptionAvailable ?? true,
    subscriptionIdentifierAvailable: options.subscriptionIdentifierAvailable ?? true,
    sharedSubscriptionAvailable: options.sharedSubscriptionAvailable ?? true,
    serverKeepAlive: options.serverKeepAlive,
    persistenceDir: options.persistenceDir,
    maxKeepAlive: options.maxKeepAlive ?? 0,
    maxPayloadSize: options.maxPayloadSize ?? 0,
    maxSessionExpiryInterval: options.maxSessionExpiryInterval ?? NEVER_EXPIRES,
    maxSubscriptionsPerSession: options.maxSubscriptionsPerSession ?? 10_000,
    maxRetainedMessages: options.maxRetainedMessages ?? 100_000,
    maxSessions: options.maxSessions ?? 100_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    maxConnections: options.maxConnections ?? 10_000,
    allowEmptyClientId: options.allowEmptyClientId ?? true,
    maxClientIdLength: options.maxClientIdLength ?? 65535,
    maxTopicLevels: options.maxTopicLevels ?? 128,
    maxOutgoingBufferBytes: options.maxOutgoingBufferBytes ?? 1024 * 1024,
    reportNoMatchingSubscribers: options.reportNoMatchingSubscribers ?? true,
    responseInformation: options.responseInformation === undefined ? (clientId) => `response/${clientId}/` : options.responseInformation,
    sysInterval: options.sysInterval ?? 10,
    auth: options.auth ?? {},
    now: options.now ?? Date.now,
    timers: options.timers ?? realTimers,
  };
}
