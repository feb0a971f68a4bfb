import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../shared/codecs/codec-error';
import { toDisplayJson } from '../../shared/codecs/display-json';
import { compileAvroSchema, readConfluentFrame, writeConfluentFrame } from '../../main/core/codecs/avro-schema';
import { isoFromMillis } from '../../main/core/codecs/avro-logical-types';
import { MAX_AVRO_DEPTH, MAX_AVRO_EMPTY_ITEMS } from '../../main/core/codecs/avro-reader';

/** The reference encoder: plain avsc, unions wrapped, logical types as their underlying values. */
function reference(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { wrapUnions: true });
}

function compile(schema: unknown, name = 'schema.avsc') {
  return compileAvroSchema({ name, text: JSON.stringify(schema, null, 2) });
}

function codecError(run: () => unknown): CodecError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return error as CodecError;
  }
  throw new Error('expected a CodecError');
}

/** What a user sees in the detail view and may paste into the publish box. */
function shownJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(toDisplayJson(value)));
}

const bytes = (...values: number[]) => Uint8Array.from(values);

const telemetrySchema = {
  type: 'record',
  name: 'Telemetry',
  namespace: 'com.acme.factory',
  fields: [
    { name: 'device', type: 'string' },
    { name: 'seq', type: 'long' },
    { name: 'state', type: { type: 'enum', name: 'State', symbols: ['IDLE', 'RUNNING', 'FAULT'] } },
    { name: 'mac', type: { type: 'fixed', name: 'Mac', size: 6 } },
    { name: 'temp', type: ['null', 'double'], default: null },
    {
      name: 'readings',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Reading',
          fields: [
            { name: 'sensor', type: 'string' },
            { name: 'value', type: 'float' },
            { name: 'unit', type: ['null', 'string', { type: 'enum', name: 'Unit', namespace: 'com.acme.units', symbols: ['C', 'PCT'] }] },
          ],
        },
      },
    },
    { name: 'tags', type: { type: 'map', values: 'string' } },
    { name: 'last', type: ['null', 'Reading'] },
    { name: 'raw', type: 'bytes' },
    { name: 'ok', type: 'boolean' },
    { name: 'count', type: 'int' },
  ],
};

const telemetryDatum = {
  device: 'press-7',
  seq: 123456789,
  state: 'RUNNING',
  mac: Buffer.from([0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7]),
  temp: { double: 21.5 },
  readings: [
    { sensor: 'oil', value: 81.25, unit: { string: '°C' } },
    { sensor: 'humidity', value: 40.5, unit: { 'com.acme.units.Unit': 'PCT' } },
    { sensor: 'spare', value: -1, unit: null },
  ],
  tags: { line: '3', shift: 'night' },
  last: { 'com.acme.factory.Reading': { sensor: 'oil', value: 81.25, unit: null } },
  raw: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
  ok: true,
  count: -42,
};

