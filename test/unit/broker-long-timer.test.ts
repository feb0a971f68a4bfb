import { afterEach, describe, expect, it, vi } from 'vitest';
import { longTimeout } from '../../main/core/broker/long-timer';
import { createTestClock } from '../support/test-clock';

describe('broker long timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits the full delay even beyond setTimeout 2^31-1 ms limit, and can be cancelled', () => {
    vi.useFakeTimers();
    const fired: number[] = [];
    const delay = 0xfffffffe * 1000; // the largest Session Expiry Interval below "never", in ms
    longTimeout(() => fired.push(Date.now()), delay);
    const cancelled = longTimeout(() => fired.push(-1), delay);
    cancelled.cancel();
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(delay - 1001);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toHaveLength(1);
  });
});

describe('broker timers on a test clock', () => {
  it('a long timeout waits its full delay on the clock it is given, and fires only when the clock is advanced', () => {
    const clock = createTestClock(0);
    const fired: number[] = [];
    const delay = 0xfffffffe * 1000;
    longTimeout(() => fired.push(clock.now()), delay, clock.now, clock);
    clock.advance(delay - 1);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([delay]);
  });

  it('advance fires due timers in order of due time, intervals repeatedly, timers armed while firing too; cancelled ones never', () => {
    const clock = createTestClock(1000);
    const log: string[] = [];
    clock.setTimeout(() => log.push(`b@${clock.now()}`), 30);
    clock.setTimeout(() => {
      log.push(`a@${clock.now()}`);
      clock.setTimeout(() => log.push(`c@${clock.now()}`), 5);
    }, 10);
    clock.setTimeout(() => log.push('never'), 20).cancel();
    const tick = clock.setInterval(() => log.push(`i@${clock.now()}`), 12);
    clock.advance(30);
    expect(log).toEqual(['a@1010', 'i@1012', 'c@1015', 'i@1024', 'b@1030']);
    expect(clock.now()).toBe(1030);
    tick.cancel();
    clock.advance(100);
    expect(log).toHaveLength(5);
  });
});
