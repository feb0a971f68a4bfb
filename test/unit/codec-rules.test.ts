import { brotliCompressSync, crc32, deflateRawSync, deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import avro from 'avsc';
import protobuf from 'protobufjs';
import { encode as cborEncode } from 'cborg';
import { createTestClock } from '../support/test-clock';
import { describe, expect, it } from 'vitest';
import { type CodecRule, type CodecSettings, MAX_DECOMPRESSED_BYTES, codecRule, codecSettings } from '../../shared/contract/codec-rules';
import { codecSettingsProblems, compileCodecRules } from '../../main/core/codecs/compile-rules';
import { baseContentType, contentTypeParameters, createRuleMatcher } from '../../main/core/codecs/rule-matcher';
import { LIVE_DECODE_MAX_PAYLOAD_BYTES, createLiveDecoder } from '../../main/core/codecs/live-decoder';

const rule = (input: Partial<CodecRule> & { id: string; filter: string; format?: CodecRule['format'] }): CodecRule => codecRule.parse({ format: { kind: 'json' }, ...input });
const settings = (rules: CodecRule[], schemas: CodecSettings['schemas'] = []): CodecSettings => codecSettings.parse({ rules, schemas });
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('codec rules: matching', () => {
  it('takes the first enabled rule whose filter matches, the profile rules before the global ones', () => {
    const engine = compileCodecRules({
      profile: settings([rule({ id: 'off', filter: '#', enabled: false }), rule({ id: 'line', filter: 'factory/+/telemetry', format: { kind: 'cbor' } })]),
      global: settings([rule({ id: 'all-factory', filter: 'factory/#', format: { kind: 'text' } })]),
    });
    expect(engine.match('factory/a/telemetry')?.rule.id).toBe('line');
    expect(engine.match('factory/a/telemetry')?.scope).toBe('profile');
    expect(engine.match('factory/a/status')?.rule.id).toBe('all-factory');
    expect(engine.match('factory/a/status')?.scope).toBe('global');
    expect(engine.match('office/a')).toBeUndefined();
    expect(engine.idle).toBe(false);
    expect(compileCodecRules({ global: settings([rule({ id: 'x', filter: '#', enabled: false })]) }).idle).toBe(true);
  });

  it('keeps $ topics away from a leading wildcard [MQTT-4.7.2-1]', () => {
    const engine = compileCodecRules({ global: settings([rule({ id: 'all', filter: '#' })]) });
    expect(engine.match('$SYS/broker/uptime')).toBeUndefined();
    expect(engine.match('plain')?.rule.id).toBe('all');
  });

  it('requires a rule content type to be the message one, before its parameters and in any case', () => {
    const engine = compileCodecRules({
      global: settings([
        rule({ id: 'proto', filter: 'dev/#', contentType: 'application/x-protobuf', format: { kind: 'raw' } }),
        rule({ id: 'fallback', filter: 'dev/#' }),
      ]),
    });
    expect(engine.match('dev/1', 'Application/X-Protobuf; messageType=a.B')?.rule.id).toBe('proto');
    expect(engine.match('dev/1', 'application/json')?.rule.id).toBe('fallback');
    expect(engine.match('dev/1')?.rule.id).toBe('fallback');
    // The cached answer for one content type is not the answer for another.
    expect(engine.match('dev/1', 'application/x-protobuf')?.rule.id).toBe('proto');
    expect(baseContentType(' Text/Plain ; charset=utf-8')).toBe('text/plain');
    expect(contentTypeParameters('application/x-protobuf; messageType="a.B"; x=1')).toEqual(new Map([['messagetype', 'a.B'], ['x', '1']]));
  });

  it('bounds its per-topic cache and still answers right after it fills and starts over', () => {
    // Enough rules for the matcher to cache answers by topic (a few are matched without a cache).
    const others = Array.from({ length: 12 }, (_, i) => ({ rule: rule({ id: `x${i}`, filter: `x/${i}/#` }) }));
    const matcher = createRuleMatcher([...others, { rule: rule({ id: 'a', filter: 't/+' }) }], 8);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) expect(matcher.match(`t/${i}`)?.rule.id).toBe('a');
    }
    expect(matcher.match('u/1')).toBeUndefined();
    expect(matcher.match('x/3/deep/er')?.rule.id).toBe('x3');
    expect(matcher.match('t/0')?.rule.id).toBe('a');
  });

  it('answers the same with few rules (no cache) as with many (cached), content types included', () => {
    const rules = [
      { rule: rule({ id: 'typed', filter: '#', contentType: 'application/cbor' }) },
      { rule: rule({ id: 'plus', filter: 'a/+/c' }) },
      { rule: rule({ id: 'hash', filter: 'a/#' }) },
    ];
    const few = createRuleMatcher(rules);
    const many = createRuleMatcher([...Array.from({ length: 10 }, (_, i) => ({ rule: rule({ id: `z${i}`, filter: `z/${i}` }) })), ...rules]);
    for (const [topic, type] of [['a/b/c', undefined], ['a/b/c', 'Application/CBOR; x=1'], ['a', undefined], ['a/b/c/d', undefined], ['$SYS/x', 'application/cbor'], ['b', 'text/plain']] as const) {
      expect(many.match(topic, type)?.rule.id).toBe(few.match(topic, type)?.rule.id);
    }
    expect(few.match('a/b/c')?.rule.id).toBe('plus');
    expect(few.match('a')?.rule.id).toBe('hash'); // '#' also matches the parent level [MQTT-4.7.1-2]
    expect(few.match('$SYS/x', 'application/cbor')).toBeUndefined(); // [MQTT-4.7.2-1]
  });
});