describe('Avro datums decode into the values the views show', () => {
  const schema = compile(telemetrySchema);
  const payload = reference(telemetrySchema).toBuffer(telemetryDatum);

  it('names the schema by its top-level full name', () => {
    expect(schema.name).toBe('com.acme.factory.Telemetry');
    expect(compile({ type: 'array', items: 'int' }).name).toBe('array');
    expect(compile('string').name).toBe('string');
    expect(compile(['null', 'int']).name).toBe('union');
  });

  it('reads records, enums, fixed, arrays, maps, unions, bytes and nested named types', () => {
    expect(schema.decode(payload)).toEqual({
      device: 'press-7',
      seq: 123456789n,
      state: 'RUNNING',
      mac: bytes(0x00, 0x1b, 0x44, 0x11, 0x3a, 0xb7),
      temp: 21.5,
      readings: [
        // A string and an enum both show as text: the wrapper tells them apart.
        { sensor: 'oil', value: 81.25, unit: { string: '°C' } },
        { sensor: 'humidity', value: 40.5, unit: { 'com.acme.units.Unit': 'PCT' } },
        { sensor: 'spare', value: -1, unit: null },
      ],
      tags: { line: '3', shift: 'night' },
      last: { sensor: 'oil', value: 81.25, unit: null },
      raw: bytes(0xde, 0xad, 0xbe, 0xef),
      ok: true,
      count: -42,
    });
  });

  it('shows plain objects and Uint8Arrays (not avsc classes or Buffers), copied out of the payload', () => {
    const value = schema.decode(payload) as { readings: object[]; raw: Uint8Array };
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(value.readings[0])).toBe(Object.prototype);
    expect(Buffer.isBuffer(value.raw)).toBe(false);
    expect(value.raw.buffer).not.toBe(payload.buffer);
  });

  it('round-trips: the JSON the user sees, published back, gives the same bytes', () => {
    const shown = shownJson(schema.decode(payload));
    expect(shown).toMatchObject({ seq: 123456789, mac: { $bytes: 'ABtEETq3' }, temp: 21.5 });
    expect(Buffer.from(schema.encode(shown)).equals(payload)).toBe(true);
  });

  it('publishes a minimal JSON value: missing fields take their defaults, and avsc reads the bytes back', () => {
    const minimal = { device: 'd', seq: 1, state: 'IDLE', mac: { $bytes: 'AAAAAAAA' }, readings: [], tags: {}, last: null, raw: '', ok: false, count: 0 };
    const encoded = schema.encode(minimal);
    expect(reference(telemetrySchema).fromBuffer(Buffer.from(encoded))).toMatchObject({ temp: null, device: 'd', seq: 1 });
    expect(schema.decode(encoded)).toMatchObject({ temp: null, raw: new Uint8Array(0), mac: new Uint8Array(6) });
  });

  it('reads multi-block arrays and maps, including blocks with a byte size (negative counts)', () => {
    const list = compile({ type: 'map', values: { type: 'array', items: 'int' } });
    // map block of -1 entries with its byte size, key "a", array of two blocks [1,2] and [3], then 0.
    const body = [0x02, 0x61, 0x04, 0x02, 0x04, 0x02, 0x06, 0x00];
    expect(list.decode(bytes(0x01, body.length, ...body, 0x00))).toEqual({ a: [1, 2, 3] });
  });

  it('reads a recursive schema (a linked list of readings)', () => {
    const listSchema = { type: 'record', name: 'Node', fields: [{ name: 'v', type: 'int' }, { name: 'next', type: ['null', 'Node'] }] };
    const list = compile(listSchema);
    const datum = reference(listSchema).toBuffer({ v: 1, next: { Node: { v: 2, next: { Node: { v: 3, next: null } } } } });
    expect(list.decode(datum)).toEqual({ v: 1, next: { v: 2, next: { v: 3, next: null } } });
  });
});

describe('Avro floats show as written', () => {
  it('shows a float as a short decimal that gives back its 32 bits, and writes the same bytes back', () => {
    const floats = compile({ type: 'array', items: 'float' });
    const values = [0.1, 21.7, -40.05, 3.4028234663852886e38, 1.401298464324817e-45, 16777217, 0.3333333432674408, 0];
    const payload = reference({ type: 'array', items: 'float' }).toBuffer(values);
    const shown = floats.decode(payload) as number[];
    expect(shown).toEqual([0.1, 21.7, -40.05, 3.4028235e38, 1.4013e-45, 16777216, 0.33333334, 0]);
    expect(shown.map((v) => Math.fround(v))).toEqual(values.map((v) => Math.fround(v)));
    expect(Buffer.from(floats.encode(shownJson(shown))).equals(payload)).toBe(true);
  });

  it('keeps doubles exactly, NaN and infinities included', () => {
    const doubles = compile({ type: 'array', items: 'double' });
    const values = [0.1, Math.PI, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE];
    const payload = reference({ type: 'array', items: 'double' }).toBuffer(values);
    expect(doubles.decode(payload)).toEqual(values);
    expect(Buffer.from(doubles.encode(shownJson(doubles.decode(payload)))).equals(payload)).toBe(true);
    // -0 reads as -0 (JSON has no spelling for it, so it publishes back as 0).
    const [negativeZero] = doubles.decode(reference({ type: 'array', items: 'double' }).toBuffer([-0])) as number[];
    expect(Object.is(negativeZero, -0)).toBe(true);
  });
});

