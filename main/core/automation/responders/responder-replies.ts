import { z } from 'zod';
import { type MqttMessage, type RequestParsed, qos as qosSchema } from '../../../../shared/contract';
import { publishInput } from '../../../../shared/contract/messages';
import { fromByteJson } from '../../../../shared/codecs/byte-envelope';
import { decodeHex } from '../../../../shared/codecs/hex';
import { encodeUtf8 } from '../../../../shared/codecs/utf8';
import { expandVariables, hasVariables } from '../../../../shared/templates/message-variables';

export type ReplyPublish = RequestParsed<'messages.publish'>;

/** Replies one call may make: a script that answers each message with thousands is cut off, not obeyed. */
export const MAX_REPLIES_PER_CALL = 100;

/** How the prelude hands a payload over (script-prelude.ts `replies`): a string, an object as JSON text, bytes as hex. */
const shapedPayload = z.union([z.object({ text: z.string() }).strict(), z.object({ json: z.string() }).strict(), z.object({ hex: z.string() }).strict()]);
const shapedBytes = z.union([z.object({ text: z.string() }).strict(), z.object({ hex: z.string() }).strict(), z.object({ json: z.unknown() }).strict()]);

/** One reply as a script returns it, after the prelude made its payload crossable. */
const shapedReply = z
  .object({
    topic: z.string().optional(),
    payload: shapedPayload,
    qos: qosSchema.optional(),
    retain: z.boolean().optional(),
    properties: z
      .object({
        contentType: z.string().optional(),
        payloadFormatIndicator: z.boolean().optional(),
        messageExpiryInterval: z.number().int().min(0).max(0xffffffff).optional(),
        responseTopic: z.string().optional(),
        correlationData: shapedBytes.optional(),
        userProperties: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export class ReplyError extends Error {}

/** What a reply is for: the request it answers and the responder's own settings. */
export interface ReplyContext {
  connectionId: string;
  request: Pick<MqttMessage, 'topic' | 'qos' | 'properties'>;
  /** The responder's reply topic template, used when neither the reply nor the request names one. */
  replyTopic?: string | undefined;
  /** `{{seq}}` in templates. */
  seq?: number;
}

function expand(text: string, context: ReplyContext, what: string): string {
  if (!hasVariables(text)) return text;
  const expanded = expandVariables(text, { variables: { topic: context.request.topic }, ...(context.seq !== undefined ? { seq: context.seq } : {}) });
  if (!expanded.ok) throw new ReplyError(`${what}: ${expanded.problem.message} (column ${expanded.problem.column})`);
  return expanded.text;
}

function bytesOf(value: z.infer<typeof shapedBytes>): Uint8Array {
  if ('text' in value) return encodeUtf8(value.text);
  if ('hex' in value) return decodeHex(value.hex);
  const bytes = fromByteJson(value.json);
  if (bytes instanceof Uint8Array) return bytes;
  throw new ReplyError('properties.correlationData must be a string, bytes, or the request\'s correlationData');
}

/**
 * The publishes a responder's answer makes (the JSON the prelude's `replies` returned). A reply
 * without a topic goes to the request's Response Topic with the request's Correlation Data, which
 * is how MQTT 5 pairs a response with its request [MQTT-4.10]; without a Response Topic it goes to
 * the responder's reply topic template. Topics and string payloads may use the message variables
 * and `{{topic}}` (the request's topic). Throws a ReplyError naming the reply that is wrong.
 */
export function buildReplies(json: string, context: ReplyContext): ReplyPublish[] {
  const parsed = z.array(z.unknown()).safeParse(JSON.parse(json));
  if (!parsed.success) throw new ReplyError('respond() must return a reply, an array of replies, or nothing');
  if (parsed.data.length > MAX_REPLIES_PER_CALL) throw new ReplyError(`respond() returned ${parsed.data.length} replies; at most ${MAX_REPLIES_PER_CALL} per message are sent`);
  const requestProperties = context.request.properties;
  return parsed.data.map((raw, index) => {
    const what = parsed.data.length > 1 ? `Reply ${index + 1}` : 'The reply';
    const shaped = shapedReply.safeParse(raw);
    if (!shaped.success) {
      const issue = shaped.error.issues[0]!;
      throw new ReplyError(`${what}: ${issue.path.join('.') || 'value'}: ${issue.message}`);
    }
    const reply = shaped.data;
    let topic: string;
    let toResponseTopic = false;
    if (reply.topic !== undefined) {
      topic = expand(reply.topic, context, `${what}'s topic`);
      toResponseTopic = topic === requestProperties?.responseTopic;
    } else if (requestProperties?.responseTopic) {
      topic = requestProperties.responseTopic;
      toResponseTopic = true;
    } else if (context.replyTopic) {
      topic = expand(context.replyTopic, context, 'The reply topic template');
    } else {
      throw new ReplyError(`${what} has no topic, and the request had no Response Topic (MQTT 5) to answer on: give the reply a topic or the responder a reply topic`);
    }
    const payload = 'hex' in reply.payload ? decodeHex(reply.payload.hex) : encodeUtf8('text' in reply.payload ? expand(reply.payload.text, context, `${what}'s payload`) : reply.payload.json);
    const { correlationData, userProperties, ...rest } = reply.properties ?? {};
    const properties: NonNullable<ReplyPublish['properties']> = { ...rest };
    if (correlationData !== undefined) properties.correlationData = bytesOf(correlationData);
    // The requester matches the response by its Correlation Data: copied unless the script set its own [MQTT-4.10].
    else if (toResponseTopic && requestProperties?.correlationData) properties.correlationData = requestProperties.correlationData;
    if (userProperties) properties.userProperties = Object.entries(userProperties).flatMap(([key, value]) => (Array.isArray(value) ? value.map((item) => ({ key, value: item })) : [{ key, value }]));
    const input = publishInput.safeParse({
      connectionId: context.connectionId,
      topic,
      payload,
      qos: reply.qos ?? context.request.qos,
      retain: reply.retain ?? false,
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    });
    if (!input.success) {
      const issue = input.error.issues[0]!;
      throw new ReplyError(`${what}: ${issue.path.join('.') || 'value'}: ${issue.message}`);
    }
    return input.data;
  });
}
