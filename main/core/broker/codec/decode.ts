import {
  type AckPacket,
  type AuthPacket,
  type ClientPacket,
  type ConnectPacket,
  type DisconnectPacket,
  PacketType,
  type ProtocolVersion,
  type PublishPacket,
  type QoS,
  type SubscribePacket,
  type SubscriptionRequest,
  type UnsubscribePacket,
  type WillMessage,
} from './packets';
import { PropKind, readProperties } from './properties';
import { Reader } from './reader';
import { malformed, MqttViolation, protocolError, RC } from './reason-codes';

/**
 * Why this decoder and not mqtt-packet's parser: the parser decodes strings lossily (bad UTF-8 becomes
 * U+FFFD), accepts U+0000, duplicate and misplaced properties, trailing bytes and non-minimal
 * integers, and folds User Properties into an object that loses their order. Every one of those is
 * a conformance rule, so the broker reads each byte itself; mqtt-packet still writes the control
 * packets and decodes the broker's output in the tests, which cross-checks both directions.
 */

/** The CONNECT asked for a protocol level this broker does not speak. */
export class UnsupportedProtocolVersion extends MqttViolation {
  constructor(
    readonly level: number,
    /** True when the name was "MQTT": a 3.1.1-style CONNACK 0x01 is owed ([3.1.1 MQTT-3.1.2-2]). */
    readonly answerable: boolean,
  ) {
    super(RC.UNSUPPORTED_PROTOCOL_VERSION, `unsupported protocol level ${level}`);
  }
}

/** A violation after which the connection is closed without any packet (reserved type 0, AUTH on 3.1.1). */
export class SilentClose extends MqttViolation {
  constructor(message: string) {
    super(RC.MALFORMED_PACKET, message);
  }
}

const PUBACK_CODES = new Set([0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]); // [MQTT-3.4.2-1] [MQTT-3.5.2-1]
const PUBREL_CODES = new Set([0x00, 0x92]); // [MQTT-3.6.2-1] [MQTT-3.7.2-1]
const DISCONNECT_CODES = new Set([
  0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98,
  0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2,
]);
const AUTH_CODES = new Set([0x00, 0x18, 0x19]);

/**
 * Decodes one complete client packet. `body` is [start, end) of `buf` (the Remaining Length bytes).
 * `version` is the connection's protocol version, 0 before CONNECT.
 */
export function decodePacket(
  header: number,
  buf: Buffer,
  start: number,
  end: number,
  version: ProtocolVersion | 0,
  connectCtx?: { version: ProtocolVersion | 0 },
): ClientPacket {
  const type = header >> 4;
  const flags = header & 0x0f;
  const v5 = version === 5;
  switch (type) {
    case PacketType.PUBLISH:
      return decodePublish(flags, buf, start, end, v5);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP: {
      // [MQTT-3.6.1-1] PUBREL flags are 0010; the others 0000 [MQTT-2.1.3-1]
      const required = type === PacketType.PUBREL ? 0x02 : 0x00;
      if (flags !== required && !(type === PacketType.PUBREL && redeliveredIn31(flags, version))) throw malformed(`reserved flag bits of packet type ${type} are wrong`);
      return decodeAck(type, buf, start, end, v5);
    }
    case PacketType.SUBSCRIBE:
      if (flags !== 0x02 && !redeliveredIn31(flags, version)) throw malformed('SUBSCRIBE flags must be 0010'); // [MQTT-3.8.1-1]
      return decodeSubscribe(buf, start, end, v5);
    case PacketType.UNSUBSCRIBE:
      if (flags !== 0x02 && !redeliveredIn31(flags, version)) throw malformed('UNSUBSCRIBE flags must be 0010'); // [MQTT-3.10.1-1]
      return decodeUnsubscribe(buf, start, end, v5);
    case PacketType.PINGREQ:
      if (flags !== 0) throw malformed('PINGREQ flags must be 0'); // [MQTT-2.1.3-1]
      if (end !== start) throw malformed('PINGREQ has no body');
      return { type: 12 };
    case PacketType.DISCONNECT:
      if (flags !== 0) throw malformed('DISCONNECT flags must be 0'); // [MQTT-3.14.1-1]
      return decodeDisconnect(buf, start, end, v5);
    case PacketType.AUTH:
      if (!v5) throw new SilentClose('AUTH does not exist before MQTT 5');
      if (flags !== 0) throw malformed('AUTH flags must be 0'); // [MQTT-3.15.1-1]
      return decodeAuth(buf, start, end);
    case PacketType.CONNECT:
      if (flags !== 0) throw malformed('CONNECT flags must be 0'); // [MQTT-2.1.3-1]
      return decodeConnect(buf, start, end, connectCtx ?? { version: 0 });
    case PacketType.CONNACK:
    case PacketType.SUBACK:
    case PacketType.UNSUBACK:
    case PacketType.PINGRESP:
      return { type: type as 2 | 9 | 11 | 13 };
    default:
      throw new SilentClose('reserved packet type 0');
  }
}

