import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveMessage, SequenceStatus } from '../../shared/contract';
import { COLLECTION_FILE_KIND } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';
import { createTestClock } from '../support/test-clock';

/**
 * Saved messages through the core's rpc handlers against a real mosquitto: a profile's environment
 * and the user's variables expand in the topic, payload and MQTT 5 properties; a sequence arrives
 * in order, each step after its delay on the injected clock; export and import through the contract.
 */
const START = Date.UTC(2026, 11, 7, 12, 0, 0, 0);
const clock = createTestClock(START);
const dataDir = mkdtempSync(join(tmpdir(), 'wb-collections-int-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const broker = useMosquitto();
const harness = useCoreHarness({ collectionsTimer: clock, dataDir });
const statuses: SequenceStatus[] = [];
let publisher: string;
let collectionId: string;
let profileId: string;
const ids: Record<string, string> = {};

const inbound = (prefix: string): LiveMessage[] => harness.received().filter((m) => m.topic.startsWith(prefix));
const text = (m: LiveMessage | undefined) => new TextDecoder().decode(m?.payload);

beforeAll(async () => {
  harness.core.events.subscribe((channel, payload) => {
    if (channel === 'collections.sequenceStatus') statuses.push(payload as SequenceStatus);
  });
  const { connectionId: subscriber } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5 });
  await harness.call('messages.subscribe', { connectionId: subscriber, filter: 'plant/#', qos: 2 });
  const profile = await harness.call('profiles.save', { name: 'Berlin line', options: { protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5 }, subscriptions: [] });
  profileId = profile.id;
  const { state, environmentId } = await harness.call('collections.saveEnvironment', { name: 'Berlin', variables: { site: 'berlin' } });
  expect(state.environments).toHaveLength(1);
  await harness.call('collections.chooseEnvironment', { profileId: profile.id, environmentId });
  await harness.call('collections.setVariables', { variables: { site: 'nowhere', line: '3' } });
  ({ connectionId: publisher } = await harness.call('profiles.connect', { id: profile.id }));
  ({ collectionId } = await harness.call('collections.saveCollection', { name: 'Daily', profileId: profile.id }));
  const save = async (name: string, fields: Record<string, unknown>) => {
    const { messageId } = await harness.call('collections.saveMessage', { collectionId, message: { name, topic: 'plant/{{site}}/{{line}}', payload: '', ...fields } });
    ids[name] = messageId;
  };
  await save('status', {
    payload: '{"n": {{seq}}, "at": {{now}}}',
    format: 'json',
    qos: 1,
    properties: {
      contentType: 'application/vnd.{{site}}+json',
      responseTopic: 'plant/{{site}}/replies',
      correlationData: 'corr-{{seq}}',
      correlationDataFormat: 'text',
      userProperties: [{ key: 'site', value: '{{site}}' }],
    },
  });
  // One QoS for these: MQTT orders the messages of one topic tree per QoS [MQTT-4.6.0-6], not across QoS levels.
  await save('one', { topic: 'plant/seq/1', payload: 'first', qos: 2 });
  await save('two', { topic: 'plant/seq/2', payload: '0203', format: 'hex', qos: 2 });
  await save('three', { topic: 'plant/seq/3', payload: 'third {{seq}}', qos: 2 });
});

