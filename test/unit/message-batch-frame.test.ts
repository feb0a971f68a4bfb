import { describe, expect, it } from 'vitest';
import { type LiveMessage, binaryEventChannelOf, decodeEventFrame, encodeEventFrame, isBinaryEventChannel } from '../../shared/contract';
import { decodeMessageBatchFrame, encodeMessageBatchFrame, isMessageBatchFrame } from '../../shared/message-batch-frame';

function message(overrides: Partial<LiveMessage> = {}): LiveMessage {
  return {
    connectionId: 'c1',
    direction: 'in',
    topic: 'plant/line-1/temp',
    payload: Uint8Array.from([0x7b, 0x7d]),
    qos: 0,
    retain: false,
    dup: false,
    timestamp: 1_764_000_000_123.5,
    id: 7,
    ...overrides,
  };
}

const BATCH: LiveMessage[] = [
  message(),
  message({ connectionId: 'c2', direction: 'out', qos: 2, retain: true, dup: true, id: 2 ** 40, topic: 'grüße/🌡/"quoted"/\\' }),
  message({ payload: new Uint8Array(0), topic: '', qos: 1 }),
  // Every byte value, and a big payload's preview carrying the whole size.
  message({ payload: Uint8Array.from({ length: 256 }, (_, i) => i), payloadSize: 3_145_728 }),
  message({
    properties: {
      contentType: 'application/json',
      correlationData: Uint8Array.from([0, 255, 1]),
      userProperties: [{ key: 'k', value: 'v' }, { key: 'k', value: 'w' }],
      subscriptionIdentifiers: [1, 268_435_455],
      payloadFormatIndicator: true,
      messageExpiryInterval: 60,
      responseTopic: 'reply/here',
    },
  }),
  // Decoded by a codec rule (issue 16): compact JSON, a failure with its position, an image, a cut text.
  message({ decoded: { ruleId: 'gz', ruleName: 'Telemetry', format: 'gzip+json', text: '{"t":21.5,"n":"9223372036854775813"}', json: true, invalid: [{ path: '/t', keyword: 'maximum', message: 'must be <= 20' }] } }),
  message({ decoded: { ruleId: 'p', ruleName: '', format: 'protobuf', text: '08 96 01', json: false, problem: { message: 'index out of range', offset: 3 } } }),
  message({ decoded: { ruleId: 'img', ruleName: 'Camera', format: 'image', text: 'PNG 640×480, 12.3 KB', json: false, image: { mime: 'image/png', width: 640, height: 480 } } }),
  message({ decoded: { ruleId: 't', ruleName: 'Log', format: 'text', text: 'grüße 🌡 "x"', json: false, truncated: true } }),
  // The firehose case: many messages of one rule, each only its text.
  message({ decoded: { ruleId: 'pb', ruleName: 'Line telemetry', format: 'protobuf', text: '{"seq":"1","value":21.5}', json: true } }),
  message({ decoded: { ruleId: 'pb', ruleName: 'Line telemetry', format: 'protobuf', text: '{"seq":"2","value":21.75}', json: true } }),
  message({ decoded: { ruleId: 'txt', ruleName: 'Line telemetry', format: 'protobuf', text: 'plain', json: false } }),
];

