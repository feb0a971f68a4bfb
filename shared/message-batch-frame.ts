/**
 * The wire form of a `messages.batch` event on both transports (the contract's BINARY_EVENTS): one
 * binary WebSocket frame instead of JSON text, one ArrayBuffer over Electron IPC instead of a
 * structured clone of every message object. Under a firehose the page spent most of its frame budget parsing JSON batches and
 * walking them for `{ $bytes }` envelopes (the UI bench's trace: ~18 µs a message, 28 ms a batch);
 * here the strings travel as one small JSON header, the numbers as fixed records and the payloads
 * as raw bytes, so decoding is a JSON.parse of the strings plus one object per message.
 *
 * Layout (little endian):
 *   0  'W' 'B' 'M' VERSION      magic
 *   4  u32 header length H      UTF-8 JSON: { connections: string[], topics: string[], properties: { [index]: wire value },
 *                               rules: [ruleId, ruleName, format, json][], decoded: { [index]: [rule, text] | DecodedPayload } }
 *                               (properties and decoded sparse: only the messages that have one; a plain decoded
 *                               payload names its rule by index in `rules`, one with more fields travels whole)
 *   8  header, zero-padded to a multiple of 8
 *   .. one RECORD_BYTES record per message: f64 id, f64 timestamp, u32 payload length,
 *      u32 payloadSize (when flagged), u32 connection index, u8 flags, 3 bytes zero
 *   .. the payloads, back to back, in message order
 */
import type { DecodedPayload } from './contract/codec-rules';
import type { LiveMessage } from './contract/messages';
import { type Base64Codec, defaultBase64, fromByteJson, toByteJson } from './codecs/byte-envelope';

const MAGIC = [0x57, 0x42, 0x4d] as const; // "WBM"
/**
 * 2: the header carries `decoded` (codec rules, issue 16). 3: a plain decoded payload is
 * `[rule index, text]`: under a firehose every message of a rule repeats its id, name and format,
 * which doubled the header the page parses per batch. Versions 1 and 2 are still read.
 */
const VERSION = 3;
const OLDEST_READ_VERSION = 1;
const RECORD_BYTES = 32;

const FLAG_OUT = 1;
const QOS_SHIFT = 1;
const FLAG_RETAIN = 1 << 3;
const FLAG_DUP = 1 << 4;
const FLAG_PAYLOAD_SIZE = 1 << 5;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

interface Header {
  connections: string[];
  topics: string[];
  properties: Record<string, unknown>;
  rules?: unknown[];
  decoded?: Record<string, unknown>;
}

/** A rule as `rules` carries it: [ruleId, ruleName, format, json]. */
type WireRule = [string, string, string, boolean];

/** True when the payload has only the fields every decoded payload has, so it can travel as [rule, text]. */
function isPlain(decoded: DecodedPayload): boolean {
  return decoded.problem === undefined && decoded.invalid === undefined && decoded.image === undefined && decoded.truncated === undefined;
}

/** True when `frame` starts like a message batch frame (any version). */
export function isMessageBatchFrame(frame: Uint8Array): boolean {
  return frame.byteLength >= 8 && frame[0] === MAGIC[0] && frame[1] === MAGIC[1] && frame[2] === MAGIC[2];
}

const pad8 = (n: number) => (n + 7) & ~7;

export function encodeMessageBatchFrame(messages: readonly LiveMessage[], codec: Base64Codec = defaultBase64): Uint8Array {
  const connectionIndex = new Map<string, number>();
  const header: Header = { connections: [], topics: new Array<string>(messages.length), properties: {}, rules: [], decoded: {} };
  const ruleIndex = new Map<string, number>();
  let payloadBytes = 0;
  messages.forEach((message, i) => {
    if (!connectionIndex.has(message.connectionId)) {
      connectionIndex.set(message.connectionId, header.connections.length);
      header.connections.push(message.connectionId);
    }
    header.topics[i] = message.topic;
    // Rare (MQTT 5 messages that carry properties): the generic wire form keeps their bytes exact.
    if (message.properties) header.properties[i] = toByteJson(message.properties, codec);
    // Plain JSON already (text, numbers, no bytes): carried as it is.
    const decoded = message.decoded;
    if (decoded && isPlain(decoded)) {
      const key = `${decoded.ruleId}\u0000${decoded.ruleName}\u0000${decoded.format}\u0000${decoded.json}`;
      let index = ruleIndex.get(key);
      if (index === undefined) {
        index = header.rules!.length;
        ruleIndex.set(key, index);
        header.rules!.push([decoded.ruleId, decoded.ruleName, decoded.format, decoded.json] satisfies WireRule);
      }
      header.decoded![i] = [index, decoded.text];
    } else if (decoded) header.decoded![i] = decoded;
    payloadBytes += message.payload.byteLength;
  });
  const headerBytes = encoder.encode(JSON.stringify(header));
  const recordsAt = 8 + pad8(headerBytes.byteLength);
  const payloadsAt = recordsAt + messages.length * RECORD_BYTES;
  const frame = new Uint8Array(payloadsAt + payloadBytes);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  frame.set(MAGIC, 0);
  frame[3] = VERSION;
  view.setUint32(4, headerBytes.byteLength, true);
  frame.set(headerBytes, 8);
  let record = recordsAt;
  let payloadAt = payloadsAt;
  for (const message of messages) {
    const length = message.payload.byteLength;
    view.setFloat64(record, message.id, true);
    view.setFloat64(record + 8, message.timestamp, true);
    view.setUint32(record + 16, length, true);
    view.setUint32(record + 20, message.payloadSize ?? 0, true);
    view.setUint32(record + 24, connectionIndex.get(message.connectionId)!, true);
    view.setUint8(
      record + 28,
      (message.direction === 'out' ? FLAG_OUT : 0) |
        (message.qos << QOS_SHIFT) |
        (message.retain ? FLAG_RETAIN : 0) |
        (message.dup ? FLAG_DUP : 0) |
        (message.payloadSize !== undefined ? FLAG_PAYLOAD_SIZE : 0),
    );
    frame.set(message.payload, payloadAt);
    payloadAt += length;
    record += RECORD_BYTES;
  }
  return frame;
}

