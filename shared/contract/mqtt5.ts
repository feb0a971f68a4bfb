import { z } from 'zod';
import { bytes, qos, topicName } from './common';

/** MQTT 5 user properties as an ordered list: order is significant [MQTT-3.3.2-18]. */
export const userProperties = z.array(z.object({ key: z.string().max(65535), value: z.string().max(65535) })).max(1000);
export type UserProperties = z.infer<typeof userProperties>;

const uint32 = z.number().int().min(0).max(0xffffffff);
const uint16 = z.number().int().min(0).max(0xffff);

/** CONNECT properties (MQTT 5, 3.1.2.11). */
export const connectProperties = z
  .object({
    sessionExpiryInterval: uint32.optional(),
    receiveMaximum: uint16.min(1, 'Receive Maximum must be at least 1').optional(), // [MQTT-3.1.2-?] 0 is a protocol error
    maximumPacketSize: uint32.min(1, 'Maximum Packet Size must be at least 1').optional(),
    topicAliasMaximum: uint16.optional(),
    requestResponseInformation: z.boolean().optional(),
    requestProblemInformation: z.boolean().optional(),
    userProperties: userProperties.optional(),
  })
  .strict();

/** Will message and its MQTT 5 properties (3.1.3.2). */
export const willMessage = z
  .object({
    topic: topicName,
    payload: bytes.default(() => new Uint8Array()),
    qos: qos.default(0),
    retain: z.boolean().default(false),
    properties: z
      .object({
        willDelayInterval: uint32.optional(),
        payloadFormatIndicator: z.boolean().optional(),
        messageExpiryInterval: uint32.optional(),
        contentType: z.string().max(65535).optional(),
        responseTopic: topicName.optional(),
        correlationData: bytes.optional(),
        userProperties: userProperties.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** PUBLISH properties a user can set (3.3.2.3). */
export const publishProperties = z
  .object({
    payloadFormatIndicator: z.boolean().optional(),
    messageExpiryInterval: uint32.optional(),
    contentType: z.string().max(65535).optional(),
    responseTopic: topicName.optional(),
    correlationData: bytes.optional(),
    userProperties: userProperties.optional(),
    topicAlias: uint16.min(1, 'Topic Alias must be at least 1').optional(), // [MQTT-3.3.2-8]
  })
  .strict();

/** Properties of a received PUBLISH, as the engine saw them. */
export const receivedProperties = z.object({
  payloadFormatIndicator: z.boolean().optional(),
  messageExpiryInterval: z.number().optional(),
  contentType: z.string().optional(),
  responseTopic: z.string().optional(),
  correlationData: bytes.optional(),
  userProperties: userProperties.optional(),
  subscriptionIdentifiers: z.array(z.number()).optional(),
  topicAlias: z.number().optional(),
});
export type ReceivedProperties = z.infer<typeof receivedProperties>;
