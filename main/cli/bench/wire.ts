/**
 * The bench's MQTT on the wire. PUBLISH packets are built from a per-topic template copied into
 * large batch buffers (only the packet id and the stamp change per message), and incoming packets
 * are split and read in place, without a packet object per message: at several hundred thousand
 * messages a second the client's own allocation and parsing would be what the bench measured.
 * CONNECT, SUBSCRIBE and the rare packets (CONNACK, SUBACK, DISCONNECT) go through mqtt-packet.
 */
import mqttPacket from 'mqtt-packet';

/** 1 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0, as on the wire (3 is 3.1's level). */
export type WireVersion = 3 | 4 | 5;

/** The stamp at the head of a bench payload: magic, send time, sequence, run and client. */
export const STAMP_BYTES = 24;
const MAGIC = 0x3142574d; // "MWB1" little-endian

export interface PublishTemplate {
  /** One encoded PUBLISH; copy it, then write the packet id and stamp at the offsets. */
  bytes: Buffer;
  /** Offset of the packet id (QoS > 0), or -1. */
  packetIdAt: number;
  /** Offset of the payload. */
  payloadAt: number;
}

function varintLength(value: number): number {
  return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
}

function writeVarint(buffer: Buffer, at: number, value: number): number {
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    buffer[at++] = byte;
  } while (v > 0);
  return at;
}

/** A PUBLISH for `topic` with a payload of `payloadBytes` ('a's, the stamp written per message). */
export function publishTemplate(topic: string, qos: 0 | 1 | 2, retain: boolean, payloadBytes: number, version: WireVersion): PublishTemplate {
  const topicBytes = Buffer.from(topic, 'utf8');
  const variable = 2 + topicBytes.length + (qos > 0 ? 2 : 0) + (version === 5 ? 1 : 0);
  const remaining = variable + payloadBytes;
  const bytes = Buffer.alloc(1 + varintLength(remaining) + remaining, 0x61);
  bytes[0] = 0x30 | (qos << 1) | (retain ? 1 : 0);
  let at = writeVarint(bytes, 1, remaining);
  bytes.writeUInt16BE(topicBytes.length, at);
  topicBytes.copy(bytes, at + 2);
  at += 2 + topicBytes.length;
  const packetIdAt = qos > 0 ? at : -1;
  if (qos > 0) at += 2;
  if (version === 5) bytes[at++] = 0; // no properties
  return { bytes, packetIdAt, payloadAt: at };
}

/** Writes the stamp into a payload at `at` (needs STAMP_BYTES). */
export function writeStamp(buffer: Buffer, at: number, sentAtMs: number, sequence: number, run: number, client: number): void {
  buffer.writeUInt32LE(MAGIC, at);
  buffer.writeDoubleLE(sentAtMs, at + 4);
  buffer.writeUInt32LE(sequence >>> 0, at + 12);
  buffer.writeUInt32LE(run >>> 0, at + 16);
  buffer.writeUInt32LE(client >>> 0, at + 20);
}

export interface Stamp {
  sentAtMs: number;
  sequence: number;
  run: number;
  client: number;
}

/** Reads a stamp in place, into `into` (no allocation); false when the payload carries none. */
export function readStamp(buffer: Buffer, at: number, end: number, into: Stamp): boolean {
  if (end - at < STAMP_BYTES || buffer.readUInt32LE(at) !== MAGIC) return false;
  into.sentAtMs = buffer.readDoubleLE(at + 4);
  into.sequence = buffer.readUInt32LE(at + 12);
  into.run = buffer.readUInt32LE(at + 16);
  into.client = buffer.readUInt32LE(at + 20);
  return true;
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable across processes on one host. */
export const nowMs = (): number => performance.timeOrigin + performance.now();

/**
 * Splits a byte stream into MQTT packets; `onPacket(buffer, type, flags, bodyAt, end)` is called for
 * each, with the body (after the fixed header) at bodyAt..end of `buffer` and the packet at start..end,
 * valid only during the call.
 */
export function createFrameReader(onPacket: (buffer: Buffer, type: number, flags: number, bodyAt: number, end: number, start: number) => void): (chunk: Buffer) => void {
  // The unread tail of earlier chunks, and how many bytes its packet needs: a large packet arriving in
  // many chunks is joined once, not once per chunk.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let needed = 0;
  return (chunk) => {
    if (pending.length > 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < needed) return;
    }
    const buffer = pending.length > 0 ? Buffer.concat(pending, pendingBytes) : chunk;
    pending = [];
    pendingBytes = 0;
    needed = 0;
    let at = 0;
    while (at < buffer.length) {
      let length = 0;
      let multiplier = 1;
      let cursor = at + 1;
      let complete = false;
      while (cursor < buffer.length && cursor - at <= 4) {
        const byte = buffer[cursor++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || cursor + length > buffer.length) {
        needed = complete ? cursor + length - at : 0;
        break;
      }
      onPacket(buffer, buffer[at]! >> 4, buffer[at]! & 0x0f, cursor, cursor + length, at);
      at = cursor + length;
    }
    if (at < buffer.length) {
      pending = [buffer.subarray(at)];
      pendingBytes = buffer.length - at;
    }
  };
}

export const PACKET = { connack: 2, publish: 3, puback: 4, pubrec: 5, pubrel: 6, pubcomp: 7, suback: 9, pingresp: 13, disconnect: 14 } as const;

/** PUBACK, PUBREC, PUBREL or PUBCOMP for a packet id (reason code omitted: success). */
export function ackPacket(type: number, packetId: number): Buffer {
  const buffer = Buffer.allocUnsafe(4);
  buffer[0] = (type << 4) | (type === PACKET.pubrel ? 0x02 : 0);
  buffer[1] = 2;
  buffer.writeUInt16BE(packetId, 2);
  return buffer;
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

/** Decodes one whole packet with mqtt-packet (CONNACK, SUBACK, DISCONNECT: rare, so objects are fine). */
export function decodePacket(buffer: Buffer, start: number, end: number, version: WireVersion): mqttPacket.Packet | undefined {
  let packet: mqttPacket.Packet | undefined;
  const parser = mqttPacket.parser({ protocolVersion: version });
  parser.on('packet', (p: mqttPacket.Packet) => (packet = p));
  parser.parse(buffer.subarray(start, end));
  return packet;
}

export function encodeConnect(options: { clientId: string; version: WireVersion; keepalive: number; username?: string; password?: string }): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: options.version === 3 ? 'MQIsdp' : 'MQTT',
    protocolVersion: options.version,
    clean: true,
    clientId: options.clientId,
    keepalive: options.keepalive,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: Buffer.from(options.password, 'utf8') } : {}),
  });
}

export function encodeSubscribe(topic: string, qos: 0 | 1 | 2, version: WireVersion): Buffer {
  return mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos }] }, { protocolVersion: version });
}
