import { randomBytes } from 'node:crypto';
import mqttPacket from 'mqtt-packet';
import type { IClientPublishOptions } from 'mqtt';
import { type ErrorParams, type MqttMessage, type RequestOutput, type RequestParsed, WorkbenchFailure } from '../../../shared/contract';
import { describeReason, hexCode, reasonName } from '../../../shared/mqtt/reason-codes';
import type { Connection } from './connection-state';
import type { ConnectionIdentity } from './connection-identity';
import { asBuffer, toMqttJsUserProperties } from './mqtt-properties';

type SubscribeInput = RequestParsed<'messages.subscribe'>;
type PublishInput = RequestParsed<'messages.publish'>;
type RequestInput = RequestParsed<'messages.request'>;

/** Bytes on the wire of a PUBLISH: encoded once without its payload, then the payload's length added. */
function publishPacketSize(topic: string, payloadBytes: number, qos: 0 | 1 | 2, properties: object | undefined): number {
  const empty = mqttPacket.generate(
    { cmd: 'publish', topic, payload: Buffer.alloc(0), qos, messageId: qos > 0 ? 1 : undefined, retain: false, dup: false, properties } as mqttPacket.IPublishPacket,
    { protocolVersion: 5 },
  );
  const varintBytes = (n: number) => (n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4);
  let headerless = 0;
  for (let v = 1; v <= 4; v++) if (varintBytes(empty.length - 1 - v) === v) headerless = empty.length - 1 - v;
  const remaining = headerless + payloadBytes;
  return 1 + varintBytes(remaining) + remaining;
}

function toPublishOptions(qos: 0 | 1 | 2, retain: boolean, properties: PublishInput['properties'], isV5: boolean): IClientPublishOptions {
  const options: IClientPublishOptions = { qos, retain };
  if (isV5 && properties) {
    const { userProperties, correlationData, ...rest } = properties;
    options.properties = Object.fromEntries(
      Object.entries({
        ...rest,
        correlationData: correlationData ? asBuffer(correlationData) : undefined,
        userProperties: toMqttJsUserProperties(userProperties),
      }).filter(([, v]) => v !== undefined),
    );
  }
  return options;
}

