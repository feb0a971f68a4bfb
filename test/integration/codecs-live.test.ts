import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { type CodecSettings, type EventPayload, LIVE_DECODED_MAX_CHARS, type LiveMessage } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';

/**
 * Codec rules on live traffic (issue 16): a real mosquitto, the real core. The clocks of the live
 * decoder are the test's: the budget clock never moves (every message is decoded), and the
 * report clock moves only when the test says, so "at most once a second" is checked without waiting.
 */
let wallClock = 1_000_000;
const broker = useMosquitto();
const harness = useCoreHarness({ codecClock: { now: () => wallClock, elapsed: () => 0 } });

const UNITS = 'syntax = "proto3";\npackage common;\nmessage Quantity { double value = 1; string unit = 2; }\n';
const PLANT = 'syntax = "proto3";\npackage plant;\nimport "common/units.proto";\nmessage Reading { string machine = 1; common.Quantity temperature = 2; int64 cycles = 3; }\n';
// The device's encoder: protobufjs on its own, from the same files.
const reference = new protobuf.Root();
protobuf.parse(UNITS, reference, { keepCase: true });
protobuf.parse(PLANT, reference, { keepCase: true });
const Reading = reference.resolveAll().lookupType('plant.Reading');

const PROFILE_CODECS: CodecSettings = {
  rules: [
    { id: 'telemetry', name: 'Factory telemetry', enabled: true, filter: 'factory/+/telemetry', encoding: 'gzip', format: { kind: 'json' } },
    { id: 'readings', name: 'Plant readings', enabled: true, filter: 'plant/+/reading', encoding: 'none', format: { kind: 'protobuf', schemaId: 'plant', messageType: 'plant.Reading' } },
  ],
  schemas: [
    {
      id: 'plant',
      kind: 'protobuf',
      name: 'Plant',
      files: [
        { name: 'common/units.proto', text: UNITS },
        { name: 'plant/reading.proto', text: PLANT },
      ],
    },
  ],
};
const GLOBAL_CODECS: CodecSettings = {
  rules: [
    { id: 'broken', name: 'Said to be gzip', enabled: true, filter: 'broken/#', encoding: 'gzip', format: { kind: 'json' } },
    { id: 'cbor-typed', name: 'CBOR by content type', enabled: true, filter: 'typed/#', contentType: 'application/cbor', encoding: 'none', format: { kind: 'cbor' } },
  ],
  schemas: [],
};

const inbound = (topic: string) => harness.received().filter((m) => m.topic === topic);
const pub = (args: string[], input?: Buffer) => runMosquittoPub(['-h', broker.host, '-p', String(broker.port), ...args], input);

