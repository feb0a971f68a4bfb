import { randomUUID } from 'node:crypto';
import { type SequenceStatus, WorkbenchFailure } from '../../../shared/contract';

/** Where a sequence's delays come from: the real clock, or a test's clock moved by hand. */
export interface SequenceTimer {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const REAL_TIMER: SequenceTimer = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface SequenceStep {
  /** Waited before this step is sent, counted from when the step before it went out (or from the start). */
  delayMs: number;
  /** Sends the step; a rejection ends the sequence with its message. */
  send(): Promise<void>;
}

export interface SequenceRunner {
  start(input: { connectionId: string; collectionId: string; steps: SequenceStep[] }): string;
  /** Stops a running sequence; a step in flight still completes (and one more status counts it); a finished one reports as it ended. */
  stop(sequenceId: string): SequenceStatus;
  /** Stops every sequence on this connection (it went away). */
  stopForConnection(connectionId: string): void;
  stopAll(): void;
}

/** Finished sequences are remembered for stop() a while; only this many. */
const FINISHED_KEPT = 50;

/**
 * Runs saved messages one after another, each after its own delay, one timer at a time: the next
 * delay starts only when the step before it was sent (a slow QoS 2 handshake pushes the rest back
 * rather than bunching them up). Progress goes to onStatus after every step and at the end.
 */
export function createSequenceRunner({ timer = REAL_TIMER, onStatus }: { timer?: SequenceTimer; onStatus(status: SequenceStatus): void }): SequenceRunner {
  interface Running {
    status: SequenceStatus;
    pending: { cancel(): void } | undefined;
  }
  const sequences = new Map<string, Running>();
  const finished: string[] = [];

  const report = (run: Running) => onStatus(structuredClone(run.status));
  const finish = (run: Running, change: Partial<SequenceStatus>) => {
    if (run.status.done) return;
    run.pending?.cancel();
    run.pending = undefined;
    Object.assign(run.status, change, { done: true });
    finished.push(run.status.sequenceId);
    while (finished.length > FINISHED_KEPT) sequences.delete(finished.shift() ?? '');
    report(run);
  };

  function runFrom(run: Running, steps: SequenceStep[], index: number): void {
    const step = steps[index];
    if (!step) return finish(run, {});
    run.pending = timer.setTimeout(() => {
      run.pending = undefined;
      if (run.status.done) return;
      step.send().then(
        () => {
          run.status.sent++;
          run.status.sentAt.push(timer.now());
          // Stopped while this step was in flight: it still went out, and the count says so.
          if (run.status.done) return report(run);
          if (index + 1 < steps.length) report(run);
          runFrom(run, steps, index + 1);
        },
        (error: unknown) => {
          if (!run.status.done) finish(run, { error: `Step ${index + 1}: ${(error as Error).message}` });
        },
      );
    }, step.delayMs);
  }

  return {
    start({ connectionId, collectionId, steps }) {
      const sequenceId = randomUUID();
      const run: Running = { status: { sequenceId, connectionId, collectionId, total: steps.length, sent: 0, sentAt: [], done: false, stopped: false }, pending: undefined };
      sequences.set(sequenceId, run);
      runFrom(run, steps, 0);
      return sequenceId;
    },
    stop(sequenceId) {
      const run = sequences.get(sequenceId);
      if (!run) throw new WorkbenchFailure('NOT_FOUND', 'No such sequence', {});
      finish(run, { stopped: true });
      return structuredClone(run.status);
    },
    stopForConnection(connectionId) {
      for (const run of sequences.values()) if (run.status.connectionId === connectionId) finish(run, { stopped: true, error: 'The connection was closed' });
    },
    stopAll() {
      for (const run of sequences.values()) finish(run, { stopped: true });
    },
  };
}
