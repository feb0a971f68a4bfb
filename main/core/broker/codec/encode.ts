import mqttPacket from 'mqtt-packet';
import type { ProtocolVersion, QoS } from './packets';
import type { Properties } from './properties';
import { varintLength, writeVarint } from './properties';

/**
 * Server-to-client packets. CONNACK, SUBACK, UNSUBACK, DISCONNECT and AUTH go through mqtt-packet's
 * generator; PUBLISH and the four acknowledgements are written here because they are the hot path
 * (one buffer per packet, serialized once per message where possible) and because forwarded User
 * Properties must keep their wire order, which mqtt-packet's object form cannot express.
 */

type GenerateOptions = { protocolVersion: number };
const generate = mqttPacket.generate as (packet: object, opts: GenerateOptions) => Buffer;

/** mqtt-packet wants booleans for the one-byte flag properties and a different spelling for one. */
function toMqttPacketProps(props: Properties | undefined): Record<string, unknown> | undefined {
  if (!props) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    switch (key) {
      case 'retainAvailable':
      case 'wildcardSubscriptionAvailable':
      case 'sharedSubscriptionAvailable':
      case 'requestProblemInformation':
      case 'requestResponseInformation':
      case 'payloadFormatIndicator':
        out[key] = value === 1;
        break;
      case 'subscriptionIdentifierAvailable':
        out.subscriptionIdentifiersAvailable = value === 1;
        break;
      case 'userProperties': {
        const object: Record<string, string[]> = {};
        for (const [name, v] of value as Array<[string, string]>) (object[name] ??= []).push(v);
        out.userProperties = object;
        break;
      }
      default:
        out[key] = value;
    }
  }
  return out;
}

const LEGACY_CONNACK_OK = [Buffer.from([0x20, 0x02, 0, 0]), Buffer.from([0x20, 0x02, 1, 0])];

export function encodeConnack(version: ProtocolVersion, sessionPresent: boolean, code: number, props?: Properties): Buffer {
  if (version !== 5) {
    // 3.1 has no Session Present: byte 1 is reserved and 0
    const flags = version === 4 && sessionPresent ? 1 : 0;
    // the accepted ones, made once: a socket write keeps no claim on the buffer and nobody changes it
    if (code === 0) return LEGACY_CONNACK_OK[flags]!;
    return Buffer.from([0x20, 0x02, flags, code]);
  }
  return generate(
    { cmd: 'connack', sessionPresent, reasonCode: code, properties: toMqttPacketProps(props) ?? {} },
    { protocolVersion: 5 },
  );
}

export function encodeSuback(version: ProtocolVersion, packetId: number, codes: number[], props?: Properties): Buffer {
  return generate(
    { cmd: 'suback', messageId: packetId, granted: codes, properties: version === 5 ? toMqttPacketProps(props) ?? {} : undefined },
    { protocolVersion: version },
  );
}

export function encodeUnsuback(version: ProtocolVersion, packetId: number, codes: number[], props?: Properties): Buffer {
  if (version !== 5) return Buffer.from([0xb0, 0x02, packetId >> 8, packetId & 0xff]); // [MQTT-3.11.3-2] 3.1.1 has no payload
  return generate(
    { cmd: 'unsuback', messageId: packetId, granted: codes, properties: toMqttPacketProps(props) ?? {} },
    { protocolVersion: 5 },
  );
}

export function encodeDisconnect(code: number, props?: Properties): Buffer {
  return generate({ cmd: 'disconnect', reasonCode: code, properties: toMqttPacketProps(props) ?? {} }, { protocolVersion: 5 });
}

export function encodeAuth(code: number, props: Properties): Buffer {
  return generate({ cmd: 'auth', reasonCode: code, properties: toMqttPacketProps(props) ?? {} }, { protocolVersion: 5 });
}

export const PINGRESP = Buffer.from([0xd0, 0x00]);

