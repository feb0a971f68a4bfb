import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CodecRule, type CodecSettings, codecRule, codecSettings } from '../../shared/contract/codec-rules';
import { codecSettingsProblems, compileCodecRules } from '../../main/core/codecs/compile-rules';
import { createLiveDecoder } from '../../main/core/codecs/live-decoder';
import { loadQuickJs } from '../../main/core/scripts/quickjs-loader';
import type { EventPayload, MqttMessage } from '../../shared/contract';

/** Script rules (issue 17): a javascript schema as a codec rule's format, through the real sandbox. */
beforeAll(async () => {
  await loadQuickJs();
});

const DECODER = [
  '// A packed sensor frame: i16 temperature (tenths), u8 humidity, u16le battery (mV).',
  'function decode(payload, message) {',
  '  if (payload.length < 5) throw new RangeError("short frame: " + payload.length + " bytes");',
  '  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);',
  '  return { device: message.topic.split("/")[1], temperature: view.getInt16(0) / 10, humidity: view.getUint8(2), battery: view.getUint16(3, true) };',
  '}',
  'function encode(value, message) {',
  '  const out = new Uint8Array(5);',
  '  const view = new DataView(out.buffer);',
  '  view.setInt16(0, Math.round(value.temperature * 10));',
  '  view.setUint8(2, value.humidity);',
  '  view.setUint16(3, value.battery, true);',
  '  return out;',
  '}',
].join('\n');

const frame = (temperature: number, humidity: number, battery: number) => {
  const bytes = Buffer.alloc(5);
  bytes.writeInt16BE(Math.round(temperature * 10), 0);
  bytes.writeUInt8(humidity, 2);
  bytes.writeUInt16LE(battery, 3);
  return new Uint8Array(bytes);
};

const rule = (input: Partial<CodecRule> & { id: string; filter: string }): CodecRule => codecRule.parse({ format: { kind: 'script', schemaId: 'sensor' }, ...input });
const settings = (rules: CodecRule[], schemas: { id: string; text: string }[] = [{ id: 'sensor', text: DECODER }]): CodecSettings =>
  codecSettings.parse({ rules, schemas: schemas.map(({ id, text }) => ({ id, kind: 'javascript', name: `${id} script`, files: [{ name: `${id}.js`, text }] })) });

