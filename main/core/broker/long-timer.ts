/** setTimeout clamps delays above 2^31-1 ms (~24.8 days) to 1 ms; MQTT intervals go to 2^32-1 s. */
const MAX_DELAY = 2_147_483_647;

export interface LongTimer {
  cancel(): void;
}

/**
 * A timeout of any length, re-armed in steps the runtime accepts. Does not keep the process alive.
 * The deadline is read on `now` (the broker's clock, options.now); the wait itself is a real timer.
 */
export function longTimeout(fn: () => void, delayMs: number, now: () => number = Date.now): LongTimer {
  const due = now() + delayMs;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const left = due - now();
    timer = left > MAX_DELAY ? setTimeout(arm, MAX_DELAY) : setTimeout(fn, Math.max(0, left));
    timer.unref?.();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}