describe('codec rules: decoding', () => {
  const engine = compileCodecRules({
    global: settings([
      rule({ id: 'gz', name: 'Gzipped telemetry', filter: 'factory/+/telemetry', encoding: 'gzip' }),
      rule({ id: 'deflate', filter: 'deflate/#', encoding: 'deflate' }),
      rule({ id: 'brotli', filter: 'brotli/#', encoding: 'brotli', format: { kind: 'text' } }),
      rule({ id: 'cbor', filter: 'cbor/#', format: { kind: 'cbor' } }),
      rule({ id: 'auto', filter: 'auto/#', encoding: 'gzip', format: { kind: 'auto' } }),
      rule({ id: 'raw', filter: 'raw/#', format: { kind: 'raw' } }),
      rule({ id: 'proto', filter: 'proto/#', format: { kind: 'protobuf', schemaId: 'missing', messageType: 'a.B' } }),
    ]),
  });
  const decode = (topic: string, bytes: Uint8Array, options = {}) => engine.decode(engine.match(topic)!, bytes, options);

  it('undoes gzip, then reads JSON, compact for the live views and indented for the detail', () => {
    const value = { temperature: 21.5, line: 'A', ok: true };
    const bytes = gzipSync(JSON.stringify(value));
    expect(decode('factory/7/telemetry', bytes)).toEqual({ ruleId: 'gz', ruleName: 'Gzipped telemetry', format: 'gzip+json', text: JSON.stringify(value), json: true });
    expect(decode('factory/7/telemetry', bytes, { pretty: true }).text).toBe(JSON.stringify(value, null, 2));
  });

  it('takes deflate as a zlib stream or raw, and brotli', () => {
    expect(decode('deflate/1', deflateSync('[1,2]')).text).toBe('[1,2]');
    expect(decode('deflate/1', deflateRawSync('[3]')).text).toBe('[3]');
    expect(decode('brotli/1', brotliCompressSync('héllo'))).toMatchObject({ format: 'brotli+text', text: 'héllo', json: false });
  });

  it('reads CBOR with 64-bit integers exact and byte strings as the byte envelope', () => {
    const bytes = cborEncode({ counter: 2n ** 63n + 5n, raw: new Uint8Array([1, 2, 3]), n: 7 });
    const decoded = decode('cbor/x', bytes);
    expect(decoded.format).toBe('cbor');
    expect(JSON.parse(decoded.text)).toEqual({ counter: '9223372036854775813', raw: { $bytes: 'AQID' }, n: 7 });
  });

  it('guesses JSON, text or hex under an auto rule after its encoding', () => {
    expect(decode('auto/1', gzipSync('{"a":1}'))).toMatchObject({ format: 'gzip+json', json: true, text: '{"a":1}' });
    expect(decode('auto/1', gzipSync('plain words'))).toMatchObject({ format: 'gzip+text', json: false, text: 'plain words' });
    expect(decode('auto/1', gzipSync(Buffer.from([0xff, 0x00])))).toMatchObject({ format: 'gzip+raw', text: 'ff 00' });
  });

  it('turns a payload that does not decode into a problem with a short hex preview', () => {
    const notGzip = utf8('{"a":1}');
    const decoded = decode('factory/1/telemetry', notGzip);
    expect(decoded).toMatchObject({ format: 'gzip+json', json: false, text: '7b 22 61 22 3a 31 7d' });
    expect(decoded.problem?.message).toMatch(/^Not valid gzip data/);
    const badJson = decode('factory/1/telemetry', gzipSync('{"a":\n  nope}'));
    expect(badJson.problem).toMatchObject({ line: 2 });
    expect(badJson.problem?.message).toMatch(/^Not JSON/);
    const long = decode('factory/1/telemetry', new Uint8Array(200));
    expect(long.text.endsWith(' …')).toBe(true);
    expect(long.text.split(' ').length).toBe(65);
  });

  it('refuses a zip bomb instead of inflating it', () => {
    const bomb = gzipSync(new Uint8Array(MAX_DECOMPRESSED_BYTES + 1));
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    const decoded = decode('factory/1/telemetry', bomb);
    expect(decoded.problem?.message).toMatch(/larger than 16 MB when decompressed: refused as a possible zip bomb/);
  });

  it('cuts long text to maxChars and says so', () => {
    const decoded = decode('factory/1/telemetry', gzipSync(JSON.stringify({ s: 'x'.repeat(100) })), { maxChars: 20 });
    expect(decoded).toMatchObject({ text: '{"s":"xxxxxxxxxxxxxx', truncated: true, json: true });
    expect(decode('raw/1', new Uint8Array(100), { maxChars: 30 }).text).toHaveLength(29);
  });

  it('names a missing schema or a format this build lacks instead of guessing', () => {
    expect(decode('proto/1', new Uint8Array([8, 1])).problem).toMatchObject({ code: 'CODEC_SCHEMA_UNKNOWN' });
    const imageRule = compileCodecRules({ global: settings([rule({ id: 'img', filter: '#', format: { kind: 'image' } })]), modules: { decompress: (b) => b, compress: (b) => b } });
    expect(imageRule.decode(imageRule.rules[0]!, new Uint8Array([0x89, 0x50])).problem).toMatchObject({ code: 'CODEC_FORMAT_UNAVAILABLE' });
  });
});

