import { describe, expect, it } from 'vitest';
import { decodePayload, encodePayload } from '../../shared/codecs/payload-format';
import { prettyDisplayJson } from '../../shared/codecs/display-json';
import { autoFormat, renderPayload } from '../../renderer/payload/payload-view';
import protobuf from 'protobufjs';
import { encodeSparkplug } from '../support/sparkplug';
import { numberAt, parsePayload } from '../../renderer/payload/numeric-value';
import { seriesBuffer, usePlotsStore } from '../../renderer/stores/plots-store';

const hex = (text: string) => Uint8Array.from(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const shown = (bytes: Uint8Array, format: 'cbor' | 'msgpack' | 'sparkplug' | 'protobuf') => {
  const decoded = decodePayload(bytes, format);
  if (!decoded.ok) throw new Error(decoded.problem.message);
  return JSON.parse(decoded.text) as unknown;
};
const problem = (bytes: Uint8Array, format: 'cbor' | 'msgpack' | 'sparkplug' | 'protobuf') => {
  const decoded = decodePayload(bytes, format);
  return decoded.ok ? null : decoded.problem.message;
};

describe('CBOR payloads (RFC 8949): written as JSON, shown as JSON', () => {
  it('publishes JSON typed in the editor as CBOR, byte for byte (RFC 8949 Appendix A example)', () => {
    const encoded = encodePayload('{"a": 1, "b": [2, 3]}', 'cbor');
    expect(encoded.ok && Buffer.from(encoded.bytes).toString('hex')).toBe('a2616101616282' + '0203');
  });

  it('refuses bad JSON with its line and column, and publishes nothing', () => {
    const encoded = encodePayload('{"a": 1,\n "b": }', 'cbor');
    expect(encoded.ok).toBe(false);
    if (!encoded.ok) expect(encoded.problem).toMatchObject({ format: 'cbor', line: 2 });
  });

  it('shows maps, arrays, byte strings, undefined, big integers and unknown tags, losing nothing', () => {
    expect(shown(hex('a2 61 61 01 61 62 82 02 03'), 'cbor')).toEqual({ a: 1, b: [2, 3] });
    expect(shown(hex('44 01 02 03 04'), 'cbor')).toEqual({ $bytes: 'AQIDBA==' });
    expect(shown(hex('82 f7 f6'), 'cbor')).toEqual([null, null]);
    // Tag 2 bignum 2^64, and a uint64 beyond 2^53: every digit kept.
    expect(shown(hex('c2 49 01 00 00 00 00 00 00 00 00'), 'cbor')).toBe('18446744073709551616');
    expect(shown(hex('1b ff ff ff ff ff ff ff ff'), 'cbor')).toBe('18446744073709551615');
    // Tag 1 (epoch time) is shown with its number rather than refused.
    expect(shown(hex('c1 1a 51 4b 67 b0'), 'cbor')).toEqual({ $tag: 1, value: 1363896240 });
    // A map with a non-string key.
    expect(shown(hex('a1 01 61 78'), 'cbor')).toEqual({ '1': 'x' });
  });

  it('says clearly when the bytes are not CBOR, and the detail still shows them as hex', () => {
    expect(problem(hex('a2 61 61'), 'cbor')).toMatch(/^Not CBOR: /);
    expect(problem(hex('01 02'), 'cbor')).toMatch(/^Not CBOR: /); // trailing bytes after one item
    const rendered = renderPayload(hex('a2 61 61'), 'cbor');
    expect(rendered.format).toBe('hex');
    expect(rendered.problem).toMatch(/^Not CBOR: .*Its raw bytes:$/);
    expect(rendered.text).toContain('a2 61 61');
  });
});

describe('Decoded values shown as JSON', () => {
  it('keeps a key named "__proto__" from a device as an ordinary key (a protobuf map, a CBOR map)', () => {
    // Plain assignment would set the object's prototype and the entry would vanish from the view.
    expect(prettyDisplayJson(new Map<unknown, unknown>([['__proto__', 1], ['a', 2]])).replace(/\s+/g, '')).toBe('{"__proto__":1,"a":2}');
    expect(shown(hex('a2 69 5f 5f 70 72 6f 74 6f 5f 5f 01 61 61 02'), 'cbor')).toEqual(JSON.parse('{"__proto__": 1, "a": 2}'));
  });
});

describe('MessagePack payloads: written as JSON, shown as JSON', () => {
  it('publishes JSON as MessagePack, byte for byte', () => {
    const encoded = encodePayload('{"a": 1, "b": [2, 3]}', 'msgpack');
    expect(encoded.ok && Buffer.from(encoded.bytes).toString('hex')).toBe('82a16101a162920203');
  });

  it('shows what it decodes, 64-bit integers with every digit', () => {
    expect(shown(hex('82 a1 61 01 a1 62 92 02 03'), 'msgpack')).toEqual({ a: 1, b: [2, 3] });
    expect(shown(hex('cf ff ff ff ff ff ff ff ff'), 'msgpack')).toBe('18446744073709551615');
    expect(shown(hex('c4 02 ca fe'), 'msgpack')).toEqual({ $bytes: 'yv4=' });
  });

  it('says clearly when the bytes are not MessagePack', () => {
    expect(problem(hex('82 a1 61'), 'msgpack')).toMatch(/^Not MessagePack: /);
    expect(problem(hex('c1'), 'msgpack')).toMatch(/^Not MessagePack: /); // 0xc1 is never used
  });
});

const int32Array = Buffer.alloc(8);
int32Array.writeInt32LE(-7, 0);
int32Array.writeInt32LE(40_000, 4);

const DDATA = encodeSparkplug({
  timestamp: 1_733_400_000_123,
  seq: 7,
  uuid: 'session-1',
  metrics: [
    { name: 'Temperature', alias: 1, timestamp: 1_733_400_000_100, datatype: 9, float_value: 21.5, properties: { keys: ['engUnit'], values: [{ type: 12, string_value: '°C' }] } },
    { name: 'Offset', datatype: 1, int_value: 0xffff_fffb }, // Int8 -5, as Sparkplug carries it
    { name: 'Delta', datatype: 4, long_value: '18446744073709551614' }, // Int64 -2
    { name: 'Counter', datatype: 8, long_value: '18446744073709551615' }, // UInt64 max
    { name: 'Running', datatype: 11, boolean_value: true },
    { name: 'Mode', datatype: 12, string_value: 'auto' },
    { name: 'Since', datatype: 13, long_value: 1_733_000_000_000 },
    { name: 'Gains', datatype: 24, bytes_value: int32Array },
    { name: 'Missing', datatype: 10, is_null: true },
    {
      name: 'Table',
      datatype: 16,
      dataset_value: { num_of_columns: 2, columns: ['id', 'level'], types: [3, 10], rows: [{ elements: [{ int_value: 0xffff_ffff }, { double_value: 0.25 }] }] },
    },
  ],
});

describe('Sparkplug B payloads: decoded for viewing, as MQTT Explorer does', () => {
  it('shows the payload and every metric with its datatype and value, signed integers signed again', () => {
    expect(shown(DDATA, 'sparkplug')).toEqual({
      timestamp: 1_733_400_000_123,
      seq: 7,
      uuid: 'session-1',
      metrics: [
        { name: 'Temperature', alias: 1, timestamp: 1_733_400_000_100, datatype: 'Float', properties: { engUnit: { type: 'String', value: '°C' } }, value: 21.5 },
        { name: 'Offset', datatype: 'Int8', value: -5 },
        { name: 'Delta', datatype: 'Int64', value: -2 },
        { name: 'Counter', datatype: 'UInt64', value: '18446744073709551615' },
        { name: 'Running', datatype: 'Boolean', value: true },
        { name: 'Mode', datatype: 'String', value: 'auto' },
        { name: 'Since', datatype: 'DateTime', value: 1_733_000_000_000 },
        { name: 'Gains', datatype: 'Int32Array', value: [-7, 40_000] },
        { name: 'Missing', datatype: 'Double', isNull: true },
        { name: 'Table', datatype: 'DataSet', value: { numOfColumns: 2, columns: ['id', 'level'], types: ['Int32', 'Double'], rows: [[-1, 0.25]] } },
      ],
    });
  });

  it('is what `auto` shows on a Sparkplug topic, but not on STATE (JSON) or for bytes that do not decode', () => {
    expect(autoFormat(DDATA, 'spBv1.0/Plant1/DDATA/Line1/Robot1')).toBe('sparkplug');
    expect(renderPayload(DDATA, 'auto', false, 'spBv1.0/Plant1/DDATA/Line1/Robot1').language).toBe('json');
    expect(autoFormat(DDATA, 'plant/robot')).toBe('hex');
    expect(autoFormat(new TextEncoder().encode('{"online": true}'), 'spBv1.0/STATE/host-1')).toBe('json');
    expect(autoFormat(hex('0a ff'), 'spBv1.0/Plant1/DDATA/Line1/Robot1')).toBe('hex');
  });

  it('plots a metric by its name: numbers, booleans as 0/1, 64-bit integers as numbers; null and text metrics are not values', () => {
    const topic = 'spBv1.0/Plant1/DDATA/Line1/Robot1';
    const parsed = parsePayload(DDATA, topic);
    expect(parsed).toEqual({ Temperature: 21.5, Offset: -5, Delta: -2, Counter: 18446744073709551615, Running: 1, Since: 1_733_000_000_000 });
    expect(numberAt(parsed, ['Offset'])).toBe(-5);
    // Off a Sparkplug topic the same bytes are not a value; JSON stays JSON on any topic.
    expect(parsePayload(DDATA, 'plant/robot')).toBeUndefined();
    expect(parsePayload(new TextEncoder().encode('{"v": 2}'), 'spBv1.0/STATE/host')).toEqual({ v: 2 });

    // A series on a metric gets a point from each message that carries it (here by alias only, as
    // DDATA may send it after a BIRTH): the chart follows the metric wherever it sits.
    usePlotsStore.getState().addSeries('spb', topic, ['alias 7']);
    const [series] = usePlotsStore.getState().series.filter((s) => s.connectionId === 'spb');
    const ddata = (value: number) => encodeSparkplug({ timestamp: 1, metrics: [{ name: 'Other', datatype: 3, int_value: 1 }, { alias: 7, datatype: 10, double_value: value }] });
    usePlotsStore.getState().ingest([1000, 2000].map((timestamp, i) => ({ connectionId: 'spb', direction: 'in', topic, payload: ddata(i + 0.5), qos: 0, retain: false, dup: false, timestamp })));
    const buffer = seriesBuffer(series!.id)!;
    expect([buffer.size, buffer.y(0), buffer.y(1)]).toEqual([2, 0.5, 1.5]);
    usePlotsStore.getState().clear();
  });

  it('says where a truncated or corrupt payload breaks, and still shows its bytes', () => {
    expect(problem(DDATA.subarray(0, DDATA.length - 3), 'sparkplug')).toMatch(/^Not Sparkplug B: .*\(at byte \d+\)$/);
    expect(problem(hex('0f'), 'sparkplug')).toMatch(/^Not Sparkplug B: Unsupported wire type 7/);
    const rendered = renderPayload(hex('12 05 0a'), 'sparkplug');
    expect(rendered.format).toBe('hex');
    expect(rendered.problem).toMatch(/^Not Sparkplug B: /);
  });
});

describe('any protobuf message without its schema (as protoc --decode_raw)', () => {
  it('shows field numbers with their values: varints, text, nested messages, repeated fields, fixed-width and bytes', () => {
    // Encoded by protobufjs from a schema the decoder never sees.
    const Reading = protobuf.parse(`
      syntax = "proto3";
      message Reading { uint64 id = 1; string unit = 2; Point at = 3; repeated uint32 codes = 4; fixed32 flags = 5; sfixed64 big = 6; bytes raw = 7; repeated string tags = 8; }
      message Point { int32 x = 1; int32 y = 2; }`).root.lookupType('Reading');
    const bytes = Reading.encode(
      Reading.fromObject({ id: '18446744073709551615', unit: 'kPa', at: { x: 3, y: 150 }, codes: [1, 2, 300], flags: 7, big: 2, raw: Uint8Array.from([0, 255, 1]), tags: ['a', 'b'] }),
    ).finish();
    expect(shown(bytes, 'protobuf')).toEqual({
      '1': '18446744073709551615',
      '2': 'kPa',
      '3': { '1': 3, '2': 150 },
      '4': [1, 2, 300],
      '5': 7,
      '6': 2,
      '7': { $bytes: 'AP8B' },
      '8': ['a', 'b'],
    });
  });

  it('shows packed repeated numbers as the bytes they are (the schema would say how to read them)', () => {
    // Field 4, length-delimited, packed varints 1, 2, 300.
    expect(shown(hex('22 04 01 02 ac 02'), 'protobuf')).toEqual({ '4': { $bytes: 'AQKsAg==' } });
  });

  it('says where bytes that are not a protobuf message break', () => {
    expect(problem(hex('0a 05 61 62'), 'protobuf')).toMatch(/^Not Protobuf: .*\(at byte 0\)$/);
    expect(problem(hex('08'), 'protobuf')).toMatch(/^Not Protobuf: Truncated varint/);
  });
});
