import { describe, expect, it } from 'vitest';
import type { CodecSettings } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';
import { runMosquittoPub } from '../support/mosquitto';

/**
 * Script rules on live traffic (issue 17): a real mosquitto, the real core, the real QuickJS
 * sandbox. The live decoder's budget clock never moves (every message is decoded) and its report
 * clock moves only when the test says.
 */
const wallClock = 1_000_000;
const broker = useMosquitto();
const harness = useCoreHarness({ codecClock: { now: () => wallClock, elapsed: () => 0 } });

const DECODER = [
  'function decode(payload, message) {',
  '  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);',
  '  log("frame of", payload.length, "bytes");',
  '  return { device: message.topic.split("/")[1], temperature: view.getInt16(0) / 10, humidity: view.getUint8(2), battery: view.getUint16(3, true) };',
  '}',
  'function encode(value, message) {',
  '  if (!message.topic.startsWith("devices/")) throw new Error("not a device topic: " + message.topic);',
  '  const view = new DataView(new ArrayBuffer(5));',
  '  view.setInt16(0, Math.round(value.temperature * 10));',
  '  view.setUint8(2, value.humidity);',
  '  view.setUint16(3, value.battery, true);',
  '  return view.buffer;',
  '}',
].join('\n');
const FAILING = 'function decode(payload) {\n  return JSON.parse(utf8Decode(payload)).reading.value;\n}';

const GLOBAL: CodecSettings = {
  rules: [
    { id: 'raw', name: 'Sensor frames', enabled: true, filter: 'devices/+/raw', encoding: 'none', format: { kind: 'script', schemaId: 'sensor' } },
    { id: 'strict', name: 'Readings', enabled: true, filter: 'readings/#', encoding: 'none', format: { kind: 'script', schemaId: 'reading' } },
  ],
  schemas: [
    { id: 'sensor', kind: 'javascript', name: 'Sensor frame', files: [{ name: 'sensor.js', text: DECODER }] },
    { id: 'reading', kind: 'javascript', name: 'Reading', files: [{ name: 'reading.js', text: FAILING }] },
  ],
};

const frame = (temperature: number, humidity: number, battery: number) => {
  const bytes = Buffer.alloc(5);
  bytes.writeInt16BE(Math.round(temperature * 10), 0);
  bytes.writeUInt8(humidity, 2);
  bytes.writeUInt16LE(battery, 3);
  return bytes;
};
const inbound = (topic: string) => harness.received().filter((m) => m.topic === topic);
const pub = (args: string[], input?: Buffer) => runMosquittoPub(['-h', broker.host, '-p', String(broker.port), ...args], input);

describe('script rules on live messages', () => {
  it('checks a script schema: a syntax error with its line and column', async () => {
    const checked = await harness.call('codecs.checkSchema', { schema: { id: 'bad', kind: 'javascript', name: 'Bad', files: [{ name: 'bad.js', text: 'function decode(p) {\n  return p +* 1;\n}' }] } });
    expect(checked.problems).toEqual([expect.objectContaining({ file: 'bad.js', line: 2, column: 13, message: expect.stringMatching(/^SyntaxError: /) as string })]);
    expect(await harness.call('codecs.checkSchema', { schema: GLOBAL.schemas[0] })).toEqual({ messageTypes: [], problems: [] });
  });

  it('decodes a packed payload into JSON in messages.batch with a global decode script', async () => {
    await harness.call('codecs.setGlobal', GLOBAL);
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 });
    await harness.call('messages.subscribe', { connectionId, filter: 'devices/#' });
    await harness.call('messages.subscribe', { connectionId, filter: 'readings/#' });
    await pub(['-t', 'devices/7/raw', '-s'], frame(21.5, 40, 3300));
    const [message] = await waitFor(() => inbound('devices/7/raw').length === 1 && inbound('devices/7/raw'), 'the packed frame');
    expect(message!.decoded).toEqual({ ruleId: 'raw', ruleName: 'Sensor frames', format: 'script', text: '{"device":"7","temperature":21.5,"humidity":40,"battery":3300}', json: true });
    // The detail view's decode runs the same script.
    const { decoded } = await harness.call('codecs.decode', { connectionId, messageId: message!.id, topic: message!.topic, payload: message!.payload });
    expect(JSON.parse(decoded!.text)).toEqual({ device: '7', temperature: 21.5, humidity: 40, battery: 3300 });
  });

  it('encodes typed JSON with the script for the topic published to, and the frame arrives byte-exact', async () => {
    const encoded = await harness.call('codecs.encode', { ruleId: 'raw', text: '{"temperature": -4.5, "humidity": 88, "battery": 2950}', topic: 'devices/9/raw' });
    expect(encoded).toEqual({ ok: true, payload: new Uint8Array(frame(-4.5, 88, 2950)) });
    const refused = await harness.call('codecs.encode', { ruleId: 'raw', text: '{"temperature": 1}', topic: 'elsewhere' });
    expect(refused).toMatchObject({ ok: false, problem: { message: 'Error: not a device topic: elsewhere', file: 'sensor.js', line: 7 } });
    if (!encoded.ok) return;
    const connectionId = harness.received()[0]!.connectionId;
    await harness.call('messages.publish', { connectionId, topic: 'devices/9/raw', payload: encoded.payload, qos: 1 });
    const [message] = await waitFor(() => inbound('devices/9/raw').length === 1 && inbound('devices/9/raw'), 'the published frame');
    expect([...message!.payload]).toEqual([...frame(-4.5, 88, 2950)]);
    expect(JSON.parse(message!.decoded!.text)).toEqual({ device: '9', temperature: -4.5, humidity: 88, battery: 2950 });
  });

  it('reports a script that fails for every message once, with its count and where it failed', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `{"n": ${i}}`).join('\n');
    await pub(['-t', 'readings/a', '-l'], Buffer.from(`${lines}\n`));
    const failed = await waitFor(() => inbound('readings/a').length === 20 && inbound('readings/a'), 'the 20 readings');
    for (const message of failed) expect(message.decoded?.problem).toMatchObject({ file: 'reading.js', line: 2, message: expect.stringMatching(/^TypeError: cannot read property 'value' of undefined/) as string });
    // Within the second: one report, however many failed since.
    expect(harness.ruleProblems).toHaveLength(1);
    const [report] = harness.ruleProblems;
    expect(report).toMatchObject({ ruleId: 'strict', ruleName: 'Readings', skipped: 0, lastProblem: { file: 'reading.js', line: 2 } });
    expect(report!.failures).toBeGreaterThanOrEqual(1);
    expect(report!.failures).toBeLessThanOrEqual(20);
  });
});