/**
 * MQTT 3.1 (MQIsdp): PUBREL, SUBSCRIBE and UNSUBSCRIBE are QoS 1 packets whose fixed header carries
 * DUP 1 when they are redelivered (3.1 sections 3.7, 3.8, 3.10); 3.1.1 fixed those bits to 0010
 * ([3.1.1 MQTT-3.6.1-1] [3.1.1 MQTT-3.8.1-1] [3.1.1 MQTT-3.10.1-1]), so 1010 is accepted in 3.1 only.
 */
function redeliveredIn31(flags: number, version: ProtocolVersion | 0): boolean {
  return version === 3 && flags === 0x0a;
}

function decodePublish(flags: number, buf: Buffer, start: number, end: number, v5: boolean): PublishPacket {
  const qos = (flags >> 1) & 0x03;
  if (qos === 3) throw malformed('PUBLISH with QoS 3'); // [MQTT-3.3.1-4]
  const dup = (flags & 0x08) !== 0;
  if (dup && qos === 0) throw malformed('PUBLISH QoS 0 with DUP 1'); // [MQTT-3.3.1-2]
  const reader = new Reader(buf, start, end);
  const topicAt = reader.pos + 2;
  const topic = reader.utf8('PUBLISH topic'); // [MQTT-3.3.2-1] [MQTT-4.7.3-2]
  // the validated bytes, so the message copies them instead of encoding the string again
  const topicBytes = buf.subarray(topicAt, reader.pos);
  let packetId = 0;
  if (qos > 0) {
    packetId = reader.u16('PUBLISH packet identifier');
    if (packetId === 0) throw protocolError('PUBLISH packet identifier 0'); // [MQTT-2.2.1-3] [3.1.1 MQTT-2.3.1-1]
  }
  let props = {};
  let forward: Buffer = Buffer.alloc(0);
  if (v5) {
    const decoded = readProperties(reader, PropKind.PUBLISH, 'PUBLISH');
    props = decoded.props;
    forward = decoded.forward;
    // [MQTT-3.3.4-6] a client never sends a Subscription Identifier
    if (decoded.props.subscriptionIdentifier !== undefined) throw protocolError('PUBLISH from a client carries a Subscription Identifier');
  }
  return {
    type: 3,
    dup,
    qos: qos as QoS,
    retain: (flags & 0x01) !== 0,
    topic,
    topicBytes,
    packetId,
    props,
    forward,
    payload: buf.subarray(reader.pos, end),
  };
}

function decodeAck(type: 4 | 5 | 6 | 7, buf: Buffer, start: number, end: number, v5: boolean): AckPacket {
  const reader = new Reader(buf, start, end);
  const packetId = reader.u16('packet identifier');
  let reasonCode = 0;
  let props = {};
  if (v5) {
    if (reader.remaining > 0) {
      reasonCode = reader.u8('reason code');
      const allowed = type === PacketType.PUBREL || type === PacketType.PUBCOMP ? PUBREL_CODES : PUBACK_CODES;
      if (!allowed.has(reasonCode)) throw malformed(`reason code 0x${reasonCode.toString(16)} is not valid here`);
      if (reader.remaining > 0) props = readProperties(reader, PropKind.ACK, 'acknowledgement').props;
    }
  }
  if (reader.remaining !== 0) throw malformed('unexpected bytes after the last field');
  return { type, packetId, reasonCode, props };
}

