import { z } from 'zod';
import { MAX_MQTT_PAYLOAD_BYTES, bytes, connectionId, empty, qos, topicFilter, topicName } from './common';

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
});
export type MqttMessage = z.infer<typeof mqttMessage>;

/** Upper bounds of one message batch: see main/core/engine/message-batcher.ts. */
export const MESSAGE_BATCH_MAX_COUNT = 2000;
export const MESSAGE_BATCH_MAX_DELAY_MS = 50;

export const messagesContract = {
  requests: {
    subscribe: {
      input: z.object({ connectionId, filter: topicFilter, qos: qos.default(0) }).strict(),
      /** The QoS the broker granted (SUBACK). */
      output: z.object({ filter: z.string(), grantedQos: qos }),
    },
    unsubscribe: { input: z.object({ connectionId, filter: topicFilter }).strict(), output: empty },
    publish: {
      input: z
        .object({
          connectionId,
          topic: topicName,
          payload: bytes.refine((p) => p.byteLength <= MAX_MQTT_PAYLOAD_BYTES, 'Payload is larger than MQTT allows'),
          qos: qos.default(0),
          retain: z.boolean().default(false),
        })
        .strict(),
      output: empty,
    },
  },
  events: {
    /** Messages in both directions, batched by time and count; never one event per message. */
    batch: { payload: z.object({ messages: z.array(mqttMessage).max(MESSAGE_BATCH_MAX_COUNT) }) },
  },
} as const;
