import { Worker } from 'node:worker_threads';
import { HistoryError, deserializeError } from './errors';
import type { WorkerEntry } from './worker-entry';
import type { FromWorker, HistoryWorkerData, MethodArgs, MethodName, MethodResult, OpenReport, ProgressOf, ToWorker } from './worker-protocol';

interface Call {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: ((progress: never) => void) | undefined;
}

/** A started worker: it said 'ready' (opened its database). */
export interface Started {
  worker: Worker;
  report: OpenReport;
  /** Messages posted after 'ready' and before a WorkerChannel listened (then stops buffering). */
  takeEarly(): FromWorker[];
}

/** Starts a history worker in `data.role` and resolves once it opened its database ('ready'); rejects on 'fatal'. */
export function spawnWorker(entry: WorkerEntry, data: HistoryWorkerData): Promise<Started> {
  const worker = new Worker(entry.file, { workerData: entry.tsEntry ? { ...data, tsEntry: entry.tsEntry } : data });
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type === 'ready') {
        cleanup();
        const early: FromWorker[] = [];
        const buffer = (later: FromWorker): number => early.push(later);
        worker.on('message', buffer);
        resolve({
          worker,
          report: message.report,
          takeEarly: () => {
            worker.off('message', buffer);
            return early.splice(0);
          },
        });
      } else if (message.type === 'fatal') {
        cleanup();
        void worker.terminate();
        reject(deserializeError(message.error));
      }
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new HistoryError('HISTORY_WORKER_FAILED', `History worker failed to start: ${error.message}`));
    };
    const onExit = (code: number): void => {
      cleanup();
      reject(new HistoryError('HISTORY_WORKER_FAILED', `History worker exited during start (code ${code})`));
    };
    function cleanup(): void {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    }
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Starts the checker: it runs PRAGMA quick_check on its own read-only connection, reports once
 * ('checked') and exits. Resolves nothing: `onChecked` and `onError` say what happened.
 */
export function startChecker(
  entry: WorkerEntry,
  data: Omit<HistoryWorkerData, 'role'>,
  onChecked: (result: { ok: boolean; detail: string; ms: number }) => void,
  onError: (error: Error) => void,
): Worker {
  const checker = new Worker(entry.file, { workerData: { ...data, role: 'checker', ...(entry.tsEntry ? { tsEntry: entry.tsEntry } : {}) } satisfies HistoryWorkerData });
  checker.on('message', (message: FromWorker) => {
    if (message.type === 'checked') onChecked({ ok: message.ok, detail: message.detail, ms: message.ms });
  });
  checker.on('error', onError);
  return checker;
}

/**
 * One started worker thread speaking the protocol of worker-protocol.ts: calls of the methods `M`
 * (WriterMethods or ReaderMethods) matched to their results by id, progress routed to the caller,
 * and every call still open rejected when the worker fails or closes.
 */
export class WorkerChannel<M> {
  private nextId = 1;
  private readonly calls = new Map<number, Call>();
  private failure: Error | null = null;
  private closing = false;
  private closed = false;
  readonly worker: Worker;
  readonly exited: Promise<void>;

  constructor(
    started: Started,
    private readonly onMessage: (message: FromWorker) => void,
    private readonly onFailure: (error: Error) => void,
  ) {
    const worker = (this.worker = started.worker);
    const handle = (message: FromWorker): void => {
      if (message.type === 'result') {
        const call = this.calls.get(message.id);
        this.calls.delete(message.id);
        if (message.ok) call?.resolve(message.value);
        else call?.reject(deserializeError(message.error));
      } else if (message.type === 'progress') {
        this.calls.get(message.id)?.onProgress?.(message.progress as never);
      } else this.onMessage(message);
    };
    worker.on('message', handle);
    // What the worker posted between 'ready' and now (the salvage may have finished already).
    for (const message of started.takeEarly()) handle(message);
    worker.on('error', (error) => this.fail(new HistoryError('HISTORY_WORKER_FAILED', `History worker failed: ${error.message}`)));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        if (!this.closing) this.fail(new HistoryError('HISTORY_WORKER_FAILED', `History worker exited unexpectedly (code ${code})`));
        resolve();
      }),
    );
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
    this.onFailure(error);
  }

  private unusable(): Error | null {
    return this.failure ?? (this.closing ? new HistoryError('HISTORY_CLOSED', 'History is closed') : null);
  }

  post(message: ToWorker, transfer: ArrayBuffer[] = []): void {
    const error = this.unusable();
    if (error) throw error;
    this.worker.postMessage(message, transfer);
  }

  /** Calls `method` on the worker; `id` is what `cancel` takes. */
  call<K extends MethodName<M>>(
    method: K,
    args: MethodArgs<M, K>,
    onProgress?: (progress: ProgressOf<K>) => void,
  ): { id: number; promise: Promise<MethodResult<M, K>> } {
    const id = this.nextId++;
    const promise = new Promise<MethodResult<M, K>>((resolve, reject) => {
      const error = this.unusable();
      if (error) return reject(error);
      // The worker answers with the result of this method (worker-protocol.ts): the one place its value is taken on trust.
      this.calls.set(id, { resolve: resolve as (value: unknown) => void, reject, onProgress: onProgress as ((progress: never) => void) | undefined });
      this.worker.postMessage({ type: 'call', id, method, args });
    });
    return { id, promise };
  }

  /** Asks the worker to abort call `id` (an export or an import); nothing happens once the worker is gone. */
  cancel(id: number): void {
    try {
      this.post({ type: 'cancel', id });
    } catch {
      // Already failed or closed: nothing left to cancel.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.failure) this.worker.postMessage({ type: 'close' } satisfies ToWorker);
    this.closing = true;
    const timeout = setTimeout(() => void this.worker.terminate(), 10_000);
    await this.exited;
    clearTimeout(timeout);
    const error = new HistoryError('HISTORY_CLOSED', 'History is closed');
    for (const call of this.calls.values()) call.reject(error);
    this.calls.clear();
  }
}
