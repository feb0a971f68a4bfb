import { afterEach, describe, expect, it, vi } from 'vitest';
import { longTimeout } from '../../main/core/broker/long-timer';

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
