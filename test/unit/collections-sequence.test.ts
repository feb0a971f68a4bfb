import { describe, expect, it } from 'vitest';
import { createSequenceRunner } from '../../main/core/collections/sequence-runner';
import type { SequenceStatus } from '../../shared/contract';
import { createTestClock } from '../support/test-clock';

/**
 * Sequences of saved messages on a clock the test moves: each step waits its own delay after the
 * step before went out, nothing is sent early, and Stop ends it between steps. No real sleeps.
 */
function setup() {
  const clock = createTestClock(1_000_000);
  const statuses: SequenceStatus[] = [];
  const runner = createSequenceRunner({ timer: clock, onStatus: (status) => statuses.push(status) });
  const sent: { step: number; at: number }[] = [];
  const step = (n: number, delayMs: number, fail = false) => ({
    delayMs,
    send: async () => {
      if (fail) throw new Error('refused');
      sent.push({ step: n, at: clock.now() });
    },
  });
  /** Lets the resolved sends' continuations run (each schedules the next delay). */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { clock, statuses, runner, sent, step, settle };
}

describe('sequence runner', () => {
  it('sends each step after its own delay, in order, counted from the step before', async () => {
    const { clock, statuses, runner, sent, step, settle } = setup();
    const id = runner.start({ connectionId: 'c', collectionId: 'k', steps: [step(1, 0), step(2, 500), step(3, 1500)] });
    expect(sent).toEqual([]);
    clock.advance(0);
    await settle();
    expect(sent.map((s) => s.step)).toEqual([1]);
    clock.advance(499);
    await settle();
    expect(sent).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(sent.map((s) => s.step)).toEqual([1, 2]);
    clock.advance(1499);
    await settle();
    expect(sent).toHaveLength(2);
    clock.advance(1);
    await settle();
    expect(sent.map((s) => s.at - 1_000_000)).toEqual([0, 500, 2000]);
    const last = statuses.at(-1);
    expect(last).toMatchObject({ sequenceId: id, total: 3, sent: 3, done: true, stopped: false });
    expect(last?.sentAt.map((at) => at - 1_000_000)).toEqual([0, 500, 2000]);
    expect(statuses.filter((s) => s.done)).toHaveLength(1);
  });

  it('stops between steps when asked, and sends nothing more', async () => {
    const { clock, runner, sent, step, settle } = setup();
    const id = runner.start({ connectionId: 'c', collectionId: 'k', steps: [step(1, 10), step(2, 10), step(3, 10)] });
    clock.advance(10);
    await settle();
    const status = runner.stop(id);
    expect(status).toMatchObject({ sent: 1, done: true, stopped: true });
    clock.advance(1000);
    await settle();
    expect(sent).toHaveLength(1);
    // Stopping again reports how it ended.
    expect(runner.stop(id)).toMatchObject({ sent: 1, stopped: true });
  });

  it('ends at the first step that fails, saying which', async () => {
    const { clock, statuses, runner, sent, step, settle } = setup();
    runner.start({ connectionId: 'c', collectionId: 'k', steps: [step(1, 0), step(2, 5, true), step(3, 5)] });
    clock.advance(0);
    await settle();
    clock.advance(5);
    await settle();
    clock.advance(100);
    await settle();
    expect(sent.map((s) => s.step)).toEqual([1]);
    expect(statuses.at(-1)).toMatchObject({ sent: 1, done: true, stopped: false, error: 'Step 2: refused' });
  });

  it('stops the sequences of a connection that went away', async () => {
    const { clock, statuses, runner, step, settle } = setup();
    runner.start({ connectionId: 'gone', collectionId: 'k', steps: [step(1, 10)] });
    runner.start({ connectionId: 'stays', collectionId: 'k', steps: [step(1, 10)] });
    runner.stopForConnection('gone');
    clock.advance(10);
    await settle();
    expect(statuses.map((s) => [s.connectionId, s.sent, s.error])).toEqual([
      ['gone', 0, 'The connection was closed'],
      ['stays', 1, undefined],
    ]);
  });
  it('counts a step that was in flight when stopped, and sends nothing after it', async () => {
    const { clock, statuses, runner, settle } = setup();
    let release: () => void = () => {};
    const inFlight = { delayMs: 0, send: () => new Promise<void>((resolve) => (release = resolve)) };
    let later = 0;
    const id = runner.start({ connectionId: 'c', collectionId: 'k', steps: [inFlight, { delayMs: 0, send: async () => void later++ }] });
    clock.advance(0);
    expect(runner.stop(id)).toMatchObject({ sent: 0, done: true, stopped: true });
    release();
    await settle();
    clock.advance(100);
    await settle();
    expect(later).toBe(0);
    expect(statuses.map((s) => [s.sent, s.done, s.stopped])).toEqual([
      [0, true, true],
      [1, true, true],
    ]);
  });
});
