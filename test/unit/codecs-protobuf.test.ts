import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { CodecError } from '../../shared/codecs/codec-error';
import { prettyDisplayJson, toDisplayJson } from '../../shared/codecs/display-json';
import type { SchemaFile } from '../../shared/contract/codec-rules';
import { compileProtobufSchema } from '../../main/core/codecs/protobuf-schema';

/**
 * The protobuf schema codec, checked against the reference encoder: every payload here is written by
 * protobufjs from the same .proto text, loaded its own way (from files on disk, imports resolved by
 * protobufjs itself, its own bundled well-known types), never by the code under test.
 */

const UNITS = `syntax = "proto3";
package common;

enum Unit {
  UNIT_UNSPECIFIED = 0;
  CELSIUS = 1;
  PASCAL = 2;
}

message Quantity {
  double value = 1;
  Unit unit = 2;
}
`;

const TELEMETRY = `syntax = "proto3";
package factory;

import "common/units.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/wrappers.proto";
import "google/protobuf/any.proto";
import "google/protobuf/struct.proto";

message Telemetry {
  enum Status {
    STATUS_UNKNOWN = 0;
    RUNNING = 1;
    STOPPED = 2;
  }
  message Reading {
    string sensor = 1;
    float value = 2;
    common.Quantity quantity = 3;
  }
  string device_id = 1;
  Status status = 2;
  repeated Reading readings = 3;
  map<string, int32> counters = 4;
  int64 total_count = 5;
  uint64 serial = 6;
  bytes raw = 7;
  oneof source {
    string line = 8;
    int32 cell = 9;
  }
  google.protobuf.Timestamp taken_at = 10;
  google.protobuf.Duration uptime = 11;
  google.protobuf.Int32Value battery = 12;
  google.protobuf.StringValue note = 13;
  google.protobuf.Any extra = 14;
  google.protobuf.Struct labels = 15;
  sint64 delta = 16;
  fixed64 mask = 17;
  repeated int32 samples = 18;
  optional int32 maybe = 19;
  map<int64, string> by_id = 20;
  map<bool, string> by_flag = 21;
}

message Alarm {
  string code = 1;
  int32 level = 2;
}

message Node {
  Node child = 1;
  int32 value = 2;
}
`;

const FILES: SchemaFile[] = [
  { name: 'factory/telemetry.proto', text: TELEMETRY },
  { name: 'common/units.proto', text: UNITS },
];

const scratch = mkdtempSync(join(tmpdir(), 'codecs-protobuf-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The reference: protobufjs loading the files from disk and resolving their imports itself. */
function referenceRoot(files: SchemaFile[]): protobuf.Root {
  const dir = mkdtempSync(join(scratch, 'ref-'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.name)), { recursive: true });
    writeFileSync(join(dir, file.name), file.text);
  }
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(dir, target));
  root.loadSync(files.map((file) => file.name), { keepCase: true });
  root.resolveAll();
  return root;
}

const reference = referenceRoot(FILES);
const RefTelemetry = reference.lookupType('factory.Telemetry');
const RefAlarm = reference.lookupType('factory.Alarm');
const schema = compileProtobufSchema(FILES);

function refEncode(type: protobuf.Type, object: Record<string, unknown>): Uint8Array {
  const message = type.fromObject(object);
  const problem = type.verify(message);
  if (problem) throw new Error(`fixture does not verify: ${problem}`);
  return type.encode(message).finish();
}

/** What the user sees: the decoded value as the app's display JSON, parsed back. */
function shown(messageType: string, bytes: Uint8Array): unknown {
  return JSON.parse(JSON.stringify(toDisplayJson(schema.decode(messageType, bytes))));
}