describe('codec rules: scripts', () => {
  it('decodes a packed payload into JSON with the topic the script is told', () => {
    const engine = compileCodecRules({ global: settings([rule({ id: 'raw', name: 'Sensor frames', filter: 'devices/+/raw' })]) });
    const decoded = engine.decode(engine.match('devices/7/raw')!, frame(21.5, 40, 3300), { message: { topic: 'devices/7/raw', qos: 1, retain: false } });
    expect(decoded).toEqual({ ruleId: 'raw', ruleName: 'Sensor frames', format: 'script', text: '{"device":"7","temperature":21.5,"humidity":40,"battery":3300}', json: true });
  });

  it('tells the script the QoS, retain flag and MQTT 5 properties as JSON (bytes in the byte envelope)', () => {
    const engine = compileCodecRules({ global: settings([rule({ id: 'echo', filter: 'echo/#' })], [{ id: 'sensor', text: 'function decode(payload, message) { return message; }' }]) });
    const properties = { contentType: 'application/octet-stream', correlationData: Uint8Array.of(1, 2, 3), userProperties: { site: 'berlin' } };
    const decoded = engine.decode(engine.match('echo/1')!, Uint8Array.of(), { message: { topic: 'echo/1', qos: 2, retain: true, properties } });
    expect(JSON.parse(decoded.text)).toEqual({ topic: 'echo/1', qos: 2, retain: true, properties: { contentType: 'application/octet-stream', correlationData: { $bytes: 'AQID' }, userProperties: { site: 'berlin' } } });
  });

  it('undoes the content encoding first, and returns text as text', () => {
    const engine = compileCodecRules({
      global: settings([rule({ id: 'zipped', filter: 'zipped/#', encoding: 'gzip' }), rule({ id: 'words', filter: 'words/#', format: { kind: 'script', schemaId: 'upper' } })], [
        { id: 'sensor', text: DECODER },
        { id: 'upper', text: 'const decode = (p) => utf8Decode(p).toUpperCase();' },
      ]),
    });
    expect(engine.decode(engine.match('zipped/a')!, gzipSync(frame(-3.5, 99, 1)), { message: { topic: 'devices/x/raw' } })).toMatchObject({ format: 'gzip+script', json: true, text: '{"device":"x","temperature":-3.5,"humidity":99,"battery":1}' });
    expect(engine.decode(engine.match('words/a')!, new TextEncoder().encode('héllo'), {})).toMatchObject({ format: 'script', json: false, text: 'HÉLLO' });
  });

  it('reports a throw with the script file, line and column, and the raw bytes as hex', () => {
    const engine = compileCodecRules({ global: settings([rule({ id: 'raw', filter: 'devices/+/raw' })]) });
    const decoded = engine.decode(engine.match('devices/7/raw')!, Uint8Array.of(1, 2), { message: { topic: 'devices/7/raw' } });
    expect(decoded).toMatchObject({ json: false, text: '01 02', problem: { message: 'RangeError: short frame: 2 bytes', file: 'sensor.js', line: 3 } });
    expect(decoded.problem!.column).toBeGreaterThan(0);
  });

  it('encodes the typed JSON into the bytes the script returns; strings go out as UTF-8, number arrays as bytes', () => {
    const engine = compileCodecRules({
      global: settings([rule({ id: 'raw', filter: 'devices/+/raw' }), rule({ id: 'text', filter: 'text/#', format: { kind: 'script', schemaId: 'texts' } })], [
        { id: 'sensor', text: DECODER },
        { id: 'texts', text: 'function encode(value, message) { return value.bytes ? value.bytes : value.greeting + " from " + message.topic; }' },
      ]),
    });
    const encoded = engine.encode(engine.rule('raw')!, '{"temperature": 21.5, "humidity": 40, "battery": 3300}');
    expect(encoded).toEqual({ ok: true, payload: frame(21.5, 40, 3300) });
    expect(engine.encode(engine.rule('text')!, '{"greeting": "grüß"}', { topic: 'text/1' })).toEqual({ ok: true, payload: new TextEncoder().encode('grüß from text/1') });
    expect(engine.encode(engine.rule('text')!, '{"bytes": [1, 2, 255]}')).toEqual({ ok: true, payload: Uint8Array.of(1, 2, 255) });
    expect(engine.encode(engine.rule('text')!, '{"bytes": [1, 256]}')).toMatchObject({ ok: false, problem: { message: expect.stringMatching(/^encode\(\) must return bytes/) as string } });
    expect(engine.encode(engine.rule('text')!, '{"greeting": ')).toMatchObject({ ok: false, problem: { message: expect.stringMatching(/^Not JSON/) as string } });
  });

  it('refuses settings whose script does not compile, naming the file, line and column', () => {
    const broken = settings([rule({ id: 'raw', filter: 'devices/+/raw' })], [{ id: 'sensor', text: 'function decode(p) {\n  return p +* 1;\n}' }]);
    expect(codecSettingsProblems(broken)).toEqual([expect.stringMatching(/^Schema "sensor script" does not compile: sensor\.js:2:13: SyntaxError: /) as string]);
    const empty = settings([], [{ id: 'sensor', text: 'const x = 1;' }]);
    expect(codecSettingsProblems(empty)).toEqual(['Schema "sensor script" does not compile: sensor.js: The script defines neither decode(payload, message) nor encode(value, message)']);
    const wrongKind = codecSettings.parse({ rules: [rule({ id: 'raw', filter: '#' })], schemas: [{ id: 'sensor', kind: 'json-schema', name: 'Not a script', files: [{ name: 's.json', text: '{}' }] }] });
    expect(codecSettingsProblems(wrongKind)).toEqual(['Rule "raw" needs a JavaScript schema; "Not a script" is JSON Schema']);
  });

  it('counts a slow script against its time limit on the live path, reports it once, and stops it after limit breaks in a row', () => {
    const engine = compileCodecRules({ global: settings([rule({ id: 'slow', name: 'Slow', filter: 'slow/#' })], [{ id: 'sensor', text: 'function decode(p) { if (p[0] === 1) return "ok"; for (;;) {} }' }]) });
    const problems: EventPayload<'codecs.ruleProblem'>[] = [];
    const live = createLiveDecoder({ engineFor: () => engine, profileOf: () => undefined, emit: (problem) => problems.push(problem), now: () => 0, elapsed: () => 0 });
    const message = (first: number): MqttMessage => ({ connectionId: 'c1', direction: 'in', topic: 'slow/1', payload: Uint8Array.of(first), qos: 0, retain: false, dup: false, timestamp: 0 });
    const start = performance.now();
    for (let i = 0; i < 10; i++) live.decode(message(0));
    // Three calls ran to the 50 ms limit; the seven after the script was stopped did not run.
    expect(performance.now() - start).toBeLessThan(1000);
    live.report();
    expect(problems).toEqual([
      expect.objectContaining({ ruleId: 'slow', failures: 10, skipped: 0, lastProblem: expect.objectContaining({ message: expect.stringMatching(/^Stopped after 3 failures in a row: The script ran longer than 50 ms/) as string, file: 'sensor.js' }) as object }),
    ]);
    // Stopped stays stopped until the rules are compiled again.
    expect(live.decode(message(1))?.problem?.message).toMatch(/^Stopped after 3 failures/);
  });
});