describe('codec rules: encoding', () => {
  const engine = compileCodecRules({
    global: settings([
      rule({ id: 'gz', filter: 'a', encoding: 'gzip' }),
      rule({ id: 'cbor', filter: 'b', encoding: 'deflate', format: { kind: 'cbor' } }),
      rule({ id: 'typed', filter: 'c', format: { kind: 'typed', type: 'uint64', littleEndian: true } }),
      rule({ id: 'raw', filter: 'd', format: { kind: 'raw' } }),
    ]),
  });
  const byId = (id: string) => engine.rule(id)!;

  it('writes JSON through the format and then the encoding, and reads back the same', () => {
    const written = engine.encode(byId('gz'), '{"temperature": 21.5}');
    if (!written.ok) throw new Error(written.problem.message);
    expect(Buffer.from(written.payload.subarray(0, 2))).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(engine.decode(byId('gz'), written.payload).text).toBe('{"temperature":21.5}');
    const cbor = engine.encode(byId('cbor'), '{"n": [1, 2, "three"]}');
    if (!cbor.ok) throw new Error(cbor.problem.message);
    expect(engine.decode(byId('cbor'), cbor.payload)).toMatchObject({ format: 'deflate+cbor', text: '{"n":[1,2,"three"]}' });
  });

  it('packs typed arrays with 64-bit values given as strings, and hex for raw', () => {
    const typed = engine.encode(byId('typed'), '["18446744073709551615", 1]');
    expect(typed).toEqual({ ok: true, payload: new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0]) });
    expect(engine.encode(byId('raw'), '0a ff')).toEqual({ ok: true, payload: new Uint8Array([0x0a, 0xff]) });
  });

  it('says where the JSON is wrong', () => {
    const written = engine.encode(byId('cbor'), '{\n  "a": }');
    expect(written.ok).toBe(false);
    if (!written.ok) expect(written.problem).toMatchObject({ line: 2, column: expect.any(Number) });
  });
});

