import { z } from 'zod';
import { empty } from './common';

const port = z.number().int().min(0, 'Port must be 0-65535 (0 = any free port)').max(65535, 'Port must be 0-65535');

export const brokerStats = z.object({
  connections: z.number(),
  sessions: z.number(),
  subscriptions: z.number(),
  retained: z.number(),
  inflight: z.number(),
  queued: z.number(),
  messagesIn: z.number(),
  messagesOut: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  /** Messages a client did not get because of a limit (queue full, slow consumer, too large, expired). */
  dropped: z.number(),
  /** Subscribers declared slow consumers since the start (they kept publishers paused too long). */
  slowConsumers: z.number(),
  /** Publishers not being read right now because a subscriber's queue is full (flow control). */
  pausedPublishers: z.number(),
  /** Per second, over the last stats period. */
  messagesInPerSecond: z.number(),
  messagesOutPerSecond: z.number(),
});
export type BrokerStatsView = z.infer<typeof brokerStats>;

const pem = z.string().min(1, 'Paste or load a PEM file').max(64 * 1024, 'PEM text is limited to 64 KB');

/** The TLS listener's certificate: generated for localhost/127.0.0.1/::1, or chosen by the user (PEM). */
export const brokerTlsInput = z
  .object({
    port: port.default(8883),
    certificate: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('generated') }).strict(),
      z.object({ kind: z.literal('pem'), cert: pem, key: pem }).strict(),
    ]),
  })
  .strict();
export type BrokerTlsInput = z.input<typeof brokerTlsInput>;

export const brokerTlsStatus = z.object({
  port: z.number(),
  generated: z.boolean(),
  /** What clients should trust: the generated local CA, or the chosen certificate (chain). PEM. */
  caPem: z.string(),
  /** SHA-256 fingerprint of the server certificate (AA:BB:...). */
  fingerprint: z.string(),
  subject: z.string(),
  validTo: z.string(),
  /** Names and addresses the server certificate is valid for. */
  hosts: z.array(z.string()),
});
export type BrokerTlsStatus = z.infer<typeof brokerTlsStatus>;

export const brokerStatus = z.object({
  running: z.boolean(),
  host: z.string().optional(),
  tcpPort: z.number().optional(),
  wsPort: z.number().optional(),
  /** Present when a TLS (mqtts://) listener runs. */
  tls: brokerTlsStatus.optional(),
  startedAt: z.number().optional(),
  /** Whether clients need a user name and password. */
  authRequired: z.boolean().optional(),
  stats: brokerStats.optional(),
});
export type BrokerStatusView = z.infer<typeof brokerStatus>;

export const brokerClient = z.object({
  clientId: z.string(),
  remoteAddress: z.string(),
  protocolVersion: z.union([z.literal(3), z.literal(4), z.literal(5)]),
  connectedAt: z.number(),
  username: z.string().optional(),
});
export const brokerSession = z.object({
  clientId: z.string(),
  connected: z.boolean(),
  expiryInterval: z.number(),
  subscriptions: z.array(z.object({ filter: z.string(), qos: z.number(), subscriptionId: z.number().optional() })),
  inflight: z.number(),
  queued: z.number(),
  dropped: z.number(),
  /** Declared a slow consumer: what does not fit its queue is dropped for it. */
  slowConsumer: z.boolean(),
});
export const retainedEntry = z.object({ topic: z.string(), qos: z.number(), payloadBytes: z.number() });

/** The mosquitto.conf limits the Broker view offers, with mosquitto's names and ranges. */
export const brokerLimits = z
  .object({
    /** max_keepalive: Server Keep Alive for v5 clients asking for more (or 0). */
    maxKeepalive: z.number().int().min(0).max(65535).optional(),
    /** max_inflight_messages: our Receive Maximum and outgoing window; 0 = 65535. */
    maxInflightMessages: z.number().int().min(0).max(65535).optional(),
    /** max_queued_messages: per session. */
    maxQueuedMessages: z.number().int().min(1).max(10_000_000).optional(),
    /** max_packet_size: 0 = the MQTT maximum, else at least 20 bytes. */
    maxPacketSize: z
      .number()
      .int()
      .min(0)
      .max(268_435_460)
      .refine((n) => n === 0 || n >= 20, 'max_packet_size is 0 (the MQTT maximum) or at least 20')
      .optional(),
    /** message_size_limit: largest PUBLISH payload; 0 = no limit. */
    messageSizeLimit: z.number().int().min(0).max(268_435_455).optional(),
    retainAvailable: z.boolean().optional(),
  })
  .strict();
export type BrokerLimits = z.infer<typeof brokerLimits>;

/** Lists in the live view are capped: the UI never receives unbounded arrays. */
export const BROKER_LIST_LIMIT = 5000;

export const brokerContract = {
  requests: {
    /** Starts the embedded broker, bound to 127.0.0.1 unless `host` says otherwise. */
    start: {
      input: z
        .object({
          host: z.string().min(1).max(253).default('127.0.0.1'),
          port: port.default(1883),
          /** WebSocket listener port; absent = no WebSocket listener. */
          wsPort: port.optional(),
          /** TLS (mqtts://) listener; absent = none. A bad or mismatched key fails with TLS_ERROR. */
          tls: brokerTlsInput.optional(),
          /** When given, clients must log in with one of these users. */
          users: z.array(z.object({ username: z.string().min(1).max(256), password: z.string().max(1024) })).max(100).optional(),
          /** mosquitto.conf settings of the same names (core/broker/config/mosquitto-config.ts); absent = our defaults. */
          limits: brokerLimits.optional(),
        })
        .strict(),
      output: brokerStatus,
    },
    stop: { input: empty, output: empty },
    status: { input: empty, output: brokerStatus },
    /** The broker's inside, for the live view (each list capped at BROKER_LIST_LIMIT). */
    inspect: {
      input: empty,
      output: z.object({
        clients: z.array(brokerClient),
        sessions: z.array(brokerSession),
        retained: z.array(retainedEntry),
        truncated: z.boolean(),
      }),
    },
  },
  events: {
    /** Once a second while running: counters and rates. */
    stats: { payload: brokerStatus },
    /** Something changed inside (client, session, subscription, retained); refresh the lists. */
    changed: { payload: z.object({ kind: z.enum(['client', 'session', 'subscription', 'retained']) }) },
  },
} as const;
