import { z } from 'zod';
import { topicNameProblem } from '../mqtt/topic';
import { MAX_MQTT_PAYLOAD_BYTES, bytes, connectionId, downloadTicket, empty, errorShape, qos, topicFilter, topicName } from './common';
import { publishProperties, receivedProperties, userProperties } from './mqtt5';
import { decodedPayload } from './codec-rules';

export const mqttMessage = z.object({
  connectionId,
  direction: z.enum(['in', 'out']),
  topic: z.string(),
  payload: bytes,
  qos,
  retain: z.boolean(),
  dup: z.boolean(),
  /** Milliseconds since the epoch, taken when the message arrived at (or left) the engine. */
  timestamp: z.number(),
  /** MQTT 5 properties, when the message carried any. */
  properties: receivedProperties.optional(),
});
export type MqttMessage = z.infer<typeof mqttMessage>;

/**
 * A message as the live views get it (messages.batch): numbered, and with at most
 * LIVE_PAYLOAD_PREVIEW_BYTES of its payload. A bigger payload arrives as its first bytes with
 * `payloadSize` set to the full size; messages.payload fetches the whole of it. History keeps every
 * byte regardless: this bound is only what crosses to the UI live, so a firehose of 500 KB payloads
 * cannot flood the renderer.
 */
export const LIVE_PAYLOAD_PREVIEW_BYTES = 4096;
export const liveMessage = mqttMessage.extend({
  /** Unique within one run of the app, increasing in arrival order. */
  id: z.number().int().nonnegative(),
  /** Set only when `payload` is a preview: the size of the whole payload in bytes. */
  payloadSize: z.number().int().nonnegative().optional(),
  /**
   * The payload as the first codec rule matching its topic read it (issue 16): compact JSON or
   * text, at most LIVE_DECODED_MAX_CHARS of it. Absent when no rule matches, and when decoding fell
   * behind the firehose (the rule's ruleProblem counts it as skipped; codecs.decode reads it on demand).
   */
  decoded: decodedPayload.optional(),
});
export type LiveMessage = z.infer<typeof liveMessage>;

/**
 * Ids one messages.searchPayloads request may name. The 64 MB budget holds at most 16,384 payloads
 * over the preview size, so a few requests cover every preview a list of 20,000 can show.
 */
export const PAYLOAD_SEARCH_MAX_IDS = 5000;
/** Longest text the live list searches for (as History's text search). */
export const PAYLOAD_SEARCH_MAX_TEXT = 1000;

/** Upper bounds of one message batch: see main/core/engine/batcher.ts. */
export const MESSAGE_BATCH_MAX_COUNT = 2000;
export const MESSAGE_BATCH_MAX_DELAY_MS = 50;

const payload = bytes.refine((p) => p.byteLength <= MAX_MQTT_PAYLOAD_BYTES, 'Payload is larger than MQTT allows');

/**
 * A filter and its subscription options (MQTT 5, 3.8.3.1; ignored by 3.1.1 brokers): what a
 * SUBSCRIBE carries, and what a profile saves (profiles.ts savedSubscription).
 */
export const subscriptionFields = {
  filter: topicFilter,
  qos: qos.default(0),
  noLocal: z.boolean().default(false),
  retainAsPublished: z.boolean().default(false),
  /** 0 send retained on subscribe, 1 only for a new subscription, 2 never. */
  retainHandling: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  /** 1..268,435,455 (3.8.2.1.2). */
  subscriptionIdentifier: z.number().int().min(1).max(268_435_455).optional(),
  userProperties: userProperties.optional(),
};

export const subscribeInput = z
  .object({
    connectionId,
    ...subscriptionFields,
    /**
     * `$share/group/filter` on MQTT 3.1/3.1.1: many brokers (NATS, RabbitMQ) take it as a literal
     * topic filter that nothing matches. Refused with SHARED_SUBSCRIPTION_UNSUPPORTED unless true.
     */
    literalSharedSubscription: z.boolean().optional(),
  })
  .strict();

/**
 * An empty topic publishes by Topic Alias alone (MQTT 5, 3.3.2.3.4): the alias must have been set
 * on this connection by an earlier PUBLISH with the topic and the alias.
 */
export const publishInput = z
  .object({
    connectionId,
    topic: z.string(),
    payload,
    qos: qos.default(0),
    retain: z.boolean().default(false),
    properties: publishProperties.optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.topic === '' && input.properties?.topicAlias !== undefined) return;
    const problem = topicNameProblem(input.topic);
    if (problem) ctx.addIssue({ code: 'custom', path: ['topic'], message: input.topic === '' ? `${problem} (or give a Topic Alias set earlier)` : problem });
  });

