/**
 * A clock a test moves by hand, for the broker's `options.now`: a message expiry is then passed by
 * advancing it, not by waiting in real seconds. It starts at the real time so stamps stay plausible.
 */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function createTestClock(start = Date.now()): TestClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}