/** PUBACK (4), PUBREC (5), PUBREL (6) or PUBCOMP (7). Success without properties uses the 2-byte form. */
export function encodeAck(
  type: 4 | 5 | 6 | 7,
  version: ProtocolVersion,
  packetId: number,
  code = 0,
  reasonString?: string,
): Buffer {
  const first = (type << 4) | (type === 6 ? 0x02 : 0);
  if (version !== 5 || (code === 0 && reasonString === undefined)) {
    // hot path (one per QoS>0 message): no array literal, no pool lookup beyond allocUnsafe
    const out = Buffer.allocUnsafe(4);
    out[0] = first;
    out[1] = 0x02;
    out[2] = packetId >> 8;
    out[3] = packetId & 0xff;
    return out;
  }
  if (reasonString === undefined) return Buffer.from([first, 0x04, packetId >> 8, packetId & 0xff, code, 0x00]);
  const text = Buffer.from(reasonString, 'utf8');
  const propLength = 3 + text.length;
  const remaining = 3 + varintLength(propLength) + propLength;
  const out = Buffer.allocUnsafe(1 + varintLength(remaining) + remaining);
  out[0] = first;
  let at = writeVarint(out, 1, remaining);
  out[at++] = packetId >> 8;
  out[at++] = packetId & 0xff;
  out[at++] = code;
  at = writeVarint(out, at, propLength);
  out[at++] = 0x1f;
  out.writeUInt16BE(text.length, at);
  text.copy(out, at + 2);
  return out;
}

/** What is needed to write one PUBLISH: the message parts plus what varies per delivery. */
export interface PublishParts {
  topic: Buffer;
  payload: Buffer;
  /** Forwarded properties, already encoded (may be empty). Ignored for 3.1.1/3.1. */
  forward: Buffer;
}

export interface PublishVariant {
  qos: QoS;
  packetId: number;
  dup: boolean;
  retain: boolean;
  /** Remaining Message Expiry Interval in seconds, or undefined for none. */
  expiry: number | undefined;
  subscriptionIds: readonly number[] | null;
  topicAlias: number;
  /** Send the topic as empty (an alias already known to the client). */
  omitTopic: boolean;
}

function publishPropLength(parts: PublishParts, v: PublishVariant): number {
  let length = parts.forward.length;
  if (v.expiry !== undefined) length += 5;
  if (v.subscriptionIds) for (const id of v.subscriptionIds) length += 1 + varintLength(id);
  if (v.topicAlias) length += 3;
  return length;
}

function publishRemaining(version: ProtocolVersion, parts: PublishParts, v: PublishVariant): number {
  let remaining = 2 + (v.omitTopic ? 0 : parts.topic.length) + (v.qos > 0 ? 2 : 0) + parts.payload.length;
  if (version === 5) {
    const props = publishPropLength(parts, v);
    remaining += varintLength(props) + props;
  }
  return remaining;
}

/** Payloads above this size are written as a second chunk rather than copied into the header buffer. */
const COPY_LIMIT = 4096;

/**
 * Encodes a PUBLISH. Returns one buffer, or the header and the payload as two chunks for large
 * payloads (both written inside one cork). [MQTT-2.2.1-2] QoS 0 carries no Packet Identifier.
 */
export function encodePublish(version: ProtocolVersion, parts: PublishParts, v: PublishVariant): Buffer[] {
  const remaining = publishRemaining(version, parts, v);
  const payloadInline = parts.payload.length <= COPY_LIMIT;
  const headerSize = 1 + varintLength(remaining) + remaining - (payloadInline ? 0 : parts.payload.length);
  const out = Buffer.allocUnsafe(headerSize);
  out[0] = 0x30 | (v.dup ? 0x08 : 0) | (v.qos << 1) | (v.retain ? 1 : 0);
  let at = writeVarint(out, 1, remaining);
  if (v.omitTopic) {
    out[at++] = 0;
    out[at++] = 0;
  } else {
    out[at++] = parts.topic.length >> 8;
    out[at++] = parts.topic.length & 0xff;
    at += parts.topic.copy(out, at);
  }
  if (v.qos > 0) {
    out[at++] = v.packetId >> 8;
    out[at++] = v.packetId & 0xff;
  }
  if (version === 5) {
    at = writeVarint(out, at, publishPropLength(parts, v));
    at += parts.forward.copy(out, at);
    if (v.expiry !== undefined) {
      out[at++] = 0x02;
      out.writeUInt32BE(v.expiry, at);
      at += 4;
    }
    if (v.subscriptionIds) {
      for (const id of v.subscriptionIds) {
        out[at++] = 0x0b;
        at = writeVarint(out, at, id);
      }
    }
    if (v.topicAlias) {
      out[at++] = 0x23;
      out[at++] = v.topicAlias >> 8;
      out[at++] = v.topicAlias & 0xff;
    }
  }
  if (payloadInline) {
    parts.payload.copy(out, at);
    return [out];
  }
  return [out, parts.payload];
}
