import { beforeAll, describe, expect, it } from 'vitest';
import type { RepeatStatus } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { useMosquitto, useCoreHarness } from '../support/fixtures';

const broker = useMosquitto();
const harness = useCoreHarness();

const repeatStatuses: RepeatStatus[] = [];

beforeAll(async () => {
  harness.core.events.subscribe((channel, payload) => {
    if (channel === 'messages.repeatStatus') repeatStatuses.push(payload as RepeatStatus);
  });
});

async function open(): Promise<string> {
  const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port });
  return connectionId;
}

describe('repeated publishing', () => {
  it('publishes every 1 ms exactly `count` times, all delivered, and reports done', async () => {
    const subscriber = await open();
    const publisher = await open();
    await harness.call('messages.subscribe', { connectionId: subscriber, filter: 'rep/fast', qos: 1 });
    const { repeatId } = await harness.call('messages.startRepeat', {
      message: { connectionId: publisher, topic: 'rep/fast', payload: Uint8Array.from([7]), qos: 1 },
      intervalMs: 1,
      count: 300,
    });
    const done = await waitFor(() => repeatStatuses.find((s) => s.repeatId === repeatId && s.done), 'the repeat to finish', 10_000);
    expect(done).toMatchObject({ sent: 300, failed: 0, done: true });
    await waitFor(() => harness.received().filter((m) => m.topic === 'rep/fast').length === 300, '300 deliveries');
    await harness.call('connections.disconnect', { connectionId: subscriber });
    await harness.call('connections.disconnect', { connectionId: publisher });
  });

  it('runs until stopped, and stops when asked', async () => {
    const publisher = await open();
    const { repeatId } = await harness.call('messages.startRepeat', {
      message: { connectionId: publisher, topic: 'rep/slow', payload: new Uint8Array() },
      intervalMs: 20,
    });
    const sentOut = () => harness.batches.flat().filter((m) => m.topic === 'rep/slow' && m.direction === 'out').length;
    await waitFor(() => sentOut() >= 5, 'five repeated messages');
    const stopped = await harness.call('messages.stopRepeat', { repeatId });
    expect(stopped.done).toBe(true);
    expect(stopped.sent).toBeGreaterThanOrEqual(5);
    const sentAtStop = stopped.sent;
    // a timer that went on would have sent five more by now (its interval is 20 ms)
    await new Promise((r) => setTimeout(r, 100));
    expect(sentOut()).toBeLessThanOrEqual(sentAtStop + 1);
    expect(await harness.attempt('messages.stopRepeat', { repeatId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await harness.call('connections.disconnect', { connectionId: publisher });
  });

  it('stops by itself, saying why, when its connection is closed', async () => {
    const publisher = await open();
    const { repeatId } = await harness.call('messages.startRepeat', {
      message: { connectionId: publisher, topic: 'rep/orphan', payload: new Uint8Array() },
      intervalMs: 10,
    });
    await harness.call('connections.disconnect', { connectionId: publisher });
    const final = await waitFor(() => repeatStatuses.find((s) => s.repeatId === repeatId && s.done), 'the orphaned repeat to stop');
    expect(final.lastError).toContain('closed');
    // The same as an error, for the page to say it in the user's language (issue 20).
    expect(final.lastFailure).toEqual({ code: 'CONNECTION_NOT_FOUND', message: final.lastError, params: {} });
  });

  it('refuses an interval below 1 ms and an unknown connection', async () => {
    expect(
      await harness.attempt('messages.startRepeat', { message: { connectionId: 'c1', topic: 'a', payload: new Uint8Array() }, intervalMs: 0 }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(
      await harness.attempt('messages.startRepeat', { message: { connectionId: 'nope', topic: 'a', payload: new Uint8Array() }, intervalMs: 5 }),
    ).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
  });
});