describe('codec rules on live messages', () => {
  let profileId: string;
  let connectionId: string;

  it('decodes the messages of a profile rule in messages.batch (gzip then JSON)', async () => {
    await harness.call('codecs.setGlobal', GLOBAL_CODECS);
    const profile = await harness.call('profiles.save', {
      name: 'Factory',
      options: { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 },
      subscriptions: [{ filter: 'factory/#' }, { filter: 'broken/#' }, { filter: 'typed/#' }, { filter: 'plant/#' }],
      codecs: PROFILE_CODECS,
    });
    profileId = profile.id;
    ({ connectionId } = await harness.call('profiles.connect', { id: profileId }));
    await pub(['-t', 'factory/7/telemetry', '-s'], gzipSync('{"temperature": 21.5, "line": "A"}'));
    const [message] = await waitFor(() => inbound('factory/7/telemetry').length === 1 && inbound('factory/7/telemetry'), 'the telemetry message');
    expect(message!.decoded).toEqual({ ruleId: 'telemetry', ruleName: 'Factory telemetry', format: 'gzip+json', text: '{"temperature":21.5,"line":"A"}', json: true });
    // Topics no rule covers are left to the views' own guess.
    await pub(['-t', 'factory/7/status', '-m', 'online']);
    const [status] = await waitFor(() => inbound('factory/7/status').length === 1 && inbound('factory/7/status'), 'the status message');
    expect(status!.decoded).toBeUndefined();
  });

  it('decodes Protobuf with the profile .proto files (an import between them, 64-bit exact)', async () => {
    const bytes = Reading.encode(Reading.fromObject({ machine: 'press-4', temperature: { value: 81.25, unit: 'C' }, cycles: '9007199254740993' })).finish();
    await pub(['-t', 'plant/4/reading', '-s'], Buffer.from(bytes));
    const [message] = await waitFor(() => inbound('plant/4/reading').length === 1 && inbound('plant/4/reading'), 'the reading');
    expect(message!.decoded).toMatchObject({ ruleId: 'readings', format: 'protobuf', json: true });
    expect(JSON.parse(message!.decoded!.text)).toEqual({ machine: 'press-4', temperature: { value: 81.25, unit: 'C' }, cycles: '9007199254740993' });
    // The detail's request: the same rule, indented.
    const { decoded } = await harness.call('codecs.decode', { connectionId, messageId: message!.id, topic: message!.topic, payload: message!.payload });
    expect(decoded!.text).toContain('\n  "machine": "press-4"');
  });

  it('selects a rule by the MQTT 5 Content Type', async () => {
    // CBOR {"a": 1}
    const cbor = Buffer.from([0xa1, 0x61, 0x61, 0x01]);
    await pub(['-V', '5', '-t', 'typed/1', '-D', 'publish', 'content-type', 'application/cbor', '-s'], cbor);
    await pub(['-V', '5', '-t', 'typed/1', '-s'], cbor);
    const [typed, untyped] = await waitFor(() => inbound('typed/1').length === 2 && inbound('typed/1'), 'both typed messages');
    expect(typed!.decoded).toMatchObject({ ruleId: 'cbor-typed', format: 'cbor', text: '{"a":1}' });
    expect(untyped!.decoded).toBeUndefined();
  });

  it('carries a large payload decoded (cut for the live views) and decodes it whole on demand', async () => {
    const big = JSON.stringify({ samples: randomBytes(12_000).toString('base64') });
    const payload = gzipSync(big);
    expect(payload.byteLength).toBeGreaterThan(4096);
    await pub(['-t', 'factory/big/telemetry', '-s'], payload);
    const [message] = await waitFor(() => inbound('factory/big/telemetry').length === 1 && inbound('factory/big/telemetry'), 'the big message');
    expect(message!.payloadSize).toBe(payload.byteLength);
    expect(message!.decoded).toMatchObject({ truncated: true, json: true });
    expect(message!.decoded!.text).toHaveLength(LIVE_DECODED_MAX_CHARS);
    const { decoded } = await harness.call('codecs.decode', { connectionId, messageId: message!.id, topic: message!.topic });
    expect(decoded).toMatchObject({ ruleId: 'telemetry', format: 'gzip+json' });
    expect(decoded!.truncated).toBeUndefined();
    expect(JSON.parse(decoded!.text)).toEqual(JSON.parse(big));
    // The list's text filter finds what is past the live text in the decoded whole, not in the gzip bytes.
    const tail = big.slice(-24, -2);
    expect(message!.decoded!.text).not.toContain(tail);
    expect(await harness.call('messages.searchPayloads', { connectionId, ids: [message!.id], text: tail.toUpperCase() })).toEqual({ matched: [message!.id], unknown: [] });
  });

  it('reports a rule that fails for every message once with its count, then at most once a second', async () => {
    const lines = Array.from({ length: 25 }, (_, i) => `{"n": ${i}}`).join('\n');
    await pub(['-t', 'broken/a', '-l'], Buffer.from(`${lines}\n`));
    const failed = await waitFor(() => inbound('broken/a').length === 25 && inbound('broken/a'), 'the 25 broken messages');
    for (const message of failed) expect(message.decoded?.problem?.message).toMatch(/^Not valid gzip data/);
    expect(harness.ruleProblems).toHaveLength(1);
    const [first] = harness.ruleProblems;
    expect(first).toMatchObject({ ruleId: 'broken', ruleName: 'Said to be gzip', skipped: 0, lastProblem: { message: expect.stringMatching(/^Not valid gzip data/) } });
    expect(first!.profileId).toBeUndefined();
    expect(first!.failures).toBeGreaterThanOrEqual(1);
    // Within the second: counted, not reported.
    await pub(['-t', 'broken/a', '-m', 'again']);
    await waitFor(() => inbound('broken/a').length === 26, 'the 26th message');
    expect(harness.ruleProblems).toHaveLength(1);
    wallClock += 1000;
    await pub(['-t', 'broken/a', '-m', 'and again']);
    await waitFor(() => inbound('broken/a').length === 27, 'the 27th message');
    expect(harness.ruleProblems).toHaveLength(2);
    expect(harness.ruleProblems[1]).toMatchObject({ ruleId: 'broken', failures: 27, skipped: 0 });
  });

  it('encodes JSON with the rule, publishes it, and mosquitto_sub receives it byte-exact', async () => {
    const encoded = await harness.call('codecs.encode', { profileId, ruleId: 'telemetry', text: '{"temperature": 23.25}' });
    if (!encoded.ok) throw new Error(encoded.problem.message);
    const sub = runMosquittoSub(['-h', broker.host, '-p', String(broker.port), '-t', 'factory/9/telemetry', '-C', '1', '-N'], { signalSubscribed: true });
    await sub.subscribed;
    await harness.call('messages.publish', { connectionId, topic: 'factory/9/telemetry', payload: encoded.payload, qos: 1 });
    expect([...(await sub.done).stdout]).toEqual([...encoded.payload]);
    // What the workbench itself sent is shown decoded too.
    const sent = await waitFor(() => harness.batches.flat().find((m: LiveMessage) => m.direction === 'out' && m.topic === 'factory/9/telemetry'), 'the sent message');
    expect(sent.decoded).toMatchObject({ ruleId: 'telemetry', text: '{"temperature":23.25}' });
  });

  it('publishes JSON as Protobuf that mosquitto_sub receives byte-exact and the reference decoder reads', async () => {
    const encoded = await harness.call('codecs.encode', { connectionId, ruleId: 'readings', text: '{"machine": "lathe-2", "temperature": {"value": 40.5, "unit": "C"}, "cycles": "-9007199254740993"}' });
    if (!encoded.ok) throw new Error(encoded.problem.message);
    const sub = runMosquittoSub(['-h', broker.host, '-p', String(broker.port), '-t', 'plant/2/reading', '-C', '1', '-N'], { signalSubscribed: true });
    await sub.subscribed;
    await harness.call('messages.publish', { connectionId, topic: 'plant/2/reading', payload: encoded.payload, qos: 1 });
    const received = (await sub.done).stdout;
    expect([...received]).toEqual([...encoded.payload]);
    expect(Reading.toObject(Reading.decode(received), { longs: String })).toEqual({ machine: 'lathe-2', temperature: { value: 40.5, unit: 'C' }, cycles: '-9007199254740993' });
  });

  it('applies changed rules from the next message on', async () => {
    await harness.call('profiles.save', {
      id: profileId,
      name: 'Factory',
      options: { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 },
      codecs: { rules: [{ id: 'as-text', filter: 'factory/+/telemetry', format: { kind: 'text' } }], schemas: [] },
    });
    await pub(['-t', 'factory/8/telemetry', '-m', 'plain now']);
    const [message] = await waitFor(() => inbound('factory/8/telemetry').length === 1 && inbound('factory/8/telemetry'), 'the message after the change');
    expect(message!.decoded).toMatchObject({ ruleId: 'as-text', format: 'text', text: 'plain now' });
  });

  it('reads an ad-hoc connection with the global rules only', async () => {
    const adHoc = await harness.call('connections.connect', { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 4 });
    await harness.call('messages.subscribe', { connectionId: adHoc.connectionId, filter: 'factory/#' });
    await harness.call('messages.subscribe', { connectionId: adHoc.connectionId, filter: 'broken/#' });
    await pub(['-t', 'factory/5/telemetry', '-s'], gzipSync('{"t":1}'));
    await pub(['-t', 'broken/b', '-s'], gzipSync('{"t":2}'));
    const adHocIn = () => harness.received().filter((m) => m.connectionId === adHoc.connectionId);
    const messages = await waitFor(() => adHocIn().length === 2 && adHocIn(), 'both messages on the ad-hoc connection');
    expect(messages.find((m) => m.topic === 'factory/5/telemetry')!.decoded).toBeUndefined();
    expect(messages.find((m) => m.topic === 'broken/b')!.decoded).toMatchObject({ ruleId: 'broken', text: '{"t":2}' });
  });
});

