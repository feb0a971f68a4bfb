/**
 * When each virtual device publishes: every stream (one device's publish entry) has slots at
 * `start + phase + k * interval`, and each publish lands within ± jitter of its slot. Slots are
 * fixed, so jitter never changes the rate over time and nothing drifts. One timer for the whole
 * run (armed for the earliest due stream, kept in a heap), not one per device: 10,000 devices cost
 * one timer. The clock is injected, so unit tests move time instead of waiting.
 *
 * A run that falls behind (the event loop stalled, the machine is busy) catches up on slots at
 * most `catchUpMs` (a second) late, so a short stall (a GC, a burst of socket writes) costs no
 * message; slots later than that are skipped and reported, so a run never bursts more than a
 * second's worth above its stated rate.
 */

export interface PacerTimer {
  cancel(): void;
}

/** What the pacer reads time from and waits on (the real one below; a test clock in unit tests). */
export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): PacerTimer;
}

export const realPacerClock: PacerClock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface PacedStream {
  intervalMs: number;
  jitterMs: number;
  /** Offset of the first slot from the start, in [0, interval): spreads devices over the interval. */
  phaseMs: number;
  fire(): void;
}

interface Entry {
  stream: PacedStream;
  /** The current slot (without jitter). */
  slot: number;
  due: number;
  order: number;
  removed: boolean;
}

export interface Pacer {
  /** Schedules a stream from now; returns its remover. */
  add(stream: PacedStream): () => void;
  /** Streams scheduled. */
  readonly size: number;
  stop(): void;
}

export interface PacerOptions {
  clock?: PacerClock;
  /** A number in [0, 1) for jitter; Math.random by default. */
  random?: () => number;
  /** Slots skipped because the run was more than one interval late. */
  onSkipped?: (count: number) => void;
  /** Most publishes in one timer turn before yielding to the event loop (incoming packets, stop). */
  maxPerTurn?: number;
  /** How late a slot may be and still be published (later ones are skipped); 1000 ms by default. */
  catchUpMs?: number;
}

export function createPacer(options: PacerOptions = {}): Pacer {
  const clock = options.clock ?? realPacerClock;
  const random = options.random ?? Math.random;
  const maxPerTurn = options.maxPerTurn ?? 2000;
  const catchUpMs = options.catchUpMs ?? 1000;
  const heap: Entry[] = [];
  let order = 0;
  let live = 0;
  let timer: PacerTimer | undefined;
  let armedFor = Infinity;
  let stopped = false;

  const before = (a: Entry, b: Entry) => a.due < b.due || (a.due === b.due && a.order < b.order);
  function push(entry: Entry): void {
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }
  function pop(): Entry | undefined {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let least = i;
        if (l < heap.length && before(heap[l]!, heap[least]!)) least = l;
        if (r < heap.length && before(heap[r]!, heap[least]!)) least = r;
        if (least === i) break;
        [heap[i], heap[least]] = [heap[least]!, heap[i]!];
        i = least;
      }
    }
    return top;
  }

  const jittered = (slot: number, jitterMs: number) => (jitterMs > 0 ? slot + (random() * 2 - 1) * jitterMs : slot);

  function arm(): void {
    while (heap[0]?.removed) pop();
    const next = heap[0];
    if (stopped || !next) {
      timer?.cancel();
      timer = undefined;
      armedFor = Infinity;
      return;
    }
    if (timer && armedFor <= next.due) return;
    timer?.cancel();
    armedFor = next.due;
    timer = clock.setTimeout(turn, Math.max(0, next.due - clock.now()));
  }

  function turn(): void {
    timer = undefined;
    armedFor = Infinity;
    const now = clock.now();
    let fired = 0;
    while (!stopped && fired < maxPerTurn) {
      const next = heap[0];
      if (!next || next.due > now) break;
      pop();
      if (next.removed) continue;
      fired++;
      const { stream } = next;
      stream.fire();
      if (next.removed || stopped) continue;
      next.slot += stream.intervalMs;
      const late = now - next.slot;
      if (late > Math.max(stream.intervalMs, catchUpMs)) {
        // Every slot up to now is missed: the next one is the first after now.
        const missed = Math.floor(late / stream.intervalMs) + 1;
        next.slot += missed * stream.intervalMs;
        options.onSkipped?.(missed);
      }
      next.due = jittered(next.slot, stream.jitterMs);
      next.order = order++;
      push(next);
    }
    arm();
  }

  return {
    add(stream) {
      const slot = clock.now() + stream.phaseMs;
      // The first slot is never before now: a negative jitter there would only bunch the start.
      const entry: Entry = { stream, slot, due: Math.max(clock.now(), jittered(slot, stream.jitterMs)), order: order++, removed: false };
      live++;
      push(entry);
      arm();
      return () => {
        if (entry.removed) return;
        entry.removed = true;
        live--;
      };
    },
    get size() {
      return live;
    },
    stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      heap.length = 0;
      live = 0;
    },
  };
}
