import { randomBytes } from 'node:crypto';
import { type RepeatStatus, type RequestParsed, type WorkbenchError, WorkbenchFailure } from '../../../shared/contract';

type PublishInput = RequestParsed<'messages.publish'>;

/** Progress events are throttled to this period per repeat, so a 1 ms repeat costs no IPC flood. */
const STATUS_PERIOD_MS = 250;
/** At most this many publishes are sent to catch up in one tick, so a stall cannot burst unboundedly. */
const MAX_CATCH_UP = 1000;

interface Repeat {
  status: RepeatStatus;
  timer: ReturnType<typeof setTimeout> | null;
  lastStatusAt: number;
}

export interface RepeatPublisher {
  start(input: RequestParsed<'messages.startRepeat'>): { repeatId: string };
  stop(repeatId: string): RepeatStatus;
  /** Stops every repeat of a connection that went away. */
  stopForConnection(connectionId: string, reason: string): void;
  stopAll(): void;
}

/**
 * Repeats a publish every N ms (N >= 1). Node timers cannot fire faster than ~1 ms and drift,
 * so each tick sends as many publishes as are due by the wall clock (bounded), which keeps the
 * average rate right instead of silently slowing down.
 */
export function createRepeatPublisher(
  publish: (input: PublishInput) => Promise<void>,
  onStatus: (status: RepeatStatus) => void,
): RepeatPublisher {
  const repeats = new Map<string, Repeat>();

  function report(repeat: Repeat, force = false): void {
    const now = Date.now();
    if (!force && now - repeat.lastStatusAt < STATUS_PERIOD_MS) return;
    repeat.lastStatusAt = now;
    onStatus({ ...repeat.status });
  }

  function finish(repeat: Repeat, lastError?: WorkbenchError): void {
    if (repeat.timer) clearTimeout(repeat.timer);
    repeat.timer = null;
    repeat.status.done = true;
    if (lastError) failed(repeat, lastError);
    repeats.delete(repeat.status.repeatId);
    report(repeat, true);
  }

  function failed(repeat: Repeat, error: WorkbenchError): void {
    repeat.status.lastError = error.message;
    repeat.status.lastFailure = error;
  }

  return {
    start({ message, intervalMs, count }) {
      const repeatId = `r${randomBytes(6).toString('hex')}`;
      const repeat: Repeat = {
        status: { repeatId, connectionId: message.connectionId, topic: message.topic, sent: 0, failed: 0, done: false },
        timer: null,
        lastStatusAt: 0,
      };
      repeats.set(repeatId, repeat);
      const startedAt = performance.now();
      let issued = 0;

      const tick = () => {
        if (repeat.status.done) return;
        const due = Math.floor((performance.now() - startedAt) / intervalMs) + 1;
        let toSend = Math.min(due - issued, MAX_CATCH_UP);
        if (count > 0) toSend = Math.min(toSend, count - issued);
        for (let i = 0; i < toSend; i++) {
          issued++;
          publish(message).then(
            () => {
              repeat.status.sent++;
              if (count > 0 && repeat.status.sent + repeat.status.failed >= count) finish(repeat);
              else report(repeat);
            },
            (error: unknown) => {
              repeat.status.failed++;
              const reason = error instanceof Error ? error.message : String(error);
              const failure: WorkbenchError =
                error instanceof WorkbenchFailure
                  ? { code: error.code, message: reason, ...(error.params ? { params: error.params } : {}) }
                  : { code: 'PUBLISH_FAILED', message: reason, params: { reason: 'publishFailed', topic: message.topic, detail: reason } };
              // A connection that is gone will not come back for this repeat: stop, and say why.
              // A publish can fail on the vanished connection before the service's own stop arrives:
              // the user reads the same reason either way.
              if (error instanceof WorkbenchFailure && error.code === 'CONNECTION_NOT_FOUND') {
                finish(repeat, { code: 'CONNECTION_NOT_FOUND', message: 'The connection was closed', params: {} });
              } else if (error instanceof WorkbenchFailure && error.code === 'NOT_CONNECTED') {
                finish(repeat, failure);
              } else {
                failed(repeat, failure);
                if (count > 0 && repeat.status.sent + repeat.status.failed >= count) finish(repeat);
                else report(repeat);
              }
            },
          );
        }
        if (count > 0 && issued >= count) return; // the last completions will finish it
        const nextDue = startedAt + (issued) * intervalMs;
        repeat.timer = setTimeout(tick, Math.max(0, nextDue - performance.now()));
      };
      tick();
      return { repeatId };
    },

    stop(repeatId) {
      const repeat = repeats.get(repeatId);
      if (!repeat) throw new WorkbenchFailure('NOT_FOUND', `No running repeat with id ${repeatId}`, { reason: 'noRepeat', id: repeatId });
      finish(repeat);
      return { ...repeat.status };
    },

    stopForConnection(connectionId, reason) {
      for (const repeat of [...repeats.values()]) if (repeat.status.connectionId === connectionId) finish(repeat, { code: 'CONNECTION_NOT_FOUND', message: reason, params: {} });
    },

    stopAll() {
      for (const repeat of [...repeats.values()]) finish(repeat);
    },
  };
}