function decodeSubscribe(buf: Buffer, start: number, end: number, v5: boolean): SubscribePacket {
  const reader = new Reader(buf, start, end);
  const packetId = reader.u16('SUBSCRIBE packet identifier');
  if (packetId === 0) throw protocolError('SUBSCRIBE packet identifier 0'); // [MQTT-2.2.1-3]
  const props = v5 ? readProperties(reader, PropKind.SUBSCRIBE, 'SUBSCRIBE').props : {};
  const subscriptions: SubscriptionRequest[] = [];
  while (reader.remaining > 0) {
    const filter = reader.utf8('SUBSCRIBE topic filter'); // [MQTT-3.8.3-1]
    const options = reader.u8('subscription options');
    const qos = options & 0x03;
    if (v5) {
      if (options & 0xc0) throw malformed('subscription options bits 6-7 must be 0'); // [MQTT-3.8.3-5]
      if (qos === 3) throw protocolError('requested QoS 3');
      const retainHandling = (options >> 4) & 0x03;
      if (retainHandling === 3) throw protocolError('Retain Handling 3');
      subscriptions.push({
        filter,
        qos: qos as QoS,
        noLocal: (options & 0x04) !== 0,
        retainAsPublished: (options & 0x08) !== 0,
        retainHandling: retainHandling as 0 | 1 | 2,
      });
    } else {
      // [3.1.1 MQTT-3.8.3-4] bits 2-7 reserved, QoS 3 malformed
      if (options & 0xfc || qos === 3) throw malformed('requested QoS byte is malformed');
      subscriptions.push({ filter, qos: qos as QoS, noLocal: false, retainAsPublished: false, retainHandling: 0 });
    }
  }
  if (subscriptions.length === 0) throw protocolError('SUBSCRIBE without a topic filter'); // [MQTT-3.8.3-2] [3.1.1 MQTT-3.8.3-3]
  return { type: 8, packetId, props, subscriptions };
}

function decodeUnsubscribe(buf: Buffer, start: number, end: number, v5: boolean): UnsubscribePacket {
  const reader = new Reader(buf, start, end);
  const packetId = reader.u16('UNSUBSCRIBE packet identifier');
  if (packetId === 0) throw protocolError('UNSUBSCRIBE packet identifier 0'); // [MQTT-2.2.1-3]
  const props = v5 ? readProperties(reader, PropKind.UNSUBSCRIBE, 'UNSUBSCRIBE').props : {};
  const filters: string[] = [];
  while (reader.remaining > 0) filters.push(reader.utf8('UNSUBSCRIBE topic filter')); // [MQTT-3.10.3-1]
  if (filters.length === 0) throw protocolError('UNSUBSCRIBE without a topic filter'); // [MQTT-3.10.3-2]
  return { type: 10, packetId, props, filters };
}

function decodeDisconnect(buf: Buffer, start: number, end: number, v5: boolean): DisconnectPacket {
  const reader = new Reader(buf, start, end);
  let reasonCode = 0;
  let props = {};
  if (v5 && reader.remaining > 0) {
    reasonCode = reader.u8('DISCONNECT reason code');
    if (!DISCONNECT_CODES.has(reasonCode)) throw malformed(`DISCONNECT reason code 0x${reasonCode.toString(16)}`);
    if (reader.remaining > 0) props = readProperties(reader, PropKind.DISCONNECT, 'DISCONNECT').props;
  }
  if (reader.remaining !== 0) throw malformed('unexpected bytes in DISCONNECT');
  return { type: 14, reasonCode, props };
}

