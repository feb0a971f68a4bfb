/** setTimeout clamps delays above 2^31-1 ms (~24.8 days) to 1 ms; MQTT intervals go to 2^32-1 s. */
const MAX_DELAY = 2_147_483_647;

/** A timer the broker can cancel. */
export interface LongTimer {
  cancel(): void;
}

/**
 * Where every broker timer comes from (options.timers): Will Delay, Session Expiry, the keep alive and
 * connect timeout watchdog, slow consumers. Real timers by default; a test clock's in tests, so an expiry
 * is passed by advancing the clock, not by waiting. Timers never keep the process alive.
 */
export interface BrokerTimers {
  setTimeout(fn: () => void, ms: number): LongTimer;
  setInterval(fn: () => void, ms: number): LongTimer;
}

export const realTimers: BrokerTimers = {
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
  setInterval(fn, ms) {
    const timer = setInterval(fn, ms);
    timer.unref?.();
    return { cancel: () => clearInterval(timer) };
  },
};

/**
 * A timeout of any length, re-armed in steps the runtime accepts. Does not keep the process alive.
 * The deadline is read on `now` (the broker's clock, options.now); the wait is on `timers` (options.timers).
 */
export function longTimeout(fn: () => void, delayMs: number, now: () => number = Date.now, timers: BrokerTimers = realTimers): LongTimer {
  const due = now() + delayMs;
  let timer: LongTimer;
  const arm = () => {
    const left = due - now();
    timer = left > MAX_DELAY ? timers.setTimeout(arm, MAX_DELAY) : timers.setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { cancel: () => timer.cancel() };
}
