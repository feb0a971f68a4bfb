import type { BrokerTimers, LongTimer } from '../../main/core/broker/long-timer';

/**
 * A clock a test moves by hand, for the broker's `options.now` and `options.timers`: a message expiry,
 * a Will Delay or a Session Expiry is passed by advancing it, not by waiting in real seconds. It starts
 * at the real time so stamps stay plausible.
 */
export interface TestClock extends BrokerTimers {
  now: () => number;
  /** Moves the clock by `ms`, firing every timer that falls due on the way, in order of its due time. */
  advance(ms: number): void;
  /** The broker options that put a broker on this clock: `createBroker({ ...clock.options })`. */
  readonly options: { now: () => number; timers: BrokerTimers };
}

interface Scheduled {
  due: number;
  seq: number;
  fn: () => void;
  /** Repeat period of an interval; undefined for a one-shot timeout. */
  every: number | undefined;
}

export function createTestClock(start = Date.now()): TestClock {
  let t = start;
  let seq = 0;
  const scheduled = new Set<Scheduled>();
  const schedule = (fn: () => void, ms: number, every: number | undefined): LongTimer => {
    const entry: Scheduled = { due: t + Math.max(0, ms), seq: seq++, fn, every };
    scheduled.add(entry);
    return { cancel: () => scheduled.delete(entry) };
  };
  const nextDue = (until: number): Scheduled | undefined => {
    let next: Scheduled | undefined;
    for (const entry of scheduled) {
      if (entry.due > until) continue;
      if (!next || entry.due < next.due || (entry.due === next.due && entry.seq < next.seq)) next = entry;
    }
    return next;
  };
  const clock: TestClock = {
    now: () => t,
    setTimeout: (fn, ms) => schedule(fn, ms, undefined),
    // at least 1 ms apart, so advancing always ends
    setInterval: (fn, ms) => schedule(fn, ms, Math.max(1, ms)),
    advance(ms) {
      const until = t + ms;
      // timers armed while firing (a Will Delay re-armed, an interval's next tick) fire too if due by then
      for (let entry = nextDue(until); entry; entry = nextDue(until)) {
        t = entry.due;
        if (entry.every === undefined) scheduled.delete(entry);
        else {
          entry.due += entry.every;
          entry.seq = seq++;
        }
        entry.fn();
      }
      t = until;
    },
    get options() {
      return { now: clock.now, timers: clock };
    },
  };
  return clock;
}
