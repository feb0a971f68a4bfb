import { describe, expect, it } from 'vitest';
import { createPacer } from '../../main/core/automation/scenarios/pacer';
import { createTestClock } from '../support/test-clock';

/**
 * Scenario pacing (issue 17, "Simulation"): rate and jitter checked on a test clock the test
 * moves, so a minute of simulated time takes no real time.
 */

/** A seeded random in [0, 1) (mulberry32), so jitter is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('scenario pacer', () => {
  it('fires each stream once per interval, without drift, however many streams there are', () => {
    const clock = createTestClock(0);
    const pacer = createPacer({ clock });
    const fired = new Map<number, number[]>();
    for (let i = 0; i < 100; i++) {
      fired.set(i, []);
      pacer.add({ intervalMs: 1000, jitterMs: 0, phaseMs: (i / 100) * 1000, fire: () => fired.get(i)!.push(clock.now()) });
    }
    clock.advance(59_999);
    // Slots at phase, phase + 1000, ... within the first minute: 60 per stream.
    let total = 0;
    for (const [i, times] of fired) {
      expect(times.length).toBe(60);
      expect(times[0]).toBe((i / 100) * 1000);
      expect(times.at(-1)).toBe(59_000 + (i / 100) * 1000);
      total += times.length;
    }
    expect(total / 60).toBe(100); // 100 streams at 1/s: 100 messages per second
    pacer.stop();
  });

  it('keeps every publish within ± jitter of its slot and the rate unchanged over time', () => {
    const clock = createTestClock(0);
    const pacer = createPacer({ clock, random: seeded(7) });
    const times: number[] = [];
    pacer.add({ intervalMs: 100, jitterMs: 30, phaseMs: 0, fire: () => times.push(clock.now()) });
    clock.advance(100_000);
    expect(times.length).toBeGreaterThanOrEqual(999);
    expect(times.length).toBeLessThanOrEqual(1001);
    const offsets = times.slice(1).map((t, k) => t - (k + 1) * 100);
    expect(Math.max(...offsets.map(Math.abs))).toBeLessThanOrEqual(30);
    // Jitter that is really there: spread over most of the ± 30 ms window, centred on the slots.
    expect(Math.max(...offsets)).toBeGreaterThan(25);
    expect(Math.min(...offsets)).toBeLessThan(-25);
    const mean = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    expect(Math.abs(mean)).toBeLessThan(3);
    pacer.stop();
  });

  it('catches up on slots less than a second late, and skips older ones instead of bursting', async () => {
    let now = 0;
    const timers: { due: number; fn: () => void }[] = [];
    const clock = { now: () => now, setTimeout: (fn: () => void, ms: number) => {
      const timer = { due: now + ms, fn };
      timers.push(timer);
      return { cancel: () => timers.splice(timers.indexOf(timer) >>> 0, 1) };
    } };
    let skipped = 0;
    let fired = 0;
    const pacer = createPacer({ clock, onSkipped: (n) => (skipped += n) });
    pacer.add({ intervalMs: 10, jitterMs: 0, phaseMs: 0, fire: () => fired++ });
    // A 500 ms stall (a GC, a burst of writes): the missed slots are published when the loop is back.
    now = 500;
    timers.shift()!.fn();
    expect([fired, skipped]).toEqual([51, 0]); // the slots 0, 10, ... 500
    expect(timers[0]!.due).toBe(510);
    // A 3 s stall: the slot at 510 is published, the 299 after it up to now are skipped.
    now = 3500;
    timers.shift()!.fn();
    expect([fired, skipped]).toEqual([52, 299]);
    expect(timers[0]!.due - now).toBe(10);
    pacer.stop();
  });

  it('stops firing a stream once it is removed, and everything once stopped', () => {
    const clock = createTestClock(0);
    const pacer = createPacer({ clock });
    let a = 0;
    let b = 0;
    const removeA = pacer.add({ intervalMs: 10, jitterMs: 0, phaseMs: 0, fire: () => a++ });
    pacer.add({ intervalMs: 10, jitterMs: 0, phaseMs: 5, fire: () => b++ });
    clock.advance(99);
    expect([a, b]).toEqual([10, 10]);
    removeA();
    clock.advance(100);
    expect([a, b]).toEqual([10, 20]);
    expect(pacer.size).toBe(1);
    pacer.stop();
    clock.advance(100);
    expect(b).toBe(20);
  });
});