function decodeAuth(buf: Buffer, start: number, end: number): AuthPacket {
  const reader = new Reader(buf, start, end);
  let reasonCode = 0;
  let props = {};
  if (reader.remaining > 0) {
    reasonCode = reader.u8('AUTH reason code');
    if (!AUTH_CODES.has(reasonCode)) throw malformed(`AUTH reason code 0x${reasonCode.toString(16)}`);
    if (reader.remaining > 0) props = readProperties(reader, PropKind.AUTH, 'AUTH').props;
  }
  if (reader.remaining !== 0) throw malformed('unexpected bytes in AUTH');
  return { type: 15, reasonCode, props };
}

function decodeConnect(buf: Buffer, start: number, end: number, ctx: { version: ProtocolVersion | 0 }): ConnectPacket {
  const reader = new Reader(buf, start, end);
  const nameBytes = reader.binary('protocol name');
  const name = nameBytes.toString('latin1');
  const level = reader.u8('protocol level');
  let version: ProtocolVersion;
  if (name === 'MQTT') {
    // [MQTT-3.1.2-2] [3.1.1 MQTT-3.1.2-2]: unsupported levels get CONNACK 0x01 in the 3.1.1 format
    if (level !== 4 && level !== 5) throw new UnsupportedProtocolVersion(level, true);
    version = level;
  } else if (name === 'MQIsdp') {
    if (level !== 3) throw new UnsupportedProtocolVersion(level, false);
    version = 3;
  } else {
    throw new SilentClose(`protocol name "${name}" is not MQTT`); // [MQTT-3.1.2-1] [3.1.1 MQTT-3.1.2-1]
  }
  ctx.version = version;
  const flags = reader.u8('connect flags');
  // [MQTT-3.1.2-3] [3.1.1 MQTT-3.1.2-3] the reserved flag must be 0; 3.1 only says "not used", so an
  // MQIsdp CONNECT with it set is accepted and the bit ignored (as mosquitto does)
  if (flags & 0x01 && version !== 3) throw malformed('CONNECT reserved flag is set');
  const willFlag = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  const passwordFlag = (flags & 0x40) !== 0;
  const usernameFlag = (flags & 0x80) !== 0;
  if (!willFlag && (willQos !== 0 || willRetain)) throw malformed('Will QoS/Retain set without the Will Flag'); // [MQTT-3.1.2-11] [MQTT-3.1.2-13]
  if (willQos === 3) throw malformed('Will QoS 3'); // [MQTT-3.1.2-12]
  if (version !== 5 && passwordFlag && !usernameFlag) throw malformed('Password without User Name'); // [3.1.1 MQTT-3.1.2-22]
  const keepAlive = reader.u16('keep alive');
  const props = version === 5 ? readProperties(reader, PropKind.CONNECT, 'CONNECT').props : {};
  if (props.authenticationData && props.authenticationMethod === undefined) {
    throw protocolError('Authentication Data without Authentication Method');
  }
  const clientId = reader.utf8('client identifier'); // [MQTT-3.1.3-3] [MQTT-3.1.3-4]
  let will: WillMessage | null = null;
  if (willFlag) {
    // [MQTT-3.1.2-9] [MQTT-3.1.3-1] Will Properties, Will Topic and Will Payload follow, in that order
    const willProps = version === 5 ? readProperties(reader, PropKind.WILL, 'Will') : { props: {}, forward: Buffer.alloc(0) };
    const topic = reader.utf8('Will topic');
    const payload = Buffer.from(reader.binary('Will payload'));
    will = { topic, payload, qos: willQos as QoS, retain: willRetain, props: willProps.props, forward: willProps.forward };
  }
  // [MQTT-3.1.2-16] to [MQTT-3.1.2-19] the fields present follow the flags
  const username = usernameFlag ? reader.utf8('user name') : undefined; // [MQTT-3.1.3-12]
  const password = passwordFlag ? Buffer.from(reader.binary('password')) : undefined;
  if (reader.remaining !== 0) throw malformed('unexpected bytes after the CONNECT payload');
  return { type: 1, protocolName: name, version, cleanStart: (flags & 0x02) !== 0, keepAlive, props, clientId, will, username, password };
}