function codecError(run: () => unknown): CodecError {
  try {
    run();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  throw new Error('expected a CodecError');
}

const TOTAL = '9007199254740993'; // 2^53 + 1: a double cannot hold it
const SERIAL = '18446744073709551615'; // 2^64 - 1

const fullTelemetry = {
  device_id: 'press-7',
  status: 'RUNNING',
  readings: [
    { sensor: 'oil', value: 23.4, quantity: { value: 101.325, unit: 'PASCAL' } },
    { sensor: 'air', value: -4.5 },
  ],
  counters: { starts: 3, stops: 2 },
  total_count: TOTAL,
  serial: SERIAL,
  raw: Uint8Array.from([0, 1, 254, 255]),
  cell: 42,
  taken_at: { seconds: 1_765_121_400, nanos: 250_000_000 },
  uptime: { seconds: 1, nanos: 500_000_000 },
  battery: { value: 87 },
  note: { value: 'ok' },
  extra: { type_url: 'type.googleapis.com/factory.Alarm', value: refEncode(RefAlarm, { code: 'E42', level: 3 }) },
  labels: { fields: { line: { stringValue: 'A' }, shift: { numberValue: 2 }, tags: { listValue: { values: [{ stringValue: 'x' }, { boolValue: true }] } }, none: { nullValue: 0 } } },
  delta: '-9223372036854775808',
  mask: '18446744073709551614',
  samples: [1, -2, 300],
  maybe: 0,
  by_id: { '9007199254740993': 'big', '-1': 'minus one' },
};

const fullShown = {
  device_id: 'press-7',
  status: 'RUNNING',
  readings: [
    { sensor: 'oil', value: 23.4, quantity: { value: 101.325, unit: 'PASCAL' } },
    { sensor: 'air', value: -4.5 },
  ],
  counters: { starts: 3, stops: 2 },
  total_count: TOTAL,
  serial: SERIAL,
  raw: { $bytes: 'AAH+/w==' },
  cell: 42,
  taken_at: '2025-12-07T15:30:00.250Z',
  uptime: '1.500s',
  battery: 87,
  note: 'ok',
  extra: { '@type': 'type.googleapis.com/factory.Alarm', code: 'E42', level: 3 },
  labels: { line: 'A', shift: 2, tags: ['x', true], none: null },
  delta: '-9223372036854775808',
  mask: '18446744073709551614',
  samples: [1, -2, 300],
  maybe: 0,
  by_id: { '9007199254740993': 'big', '-1': 'minus one' },
  by_flag: {},
};

describe('protobuf with the user\'s .proto files: decoding what devices send', () => {
  it('lists the message types of the user\'s files, fully qualified and sorted (not the built-in well-known types)', () => {
    expect(schema.messageTypes).toEqual(['common.Quantity', 'factory.Alarm', 'factory.Node', 'factory.Telemetry', 'factory.Telemetry.Reading']);
  });

  it('reads a message whose .proto imports another file: package, nested messages, enums by name, oneof, maps, repeated, bytes, 64-bit integers exact', () => {
    const bytes = refEncode(RefTelemetry, fullTelemetry);
    expect(shown('factory.Telemetry', bytes)).toEqual(fullShown);
  });

  it('returns 64-bit integers as bigint with every digit, and bytes as Uint8Array', () => {
    const decoded = schema.decode('factory.Telemetry', refEncode(RefTelemetry, fullTelemetry)) as Record<string, unknown>;
    expect(decoded.total_count).toBe(9007199254740993n);
    expect(decoded.serial).toBe(18446744073709551615n);
    expect(decoded.delta).toBe(-9223372036854775808n);
    expect(decoded.mask).toBe(18446744073709551614n);
    expect(decoded.raw).toBeInstanceOf(Uint8Array);
    // The display JSON prints the digits, not the nearest double (9007199254740992).
    expect(prettyDisplayJson(decoded)).toContain('"total_count": "9007199254740993"');
  });

  it('renders well-known types as protobuf\'s JSON mapping: Timestamp RFC 3339 with its nanoseconds, Duration, wrappers, Struct, Any, Empty, FieldMask', () => {
    const files: SchemaFile[] = [{
      name: 'wkt.proto',
      text: `syntax = "proto3";
        import "google/protobuf/timestamp.proto"; import "google/protobuf/duration.proto"; import "google/protobuf/empty.proto";
        import "google/protobuf/field_mask.proto"; import "google/protobuf/wrappers.proto"; import "google/protobuf/any.proto";
        message W {
          google.protobuf.Timestamp at = 1; google.protobuf.Duration took = 2; google.protobuf.Empty nothing = 3;
          google.protobuf.FieldMask mask = 4; google.protobuf.UInt64Value big = 5; google.protobuf.BytesValue blob = 6;
          google.protobuf.BoolValue flag = 7; google.protobuf.Any stamp = 8; google.protobuf.Any opaque = 9; google.protobuf.Duration back = 10;
          google.protobuf.Timestamp micro = 11;
        }`,
    }];
    const ref = referenceRoot(files);
    const W = ref.lookupType('W');
    const Timestamp = ref.lookupType('google.protobuf.Timestamp');
    const bytes = refEncode(W, {
      at: { seconds: 0, nanos: 1 },
      took: { seconds: 3600, nanos: 0 },
      nothing: {},
      mask: { paths: ['readings.value', 'status'] },
      big: { value: SERIAL },
      blob: { value: Uint8Array.from([1, 2]) },
      flag: { value: false },
      stamp: { type_url: 'type.googleapis.com/google.protobuf.Timestamp', value: refEncode(Timestamp, { seconds: 86_400, nanos: 0 }) },
      opaque: { type_url: 'type.googleapis.com/acme.Secret', value: Uint8Array.from([8, 1]) },
      back: { seconds: -1, nanos: -250_000_000 },
      micro: { seconds: 1_765_121_400, nanos: 123_456_000 },
    });
    const own = compileProtobufSchema(files);
    expect(JSON.parse(prettyDisplayJson(own.decode('W', bytes)))).toEqual({
      at: '1970-01-01T00:00:00.000000001Z',
      took: '3600s',
      nothing: {},
      mask: 'readings.value,status',
      big: SERIAL,
      blob: { $bytes: 'AQI=' },
      flag: false,
      stamp: { '@type': 'type.googleapis.com/google.protobuf.Timestamp', value: '1970-01-02T00:00:00Z' },
      // Not in the schema: its bytes, as they came.
      opaque: { '@type': 'type.googleapis.com/acme.Secret', value: { $bytes: 'CAE=' } },
      back: '-1.250s',
      micro: '2025-12-07T15:30:00.123456Z',
    });
  });

  it('shows proto3 fields at their default (0, "", first enum value) so a zero reading is not mistaken for a missing field, and leaves out unsent fields that have presence', () => {
    const bytes = refEncode(RefTelemetry, { device_id: 'idle' });
    expect(shown('factory.Telemetry', bytes)).toEqual({
      device_id: 'idle', status: 'STATUS_UNKNOWN', readings: [], counters: {}, total_count: 0, serial: 0, raw: { $bytes: '' },
      delta: 0, mask: 0, samples: [], by_id: {}, by_flag: {},
    });
  });

  it('shows floats as the float32 the device meant (23.4, not 23.399999618530273)', () => {
    const bytes = refEncode(RefTelemetry, { readings: [{ value: 23.4 }, { value: 0.1 }, { value: 1e-7 }, { value: 3.4028234663852886e38 }] });
    const readings = (shown('factory.Telemetry', bytes) as { readings: Array<{ value: number }> }).readings.map((r) => r.value);
    expect(readings).toEqual([23.4, 0.1, 1e-7, 3.4028235e38]);
  });

  it('shows only the last member of a oneof when a payload sets two (the last one wins, as in protobuf)', () => {
    const bytes = Uint8Array.from([0x42, 0x01, 0x61, 0x48, 0x07]); // line = "a", then cell = 7
    const decoded = schema.decode('factory.Telemetry', bytes) as Record<string, unknown>;
    expect(decoded.cell).toBe(7);
    expect('line' in decoded).toBe(false);
  });

  it('shows an enum number the schema does not name as the number (proto3 enums are open)', () => {
    const bytes = Uint8Array.from([0x10, 0x07]); // status = 7
    expect((shown('factory.Telemetry', bytes) as { status: unknown }).status).toBe(7);
  });

  it('accepts a message type with a leading dot, or as a type URL', () => {
    expect(schema.decode('.factory.Alarm', refEncode(RefAlarm, { code: 'E1', level: 1 }))).toEqual({ code: 'E1', level: 1 });
    expect(schema.decode('type.googleapis.com/factory.Alarm', refEncode(RefAlarm, { code: 'E1', level: 1 }))).toEqual({ code: 'E1', level: 1 });
  });
});

describe('protobuf: a payload that does not match its message type says where decoding stopped', () => {
  const good = refEncode(RefTelemetry, fullTelemetry);

  it('a truncated payload: the byte where the cut field starts, and which field', () => {
    const cut = good.subarray(0, 20);
    const error = codecError(() => schema.decode('factory.Telemetry', cut));
    expect(error.message).toMatch(/^Not a factory\.Telemetry: .* at byte \d+$/);
    expect(error.where.offset).toBeGreaterThan(0);
    expect(error.where.offset).toBeLessThanOrEqual(20);
    // device_id is 7 bytes (0..8), then status (9..10), then readings[0] (a 30-odd byte message) starting at 11.
    expect(error.message).toContain('readings');
  });

  it('a payload of another type (wrong wire type): names the field, its declared type and the byte', () => {
    // An Alarm read as a Telemetry: Alarm's field 2 (level, varint) is fine, so build one that clashes: field 1 as a varint.
    const bytes = Uint8Array.from([0x12, 0x03, 0x61, 0x62, 0x63, 0x08, 0x05]); // field 2 len "abc", field 1 varint 5
    const error = codecError(() => schema.decode('factory.Telemetry', bytes));
    expect(error.message).toBe("Not a factory.Telemetry: field 2 'status' (Status) came as length-delimited, not varint at byte 0");
    expect(error.where.offset).toBe(0);
  });

  it('a length that runs past the end of the payload', () => {
    const bytes = Uint8Array.from([0x0a, 0x05, 0x61, 0x62]); // device_id claims 5 bytes, 2 follow
    const error = codecError(() => schema.decode('factory.Telemetry', bytes));
    expect(error.message).toBe("Not a factory.Telemetry: field 1 'device_id' (string) needs 5 bytes but only 2 are left at byte 2");
    expect(error.where.offset).toBe(2);
  });

  it('field number 0 and invalid wire types (what random bytes usually are)', () => {
    expect(codecError(() => schema.decode('factory.Telemetry', Uint8Array.from([0x0a, 0x01, 0x41, 0x00]))).where.offset).toBe(3);
    // A key past 32 bits (field 2^32 + 1, varint): protobufjs alone would read it as field 1.
    expect(codecError(() => schema.decode('factory.Telemetry', Uint8Array.from([0x88, 0x80, 0x80, 0x80, 0x80, 0x01, 0x05]))).message).toBe('Not a factory.Telemetry: field number 4294967297 is not valid at byte 0');
    expect(codecError(() => schema.decode('factory.Telemetry', Uint8Array.from([0x9f, 0x06]))).message).toBe('Not a factory.Telemetry: wire type 7 is not a valid wire type (field 99) at byte 2');
  });

  it('an error inside a nested message gives the path to it and the absolute offset', () => {
    // readings[0] = Reading{ sensor: field 1 as a 32-bit value }: 0x1a len 5, then 0x0d + 4 bytes.
    const bytes = Uint8Array.from([0x0a, 0x01, 0x41, 0x1a, 0x05, 0x0d, 1, 2, 3, 4]);
    const error = codecError(() => schema.decode('factory.Telemetry', bytes));
    expect(error.message).toBe("Not a factory.Telemetry: readings: field 1 'sensor' (string) came as 32-bit, not length-delimited at byte 5");
    expect(error.where.offset).toBe(5);
  });

  it('skips fields the schema does not know (added by a newer device), as protobuf does', () => {
    const bytes = Uint8Array.from([...refEncode(RefAlarm, { code: 'E1', level: 2 }), 0xf8, 0x07, 0x01, 0x82, 0x08, 0x02, 0x68, 0x69]); // fields 127 and 128
    expect(schema.decode('factory.Alarm', bytes)).toEqual({ code: 'E1', level: 2 });
  });

  it('refuses nesting deeper than 100 levels without crashing, and reads 100 levels', () => {
    let inner: Record<string, unknown> = { value: 1 };
    for (let i = 0; i < 100; i++) inner = { child: inner };
    const RefNode = reference.lookupType('factory.Node');
    const ok = refEncode(RefNode, inner);
    let depth = 0;
    for (let node = schema.decode('factory.Node', ok) as { child?: unknown } | undefined; node; node = node.child as { child?: unknown } | undefined) depth++;
    expect(depth).toBe(101);
    // 150 levels, written by hand (protobufjs refuses to write them).
    let deep = Uint8Array.from([0x10, 0x01]);
    for (let i = 0; i < 150; i++) deep = Uint8Array.from([0x0a, ...varint(deep.length), ...deep]);
    const error = codecError(() => schema.decode('factory.Node', deep));
    expect(error.message).toMatch(/nested deeper than 100 levels/);
    expect(typeof error.where.offset).toBe('number');
  });

  it('decodes a huge repeated field (1 million packed values) without trouble', () => {
    const samples = Array.from({ length: 1_000_000 }, (_, i) => i % 1000);
    const bytes = refEncode(RefTelemetry, { samples });
    const decoded = schema.decode('factory.Telemetry', bytes) as { samples: number[] };
    expect(decoded.samples.length).toBe(1_000_000);
    expect(decoded.samples[999_999]).toBe(999);
  });

  it('refuses a message type that is not in the schema, suggesting close names', () => {
    const error = codecError(() => schema.decode('factory.Telemetri', new Uint8Array(0)));
    expect(error.message).toBe("No message type 'factory.Telemetri' in this schema; did you mean factory.Telemetry?");
    expect(codecError(() => schema.decode('Alarm', new Uint8Array(0))).message).toContain('did you mean factory.Alarm');
    expect(codecError(() => schema.decode('zzz.Qqqqqqqq', new Uint8Array(0))).message).toContain('it has common.Quantity, factory.Alarm');
  });
});

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
}

