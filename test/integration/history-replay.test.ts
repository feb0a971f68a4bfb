/**
 * Replaying stored traffic: messages kept in History are published again on an open connection,
 * oldest first, at their original pace (scaled) or as fast as the broker takes them. A real core
 * on a real data folder, a real mosquitto, and mosquitto_sub as the independent receiver.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import type { LiveMessage, ReplayProgressEvent, RequestChannel, RequestOutput, Result } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { useMosquitto } from '../support/fixtures';

const broker = useMosquitto();

let dataDir: string;
let core: WorkbenchCore;
const progress: ReplayProgressEvent[] = [];
const live: LiveMessage[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-history-replay-'));
  core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  core.events.subscribe((channel, payload) => {
    if (channel === 'history.replayProgress') progress.push(payload as ReplayProgressEvent);
    if (channel === 'messages.batch') live.push(...(payload as { messages: LiveMessage[] }).messages);
  });
});
afterAll(async () => {
  await core?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call<C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> {
  const result = await core.dispatcher.handle(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as RequestOutput<C>;
}
const attempt = (channel: RequestChannel, input: unknown): Promise<Result<unknown>> => core.dispatcher.handle(channel, input);

async function open(): Promise<string> {
  return (await call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port })).connectionId;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pub = async (args: string[]) => {
  const result = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-V', '5', ...args]);
  expect(result.code, result.stderr).toBe(0);
};
const stored = async (topicFilter: string) => (await call('history.count', { query: { topicFilter, direction: 'in' } })).count;
/** What a connection published, as the workbench's live feed reported it (batched: waited for). */
const published = (connectionId: string, topic: string) => live.filter((m) => m.connectionId === connectionId && m.direction === 'out' && m.topic === topic);
const finished = (replayId: string) => waitFor(() => progress.find((p) => p.replayId === replayId && p.state !== 'running'), `replay ${replayId} to end`, 10_000);