function isWireRule(value: unknown): value is WireRule {
  return Array.isArray(value) && value.length === 4 && typeof value[0] === 'string' && typeof value[1] === 'string' && typeof value[2] === 'string' && typeof value[3] === 'boolean';
}

/** The fields every view reads without checking again; the rest is optional. */
function isDecodedPayload(value: unknown): value is DecodedPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { ruleId, ruleName, format, text, json } = value as Record<string, unknown>;
  return typeof ruleId === 'string' && typeof ruleName === 'string' && typeof format === 'string' && typeof text === 'string' && typeof json === 'boolean';
}

function malformed(reason: string): never {
  throw new Error(`Malformed message batch frame: ${reason}`);
}

/**
 * The batch a frame carries. Each payload is a copy of its bytes, so a message kept by a view does
 * not pin the whole frame. Throws on anything malformed (bounds are checked before any read).
 */
export function decodeMessageBatchFrame(frame: Uint8Array, codec: Base64Codec = defaultBase64): { messages: LiveMessage[] } {
  if (!isMessageBatchFrame(frame)) malformed('no magic');
  const version = frame[3]!;
  if (version < OLDEST_READ_VERSION || version > VERSION) malformed(`version ${version} (this page reads ${OLDEST_READ_VERSION} to ${VERSION})`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > frame.byteLength) malformed('header past the end');
  let header: Header;
  try {
    header = JSON.parse(decoder.decode(frame.subarray(8, 8 + headerLength))) as Header;
  } catch (error) {
    malformed(`header: ${(error as Error).message}`);
  }
  const { connections, topics, properties } = header;
  const decodedByIndex = header.decoded ?? {};
  const rules = header.rules ?? [];
  if (!Array.isArray(rules) || !rules.every(isWireRule)) malformed('header rules');
  if (!Array.isArray(connections) || !Array.isArray(topics) || typeof properties !== 'object' || properties === null) malformed('header fields');
  if (typeof decodedByIndex !== 'object' || decodedByIndex === null) malformed('header fields');
  const count = topics.length;
  const recordsAt = 8 + pad8(headerLength);
  let payloadAt = recordsAt + count * RECORD_BYTES;
  if (payloadAt > frame.byteLength) malformed('records past the end');
  const messages = new Array<LiveMessage>(count);
  for (let i = 0, record = recordsAt; i < count; i++, record += RECORD_BYTES) {
    const length = view.getUint32(record + 16, true);
    const connectionId = connections[view.getUint32(record + 24, true)];
    const topic = topics[i];
    const flags = view.getUint8(record + 28);
    if (payloadAt + length > frame.byteLength) malformed(`payload ${i} past the end`);
    if (typeof connectionId !== 'string' || typeof topic !== 'string') malformed(`message ${i} names no connection or topic`);
    const qos = (flags >> QOS_SHIFT) & 3;
    if (qos > 2) malformed(`message ${i} has QoS 3`);
    const message: LiveMessage = {
      connectionId,
      direction: flags & FLAG_OUT ? 'out' : 'in',
      topic,
      payload: frame.slice(payloadAt, payloadAt + length),
      qos: qos as 0 | 1 | 2,
      retain: (flags & FLAG_RETAIN) !== 0,
      dup: (flags & FLAG_DUP) !== 0,
      timestamp: view.getFloat64(record + 8, true),
      id: view.getFloat64(record, true),
    };
    if (flags & FLAG_PAYLOAD_SIZE) message.payloadSize = view.getUint32(record + 20, true);
    const wireProperties = properties[i];
    if (wireProperties !== undefined) message.properties = fromByteJson(wireProperties, codec) as LiveMessage['properties'];
    const decoded = decodedByIndex[i];
    if (Array.isArray(decoded)) {
      const [index, text] = decoded as unknown[];
      const rule = typeof index === 'number' ? (rules[index] as WireRule | undefined) : undefined;
      if (!rule || typeof text !== 'string') malformed(`message ${i} has a malformed decoded payload`);
      message.decoded = { ruleId: rule[0], ruleName: rule[1], format: rule[2], text, json: rule[3] };
    } else if (decoded !== undefined) {
      if (!isDecodedPayload(decoded)) malformed(`message ${i} has a malformed decoded payload`);
      message.decoded = decoded;
    }
    messages[i] = message;
    payloadAt += length;
  }
  return { messages };
}