describe('protobuf: publishing JSON as a message', () => {
  it('writes the same bytes as the reference encoder for the same message', () => {
    const json = { device_id: 'press-7', status: 'RUNNING', readings: [{ sensor: 'oil', value: 23.5 }], counters: { starts: 3 }, total_count: TOTAL, serial: SERIAL, raw: 'AAH+/w==', cell: 42, samples: [1, -2, 300] };
    const ref = refEncode(RefTelemetry, { ...json, raw: Uint8Array.from([0, 1, 254, 255]) });
    expect(Buffer.from(schema.encode('factory.Telemetry', json)).toString('hex')).toBe(Buffer.from(ref).toString('hex'));
  });

  it('round-trips every field: the decoded display JSON, published back, decodes to the same message', () => {
    const first = refEncode(RefTelemetry, fullTelemetry);
    const text = prettyDisplayJson(schema.decode('factory.Telemetry', first));
    const republished = schema.encode('factory.Telemetry', JSON.parse(text));
    expect(shown('factory.Telemetry', republished)).toEqual(fullShown);
    // And the reference decoder reads the republished bytes as the original.
    const ref = RefTelemetry.toObject(RefTelemetry.decode(republished), { longs: String, enums: String, bytes: String });
    expect(ref).toMatchObject({ total_count: TOTAL, serial: SERIAL, delta: '-9223372036854775808', status: 'RUNNING', cell: 42, raw: 'AAH+/w==' });
    expect(ref.taken_at).toEqual({ seconds: '1765121400', nanos: 250_000_000 });
  });

  it('reads Timestamp from RFC 3339 (any offset), Duration from "1.5s", wrappers from bare values, bytes as {"$bytes": ...}, enums by number, JSON (lowerCamelCase) names', () => {
    const bytes = schema.encode('factory.Telemetry', {
      deviceId: 'x', status: 2, takenAt: '2025-12-07T16:30:00.25+01:00', uptime: '-0.5s', battery: 5, note: 'n', raw: { $bytes: 'AQI=' }, maybe: 9,
    });
    const ref = RefTelemetry.toObject(RefTelemetry.decode(bytes), { longs: String, enums: String, bytes: String });
    expect(ref).toEqual({
      device_id: 'x', status: 'STOPPED', taken_at: { seconds: '1765121400', nanos: 250_000_000 }, uptime: { seconds: '0', nanos: -500_000_000 },
      battery: { value: 5 }, note: { value: 'n' }, raw: 'AQI=', maybe: 9,
    });
  });

  it('writes map<bool, ...> keys as they are (protobufjs alone would write "false" as true)', () => {
    const bytes = schema.encode('factory.Telemetry', { by_flag: { true: 'on', false: 'off' } });
    expect((RefTelemetry.decode(bytes) as unknown as { by_flag: unknown }).by_flag).toEqual({ true: 'on', false: 'off' });
    expect((schema.decode('factory.Telemetry', bytes) as { by_flag: unknown }).by_flag).toEqual({ true: 'on', false: 'off' });
  });

  it('packs an Any from {"@type": ..., fields} when its type is in the schema', () => {
    const bytes = schema.encode('factory.Telemetry', { extra: { '@type': 'type.googleapis.com/factory.Alarm', code: 'E9', level: 1 } });
    const any = RefTelemetry.decode(bytes) as unknown as { extra: { type_url: string; value: Uint8Array } };
    expect(any.extra.type_url).toBe('type.googleapis.com/factory.Alarm');
    expect(RefAlarm.toObject(RefAlarm.decode(any.extra.value))).toEqual({ code: 'E9', level: 1 });
  });

  it('refuses an unknown field with its path and a suggestion, instead of dropping it', () => {
    const error = codecError(() => schema.encode('factory.Telemetry', { readings: [{ sensor: 'a' }, { sensor: 'b', valeu: 1 }] }));
    expect(error.message).toMatch(/^Cannot encode as factory\.Telemetry: readings\[1\]\.valeu: no field 'valeu' in factory\.Telemetry\.Reading \(did you mean 'value'\?\)/);
    expect(codecError(() => schema.encode('factory.Telemetry', { tempx: 1 })).message).toContain("tempx: no field 'tempx' in factory.Telemetry");
  });

  it('refuses values of the wrong type with the field path, instead of writing 0', () => {
    expect(codecError(() => schema.encode('factory.Telemetry', { readings: [{ quantity: { value: 'hot' } }] })).message)
      .toBe('Cannot encode as factory.Telemetry: readings[0].quantity.value: expected a number (double), got the text "hot"');
    expect(codecError(() => schema.encode('factory.Telemetry', { samples: [1, 2.5] })).message).toContain('samples[1]: expected an integer (int32), got 2.5');
    expect(codecError(() => schema.encode('factory.Telemetry', { cell: 2 ** 31 })).message).toContain('cell: 2147483648 is out of range for int32');
    expect(codecError(() => schema.encode('factory.Telemetry', { status: 'PAUSED' })).message).toContain('status: "PAUSED" is not a value of enum Status (STATUS_UNKNOWN, RUNNING, STOPPED)');
    expect(codecError(() => schema.encode('factory.Telemetry', { raw: 'not base64!' })).message).toContain('raw: the text "not base64!" is not Base64');
    expect(codecError(() => schema.encode('factory.Telemetry', { taken_at: 'yesterday' })).message).toContain('taken_at: expected an RFC 3339 time');
    expect(codecError(() => schema.encode('factory.Telemetry', { taken_at: '2025-02-30T00:00:00Z' })).message).toContain('taken_at: expected an RFC 3339 time');
    expect(codecError(() => schema.encode('factory.Telemetry', { line: 'a', cell: 1 })).message).toContain("oneof 'source' can hold one field, but both 'line' and 'cell' are set");
    expect(codecError(() => schema.encode('factory.Telemetry', [1])).message).toContain('expected an object (message factory.Telemetry), got an array');
    expect(codecError(() => schema.encode('factory.Telemetry', { counters: { a: 'x' } })).message).toContain('counters["a"]: expected an integer (int32)');
  });

  it('keeps 64-bit integers exact: from strings every digit; a JSON number past 2^53 (already rounded by JSON.parse) is refused', () => {
    const bytes = schema.encode('factory.Telemetry', { total_count: '-9223372036854775808', serial: SERIAL, by_id: { '-9223372036854775808': 'min' } });
    const decoded = schema.decode('factory.Telemetry', bytes) as Record<string, unknown>;
    expect(decoded.total_count).toBe(-9223372036854775808n);
    expect(decoded.serial).toBe(18446744073709551615n);
    expect(decoded.by_id).toEqual({ '-9223372036854775808': 'min' });
    expect(codecError(() => schema.encode('factory.Telemetry', JSON.parse('{"total_count": 9007199254740993}'))).message).toContain('write it as a string');
    expect(codecError(() => schema.encode('factory.Telemetry', { serial: '-1' })).message).toContain('serial: -1 is out of range for uint64');
    expect(codecError(() => schema.encode('factory.Telemetry', { total_count: '9223372036854775808' })).message).toContain('out of range for int64');
  });

  it('refuses to write nesting deeper than 100 levels (messages, or JSON in a Struct) with a CodecError', () => {
    let deep: Record<string, unknown> = { value: 1 };
    for (let i = 0; i < 150; i++) deep = { child: deep };
    expect(codecError(() => schema.encode('factory.Node', deep)).message).toMatch(/nested deeper than 100 levels/);
    let json: unknown = 1;
    for (let i = 0; i < 80; i++) json = { a: json };
    expect(codecError(() => schema.encode('factory.Telemetry', { labels: json })).message).toMatch(/^Cannot encode as factory\.Telemetry: labels(\.a)+: nested deeper than 100 levels$/);
  });
});