describe('Avro longs stay exact', () => {
  const schema = compile({ type: 'record', name: 'Counters', fields: [{ name: 'a', type: 'long' }, { name: 'b', type: 'long' }, { name: 'c', type: 'long' }] });

  it('reads the largest and smallest 64-bit values and one just beyond 2^53 with every digit', () => {
    const max = [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const min = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    const justBeyond = schema.encode({ a: '9007199254740993', b: 0, c: -1 });
    expect(schema.decode(bytes(...max, ...min, 0x00))).toEqual({ a: 2n ** 63n - 1n, b: -(2n ** 63n), c: 0n });
    expect(schema.decode(justBeyond)).toEqual({ a: 9007199254740993n, b: 0n, c: -1n });
  });

  it('writes longs given as digits, numbers or bigints, like avsc', () => {
    const expected = reference({ type: 'record', name: 'Counters', fields: ['a', 'b', 'c'].map((name) => ({ name, type: 'long' })) }).toBuffer({ a: 1, b: -2, c: 2 ** 40 });
    expect(Buffer.from(schema.encode({ a: '1', b: -2, c: 2n ** 40n })).equals(expected)).toBe(true);
  });

  it('refuses a long beyond 2^53 written as a JSON number: its digits are already lost', () => {
    expect(codecError(() => schema.encode({ a: 2 ** 60, b: 0, c: 0 })).message).toMatch(/^At \/a: .* is beyond 2\^53, .*write the long as a string/);
    expect(codecError(() => schema.encode({ a: '9223372036854775808', b: 0, c: 0 })).message).toBe('At /a: 9223372036854775808 does not fit in a long (64-bit)');
  });

  it('refuses a long varint longer than 64 bits at its offset', () => {
    const error = codecError(() => schema.decode(bytes(0x00, ...Array(9).fill(0xff), 0x7f, 0x00)));
    expect(error.message).toBe('The long at byte 1 does not fit in 64 bits');
    expect(error.where).toEqual({ offset: 1 });
  });
});

describe('Avro logical types are shown as people read them', () => {
  const logicalSchema = {
    type: 'record',
    name: 'Event',
    fields: [
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
      { name: 'atMicros', type: { type: 'long', logicalType: 'timestamp-micros' } },
      { name: 'wall', type: { type: 'long', logicalType: 'local-timestamp-millis' } },
      { name: 'day', type: { type: 'int', logicalType: 'date' } },
      { name: 'shiftStart', type: { type: 'int', logicalType: 'time-millis' } },
      { name: 'exposure', type: { type: 'long', logicalType: 'time-micros' } },
      { name: 'price', type: { type: 'bytes', logicalType: 'decimal', precision: 9, scale: 2 } },
      { name: 'balance', type: { type: 'fixed', name: 'Money', size: 8, logicalType: 'decimal', precision: 18, scale: 4 } },
      { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'every', type: { type: 'fixed', name: 'Every', size: 12, logicalType: 'duration' } },
      { name: 'maybeAt', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }] },
    ],
  };
  const schema = compile(logicalSchema);
  const duration = Buffer.alloc(12);
  duration.writeUInt32LE(1, 0);
  duration.writeUInt32LE(2, 4);
  duration.writeUInt32LE(3000, 8);
  const raw = {
    at: Date.UTC(2024, 4, 1, 12, 30, 15, 250),
    atMicros: Date.UTC(2024, 4, 1, 12, 30, 15, 250) * 1000 + 17,
    wall: Date.UTC(2024, 4, 1, 8, 0, 0, 0),
    day: 19844, // 2024-05-01
    shiftStart: ((6 * 60 + 30) * 60 + 5) * 1000 + 7,
    exposure: 1_500_042,
    price: Buffer.from([0xfe, 0x0c]), // -500 unscaled: -5.00
    balance: Buffer.from([0, 0, 0, 0, 0, 0x12, 0xd6, 0x87]), // 1234567 unscaled: 123.4567
    id: '123e4567-e89b-12d3-a456-426614174000',
    every: duration,
    maybeAt: { long: 0 },
  };
  const payload = reference(logicalSchema).toBuffer(raw);

  it('reads timestamps as ISO text, dates as YYYY-MM-DD, times as HH:MM:SS.fff, decimals exactly', () => {
    expect(schema.decode(payload)).toEqual({
      at: '2024-05-01T12:30:15.250Z',
      atMicros: '2024-05-01T12:30:15.250017Z',
      wall: '2024-05-01T08:00:00.000',
      day: '2024-05-01',
      shiftStart: '06:30:05.007',
      exposure: '00:00:01.500042',
      price: '-5.00',
      balance: '123.4567',
      id: '123e4567-e89b-12d3-a456-426614174000',
      every: { months: 1, days: 2, milliseconds: 3000 },
      maybeAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('writes them back from the shown text to the same bytes', () => {
    expect(Buffer.from(schema.encode(shownJson(schema.decode(payload)))).equals(payload)).toBe(true);
  });

  it('also takes the plain numbers a script sends (epoch units, days), and other zones', () => {
    const value = {
      ...(shownJson(schema.decode(payload)) as object),
      at: '2024-05-01T14:30:15.25+02:00',
      atMicros: String(raw.atMicros),
      day: 19844,
      price: -5,
      balance: '1.234567e2',
    };
    expect(Buffer.from(schema.encode(value)).equals(payload)).toBe(true);
  });

  it.each([
    ['at', 'yesterday', /^At \/at: 'yesterday' is not an ISO 8601 date-time/],
    ['at', '2024-02-30T00:00:00Z', /'2024-02-30T00:00:00Z' is not a valid date/],
    ['at', '2024-05-01T00:00:00.0001Z', /is more precise than timestamp-millis keeps/],
    ['wall', '2024-05-01T08:00:00Z', /has a time zone; a local timestamp is a wall-clock time/],
    ['price', '1.234', /^At \/price: '1.234' has more than 2 digits after the point \(decimal\)$/],
    ['price', '12345678.9', /has more than 9 digits/],
    ['balance', '1e999999', /has more than 18 digits/],
    ['id', 'not-a-uuid', /expected a UUID/],
    ['shiftStart', '25:00', /is not a time of day/],
    ['every', { months: -1 }, /months must be an unsigned 32-bit integer/],
  ])('refuses %s = %j with a reason', (field, bad, message) => {
    const good = shownJson(schema.decode(payload)) as Record<string, unknown>;
    expect(codecError(() => schema.encode({ ...good, [field]: bad })).message).toMatch(message);
  });

  it('writes ISO text exactly as Date does, for every era a Date holds', () => {
    const samples = [0, -1, 1, 951_782_400_000 /* 2000-02-29 */, -62_167_219_200_000 /* 0000-01-01 */, 253_402_300_799_999 /* 9999-12-31 */, -62_167_219_200_001, 253_402_300_800_000, 8.64e15, -8.64e15];
    // And a deterministic spread over ±300 years, to the millisecond.
    for (let i = 0, x = 12345; i < 5000; i++) {
      x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
      samples.push(Math.round((x / 2 ** 31 - 0.5) * 2 * 9.5e12) + (i % 1000));
    }
    for (const ms of samples) expect(isoFromMillis(ms)).toBe(new Date(ms).toISOString());
  });

  it('shows an instant beyond what a Date holds as its number, not a wrong date', () => {
    const far = compile({ type: 'long', logicalType: 'timestamp-millis' });
    expect(far.decode(reference({ type: 'long' }).toBuffer(9e15))).toBe(9000000000000000n);
  });

  it('ignores a logical type on the wrong underlying type, as the spec says', () => {
    expect(compile({ type: 'string', logicalType: 'timestamp-millis' }).decode(reference('string').toBuffer('noon'))).toBe('noon');
    expect(compile({ type: 'bytes', logicalType: 'decimal' }).decode(bytes(0x02, 0x07))).toEqual(bytes(0x07));
    expect(compile({ type: 'long', logicalType: 'decimal', precision: 4 }).decode(bytes(0x04))).toBe(2n);
    // avsc builds a record under a misplaced logical type twice; the timestamp inside still shows as text.
    const misplaced = compile({ type: 'record', name: 'R', logicalType: 'decimal', precision: 3, fields: [{ name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } }] });
    expect(misplaced.decode(bytes(0x00))).toEqual({ at: '1970-01-01T00:00:00.000Z' });
  });
});

describe('Avro unions show plain values unless two branches look alike', () => {
  const twoRecords = {
    type: 'record',
    name: 'Envelope',
    fields: [
      {
        name: 'body',
        type: [
          'null',
          { type: 'record', name: 'Start', fields: [{ name: 'at', type: 'int' }] },
          { type: 'record', name: 'Stop', fields: [{ name: 'at', type: 'int' }] },
        ],
      },
      { name: 'n', type: ['int', 'long'] },
    ],
  };
  const schema = compile(twoRecords);

  it('keeps Avro JSON’s wrapper where it is needed to tell the branch', () => {
    const payload = reference(twoRecords).toBuffer({ body: { Stop: { at: 5 } }, n: { long: 7 } });
    expect(schema.decode(payload)).toEqual({ body: { Stop: { at: 5 } }, n: { long: 7n } });
    expect(Buffer.from(schema.encode(shownJson(schema.decode(payload)))).equals(payload)).toBe(true);
  });

  it('asks for the wrapper when a plain value fits several branches', () => {
    expect(codecError(() => schema.encode({ body: null, n: 5 })).message).toBe('At /n: 5 fits several branches of the union (int, long): wrap it as {"int": ...}');
    expect(codecError(() => schema.encode({ body: { at: 5 }, n: { int: 1 } })).message).toBe('At /body: {"at":5} fits several branches of the union (Start, Stop): wrap it as {"Start": ...}');
  });

  it('accepts a plain value that only one branch takes', () => {
    const oneWay = compile({ type: 'record', name: 'R', fields: [{ name: 'n', type: ['int', 'double'] }] });
    expect(oneWay.decode(oneWay.encode({ n: 2.5 }))).toEqual({ n: { double: 2.5 } });
  });

  it('reads the wrapper on input for plain-shown unions too, by full or short name', () => {
    const optional = compile({
      type: 'record',
      name: 'R',
      namespace: 'x.y',
      fields: [
        { name: 'a', type: ['null', 'string'] },
        { name: 'b', type: ['null', { type: 'record', name: 'P', fields: [{ name: 'q', type: 'int' }] }] },
      ],
    });
    const plain = optional.encode({ a: 'hi', b: { q: 1 } });
    expect(Buffer.from(optional.encode({ a: { string: 'hi' }, b: { 'x.y.P': { q: 1 } } })).equals(Buffer.from(plain))).toBe(true);
    expect(Buffer.from(optional.encode({ a: 'hi', b: { P: { q: 1 } } })).equals(Buffer.from(plain))).toBe(true);
    expect(optional.decode(plain)).toEqual({ a: 'hi', b: { q: 1 } });
  });

  it('says which branches a value matched none of', () => {
    expect(codecError(() => compile(['null', 'int']).encode('x')).message).toBe('The value: expected one of the union\'s branches (null, int), got "x"');
    expect(codecError(() => compile(['null', { type: 'record', name: 'P', fields: [{ name: 'q', type: 'int' }] }]).encode({ q: 'no' })).message).toBe(
      'At /q: expected an int (32-bit), got "no"',
    );
  });
});

describe('Avro publishing refuses JSON that does not fit, naming the path', () => {
  const schema = compile(telemetrySchema);
  const good = shownJson(schema.decode(reference(telemetrySchema).toBuffer(telemetryDatum))) as Record<string, unknown>;

  it.each([
    ['a wrong type deep inside', { readings: [{ sensor: 'a', value: 1, unit: null }, { sensor: 'b', value: 'hot', unit: null }] }, 'At /readings/1/value: expected a float (a number, or "NaN", "Infinity", "-Infinity"), got "hot"'],
    ['a misspelt field', { readings: [{ sensor: 'a', valeu: 1, unit: null }] }, "At /readings/0/valeu: com.acme.factory.Reading has no field 'valeu' (its fields: sensor, value, unit)"],
    ['a missing field without default', { readings: [{ sensor: 'a', unit: null }] }, "At /readings/0/value: missing field 'value' (a float (a number, or \"NaN\", \"Infinity\", \"-Infinity\")), which has no default"],
    ['an unknown enum symbol', { state: 'ON' }, "At /state: expected one of com.acme.factory.State's symbols (IDLE, RUNNING, FAULT), got \"ON\""],
    ['a fixed of the wrong size', { mac: { $bytes: 'AAE=' } }, 'At /mac: com.acme.factory.Mac takes exactly 6 bytes, got 2'],
    ['bad Base64', { raw: { $bytes: 'A$==' } }, /^At \/raw: the Base64 in \{"\$bytes": \.\.\.\} is not valid: /],
    ['a non-Latin-1 string for bytes', { raw: '€' }, /^At \/raw: a string for bytes takes characters U\+0000 to U\+00FF only/],
    ['a fraction for an int', { count: 1.5 }, 'At /count: expected an int (32-bit), got 1.5'],
    ['an int out of range', { count: 2 ** 31 }, 'At /count: 2147483648 does not fit in an int (32-bit)'],
    ['a map value of the wrong type', { tags: { 'a/b': 3 } }, 'At /tags/a~1b: expected a string, got 3'],
  ])('refuses %s', (_what, change, message) => {
    const error = codecError(() => schema.encode({ ...good, ...change }));
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
  });

  it('takes bytes as {"$bytes": base64}, a Latin-1 string (Avro JSON) or an array of byte values', () => {
    const a = schema.encode({ ...good, raw: { $bytes: '3q2+7w==' } });
    const b = schema.encode({ ...good, raw: '\u00de\u00ad\u00be\u00ef' });
    const c = schema.encode({ ...good, raw: [0xde, 0xad, 0xbe, 0xef] });
    expect([Buffer.from(b).equals(Buffer.from(a)), Buffer.from(c).equals(Buffer.from(a))]).toEqual([true, true]);
  });

  it('takes NaN and infinities as the strings the views show', () => {
    const value = schema.decode(schema.encode({ ...good, temp: 'NaN', readings: [{ sensor: 's', value: '-Infinity', unit: null }] })) as { temp: number; readings: { value: number }[] };
    expect([value.temp, value.readings[0]!.value]).toEqual([NaN, -Infinity]);
  });

  it('refuses a value that is not an object for a record', () => {
    expect(codecError(() => schema.encode([1])).message).toBe('The value: expected a com.acme.factory.Telemetry object, got [1]');
  });
});

describe('Avro payloads that do not match say where decoding stopped', () => {
  const schema = compile(telemetrySchema);
  const payload = reference(telemetrySchema).toBuffer(telemetryDatum);

  it('reports a truncated payload at its end', () => {
    const error = codecError(() => schema.decode(payload.subarray(0, 20)));
    expect(error.where).toEqual({ offset: 20 });
    expect(error.message).toMatch(/^Truncated at byte 20: /);
  });

  it('reports bytes left over after the datum', () => {
    const error = codecError(() => schema.decode(Buffer.concat([payload, Buffer.from([1, 2, 3])])));
    expect(error.where).toEqual({ offset: payload.length });
    expect(error.message).toMatch(new RegExp(`^3 bytes left over after the datum ends at byte ${payload.length} `));
  });

  it('hints at Confluent framing when a framed payload is read as a bare datum', () => {
    const framed = writeConfluentFrame(7, compile('int').encode(5));
    expect(codecError(() => compile('int').decode(framed)).message).toMatch(/Confluent's starts with byte 0 and a 4-byte schema id/);
  });

  it('reports an enum index beyond the symbols, and a union index beyond the branches, at their bytes', () => {
    const e = codecError(() => compile({ type: 'enum', name: 'E', symbols: ['A', 'B'] }).decode(bytes(0x0a)));
    expect([e.message, e.where]).toEqual(['The E at byte 0 is symbol number 5, but it has 2 symbols', { offset: 0 }]);
    const u = codecError(() => compile({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }, { name: 'b', type: ['null', 'int'] }] }).decode(bytes(0x02, 0x06)));
    expect([u.message, u.where]).toEqual(['The union at byte 1 names branch 3, but it has 2 (null, int)', { offset: 1 }]);
  });

  it('reports a string longer than the bytes left, and a boolean that is not 0 or 1', () => {
    const s = codecError(() => compile('string').decode(bytes(0x50, 0x61)));
    expect(s.message).toBe('Truncated at byte 2: a string of 40 bytes at byte 0 runs past the end (or the payload was not written with this schema)');
    expect(codecError(() => compile('boolean').decode(bytes(0x05))).message).toBe('The boolean at byte 0 is 0x05, not 0 or 1');
  });

  it('refuses 4 bytes that announce 50 million ints at once, without reading past the end', () => {
    const count = [0x80, 0xc2, 0xd7, 0x2f]; // zigzag varint of 50 000 000
    const error = codecError(() => compile({ type: 'array', items: 'int' }).decode(bytes(...count)));
    expect(error.message).toBe('Truncated at byte 4: a array block of 50000000 items at byte 0 runs past the end (or the payload was not written with this schema)');
  });

  it('bounds items that take no bytes (nulls): a few bytes cannot make millions of values', () => {
    const nulls = compile({ type: 'array', items: 'null' });
    expect(nulls.decode(bytes(0x06, 0x00))).toEqual([null, null, null]);
    expect(codecError(() => nulls.decode(bytes(0x80, 0xc2, 0xd7, 0x2f, 0x00))).message).toBe(
      `The array at byte 0 announces more than ${MAX_AVRO_EMPTY_ITEMS} items that take no bytes`,
    );
  });

  it(`refuses recursion deeper than ${MAX_AVRO_DEPTH} instead of overflowing the stack`, () => {
    const list = compile({ type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] });
    const deep = new Uint8Array(MAX_AVRO_DEPTH + 10).fill(0x02);
    expect(codecError(() => list.decode(deep)).message).toMatch(new RegExp(`^Node at byte ${MAX_AVRO_DEPTH} is nested more than ${MAX_AVRO_DEPTH} deep`));
  });

  it('answers any corrupted payload with a value or a CodecError, never another error or a hang', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const logical = compile({
      type: 'record',
      name: 'L',
      fields: [
        { name: 'at', type: { type: 'long', logicalType: 'timestamp-micros' } },
        { name: 'd', type: { type: 'bytes', logicalType: 'decimal', precision: 30, scale: 3 } },
        { name: 'u', type: { type: 'fixed', name: 'U', size: 16, logicalType: 'uuid' } },
        { name: 'rest', type: { type: 'array', items: telemetrySchema } },
      ],
    });
    const samples: Uint8Array[] = [];
    for (let i = 0; i < 3000; i++) {
      const mutated = Uint8Array.from(payload);
      const flips = 1 + Math.floor(random() * 4);
      for (let f = 0; f < flips; f++) mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      samples.push(mutated.subarray(0, Math.floor(random() * (mutated.length + 1))));
      samples.push(Uint8Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
    }
    let decoded = 0;
    for (const sample of samples) {
      for (const target of [schema, logical]) {
        try {
          target.decode(sample);
          decoded++;
        } catch (error) {
          expect(error).toBeInstanceOf(CodecError);
          expect((error as CodecError).where.offset).toBeGreaterThanOrEqual(0);
        }
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });

  it('keeps a "__proto__" map key from a payload as a plain key, polluting nothing', () => {
    const map = compile({ type: 'map', values: 'int' });
    const value = map.decode(reference({ type: 'map', values: 'int' }).toBuffer(JSON.parse('{"__proto__": 1, "a": 2}'))) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).a).toBeUndefined();
  });
});