describe('collections: sending saved messages', () => {
  it('expands the environment and user variables in the topic, payload and MQTT 5 properties', async () => {
    const preview = await harness.call('collections.preview', { collectionId, messageId: ids.status!, connectionId: publisher });
    expect(preview.topic).toBe('plant/berlin/3');
    const result = await harness.call('collections.send', { connectionId: publisher, collectionId, messageIds: [ids.status!] });
    expect(result).toEqual({ sent: 1, failed: [] });
    const [message] = await waitFor(() => inbound('plant/berlin/3').length === 1 && inbound('plant/berlin/3'), 'the expanded message');
    // The environment's site wins over the user's own; the user's line fills what the environment leaves.
    expect(JSON.parse(text(message))).toEqual({ n: 1, at: START });
    expect(message?.qos).toBe(1);
    expect(message?.properties).toMatchObject({
      contentType: 'application/vnd.berlin+json',
      responseTopic: 'plant/berlin/replies',
      correlationData: new TextEncoder().encode('corr-1'),
      userProperties: [{ key: 'site', value: 'berlin' }],
    });
    // Extra variables (the publish panel's) win over both.
    await harness.call('collections.send', { connectionId: publisher, collectionId, messageIds: [ids.status!], variables: { line: '9' } });
    const [nine] = await waitFor(() => inbound('plant/berlin/9').length === 1 && inbound('plant/berlin/9'), 'the message on line 9');
    expect(JSON.parse(text(nine))).toMatchObject({ n: 2 });
  });

  it('sends a selection in the order given, and reports a message that cannot be sent', async () => {
    const { messageId: broken } = await harness.call('collections.saveMessage', { collectionId, message: { name: 'broken', topic: 'plant/{{nope}}', payload: '' } });
    const result = await harness.call('collections.send', { connectionId: publisher, collectionId, messageIds: [ids.three!, broken, ids.one!] });
    expect(result.sent).toBe(2);
    expect(result.failed).toEqual([{ messageId: broken, error: '"broken": Variables in the topic at column 9: Unknown variable: nope' }]);
    const arrived = await waitFor(() => inbound('plant/seq/').length === 2 && inbound('plant/seq/'), 'the selection');
    expect(arrived.map((m) => m.topic)).toEqual(['plant/seq/3', 'plant/seq/1']);
    await harness.call('collections.deleteMessages', { collectionId, messageIds: [broken] });
  });

  it('runs a sequence in order, each step after its delay on the injected clock, and stops on request', async () => {
    const before = inbound('plant/seq/').length;
    const t0 = clock.now();
    const { sequenceId } = await harness.call('collections.startSequence', {
      connectionId: publisher,
      collectionId,
      steps: [
        { messageId: ids.one!, delayMs: 0 },
        { messageId: ids.two!, delayMs: 250 },
        { messageId: ids.three!, delayMs: 1000 },
      ],
    });
    const progress = () => statuses.filter((s) => s.sequenceId === sequenceId).at(-1);
    clock.advance(0);
    await waitFor(() => progress()?.sent === 1, 'step 1 sent');
    clock.advance(249);
    // The clock fires its timers inside advance(): step 2 was not started, so nothing more went out.
    expect(progress()?.sent).toBe(1);
    clock.advance(1);
    await waitFor(() => progress()?.sent === 2, 'step 2 sent');
    clock.advance(1000);
    const done = await waitFor(() => progress()?.done && progress(), 'the sequence to end');
    expect(done).toMatchObject({ total: 3, sent: 3, stopped: false });
    expect(done.sentAt.map((at) => at - t0)).toEqual([0, 250, 1250]);
    const arrived = await waitFor(() => inbound('plant/seq/').length === before + 3 && inbound('plant/seq/').slice(before), 'the sequence at the subscriber');
    expect(arrived.map((m) => m.topic)).toEqual(['plant/seq/1', 'plant/seq/2', 'plant/seq/3']);
    expect(Array.from(arrived[1]!.payload)).toEqual([2, 3]);
    expect(arrived.map((m) => m.qos)).toEqual([2, 2, 2]);

    const second = await harness.call('collections.startSequence', { connectionId: publisher, collectionId, steps: [{ messageId: ids.one! }, { messageId: ids.two!, delayMs: 5000 }] });
    clock.advance(0);
    await waitFor(() => statuses.some((s) => s.sequenceId === second.sequenceId && s.sent === 1), 'the first step');
    const stopped = await harness.call('collections.stopSequence', { sequenceId: second.sequenceId });
    expect(stopped).toMatchObject({ sent: 1, done: true, stopped: true });
    clock.advance(10_000);
    // A round trip after the stop: a message published now arrives after anything the sequence could still have sent.
    await harness.call('collections.send', { connectionId: publisher, collectionId, messageIds: [ids.three!] });
    await waitFor(() => inbound('plant/seq/').length === before + 5, 'the marker');
    expect(inbound('plant/seq/').slice(before + 3).map((m) => m.topic)).toEqual(['plant/seq/1', 'plant/seq/3']);
  });

  it('refuses a sequence naming a missing message before anything is sent', async () => {
    const result = await harness.attempt('collections.startSequence', { connectionId: publisher, collectionId, steps: [{ messageId: ids.one! }, { messageId: 'missing' }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('collections: the file and export/import through the contract', () => {
  it('keeps collections.json 0600 in the data folder, and imports an exported collection as a new one', async () => {
    const path = join(dataDir, 'collections.json');
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    const onDisk = JSON.parse(readFileSync(path, 'utf8')) as { collections: { name: string; messages: unknown[] }[] };
    expect(onDisk.collections[0]).toMatchObject({ name: 'Daily' });
    const { json, fileName } = await harness.call('collections.export', { collectionId });
    expect(fileName).toBe('Daily.collection.json');
    expect(JSON.parse(json)).toMatchObject({ kind: COLLECTION_FILE_KIND, collection: { name: 'Daily' } });
    const imported = await harness.call('collections.import', { text: json });
    const copy = imported.state.collections.find((c) => c.id === imported.collectionId);
    expect(copy).toMatchObject({ name: 'Daily' });
    expect(copy?.profileId).toBeUndefined();
    expect(copy?.messages.map((m) => m.name)).toEqual(['status', 'one', 'two', 'three']);
    const file = JSON.parse(json) as { collection: { messages: { qos: number }[] } };
    file.collection.messages[3]!.qos = 7;
    const broken = await harness.attempt('collections.import', { text: JSON.stringify(file) });
    expect(broken).toMatchObject({ ok: false, error: { code: 'IMPORT_INVALID', message: expect.stringContaining('collection.messages.3.qos') } });
    expect((await harness.call('collections.list', {})).collections).toHaveLength(2);
  });

  it('keeps the collections of a deleted profile, as shared ones, and forgets its environment choice', async () => {
    await harness.call('connections.disconnect', { connectionId: publisher });
    await harness.call('profiles.delete', { id: profileId });
    const state = await harness.call('collections.list', {});
    expect(state.collections.filter((c) => c.name === 'Daily').map((c) => c.profileId)).toEqual([undefined, undefined]);
    expect(state.profileEnvironments).toEqual({});
    expect(state.environments.map((e) => e.name)).toEqual(['Berlin']);
  });
});