describe('protobuf: proto2 and editions', () => {
  const PROTO2 = `syntax = "proto2";
package legacy;
enum Mode { AUTO = 1; MANUAL = 2; }
message Config {
  required string name = 1;
  optional int32 retries = 2 [default = 3];
  optional Mode mode = 3 [default = MANUAL];
  repeated int32 ports = 4;
  optional group Limits = 5 {
    optional int32 low = 6;
    optional int32 high = 7;
  }
}
`;

  it('reads proto2: required and optional fields, defaults, closed enums, groups', () => {
    const files = [{ name: 'legacy.proto', text: PROTO2 }];
    const ref = referenceRoot(files).lookupType('legacy.Config');
    const own = compileProtobufSchema(files);
    const bytes = refEncode(ref, { name: 'pump', ports: [80, 443], limits: { low: 1, high: 9 } });
    // Unsent optional fields are left out (their [default] is the schema's, not the device's); sent ones are shown even at their default.
    expect(JSON.parse(prettyDisplayJson(own.decode('legacy.Config', bytes)))).toEqual({ name: 'pump', ports: [80, 443], limits: { low: 1, high: 9 } });
    const withDefaults = refEncode(ref, { name: 'pump', retries: 3, mode: 'MANUAL' });
    expect(own.decode('legacy.Config', withDefaults)).toEqual({ name: 'pump', retries: 3, mode: 'MANUAL', ports: [] });
    // And written back the same way.
    const encoded = own.encode('legacy.Config', { name: 'pump', ports: [80, 443], limits: { low: 1, high: 9 } });
    expect(Buffer.from(encoded).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
  });

  it('proto2 extensions are shown as protobuf\'s JSON names them, [package.name], and read back from them', () => {
    const text = 'syntax = "proto2";\npackage p;\nmessage Foo { optional int32 a = 1; extensions 100 to 200; }\nextend Foo { optional int32 bar = 100; }\nmessage Holder { extend Foo { optional string baz = 101; } }\n';
    const files = [{ name: 'ext.proto', text }];
    const ref = referenceRoot(files).lookupType('p.Foo');
    const bytes = ref.encode({ a: 1, '.p.bar': 5, '.p.Holder.baz': 'x' }).finish();
    const own = compileProtobufSchema(files);
    expect(own.decode('p.Foo', bytes)).toEqual({ a: 1, '[p.bar]': 5, '[p.Holder.baz]': 'x' });
    expect(Buffer.from(own.encode('p.Foo', { a: 1, '[p.bar]': 5, '[p.Holder.baz]': 'x' })).equals(Buffer.from(bytes))).toBe(true);
  });

  it('proto2: a payload without a required field, and JSON without it, are refused', () => {
    const own = compileProtobufSchema([{ name: 'legacy.proto', text: PROTO2 }]);
    const error = codecError(() => own.decode('legacy.Config', Uint8Array.from([0x10, 0x05])));
    expect(error.message).toBe("Not a legacy.Config: required field 1 'name' (string) of legacy.Config is missing at byte 2");
    expect(error.where.offset).toBe(2);
    expect(codecError(() => own.encode('legacy.Config', { retries: 1 })).message).toBe("Cannot encode as legacy.Config: name: required field 'name' of legacy.Config is missing");
    expect(codecError(() => own.encode('legacy.Config', { name: 'a', mode: 7 })).message).toContain('mode: 7 is not a value of closed enum Mode');
  });

  it('reads edition 2023: explicit presence by default, IMPLICIT and DELIMITED features, closed enums', () => {
    const text = `edition = "2023";
package ed;
enum Level { option features.enum_type = CLOSED; LOW = 0; HIGH = 1; }
message Probe {
  int32 count = 1;
  int32 plain = 2 [features.field_presence = IMPLICIT];
  Level level = 3;
  Probe inner = 4 [features.message_encoding = DELIMITED];
  repeated int32 values = 5;
}
`;
    const files = [{ name: 'ed.proto', text }];
    const ref = referenceRoot(files).lookupType('ed.Probe');
    const own = compileProtobufSchema(files);
    const bytes = refEncode(ref, { level: 'HIGH', inner: { count: 2 }, values: [1, 2] });
    // count has explicit presence (unsent: absent); plain is implicit (shown as 0); inner came as a group.
    expect(own.decode('ed.Probe', bytes)).toEqual({ plain: 0, level: 'HIGH', inner: { plain: 0, count: 2, values: [] }, values: [1, 2] });
    expect(Buffer.from(own.encode('ed.Probe', { level: 'HIGH', inner: { count: 2 }, values: [1, 2] })).equals(Buffer.from(bytes))).toBe(true);
  });

  it('refuses an edition protobufjs cannot read, with its position', () => {
    const error = codecError(() => compileProtobufSchema([{ name: 'new.proto', text: 'edition = "2024";\nmessage A {}\n' }]));
    expect(error.where).toEqual({ file: 'new.proto', line: 1, column: 12 });
    expect(error.message).toContain('edition "2024" is not supported');
  });
});

describe('protobuf: a schema that does not compile says file, line and column', () => {
  const compileError = (files: SchemaFile[]) => codecError(() => compileProtobufSchema(files));

  it('a syntax error: the file, the line and the column of the token where parsing stopped', () => {
    const text = 'syntax = "proto3";\nmessage A {\n  int32 x = 1\n  string y = 2;\n}\n';
    const error = compileError([{ name: 'bad.proto', text }]);
    expect(error.where).toEqual({ file: 'bad.proto', line: 4, column: 3 });
    expect(error.message).toBe("bad.proto:4:3: expected ';' but found 'string'");
  });

  it('a bad field number, and a file that ends inside a message', () => {
    expect(compileError([{ name: 'b.proto', text: 'syntax = "proto3";\nmessage A {\n  int32 x = ;\n}\n' }]).where).toEqual({ file: 'b.proto', line: 3, column: 13 });
    const unclosed = compileError([{ name: 'c.proto', text: 'syntax = "proto3";\nmessage A {\n  int32 x = 1;\n' }]);
    expect(unclosed.where).toMatchObject({ file: 'c.proto', line: 2, column: 11 });
    expect(unclosed.message).toContain("'{' at line 2 is never closed");
  });

  it('other mistakes point at their token: a stray brace, a missing semicolon, an unclosed option list, comment or string, proto2 words in proto3, an unknown rpc type', () => {
    const cases: Array<[string, { line: number; column: number }, string]> = [
      ['syntax = "proto3";\nmessage A { int32 x = 1; }}\n', { line: 2, column: 26 }, "unexpected '}'"],
      ['syntax = "proto3"\nmessage A { int32 x = 1; }\n', { line: 2, column: 1 }, "expected ';' but found 'message'"],
      ['syntax = "proto3";\nmessage A { int32 x = 1 [deprecated = true; }\n', { line: 2, column: 43 }, "expected ']' but found ';'"],
      ['syntax = "proto3";\nmessage A { string s = 1; } /* open\n', { line: 2, column: 29 }, 'a /* comment */ is never closed'],
      ['syntax = "proto3";\nmessage A { string s = 1 [json_name = "open]; }\n', { line: 2, column: 39 }, 'a string is not closed on its line'],
      ['syntax = "proto3";\nmessage A {\n  required int32 x = 1;\n}\n', { line: 3, column: 3 }, "'required' is not allowed here"],
      ['syntax = "proto3";\nmessage Res {}\nservice S {\n  rpc Go(Req) returns (Res);\n}\n', { line: 4, column: 10 }, "unknown type 'Req' (rpc Go of S)"],
    ];
    for (const [text, at, message] of cases) {
      const error = compileError([{ name: 'x.proto', text }]);
      expect({ where: error.where, message: error.message }).toEqual({ where: { file: 'x.proto', ...at }, message: expect.stringContaining(message) });
    }
  });

  it('an unknown type: the field that names it, in the file that declares it', () => {
    const files: SchemaFile[] = [
      { name: 'a.proto', text: 'syntax = "proto3";\npackage p;\nimport "b.proto";\nmessage A { int32 x = 1; }\n' },
      { name: 'b.proto', text: 'syntax = "proto3";\npackage p;\n\nmessage B {\n  // Sensor is not declared anywhere\n  Sensor sensor = 1;\n}\n' },
    ];
    const error = compileError(files);
    expect(error.where).toEqual({ file: 'b.proto', line: 6, column: 3 });
    expect(error.message).toContain("unknown type 'Sensor' (field 'sensor' of p.B)");
  });

  it('a name declared twice and a field number used twice point at the second declaration', () => {
    const duplicateName = compileError([{ name: 'd.proto', text: 'syntax = "proto3";\nmessage A {\n  int32 x = 1;\n  int32 x = 2;\n}\n' }]);
    expect(duplicateName.where).toEqual({ file: 'd.proto', line: 4, column: 9 });
    const duplicateId = compileError([{ name: 'e.proto', text: 'syntax = "proto3";\nmessage A {\n  int32 x = 1;\n  int32 y = 1;\n}\n' }]);
    expect(duplicateId.where).toEqual({ file: 'e.proto', line: 4, column: 13 });
    expect(duplicateId.message).toContain('field number 1 is used twice in A');
  });

  it('reads a file saved with a byte order mark', () => {
    expect(compileProtobufSchema([{ name: 'bom.proto', text: '\uFEFFsyntax = "proto3";\nmessage A { int32 x = 1; }\n' }]).messageTypes).toEqual(['A']);
  });

  it('a missing import: names the missing file and the importing file with its line', () => {
    const error = compileError([{ name: 'factory/telemetry.proto', text: TELEMETRY }]);
    expect(error.where).toEqual({ file: 'factory/telemetry.proto', line: 4, column: 8 });
    expect(error.message).toBe("factory/telemetry.proto:4:8: imports 'common/units.proto', which is not among this schema's files: add it (as \"common/units.proto\")");
  });

  it('finds an import among the files when the user added it without its folder (file pickers drop folders)', () => {
    const own = compileProtobufSchema([{ name: 'telemetry.proto', text: TELEMETRY }, { name: 'units.proto', text: UNITS }]);
    expect(own.messageTypes).toContain('common.Quantity');
    expect(JSON.parse(prettyDisplayJson(own.decode('factory.Telemetry', refEncode(RefTelemetry, fullTelemetry))))).toEqual(fullShown);
  });

  it('a file of the user\'s that happens to be called any.proto does not stand in for google/protobuf/any.proto', () => {
    const own = compileProtobufSchema([
      { name: 'acme/any.proto', text: 'syntax = "proto3";\npackage acme;\nmessage Anything { string what = 1; }\n' },
      { name: 'box.proto', text: 'syntax = "proto3";\nimport "acme/any.proto";\nimport "google/protobuf/any.proto";\nmessage Box { acme.Anything a = 1; google.protobuf.Any b = 2; }\n' },
    ]);
    expect(own.messageTypes).toEqual(['Box', 'acme.Anything']);
  });

  it('reads a schema with custom options on google/protobuf/descriptor.proto (as nanopb and validators use)', () => {
    const text = `syntax = "proto3";
import "google/protobuf/descriptor.proto";
extend google.protobuf.FieldOptions { int32 max_size = 50001; }
message Tag { string id = 1 [(max_size) = 16]; }
`;
    expect(compileProtobufSchema([{ name: 'opts.proto', text }]).messageTypes).toEqual(['Tag']);
  });
});