describe('Avro schema files that do not compile say where', () => {
  it('gives line and column of a JSON syntax error', () => {
    const error = codecError(() => compileAvroSchema({ name: 'bad.avsc', text: '{\n  "type": "record",\n  "name": "R"\n  "fields": []\n}' }));
    expect(error.where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'bad.avsc', line: 4, column: 3 });
    expect(error.message).toBe("Avro schema bad.avsc is not valid JSON: expected ',' or '}', found '\"' at line 4, column 3");
  });

  it('points at an undefined type name', () => {
    const text = '{\n  "type": "record",\n  "name": "R",\n  "fields": [\n    { "name": "a", "type": "Missing" }\n  ]\n}';
    const error = codecError(() => compileAvroSchema({ name: 'ref.avsc', text }));
    expect(error.message).toBe('Avro schema ref.avsc is not valid: undefined type name: Missing');
    expect(error.where).toEqual({ code: 'CODEC_SCHEMA_INVALID', file: 'ref.avsc', line: 5, column: 28 });
  });

  it('explains an unknown type, a duplicate symbol and a default of the wrong type', () => {
    expect(codecError(() => compile({ type: 'recrd', name: 'R' })).message).toBe('Avro schema schema.avsc is not valid: unknown type: "recrd"');
    const duplicate = codecError(() => compileAvroSchema({ name: 'dup.avsc', text: '{"type": "enum", "name": "E",\n "symbols": ["A", "B", "A"]}' }));
    expect([duplicate.message, duplicate.where]).toEqual(['Avro schema dup.avsc is not valid: duplicate "E" symbol: "A"', { code: 'CODEC_SCHEMA_INVALID', file: 'dup.avsc', line: 2, column: 24 }]);
    expect(codecError(() => compile({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'int', default: 'zero' }] })).message).toMatch(/incompatible field default "zero"/);
  });

  it('refuses a schema that is JSON null with a CodecError', () => {
    expect(codecError(() => compileAvroSchema({ name: 'n.avsc', text: 'null' })).message).toMatch(/^Avro schema n\.avsc is not valid: /);
  });
});