/** One PUBLISH: checked against the broker's CONNACK limits first; once sent, given to onMessage as an outgoing message. */
export function publish({
  connection,
  input: { connectionId, topic, payload, qos, retain, properties },
  onMessage,
}: {
  connection: Connection;
  input: PublishInput;
  onMessage(message: MqttMessage, identity: ConnectionIdentity): unknown;
}): Promise<void> {
  const isV5 = connection.version === 5;
  const alias = isV5 ? properties?.topicAlias : undefined;
  if (topic === '' && alias === undefined) {
    return Promise.reject(new WorkbenchFailure('PUBLISH_FAILED', 'Topic must not be empty (MQTT 5 can publish by Topic Alias alone)', { reason: 'emptyTopic' }));
  }
  if (alias !== undefined) {
    const maximum = Number(connection.connack?.properties?.topicAliasMaximum ?? 0);
    if (alias > maximum) {
      return Promise.reject(
        new WorkbenchFailure(
          'PUBLISH_FAILED',
          `Topic Alias ${alias} is above the broker's Topic Alias Maximum of ${maximum} (from its CONNACK${maximum === 0 ? ': it accepts no aliases' : ''}) [MQTT-3.3.2-9]`,
          { reason: 'aliasAboveMaximum', alias, maximum },
        ),
      );
    }
    if (topic === '' && !connection.aliases.has(alias)) {
      return Promise.reject(
        new WorkbenchFailure(
          'PUBLISH_FAILED',
          `Topic Alias ${alias} is not set on this connection: publish once with the topic and this alias first (an alias lasts for one network connection)`,
          { reason: 'aliasNotSet', alias },
        ),
      );
    }
  }
  const limit = connection.connack?.properties?.maximumPacketSize;
  if (isV5 && typeof limit === 'number') {
    // The broker would drop the connection for this [MQTT-3.1.2-24]: refuse it here, clearly.
    const size = publishPacketSize(topic, payload.byteLength, qos, toPublishOptions(qos, retain, properties, true).properties);
    if (size > limit) {
      return Promise.reject(
        new WorkbenchFailure('PAYLOAD_TOO_LARGE', `This PUBLISH is ${size} bytes; the broker accepts at most ${limit} (Maximum Packet Size in its CONNACK)`, {
          reason: 'packetTooLarge',
          size,
          limit,
        }),
      );
    }
  }
  const shownTopic = topic === '' && alias !== undefined ? connection.aliases.get(alias)! : topic;
  return new Promise((resolve, reject) => {
    connection.client.publish(topic, asBuffer(payload), toPublishOptions(qos, retain, properties, isV5), (error, ack) => {
      if (error) {
        const refused = error as { refusedByBroker?: boolean; params?: ErrorParams };
        if (refused.refusedByBroker) return reject(new WorkbenchFailure('MESSAGE_REFUSED', error.message, refused.params));
        const code = (error as { code?: unknown }).code;
        const why = typeof code === 'number' ? describeReason(code) : error.message;
        const detail = typeof code === 'number' ? `${hexCode(code)} ${reasonName(code)}` : error.message;
        return reject(new WorkbenchFailure('PUBLISH_FAILED', `The PUBLISH to ${shownTopic} failed: ${why}`, { reason: 'publishFailed', topic: shownTopic, detail }));
      }
      if (alias !== undefined && topic !== '') connection.aliases.set(alias, topic);
      // mqtt.js calls back with the stored PUBLISH: its id tells whether a PUBACK answered QoS 2 (see packetreceive).
      const messageId = (ack as { messageId?: number } | undefined)?.messageId;
      const handledQos = messageId !== undefined && connection.handledAsQos1.delete(messageId) ? 1 : qos;
      const message: MqttMessage = { connectionId, direction: 'out', topic: shownTopic, payload, qos: handledQos, retain, dup: false, timestamp: Date.now() };
      if (isV5 && properties) {
        const { topicAlias: _alias, ...shown } = properties;
        if (Object.keys(shown).length > 0) message.properties = shown;
      }
      onMessage(message, connection.identity);
      resolve();
    });
  });
}

/** The manager's own paths, which a request goes through (so each step finds the connection afresh). */
export interface RequestPaths {
  subscribe(input: SubscribeInput): Promise<unknown>;
  publish(input: PublishInput): Promise<void>;
  unsubscribe(connectionId: string, filter: string): Promise<void>;
}

/** MQTT 5 request/response: PUBLISH with a Response Topic and Correlation Data, then wait for the answer. */
export async function request({
  connection,
  input,
  paths,
}: {
  connection: Connection;
  input: RequestInput;
  paths: RequestPaths;
}): Promise<RequestOutput<'messages.request'>> {
  if (connection.version !== 5) {
    throw new WorkbenchFailure('PUBLISH_FAILED', 'Request/response needs MQTT 5 (Response Topic and Correlation Data)', { reason: 'requestNeedsMqtt5' });
  }
  const correlationData = input.correlationData ?? new Uint8Array(randomBytes(16));
  const unsubscribeNeeded = await connection.requests.ensureSubscribed(input.responseTopic, (filter) =>
    paths.subscribe({
      connectionId: input.connectionId,
      filter,
      qos: 1,
      noLocal: false,
      retainAsPublished: false,
      retainHandling: 2,
    }).then(() => {}),
  );
  try {
    const waiting = connection.requests.waitFor(input.responseTopic, correlationData, input.timeoutMs);
    const started = performance.now();
    await paths.publish({
      connectionId: input.connectionId,
      topic: input.topic,
      payload: input.payload,
      qos: input.qos,
      retain: false,
      properties: { ...(input.properties ?? {}), responseTopic: input.responseTopic, correlationData },
    });
    const response = await waiting;
    const latencyMs = Math.round((performance.now() - started) * 1000) / 1000;
    return response ? { status: 'response' as const, latencyMs, response } : { status: 'timeout' as const, latencyMs };
  } finally {
    if (connection.requests.release(input.responseTopic) && unsubscribeNeeded && connection.client.connected) {
      await paths.unsubscribe(input.connectionId, input.responseTopic).catch(() => {});
    }
  }
}