describe('codec rules in History (through the core, with a data folder)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-codecs-history-'));
  // A second core for this file, with a data folder (History needs one).
  const stored = useCoreHarness({ dataDir: dir });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('searches a profile rule topics by their decoded text and exports the decoded column', async () => {
    const profile = await stored.call('profiles.save', {
      name: 'Stored factory',
      options: { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 },
      subscriptions: [{ filter: 'stored/#' }],
      codecs: { rules: [{ id: 'gz', name: 'Stored telemetry', filter: 'stored/+/telemetry', encoding: 'gzip', format: { kind: 'json' } }], schemas: [] },
    });
    await stored.call('profiles.connect', { id: profile.id });
    await pub(['-t', 'stored/1/telemetry', '-s'], gzipSync('{"alarm": "Overheat"}'));
    await pub(['-t', 'stored/1/status', '-m', 'quiet']);
    const found = await waitFor(async () => {
      const { messages } = await stored.call('history.query', { query: { text: 'overheat' } });
      return messages.length === 1 && messages;
      // The first query starts History's reader worker, which loads the codec modules: seconds on a
      // loaded CI machine (5 s was too short there once), about one second alone.
    }, 'the decoded match in History', 30_000);
    expect(found[0]!.topic).toBe('stored/1/telemetry');
    await waitFor(async () => (await stored.call('history.count', { query: { topicFilter: 'stored/#' } })).count === 2, 'both messages stored');

    const progress: EventPayload<'history.exportProgress'>[] = [];
    stored.core.events.subscribe((channel, payload) => {
      if (channel === 'history.exportProgress') progress.push(payload as EventPayload<'history.exportProgress'>);
    });
    const { exportId, path } = await stored.call('history.export', { format: 'ndjson', query: { topicFilter: 'stored/#' }, decodedColumn: true });
    await waitFor(() => progress.some((p) => p.exportId === exportId && p.state === 'done'), 'the export');
    const records = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.topic, r.decodedRule, r.decoded])).toEqual([
      ['stored/1/telemetry', 'Stored telemetry', '{"alarm":"Overheat"}'],
      ['stored/1/status', null, null],
    ]);
  });

  it('gives History\'s rows (a page, a topic\'s last values, the tree\'s summaries) decoded by the rules as they are now, a rule added after the capture included', async () => {
    const profile = await stored.call('profiles.save', {
      name: 'Later rule',
      options: { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 },
      subscriptions: [{ filter: 'later/#' }],
    });
    const { connectionId } = await stored.call('profiles.connect', { id: profile.id });
    await pub(['-t', 'later/1/packed', '-s'], gzipSync('{"t": 19.5}'));
    const query = { query: { topicFilter: 'later/#' } };
    const captured = await waitFor(async () => {
      const { messages } = await stored.call('history.query', query);
      return messages.length === 1 && messages[0]!;
    }, 'the message in History');
    expect(captured.decoded).toBeUndefined();

    // The user adds the rule today: last week's capture reads decoded, in History and in the list refilled from it.
    await stored.call('profiles.save', {
      id: profile.id,
      name: 'Later rule',
      options: { protocol: 'mqtt', host: broker.host, port: broker.port, protocolVersion: 5 },
      codecs: { rules: [{ id: 'packed', name: 'Packed', filter: 'later/+/packed', encoding: 'gzip', format: { kind: 'json' } }], schemas: [] },
    });
    const [row] = (await stored.call('history.query', query)).messages;
    expect(row!.decoded).toMatchObject({ ruleId: 'packed', ruleName: 'Packed', format: 'gzip+json', text: '{"t":19.5}', json: true });
    const [last] = await stored.call('history.lastValues', { connectionId, topic: 'later/1/packed', count: 1 });
    expect(last!.decoded).toMatchObject({ ruleId: 'packed', text: '{"t":19.5}' });
    // The topic tree's summary from History: its head is the whole payload, so it reads decoded too.
    const { topics } = await stored.call('history.topics', { connectionId });
    expect(topics.find((t) => t.topic === 'later/1/packed')!.decoded).toMatchObject({ ruleId: 'packed', text: '{"t":19.5}' });
  });
});