describe('Confluent wire format', () => {
  const schema = compile({ type: 'record', name: 'R', fields: [{ name: 'v', type: 'int' }] });

  it('frames a datum with magic byte 0 and a big-endian schema id, and reads it back', () => {
    const body = schema.encode({ v: 21 });
    const framed = writeConfluentFrame(0x01020304, body);
    expect([...framed.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    const { schemaId, body: read } = readConfluentFrame(framed);
    expect(schemaId).toBe(0x01020304);
    expect(schema.decode(read)).toEqual({ v: 21 });
    expect(readConfluentFrame(writeConfluentFrame(0xffffffff, new Uint8Array(0))).schemaId).toBe(0xffffffff);
  });

  it('refuses an unframed payload or a short one at offset 0', () => {
    const unframed = codecError(() => readConfluentFrame(bytes(0x7b, 0, 0, 0, 1, 2)));
    expect([unframed.message, unframed.where]).toEqual(['Not in the Confluent wire format: it starts with byte 0 (then a 4-byte schema id), this payload with 0x7b', { offset: 0 }]);
    expect(codecError(() => readConfluentFrame(bytes(0, 0, 1))).where).toEqual({ offset: 0 });
  });

  it('refuses a schema id that is not a 32-bit unsigned integer', () => {
    expect(() => writeConfluentFrame(-1, new Uint8Array(0))).toThrow(CodecError);
    expect(() => writeConfluentFrame(2 ** 32, new Uint8Array(0))).toThrow(CodecError);
  });
});
