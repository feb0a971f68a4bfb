import { isUtf8 } from 'node:buffer';
import { encodeAck } from '../codec/encode';
import { PacketType, type PublishPacket } from '../codec/packets';
import { MqttViolation, protocolError, RC } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { Client, Session } from '../session';
import { storeRetained } from '../delivery/retained';
import { publishMessage } from '../delivery/routing';
import { Message } from '../message';
import { topicProblem } from '../topic-rules';

/** An incoming PUBLISH: validate, resolve the topic alias, store if retained, route, acknowledge. */
export function handlePublish(ctx: BrokerContext, client: Client, session: Session, packet: PublishPacket): void {
  const options = ctx.options;
  const v5 = client.version === 5;
  ctx.counters.messagesIn++;

  let topic = packet.topic;
  const alias = packet.props.topicAlias;
  if (alias !== undefined) {
    // [MQTT-3.3.2-8] [MQTT-3.3.2-9] 0 or above our Topic Alias Maximum → 0x94 ([MQTT-3.3.2-12] 1..max accepted)
    if (alias === 0 || alias > options.topicAliasMaximum) throw new MqttViolation(RC.TOPIC_ALIAS_INVALID, `topic alias ${alias} is out of range`);
    if (topic === '') {
      const mapped = client.inboundAliases?.get(alias);
      if (mapped === undefined) throw protocolError(`topic alias ${alias} has no mapping on this connection`); // [MQTT-3.3.2-7]
      topic = mapped;
    }
  } else if (topic === '') {
    throw protocolError('PUBLISH with an empty topic and no topic alias'); // [MQTT-4.7.3-1]
  }
  const problem = topicProblem(topic, options.maxTopicLevels);
  if (problem) throw new MqttViolation(RC.TOPIC_NAME_INVALID, problem); // [MQTT-3.3.2-2] [MQTT-4.7.0-1]
  if (alias !== undefined && packet.topic !== '') client.ownInboundAliases().set(alias, topic);

  // [MQTT-3.2.2-11] [MQTT-3.2.2-14] what we said in CONNACK we do not support
  if (packet.qos > options.maximumQoS) throw new MqttViolation(RC.QOS_NOT_SUPPORTED, `QoS ${packet.qos} is not supported`);
  if (packet.retain && !options.retainAvailable) throw new MqttViolation(RC.RETAIN_NOT_SUPPORTED, 'retained messages are not supported');
  const responseTopic = packet.props.responseTopic;
  if (responseTopic !== undefined && topicProblem(responseTopic, options.maxTopicLevels)) {
    throw protocolError('Response Topic is not a valid topic name'); // [MQTT-3.3.2-13] [MQTT-3.3.2-14]
  }

  const qos = packet.qos;
  const packetId = packet.packetId;
  if (qos === 2) {
    // [MQTT-4.3.3-10] a repeat before PUBREL is acknowledged again but not delivered again
    if (session.incomingQos2.has(packetId)) {
      client.write(encodeAck(PacketType.PUBREC, client.version, packetId));
      return;
    }
    // [MQTT-3.3.4-7] [MQTT-3.3.4-8] more unacknowledged QoS 2 than our Receive Maximum
    if (session.incomingQos2.size >= options.receiveMaximum) throw new MqttViolation(RC.RECEIVE_MAXIMUM_EXCEEDED, 'Receive Maximum exceeded');
  }

  // (SHOULD) clients do not publish into the server's $SYS tree; authorization hook
  const authorize = options.auth.authorizePublish;
  const reserved = topic.startsWith('$SYS');
  const allowed = !reserved && (!authorize || authorize(client.clientId, topic, client.username));
  if (!allowed) {
    if (!reserved) ctx.counters.deniedPublish++;
    // v5: PUBACK/PUBREC 0x87; 3.1.1 has no negative ack: acknowledge and drop ([3.1.1 MQTT-3.3.5-2])
    return acknowledge(ctx, client, session, qos, packetId, v5 ? RC.NOT_AUTHORIZED : RC.SUCCESS);
  }
  if (v5 && packet.props.payloadFormatIndicator === 1 && !isUtf8(packet.payload)) {
    // (MAY) Payload Format Indicator 1 with a payload that is not UTF-8
    return acknowledge(ctx, client, session, qos, packetId, RC.PAYLOAD_FORMAT_INVALID);
  }
  if (options.maxPayloadSize > 0 && packet.payload.length > options.maxPayloadSize) {
    // mosquitto's message_size_limit: refused, not routed; v5 0x97 (0x95 is not a PUBACK code), 3.1.1 ack and drop
    ctx.counters.payloadTooLarge++;
    return acknowledge(ctx, client, session, qos, packetId, v5 ? RC.QUOTA_EXCEEDED : RC.SUCCESS);
  }

  const message = new Message({
    topic,
    // the bytes as received, unless the topic came from an alias
    topicBytes: topic === packet.topic ? packet.topicBytes : undefined,
    payload: packet.payload,
    qos,
    retain: packet.retain,
    forward: packet.forward,
    expiryInterval: packet.props.messageExpiryInterval,
    origin: client.clientId,
    now: options.now(),
  });
  // [MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-7] RETAIN 1 stores or (empty payload) deletes;
  // [MQTT-3.3.1-8] RETAIN 0 leaves the store alone
  if (packet.retain) storeRetained(ctx, message);
  const receivers = publishMessage(ctx, message, client); // [MQTT-4.5.0-1]
  const code = receivers === 0 && v5 && options.reportNoMatchingSubscribers ? RC.NO_MATCHING_SUBSCRIBERS : RC.SUCCESS;
  acknowledge(ctx, client, session, qos, packetId, code);
}

const REASON_STRINGS: Record<number, string> = {
  [RC.NOT_AUTHORIZED]: 'not authorized to publish to this topic',
  [RC.PAYLOAD_FORMAT_INVALID]: 'payload is not valid UTF-8 (Payload Format Indicator 1)',
  [RC.QUOTA_EXCEEDED]: 'payload is over the message size limit of this broker',
};

/** [MQTT-3.3.4-1] nothing for QoS 0, PUBACK for QoS 1, PUBREC for QoS 2, with the PUBLISH's id. */
function acknowledge(ctx: BrokerContext, client: Client, session: Session, qos: number, packetId: number, code: number): void {
  if (qos === 0) return;
  const type = qos === 1 ? PacketType.PUBACK : PacketType.PUBREC;
  // [MQTT-4.3.3-8]; after a PUBREC >= 0x80 the id is free again ([MQTT-4.3.3-9])
  if (qos === 2 && (code < 0x80 || client.version !== 5)) {
    session.ownIncomingQos2().add(packetId);
    // persisted before the PUBREC: a repeat after a restart is answered, not routed again
    if (session.persisted) ctx.journal!.incoming(session, packetId, true);
  }
  // A failure says why, unless the client asked for no problem information ([MQTT-3.1.2-29]) or the
  // Reason String would exceed its Maximum Packet Size ([MQTT-3.4.2-2] [MQTT-3.5.2-2]): then it goes.
  const reason = client.explainsFailures ? REASON_STRINGS[code] : undefined;
  let packet = encodeAck(type, client.version, packetId, code, reason); // [MQTT-4.3.2-4]
  if (packet.length > client.limits.maxPacketSize) packet = encodeAck(type, client.version, packetId, code);
  client.write(packet);
}