export const repeatStatus = z.object({
  repeatId: z.string(),
  connectionId,
  topic: z.string(),
  sent: z.number().int(),
  failed: z.number().int(),
  /** True once the count was reached, the user stopped it, or the connection went away. */
  done: z.boolean(),
  lastError: z.string().optional(),
  /** lastError as the error it was (code, message, params), for the page to say it in the user's language. */
  lastFailure: errorShape.optional(),
});
export type RepeatStatus = z.infer<typeof repeatStatus>;

export const messagesContract = {
  requests: {
    subscribe: {
      input: subscribeInput,
      /** The broker's SUBACK for this filter: granted QoS (may be below the requested one), or a failure. */
      output: z.object({ filter: z.string(), grantedQos: qos, requestedQos: qos, reasonCode: z.number() }),
    },
    unsubscribe: { input: z.object({ connectionId, filter: topicFilter }).strict(), output: empty },
    publish: { input: publishInput, output: empty },
    /**
     * Request/response (MQTT 5, 4.10): publishes with a Response Topic and Correlation Data,
     * subscribes to the response topic, and waits for the matching response.
     */
    request: {
      input: z
        .object({
          connectionId,
          topic: topicName,
          payload,
          qos: qos.default(0),
          responseTopic: topicName,
          /** Generated when absent. */
          correlationData: bytes.optional(),
          timeoutMs: z.number().int().min(1).max(600_000).default(5000),
          properties: publishProperties.omit({ responseTopic: true, correlationData: true }).optional(),
        })
        .strict(),
      output: z.union([
        z.object({ status: z.literal('response'), latencyMs: z.number(), response: z.lazy(() => mqttMessage) }),
        z.object({ status: z.literal('timeout'), latencyMs: z.number() }),
      ]),
    },
    /** Publishes the same message every `intervalMs` (>= 1 ms), `count` times or until stopped. */
    startRepeat: {
      input: z
        .object({
          message: publishInput,
          intervalMs: z.number().int().min(1, 'Interval must be at least 1 ms').max(86_400_000),
          /** 0 = until stopped. */
          count: z.number().int().min(0).max(100_000_000).default(0),
        })
        .strict(),
      output: z.object({ repeatId: z.string() }),
    },
    stopRepeat: { input: z.object({ repeatId: z.string().min(1).max(64) }).strict(), output: repeatStatus },
    /**
     * The whole payload of a live message that arrived as a preview (see liveMessage). Recent big
     * payloads are held in memory within a byte budget; an older one fails with PAYLOAD_EVICTED
     * (History still has it).
     */
    payload: {
      input: z.object({ connectionId, id: z.number().int().nonnegative() }).strict(),
      output: z.object({ payload: bytes }),
    },
    /**
     * A single-use download id for the whole payload of a live message (held on the host, never
     * sent whole to the page): browser mode downloads it from the host, the desktop saves it
     * through its save dialog. Fails as messages.payload does for an evicted payload.
     */
    downloadPayload: {
      input: z
        .object({
          connectionId,
          id: z.number().int().nonnegative(),
          fileName: z
            .string()
            .max(200)
            .regex(/^(?!\.)[\w.() -]+$/, 'File name may use letters, digits, spaces, . _ - ( ) only, and does not start with a dot'),
        })
        .strict(),
      output: downloadTicket,
    },
    /**
     * Which of these previewed live messages contain `text` in their whole payload (case-insensitive,
     * as the list's text filter): the list holds 4 KiB previews, so a match further in is found
     * here. A payload no longer held in memory is reported as unknown (History still has it). A
     * newer search of the same connection for another text ends this one with SEARCH_SUPERSEDED.
     */
    searchPayloads: {
      input: z
        .object({
          connectionId,
          ids: z.array(z.number().int().nonnegative()).min(1).max(PAYLOAD_SEARCH_MAX_IDS),
          text: z.string().min(1).max(PAYLOAD_SEARCH_MAX_TEXT),
        })
        .strict(),
      output: z.object({ matched: z.array(z.number().int()), unknown: z.array(z.number().int()) }),
    },
  },
  events: {
    /** Progress of repeated publishing, at most a few times a second per repeat. */
    repeatStatus: { payload: repeatStatus },
    /** Messages in both directions, batched by time and count; never one event per message. */
    batch: { payload: z.object({ messages: z.array(liveMessage).max(MESSAGE_BATCH_MAX_COUNT) }) },
    /**
     * Browser mode: this page fell behind (stopped reading) and the host dropped `count` live
     * messages for it instead of queueing them without bound. They are in History.
     */
    dropped: { payload: z.object({ count: z.number().int().min(1) }) },
  },
} as const;