describe('codec rules: what may be saved', () => {
  it('accepts sound settings and names every problem of unsound ones', () => {
    expect(codecSettingsProblems(settings([rule({ id: 'a', filter: '#' })]))).toEqual([]);
    const problems = codecSettingsProblems(
      settings(
        [
          rule({ id: 'a', filter: 'x' }),
          rule({ id: 'a', filter: 'y', format: { kind: 'avro', schemaId: 'nope', wire: 'datum' } }),
          rule({ id: 'b', filter: 'z', jsonSchemaId: 'p' }),
        ],
        [{ id: 'p', kind: 'protobuf', name: 'Telemetry', files: [{ name: 't.proto', text: 'syntax = "proto3";' }] }],
      ),
    );
    expect(problems).toEqual(['Two rules have the id "a"', 'Rule "a" names schema "nope", which is not there', 'Rule "b" needs a JSON Schema schema; "Telemetry" is Protobuf']);
  });

  it('lets a profile rule name a global schema', () => {
    const global = settings([], [{ id: 'g', kind: 'avro', name: 'G', files: [{ name: 'g.avsc', text: '{"type":"int"}' }] }]);
    expect(codecSettingsProblems(settings([rule({ id: 'a', filter: '#', format: { kind: 'avro', schemaId: 'g', wire: 'datum' } })]), { fallback: global })).toEqual([]);
  });
});

describe('codec rules: live decoding within a time budget', () => {
  const engine = compileCodecRules({ global: settings([rule({ id: 'gz', name: 'GZ', filter: 'a/#', encoding: 'gzip' })]) });
  const message = (payload: Uint8Array, topic = 'a/1') => ({ connectionId: 'c1', direction: 'in' as const, topic, payload, qos: 0 as const, retain: false, dup: false, timestamp: 0 });

  function setup() {
    // Each read of the budget clock moves it 4 ms: a decode (timed by two reads) costs 4 ms.
    let monotonic = 0;
    let wall = 0;
    const reports: { failures: number; skipped: number }[] = [];
    const live = createLiveDecoder({
      engineFor: (connectionId) => (connectionId === 'c1' ? engine : undefined),
      profileOf: () => undefined,
      emit: (problem) => reports.push(problem),
      now: () => wall,
      elapsed: () => (monotonic += 4),
    });
    return { live, reports, moveWindow: () => (monotonic += 50), moveWall: (ms: number) => (wall += ms) };
  }

  it('decodes until ~10 ms of a 50 ms window are spent, then counts the rest as skipped for on-demand decoding', () => {
    const { live, reports, moveWindow } = setup();
    const good = gzipSync('{"x":1}');
    const decoded = Array.from({ length: 5 }, () => live.decode(message(good)));
    expect(decoded.map((d) => d?.text)).toEqual(['{"x":1}', '{"x":1}', '{"x":1}', undefined, undefined]);
    moveWindow();
    expect(live.decode(message(good))?.text).toBe('{"x":1}');
    // A payload too big to decode within a batch is left for on-demand decoding too.
    expect(live.decode(message(new Uint8Array(LIVE_DECODE_MAX_PAYLOAD_BYTES + 1)))).toBeUndefined();
    // Unmatched topics and unknown connections cost nothing and count nothing.
    expect(live.decode(message(good, 'b/1'))).toBeUndefined();
    expect(live.decode({ ...message(good), connectionId: 'gone' })).toBeUndefined();
    live.report();
    expect(reports).toEqual([{ ruleId: 'gz', ruleName: 'GZ', failures: 0, skipped: 3, lastProblem: { message: '3 messages were not decoded live (decoding fell behind, or the payload was over 1 MB); they are decoded when shown' } }]);
  });

  it('reports failures once, then at most once a second, and only when they changed', () => {
    const { live, reports, moveWindow, moveWall } = setup();
    for (let i = 0; i < 3; i++) {
      moveWindow();
      expect(live.decode(message(utf8('not gzip')))?.problem?.message).toMatch(/^Not valid gzip data/);
    }
    live.report();
    live.report();
    expect(reports.map((r) => r.failures)).toEqual([3]);
    moveWindow();
    live.decode(message(utf8('still not')));
    moveWall(999);
    live.report();
    expect(reports).toHaveLength(1);
    moveWall(1);
    live.report();
    moveWall(5000);
    live.report();
    expect(reports.map((r) => r.failures)).toEqual([3, 4]);
  });

  it('sends the counts held back by the once-a-second rule when the second is up, even if no batch follows', () => {
    const clock = createTestClock(0);
    let monotonic = 0;
    const reports: { failures: number }[] = [];
    const live = createLiveDecoder({
      engineFor: () => engine,
      profileOf: () => undefined,
      emit: (problem) => reports.push(problem),
      now: clock.now,
      elapsed: () => (monotonic += 60), // every decode in a window of its own
      setTimer: (fn, ms) => clock.setTimeout(fn, ms),
    });
    live.decode(message(utf8('not gzip')));
    live.report();
    live.decode(message(utf8('not gzip either')));
    live.report(); // held back: reported 0 ms ago
    expect(reports.map((r) => r.failures)).toEqual([1]);
    clock.advance(999);
    expect(reports).toHaveLength(1);
    clock.advance(1); // the second is up: the last count goes out without another batch
    expect(reports.map((r) => r.failures)).toEqual([1, 2]);
    clock.advance(10_000);
    expect(reports).toHaveLength(2); // nothing changed since: nothing more
    live.decode(message(utf8('a third')));
    live.report();
    live.dispose();
    expect(reports.map((r) => r.failures)).toEqual([1, 2, 3]);
  });
});