describe('message batch frames (the binary form of messages.batch on both transports)', () => {
  it('round-trips every field, byte-exact payloads and MQTT 5 properties included', () => {
    const frame = encodeMessageBatchFrame(BATCH);
    expect(isMessageBatchFrame(frame)).toBe(true);
    const { messages } = decodeMessageBatchFrame(frame);
    expect(messages).toEqual(BATCH);
    for (const decoded of messages) expect(decoded.payload).toBeInstanceOf(Uint8Array);
    // Absent optional fields stay absent (not undefined keys), as with JSON.
    expect(Object.keys(messages[0]!)).not.toContain('payloadSize');
    expect(Object.keys(messages[0]!)).not.toContain('properties');
    expect(Object.keys(messages[0]!)).not.toContain('decoded');
  });

  it("names a rule once per frame, not once per message it decoded", () => {
    const many = Array.from({ length: 50 }, (_, i) => message({ decoded: { ruleId: 'pb', ruleName: 'Line telemetry', format: 'protobuf', text: `{"seq":"${i}"}`, json: true } }));
    const frame = encodeMessageBatchFrame(many);
    expect(Buffer.from(frame).toString('latin1').split('Line telemetry')).toHaveLength(2);
    expect(decodeMessageBatchFrame(frame).messages).toEqual(many);
  });

  it('still reads a version 2 frame (decoded payloads whole)', () => {
    const decoded = { ruleId: 'pb', ruleName: 'Line telemetry', format: 'protobuf', text: '{"seq":"1"}', json: true };
    const header = JSON.stringify({ connections: ['c1'], topics: ['a/b'], properties: {}, decoded: { 0: decoded } });
    const frame = new Uint8Array(8 + ((header.length + 7) & ~7) + 32);
    frame.set([0x57, 0x42, 0x4d, 2]);
    new DataView(frame.buffer).setUint32(4, header.length, true);
    frame.set(new TextEncoder().encode(header), 8);
    expect(decodeMessageBatchFrame(frame).messages[0]!.decoded).toEqual(decoded);
  });

  it('still reads a version 1 frame (before decoded payloads)', () => {
    const plain = BATCH.slice(0, 5);
    expect(decodeMessageBatchFrame(withByte(encodeMessageBatchFrame(plain), 3, 1)).messages).toEqual(plain);
  });

  it('rejects a decoded payload that lacks the fields the views read', () => {
    const frame = encodeMessageBatchFrame([message({ decoded: { ruleId: 'r', ruleName: '', format: 'json', text: '1', json: true, truncated: true } })]);
    // Same length, so the header length still holds.
    const at = Buffer.from(frame).indexOf('"json":true');
    frame.set(new TextEncoder().encode('"json":"y" '), at);
    expect(() => decodeMessageBatchFrame(frame)).toThrow(/message 0 has a malformed decoded payload/);
    // A compact one naming a rule the frame does not have.
    const compact = encodeMessageBatchFrame([message({ decoded: { ruleId: 'r', ruleName: '', format: 'json', text: '1', json: true } })]);
    const ref = Buffer.from(compact).indexOf('[0,"1"]');
    compact.set(new TextEncoder().encode('[7,"1"]'), ref);
    expect(() => decodeMessageBatchFrame(compact)).toThrow(/message 0 has a malformed decoded payload/);
  });

  it('gives each message its own copy of its payload, so a kept message never pins the frame', () => {
    const frame = encodeMessageBatchFrame(BATCH);
    const { messages } = decodeMessageBatchFrame(frame);
    expect(messages[3]!.payload.buffer).not.toBe(frame.buffer);
    expect(messages[3]!.payload.buffer.byteLength).toBe(256);
  });

  it('encodes Node Buffers (as the engine hands them) like any Uint8Array', () => {
    const { messages } = decodeMessageBatchFrame(encodeMessageBatchFrame([message({ payload: Buffer.from('hello') })]));
    expect(new TextDecoder().decode(messages[0]!.payload)).toBe('hello');
  });

  it('round-trips an empty batch', () => {
    expect(decodeMessageBatchFrame(encodeMessageBatchFrame([])).messages).toEqual([]);
  });

  it.each([
    ['no magic', () => Uint8Array.from([1, 2, 3, 4, 0, 0, 0, 0]), /no magic/],
    ['another version', () => withByte(encodeMessageBatchFrame(BATCH), 3, 9), /version 9/],
    ['a header past the end', () => encodeMessageBatchFrame(BATCH).subarray(0, 20), /header past the end/],
    ['records past the end', () => cutAfterHeader(encodeMessageBatchFrame(BATCH)), /records past the end/],
    ['a payload past the end', () => { const f = encodeMessageBatchFrame(BATCH); return f.subarray(0, f.byteLength - 1); }, /payload 11 past the end/],
    ['QoS 3', () => { const f = encodeMessageBatchFrame([message()]); return withByte(f, recordAt(f) + 28, 3 << 1); }, /QoS 3/],
    ['an unknown connection index', () => { const f = encodeMessageBatchFrame([message()]); return withByte(f, recordAt(f) + 24, 5); }, /names no connection/],
  ])('rejects a frame with %s', (_name, make, error) => {
    expect(() => decodeMessageBatchFrame(make())).toThrow(error);
  });
});

describe('binary events in the contract (what both transports carry for messages.batch)', () => {
  it('names messages.batch, and only it, a binary event', () => {
    expect(isBinaryEventChannel('messages.batch')).toBe(true);
    expect(isBinaryEventChannel('messages.dropped')).toBe(false);
    expect(isBinaryEventChannel('toString')).toBe(false);
  });

  it('round-trips a batch as a Uint8Array, as its ArrayBuffer (what IPC and the WebSocket hand the page) and as a view at an offset', () => {
    const frame = encodeEventFrame('messages.batch', { messages: BATCH });
    expect(binaryEventChannelOf(frame)).toBe('messages.batch');
    expect(decodeEventFrame('messages.batch', frame).messages).toEqual(BATCH);
    const own = structuredClone(frame);
    expect(decodeEventFrame('messages.batch', own.buffer as ArrayBuffer).messages).toEqual(BATCH);
    const padded = new Uint8Array(frame.byteLength + 3);
    padded.set(frame, 3);
    expect(decodeEventFrame('messages.batch', padded.subarray(3)).messages).toEqual(BATCH);
  });

  it('refuses what is not a frame', () => {
    expect(binaryEventChannelOf(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toBeUndefined();
    expect(() => decodeEventFrame('messages.batch', { messages: BATCH } as unknown as ArrayBuffer)).toThrow(/not as a binary frame/);
  });
});

function withByte(frame: Uint8Array, at: number, value: number): Uint8Array {
  const copy = frame.slice();
  copy[at] = value;
  return copy;
}

function recordAt(frame: Uint8Array): number {
  const headerLength = new DataView(frame.buffer, frame.byteOffset).getUint32(4, true);
  return 8 + ((headerLength + 7) & ~7);
}

function cutAfterHeader(frame: Uint8Array): Uint8Array {
  return frame.subarray(0, recordAt(frame) + 10);
}