describe('replaying History to a broker', () => {
  it('publishes the stored messages oldest first at their original pace scaled by speed, under a prefix, with their properties', async () => {
    const recorder = await open();
    await call('messages.subscribe', { connectionId: recorder, filter: 'line/#', qos: 1 });
    await pub(['-q', '1', '-t', 'line/a', '-m', 'first', '-D', 'publish', 'user-property', 'unit', 'bar', '-D', 'publish', 'content-type', 'text/plain']);
    await sleep(400);
    await pub(['-q', '1', '-t', 'line/b', '-m', 'second']);
    await sleep(400);
    await pub(['-q', '0', '-t', 'line/a', '-m', 'third']);
    await waitFor(async () => (await stored('line/#')) === 3, 'three stored messages', 15_000); // a busy machine writes History late

    // mosquitto_sub prints each arrival with its time (%U: seconds.nanoseconds).
    const sub = runMosquittoSub(['-h', broker.host, '-p', String(broker.port), '-V', '5', '-t', 'replayed/#', '-q', '1', '-C', '3', '-F', '%U %t %p'], { signalSubscribed: true });
    await sub.subscribed; // before the replay starts
    const player = await open();
    const { replayId, total } = await call('history.replay', { connectionId: player, query: { topicFilter: 'line/#', direction: 'in' }, speed: 2, topicPrefix: 'replayed/' });
    expect(total).toBe(3);
    expect(await finished(replayId)).toMatchObject({ state: 'done', sent: 3, total: 3 });
    const received = await sub.done;
    expect(received.code, received.stderr).toBe(0);
    const lines = received.stdout.toString().trim().split('\n').map((line) => line.split(' '));
    expect(lines.map(([, topic, payload]) => `${topic} ${payload}`)).toEqual(['replayed/line/a first', 'replayed/line/b second', 'replayed/line/a third']);
    // About 400 ms apart when stored (more on a busy machine: the stamps say), replayed twice as fast.
    const storedAt = live.filter((m) => m.connectionId === recorder && m.direction === 'in').map((m) => m.timestamp);
    expect(storedAt).toHaveLength(3);
    const times = lines.map(([time]) => Number(time) * 1000);
    for (const i of [1, 2]) {
      const half = (storedAt[i]! - storedAt[i - 1]!) / 2;
      expect(half).toBeGreaterThanOrEqual(195);
      expect(times[i]! - times[i - 1]!).toBeGreaterThan(half - 80);
      expect(times[i]! - times[i - 1]!).toBeLessThan(half + 180);
    }
    // The workbench's own record of what it published: the MQTT 5 properties went with it.
    await waitFor(() => live.filter((m) => m.connectionId === player && m.direction === 'out').length === 3, 'three published messages in the live feed');
    const sent = live.filter((m) => m.connectionId === player && m.direction === 'out');
    expect(sent.map((m) => [m.topic, m.qos, m.retain])).toEqual([['replayed/line/a', 1, false], ['replayed/line/b', 1, false], ['replayed/line/a', 0, false]]);
    expect(sent[0]!.properties).toMatchObject({ contentType: 'text/plain', userProperties: [{ key: 'unit', value: 'bar' }] });
    await call('connections.disconnect', { connectionId: recorder });
    await call('connections.disconnect', { connectionId: player });
  });

  it('goes as fast as the broker takes them when asked, and keeps retained flags only when asked', async () => {
    // Retained before the recorder subscribes: it arrives (and is stored) flagged retained.
    await pub(['-q', '1', '-r', '-t', 'burst/state', '-m', 'on']);
    const recorder = await open();
    await call('messages.subscribe', { connectionId: recorder, filter: 'burst/#', qos: 1 });
    const lines = Array.from({ length: 500 }, (_, i) => `m${i}`).join('\n');
    await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', 'burst/x', '-l'], Buffer.from(`${lines}\n`));
    await waitFor(async () => (await stored('burst/#')) === 501, '501 stored messages');

    const player = await open();
    const started = Date.now();
    const { replayId } = await call('history.replay', { connectionId: player, query: { topicFilter: 'burst/#', direction: 'in' }, asFastAsPossible: true, topicPrefix: 'again/', keepRetain: true });
    expect(await finished(replayId)).toMatchObject({ state: 'done', sent: 501 });
    expect(Date.now() - started).toBeLessThan(5000);
    const [state] = await waitFor(() => published(player, 'again/burst/state').length === 1 && published(player, 'again/burst/state'), 'the retained message replayed');
    expect(state!.retain).toBe(true);
    await waitFor(() => published(player, 'again/burst/x').length === 500, '500 replayed messages in the live feed');
    const payloads = published(player, 'again/burst/x').map((m) => new TextDecoder().decode(m.payload));
    expect(payloads).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    // Without keepRetain (the default) the same message goes out unretained.
    const plain = await call('history.replay', { connectionId: player, query: { topicFilter: 'burst/state', direction: 'in' }, topicPrefix: 'plain/' });
    expect(await finished(plain.replayId)).toMatchObject({ state: 'done', sent: 1 });
    const [unretained] = await waitFor(() => published(player, 'plain/burst/state').length === 1 && published(player, 'plain/burst/state'), 'the plain replay');
    expect(unretained!.retain).toBe(false);
    await pub(['-t', 'again/burst/state', '-r', '-n']);
    await pub(['-t', 'burst/state', '-r', '-n']);
    await call('connections.disconnect', { connectionId: recorder });
    await call('connections.disconnect', { connectionId: player });
  });

  it('stops at once when asked, and fails clearly when its connection closes', async () => {
    const recorder = await open();
    await call('messages.subscribe', { connectionId: recorder, filter: 'slow/#', qos: 1 });
    for (const n of [1, 2, 3]) {
      await pub(['-q', '1', '-t', 'slow/x', '-m', `s${n}`]);
      await sleep(500);
    }
    await waitFor(async () => (await stored('slow/#')) === 3, 'three stored messages', 15_000); // a busy machine writes History late

    const player = await open();
    const first = await call('history.replay', { connectionId: player, query: { topicFilter: 'slow/#', direction: 'in' }, topicPrefix: 'stop/' });
    await waitFor(() => published(player, 'stop/slow/x').length === 1, 'the first message replayed');
    const stopped = await call('history.stopReplay', { replayId: first.replayId });
    expect(stopped).toMatchObject({ state: 'stopped', sent: 1, total: 3 });
    await sleep(700);
    expect(published(player, 'stop/slow/x')).toHaveLength(1);
    expect(await attempt('history.stopReplay', { replayId: first.replayId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const second = await call('history.replay', { connectionId: player, query: { topicFilter: 'slow/#', direction: 'in' }, topicPrefix: 'gone/' });
    await waitFor(() => published(player, 'gone/slow/x').length === 1, 'the first message replayed');
    await call('connections.disconnect', { connectionId: player });
    expect(await finished(second.replayId)).toMatchObject({ state: 'failed', error: 'The connection was closed', sent: 1 });
    await call('connections.disconnect', { connectionId: recorder });
  });

  it('refuses a replay to a connection that is not open, or under a prefix holding wildcards', async () => {
    expect(await attempt('history.replay', { connectionId: 'c999', query: {} })).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
    const player = await open();
    expect(await attempt('history.replay', { connectionId: player, topicPrefix: 'bad/#/' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await attempt('history.replay', { connectionId: player, speed: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    await call('connections.disconnect', { connectionId: player });
  });
});