describe('codec rules: schemas and the other formats, with reference encoders', () => {
  const UNITS = 'syntax = "proto3";\npackage common;\nenum Unit { UNIT_UNSPECIFIED = 0; CELSIUS = 1; }\nmessage Quantity { double value = 1; Unit unit = 2; }\n';
  const TELEMETRY =
    'syntax = "proto3";\npackage factory;\nimport "common/units.proto";\nmessage Telemetry { string line = 1; common.Quantity temperature = 2; uint64 counter = 3; }\nmessage Status { bool online = 1; }\n';
  const files = [
    { name: 'common/units.proto', text: UNITS },
    { name: 'factory/telemetry.proto', text: TELEMETRY },
  ];
  // protobufjs on its own, as the device's encoder would be.
  const reference = new protobuf.Root();
  protobuf.parse(UNITS, reference, { keepCase: true });
  protobuf.parse(TELEMETRY, reference, { keepCase: true });
  reference.resolveAll();
  const Telemetry = reference.lookupType('factory.Telemetry');
  const Status = reference.lookupType('factory.Status');

  const schemas: CodecSettings['schemas'] = [
    { id: 'factory', kind: 'protobuf', name: 'Factory', files },
    {
      id: 'limits',
      kind: 'json-schema',
      name: 'Limits',
      files: [{ name: 'limits.json', text: JSON.stringify({ type: 'object', properties: { t: { type: 'number', maximum: 50 } }, required: ['t'] }) }],
    },
  ];
  const engine = compileCodecRules({
    global: settings(
      [
        rule({ id: 'pb', filter: 'pb/#', encoding: 'gzip', format: { kind: 'protobuf', schemaId: 'factory', messageType: 'factory.Telemetry' } }),
        rule({ id: 'checked', filter: 'checked/#', jsonSchemaId: 'limits' }),
        rule({ id: 'layout', filter: 'layout/#', format: { kind: 'layout', layout: 'u16be temperature; i32le pressure; u8 flags' } }),
        rule({ id: 'typed', filter: 'typed/#', format: { kind: 'typed', type: 'int16', littleEndian: true } }),
        rule({ id: 'image', filter: 'camera/#', format: { kind: 'image' } }),
      ],
      schemas,
    ),
  });
  const decode = (topic: string, bytes: Uint8Array, options = {}) => engine.decode(engine.match(topic)!, bytes, options);

  it('reads Protobuf through .proto files that import each other, 64-bit integers exact, after gzip', () => {
    const bytes = Telemetry.encode(Telemetry.fromObject({ line: 'A', temperature: { value: 21.5, unit: 1 }, counter: '18446744073709551615' })).finish();
    const decoded = decode('pb/1', gzipSync(bytes));
    expect(decoded).toMatchObject({ ruleId: 'pb', format: 'gzip+protobuf', json: true });
    expect(JSON.parse(decoded.text)).toMatchObject({ line: 'A', temperature: { value: 21.5, unit: 'CELSIUS' }, counter: '18446744073709551615' });
  });

  it('takes the message type an MQTT 5 Content Type names', () => {
    const bytes = gzipSync(Status.encode(Status.fromObject({ online: true })).finish());
    expect(JSON.parse(decode('pb/1', bytes, { contentType: 'application/x-protobuf; messageType=factory.Status' }).text)).toEqual({ online: true });
  });

  it('writes JSON as Protobuf that the reference decoder reads back', () => {
    const written = engine.encode(engine.rule('pb')!, '{"line": "B", "temperature": {"value": 3.5, "unit": "CELSIUS"}, "counter": "9007199254740993"}');
    if (!written.ok) throw new Error(written.problem.message);
    const back = Telemetry.toObject(Telemetry.decode(gunzipSync(written.payload)), { longs: String, enums: String });
    expect(back).toEqual({ line: 'B', temperature: { value: 3.5, unit: 'CELSIUS' }, counter: '9007199254740993' });
  });

  it('marks values that fail the rule JSON Schema with the path and keyword', () => {
    expect(decode('checked/1', utf8('{"t": 20}')).invalid).toBeUndefined();
    const decoded = decode('checked/1', utf8('{"t": 80}'));
    expect(decoded.json).toBe(true);
    expect(decoded.invalid).toEqual([expect.objectContaining({ path: '/t', keyword: 'maximum' })]);
  });

  it('reads and writes a packed struct written with a Buffer, and typed arrays', () => {
    const packed = Buffer.alloc(7);
    packed.writeUInt16BE(215, 0);
    packed.writeInt32LE(-101_325, 2);
    packed.writeUInt8(5, 6);
    expect(JSON.parse(decode('layout/1', packed).text)).toEqual({ temperature: 215, pressure: -101_325, flags: 5 });
    expect(engine.encode(engine.rule('layout')!, '{"temperature": 215, "pressure": -101325, "flags": 5}')).toEqual({ ok: true, payload: new Uint8Array(packed) });
    const typed = Buffer.alloc(4);
    typed.writeInt16LE(-2, 0);
    typed.writeInt16LE(300, 2);
    expect(decode('typed/1', typed).text).toBe('[-2,300]');
  });

  it('describes an image by its magic bytes and refuses what is not one', () => {
    const chunk = (type: string, data: Buffer) => {
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      out.write(type, 4, 'latin1');
      data.copy(out, 8);
      out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
      return out;
    };
    const ihdr = Buffer.from([0, 0, 2, 128, 0, 0, 1, 224, 8, 2, 0, 0, 0]);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
    expect(decode('camera/1', png)).toMatchObject({ format: 'image', json: false, text: `PNG 640×480, ${png.length} B`, image: { mime: 'image/png', width: 640, height: 480 } });
    expect(decode('camera/1', utf8('not a picture')).problem?.message).toBe('Not a PNG, JPEG, GIF or WebP image');
  });

  it('refuses settings whose schema does not compile (file, line, column) or lacks the message type', () => {
    const broken = settings(
      [rule({ id: 'pb', filter: '#', format: { kind: 'protobuf', schemaId: 'factory', messageType: 'factory.Nope' } })],
      [{ id: 'factory', kind: 'protobuf', name: 'Factory', files }],
    );
    expect(codecSettingsProblems(broken)).toEqual([expect.stringMatching(/^Rule "pb": schema "Factory" has no message type factory.Nope \(it has /)]);
    const unparsable = settings([], [{ id: 'bad', kind: 'protobuf', name: 'Bad', files: [{ name: 'bad.proto', text: 'syntax = "proto3";\nmessage A {\n  string = 1;\n}\n' }] }]);
    expect(codecSettingsProblems(unparsable)).toEqual([expect.stringMatching(/^Schema "Bad" does not compile: bad\.proto:3:\d+: /)]);
  });
});

describe('codec rules: Avro, single datum and the Confluent wire format (avsc as the reference writer)', () => {
  const reading = {
    type: 'record',
    name: 'Reading',
    namespace: 'plant',
    fields: [
      { name: 'machine', type: 'string' },
      { name: 'temperature', type: ['null', 'double'], default: null },
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    ],
  };
  const alarm = { type: 'record', name: 'Alarm', namespace: 'plant', fields: [{ name: 'code', type: 'int' }] };
  const avsc = (schema: unknown) => avro.Type.forSchema(schema as avro.Schema);
  const file = (name: string, schema: unknown) => ({ name, text: JSON.stringify(schema) });
  // Confluent framing written by hand: magic byte 0, the registry id big-endian, the datum.
  const frame = (id: number, body: Buffer) => {
    const header = Buffer.alloc(5);
    header.writeUInt32BE(id, 1);
    return Buffer.concat([header, body]);
  };
  const engine = compileCodecRules({
    global: settings(
      [
        rule({ id: 'datum', filter: 'avro/datum', format: { kind: 'avro', schemaId: 'reading', wire: 'datum' } }),
        rule({ id: 'registry', filter: 'avro/registry', format: { kind: 'avro', schemaId: 'reading', wire: 'confluent' } }),
      ],
      [
        { id: 'reading', kind: 'avro', name: 'Reading', files: [file('reading.avsc', reading)], registryIds: [7] },
        { id: 'alarm', kind: 'avro', name: 'Alarm', files: [file('alarm.avsc', alarm)], registryIds: [8] },
      ],
    ),
  });
  const at = Date.UTC(2026, 11, 7, 16, 30);

  it('reads a datum with a union and a logical type', () => {
    const bytes = avsc(reading).toBuffer({ machine: 'press-4', temperature: 81.5, at });
    const decoded = engine.decode(engine.match('avro/datum')!, bytes);
    expect(decoded.format).toBe('avro');
    expect(JSON.parse(decoded.text)).toMatchObject({ machine: 'press-4', at: new Date(at).toISOString() });
    expect(decoded.text).toContain('81.5');
  });

  it('picks the schema a Confluent frame names by its registry id, and refuses an id nobody mapped', () => {
    const rule = engine.match('avro/registry')!;
    const asReading = engine.decode(rule, frame(7, avsc(reading).toBuffer({ machine: 'm', temperature: null, at })));
    expect(JSON.parse(asReading.text)).toMatchObject({ machine: 'm', temperature: null });
    expect(JSON.parse(engine.decode(rule, frame(8, avsc(alarm).toBuffer({ code: 3 }))).text)).toEqual({ code: 3 });
    expect(engine.decode(rule, frame(9, Buffer.from([6]))).problem).toMatchObject({ message: 'No Avro schema is mapped to registry id 9', code: 'CODEC_SCHEMA_UNKNOWN' });
    // A datum cut short: the offset is the payload's, past the 5-byte header.
    const cut = engine.decode(rule, frame(7, avsc(reading).toBuffer({ machine: 'press-4', temperature: 1, at }).subarray(0, 4)));
    expect(cut.problem?.offset).toBeGreaterThanOrEqual(5);
  });

  it('writes JSON as a framed datum with the schema first registry id, which avsc reads back', () => {
    const written = engine.encode(engine.rule('registry')!, JSON.stringify({ machine: 'lathe', temperature: { double: 20.25 }, at }));
    if (!written.ok) throw new Error(written.problem.message);
    expect([...written.payload.subarray(0, 5)]).toEqual([0, 0, 0, 0, 7]);
    expect(avsc(reading).fromBuffer(Buffer.from(written.payload.subarray(5)))).toMatchObject({ machine: 'lathe', temperature: 20.25 });
  });
});
