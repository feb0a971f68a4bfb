/**
 * History across runs of the app: the engine names connections c1, c2... afresh at every launch, so
 * history keys them by a stable identity instead (a saved profile, or the endpoint). Real cores on
 * real data folders, restarted between "runs", and two real mosquittos as two different brokers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import type { RequestChannel, RequestOutput } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { type Mosquitto, runMosquittoPub, startMosquitto } from '../support/mosquitto';

let brokerA: Mosquitto;
let brokerB: Mosquitto;
const dataDirs: string[] = [];
let running: WorkbenchCore | null = null;

beforeAll(async () => {
  [brokerA, brokerB] = await Promise.all([startMosquitto(), startMosquitto()]);
});
afterEach(async () => {
  await running?.close();
  running = null;
});
afterAll(async () => {
  await Promise.all([brokerA?.stop(), brokerB?.stop()]);
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-history-identity-'));
  dataDirs.push(dir);
  return dir;
}

/** One run of the app on `dataDir`: a fresh core, so connection ids start at c1 again. */
function launch(dataDir: string) {
  running = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  const core = running;
  const call = async <C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> => {
    const result = await core.dispatcher.handle(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as RequestOutput<C>;
  };
  return {
    call,
    async quit() {
      await core.close();
      running = null;
    },
    /** The topic names history gives the tree of an open connection. */
    async treeTopics(connectionId: string): Promise<string[]> {
      return (await call('history.topics', { connectionId })).topics.map((t) => t.topic).sort();
    },
    /** Publishes from outside and waits until history holds `total` messages. */
    async receive(broker: Mosquitto, topic: string, payload: string, total: number): Promise<void> {
      const pub = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', topic, '-m', payload]);
      expect(pub.code, pub.stderr).toBe(0);
      await waitFor(async () => (await call('history.count', { query: {} })).count >= total, `${total} messages in history`);
    },
  };
}

describe('history keeps which connection a message belongs to, across runs', { timeout: 60_000 }, () => {
  it('two runs of the same profile share its topics, under the profile name, even after a rename', async () => {
    const dataDir = newDataDir();
    let run = launch(dataDir);
    const profile = await run.call('profiles.save', { name: 'Plant A', options: { protocol: 'mqtt', host: '127.0.0.1', port: brokerA.port } });
    const first = await run.call('profiles.connect', { id: profile.id });
    expect(first.connectionId).toBe('c1');
    await run.call('messages.subscribe', { connectionId: 'c1', filter: 'plant/#', qos: 1 });
    await run.receive(brokerA, 'plant/line1/temp', '21.5', 1);
    expect(await run.treeTopics('c1')).toEqual(['plant/line1/temp']);
    await run.quit();

    // The next day: the profile renamed, opened again, c1 again.
    run = launch(dataDir);
    await run.call('profiles.save', { id: profile.id, name: 'Plant A (north)', options: { protocol: 'mqtt', host: '127.0.0.1', port: brokerA.port } });
    const second = await run.call('profiles.connect', { id: profile.id });
    expect(second.connectionId).toBe('c1');
    // Before anything arrives in this run, the tree already has yesterday's topic, with its value.
    const [yesterday] = (await run.call('history.topics', { connectionId: 'c1' })).topics;
    expect(yesterday).toMatchObject({ topic: 'plant/line1/temp', messages: 1 });
    expect(new TextDecoder().decode(yesterday!.preview)).toBe('21.5');
    expect((await run.call('history.lastValues', { connectionId: 'c1', topic: 'plant/line1/temp', count: 5 })).map((m) => new TextDecoder().decode(m.payload))).toEqual(['21.5']);

    await run.call('messages.subscribe', { connectionId: 'c1', filter: 'plant/#', qos: 1 });
    await run.receive(brokerA, 'plant/line2/temp', '19.0', 2);
    expect(await run.treeTopics('c1')).toEqual(['plant/line1/temp', 'plant/line2/temp']);
    // One connection in History, named as the profile is named now, over both runs.
    expect((await run.call('history.connections', {})).connections).toEqual([{ key: `profile:${profile.id}`, label: 'Plant A (north)' }]);
    const rows = (await run.call('history.query', { query: { connectionLabels: ['Plant A (north)'] } })).messages;
    expect(rows.map((m) => [m.topic, m.connectionLabel])).toEqual([
      ['plant/line2/temp', 'Plant A (north)'],
      ['plant/line1/temp', 'Plant A (north)'],
    ]);
    // A duplicate is another connection: it starts with a history of its own.
    const copy = await run.call('profiles.duplicate', { id: profile.id });
    const third = await run.call('profiles.connect', { id: copy.id });
    expect(await run.treeTopics(third.connectionId)).toEqual([]);
  });

  it('two different brokers, each c1 in its own run, never mix; the same broker typed in again finds its topics', async () => {
    const dataDir = newDataDir();
    let run = launch(dataDir);
    expect((await run.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: brokerA.port })).connectionId).toBe('c1');
    await run.call('messages.subscribe', { connectionId: 'c1', filter: 'only/#', qos: 1 });
    await run.receive(brokerA, 'only/on/a', 'from A', 1);
    await run.quit();

    run = launch(dataDir);
    expect((await run.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: brokerB.port })).connectionId).toBe('c1');
    // Yesterday's c1 was broker A: none of its topics in broker B's tree.
    expect(await run.treeTopics('c1')).toEqual([]);
    await run.call('messages.subscribe', { connectionId: 'c1', filter: 'only/#', qos: 1 });
    await run.receive(brokerB, 'only/on/b', 'from B', 2);
    expect(await run.treeTopics('c1')).toEqual(['only/on/b']);
    // An id this run never opened has no history, whatever an earlier run called c2.
    expect(await run.treeTopics('c2')).toEqual([]);

    const labelA = `127.0.0.1:${brokerA.port}`;
    const labelB = `127.0.0.1:${brokerB.port}`;
    expect((await run.call('history.connections', {})).connections.map((c) => c.label).sort()).toEqual([labelA, labelB].sort());
    const fromA = (await run.call('history.query', { query: { connectionLabels: [labelA] } })).messages;
    expect(fromA.map((m) => [m.topic, m.connectionLabel])).toEqual([['only/on/a', labelA]]);
    expect(fromA[0]!.connectionKey).toMatch(/^endpoint:[0-9a-f]{24}$/);
    await run.quit();

    // Broker A typed in again: the same endpoint, so the same connection as two runs ago.
    run = launch(dataDir);
    await run.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: brokerA.port });
    expect(await run.treeTopics('c1')).toEqual(['only/on/a']);
    // Another client id on the same broker is another session, so another connection.
    const other = await run.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: brokerA.port, clientId: 'line-7-monitor' });
    expect(await run.treeTopics(other.connectionId)).toEqual([]);
  });
});
