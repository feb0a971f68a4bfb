import { randomBytes } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { AcceptedLedger, ledgerPathFor } from './crash-ledger';
import { HistoryError, deserializeError } from './errors';
import type { ExportOptions, ExportProgress, ExportResult, ImportOptions, ImportResult } from './export';
import type {
  HistoryConnection,
  HistoryGap,
  HistoryMessage,
  HistoryPage,
  HistoryQuery,
  PageRequest,
  RetentionPolicy,
  StoredMessage,
  TopicSummary,
} from './types';
import { type WorkerEntry, resolveWorkerEntry } from './worker-entry';
import type { SalvageCounts } from './salvage';
import { type Started, WorkerChannel, spawnWorker, startChecker } from './worker-channel';
import { type WriteQueueEvent, type WriteQueueLimits, type WriteQueueStats, WriteQueue } from './write-queue';
import type { CodecScopes } from '../codecs/codec-scopes';
import type { MethodArgs, MethodName, MethodResult, OpenReport, ReaderMethods, SalvageOutcome, SwapRequest, WriterMethods } from './worker-protocol';

/** The write queue's bounds (write-queue.ts) and where and how the database is kept. */
export interface HistoryOptions extends Partial<WriteQueueLimits> {
  /** The database file, e.g. `<userData>/history.db`. */
  path: string;
  retention?: RetentionPolicy;
  fullTextMaxBytes?: number;
  /** See OpenHistoryDatabaseOptions.quickCheck; 'after-crash' by default. */
  quickCheck?: boolean | 'after-crash';
  /** Where the worker code is; found automatically (see worker-entry.ts). */
  workerEntry?: WorkerEntry;
  /**
   * `PRAGMA quick_check` of the whole file after every start, on a thread of its own while
   * history already records and answers (true by default). Damage it finds is repaired like
   * damage a query or a write runs into.
   */
  backgroundCheck?: boolean;
}

/**
 * A damaged history file found (at open, by the background check, or by a query or write that
 * read a damaged page) and what was done: the file set aside, a fresh one recording, and what
 * SQLite could still read copied into it.
 */
export interface DamageReport {
  /** What SQLite said. */
  reason: string;
  /** Where the damaged file (and its -wal/-shm, same name + suffix) now is. */
  movedTo: string;
  foundBy: 'open' | 'check' | 'query' | 'write';
  foundAt: number;
  /** recovering: the fresh file records already and recovered rows are still being copied in. */
  state: 'recovering' | 'done' | 'failed';
  /** Set once recovery ended. */
  recovered: SalvageCounts | null;
  ms?: number;
  error?: string;
}

export type HistoryStats = WriteQueueStats;

export type HistoryEvent =
  | WriteQueueEvent
  /** The background integrity check finished (ok false: the damage is being repaired, see 'damage'). */
  | { type: 'checked'; ok: boolean; detail: string; ms: number }
  /** A damaged file was found (state recovering) and when its recovery ended (done or failed). */
  | { type: 'damage'; report: DamageReport }
  /**
   * A team database (PostgreSQL) could not be reached: the write in flight is counted as a gap,
   * later batches wait (backpressure as usual) while it reconnects with backoff.
   */
  | { type: 'store'; state: 'down'; since: number; error: Error }
  /** ...and it is back: `gaps` are the rows recorded for what the outage cost (possibly none). */
  | { type: 'store'; state: 'up'; downMs: number; gaps: HistoryGap[] }
  /**
   * Another writer (a recorder, a colleague's workbench) committed rows to the shared database
   * (PostgreSQL LISTEN/NOTIFY): `count` rows, of these connection keys (at most 50 listed),
   * timestamps from `fromTs` to `toTs`. Fetch them with a page query (`order: 'asc'` from a cursor).
   */
  | { type: 'tail'; writer: string; count: number; connectionKeys: string[]; fromTs: number; toTs: number };

export interface ExportHandle {
  done: Promise<ExportResult>;
  cancel(): void;
}

export interface ImportHandle {
  done: Promise<ImportResult>;
  cancel(): void;
}

/** Message history as the core uses it (the history service, durable capture, replay). */
export interface History {
  /** What opening did; `fullText` reports the text index (an error there only means slower text search). */
  readonly report: OpenReport & { fullText: OpenReport | { error: { code: string; message: string } } };
  /**
   * Takes a message of the connection `connectionKey` (its stable key, see types.ts) for storage;
   * false when backpressure dropped it (it is counted and reported).
   */
  append(connectionKey: string, message: HistoryMessage): boolean;
  /** Names a connection key (once per connect); the latest label wins. Ordered after the messages appended before it. */
  describeConnection(connectionKey: string, label: string): Promise<void>;
  /** Every connection with stored messages, with its label. */
  connections(): Promise<HistoryConnection[]>;
  /** Resolves once every message appended so far is committed (or reported failed). */
  flush(): Promise<void>;
  /**
   * Null while the queue has room; once it is half full, a promise that resolves when it is down
   * to a quarter (or history closed or failed). A reader that can push back (an MQTT connection:
   * TCP and the broker's flow control) waits on it instead of having its messages dropped.
   */
  whenRoom(): Promise<void> | null;
  page(request?: PageRequest): Promise<HistoryPage>;
  count(query?: HistoryQuery, codecs?: CodecScopes): Promise<number>;
  /** Counts up to `upTo` and says whether there are more (fast "100,000+" for a UI). `codecs`: see PageRequest.codecs. */
  countUpTo(query: HistoryQuery, upTo: number, codecs?: CodecScopes): Promise<{ count: number; capped: boolean }>;
  lastValues(connectionKey: string, topic: string, count: number): Promise<StoredMessage[]>;
  /** Every topic received on a connection with its count and the head of its last payload (see HistoryStore.topicSummaries). */
  topicSummaries(connectionKey: string, limit: number, previewBytes: number): Promise<{ topics: TopicSummary[]; truncated: boolean }>;
  gaps(connectionKey?: string): Promise<HistoryGap[]>;
  clear(connectionKey: string, topicFilter?: string): Promise<number>;
  setRetention(policy: RetentionPolicy | null): Promise<void>;
  totals(): Promise<{ messages: number; bytes: number }>;
  exportTo(options: ExportOptions, onProgress?: (progress: ExportProgress) => void): ExportHandle;
  importFrom(options: ImportOptions, onProgress?: (progress: { imported: number; total: number }) => void): ImportHandle;
  stats(): HistoryStats;
  /** The last damaged file found this run and what was recovered from it, or null. */
  damage(): DamageReport | null;
  /** A consistent copy of the database (SQLite's online backup) written to `target`, mode 0600. */
  backup(target: string): Promise<{ path: string; bytes: number }>;
  /**
   * Replaces the database with a copy of `from` (checked first: a readable, undamaged history
   * database); the current file is renamed aside (`.before-restore-<time>`) and returned.
   */
  restore(from: string): Promise<{ movedTo: string }>;
  onEvent(listener: (event: HistoryEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * Message history on a SQLite file, run by three worker threads (writer, full-text indexer,
 * reader; see README.md). This side, on the thread that serves MQTT and the UI, does O(1) work per
 * message: it packs it into the next batch and hands the batch to the writer every
 * `flushIntervalMs`. Opening (migrations, corrupt-file recovery) happens before the promise
 * resolves; `report` says what it did.
 */
export async function createHistory(options: HistoryOptions): Promise<History> {
  const entry = options.workerEntry ?? resolveWorkerEntry();
  const common = {
    path: options.path,
    ...(options.fullTextMaxBytes !== undefined ? { fullTextMaxBytes: options.fullTextMaxBytes } : {}),
  };
  const runId = randomBytes(8).toString('hex');
  const writerStart = await spawnWorker(entry, {
    role: 'writer',
    ...common,
    runId,
    ...(options.retention ? { retention: options.retention } : {}),
    ...(options.quickCheck !== undefined ? { quickCheck: options.quickCheck } : {}),
  });
  /**
   * The indexer creates the full-text file the reader attaches, so it starts first. The index is
   * derived data: if it cannot start, history still works and text search scans instead. Both
   * start again on the new file after a repair or a restore.
   */
  async function spawnReaders(): Promise<{ indexer: Started | null; indexerError: Error | null; reader: Started }> {
    let indexerStarted: Started | null = null;
    let indexerFailure: Error | null = null;
    try {
      indexerStarted = await spawnWorker(entry, { role: 'indexer', ...common });
    } catch (error) {
      indexerFailure = error as Error;
    }
    try {
      const readerStarted = await spawnWorker(entry, { role: 'reader', ...common, useFullTextIndex: indexerStarted !== null });
      return { indexer: indexerStarted, indexerError: indexerFailure, reader: readerStarted };
    } catch (error) {
      await indexerStarted?.worker.terminate();
      throw error;
    }
  }
  let firstReaders: Awaited<ReturnType<typeof spawnReaders>>;
  try {
    firstReaders = await spawnReaders();
  } catch (error) {
    await writerStart.worker.terminate();
    throw error;
  }
  const indexerStart = firstReaders.indexer;
  const indexerError = firstReaders.indexerError;

  const listeners = new Set<(event: HistoryEvent) => void>();
  const emit = (event: HistoryEvent): void => {
    for (const listener of listeners) listener(event);
  };

  const ledger = new AcceptedLedger(ledgerPathFor(options.path), runId);
  const { maxPendingMessages, maxPendingBytes, flushIntervalMs, maxBatchMessages } = options;
  const queue = new WriteQueue(
    {
      accepted: (connectionKey, message) => ledger.note(connectionKey, message.timestamp),
      send: ({ seq, batch, gaps, transfer }) => {
        // Before the writer can commit any of it: a kill from now on finds these counted (crash-ledger.ts).
        ledger.persist();
        try {
          writer.post({ type: 'write', seq, batch, gaps }, transfer);
        } catch {
          // The writer is gone; the failure was already reported and counted (queue.writerFailed).
        }
      },
      event: emit,
    },
    { maxPendingMessages, maxPendingBytes, flushIntervalMs, maxBatchMessages },
  );
  let closed = false;
  let failure: Error | null = null;
  let damage: DamageReport | null =
    writerStart.report.recovered && writerStart.report.salvaging
      ? { ...writerStart.report.recovered, foundBy: 'open', foundAt: Date.now(), state: 'recovering', recovered: null }
      : null;
  /** Set while the readers are down for a swap of the file (repair or restore); queries wait on it. */
  let swapping: Promise<void> | null = null;
  let repairs = 0;
  let checker: Worker | null = null;

  function salvaged(outcome: SalvageOutcome): void {
    if (!damage || damage.movedTo !== outcome.movedTo) return;
    damage = { ...damage, state: outcome.error ? 'failed' : 'done', recovered: outcome.counts, ms: outcome.ms, ...(outcome.error ? { error: outcome.error } : {}) };
    emit({ type: 'damage', report: { ...damage } });
  }

  const writer = new WorkerChannel<WriterMethods>(
    writerStart,
    (message) => {
      if (message.type === 'flushed') queue.acknowledged(message.seq, message.ms);
      else if (message.type === 'write-failed') queue.failed(message.seq, deserializeError(message.error));
      else if (message.type === 'damaged') void repair(message.reason, 'write');
      else if (message.type === 'salvaged') salvaged(message.outcome);
    },
    (error) => {
      failure = error;
      queue.writerFailed(error);
    },
  );
  let reader!: WorkerChannel<ReaderMethods>;
  /** The indexer answers no calls: only 'close'. */
  let indexer: WorkerChannel<Record<never, never>> | null = null;
  function takeReaders(started: Awaited<ReturnType<typeof spawnReaders>>): void {
    reader = new WorkerChannel(started.reader, () => undefined, (error) => emit({ type: 'error', error }));
    // Its failure only slows text search down (unindexed messages are tested directly): reported, not fatal.
    indexer = started.indexer ? new WorkerChannel(started.indexer, () => undefined, (error) => emit({ type: 'error', error })) : null;
  }
  takeReaders(firstReaders);

  /**
   * Puts another file in place (the writer does it, holding the batches that arrive meanwhile):
   * the reader and the indexer close first, since they hold the old file open, and start again on
   * the new one. Queries wait for them.
   */
  function swapFile(request: SwapRequest, onSwapped: (result: { movedTo: string }) => void = () => undefined): Promise<{ movedTo: string }> {
    const previous = swapping;
    const run = (async () => {
      await previous;
      queue.send();
      await reader.close();
      await indexer?.close();
      try {
        const result = await writer.call('swap', [request]).promise;
        // Before the readers restart: the salvage may report its end meanwhile.
        onSwapped(result);
        return result;
      } finally {
        takeReaders(await spawnReaders());
      }
    })();
    // What waits on `swapping` only waits; the caller of swapFile gets the outcome.
    const tracked = run.then(
      () => undefined,
      () => undefined,
    );
    void tracked.then(() => {
      if (swapping === tracked) swapping = null;
    });
    swapping = tracked;
    return run;
  }

  /** Damage found: set the file aside, record into a fresh one, and salvage the old one into it. */
  async function repair(reason: string, foundBy: DamageReport['foundBy']): Promise<void> {
    if (closed || failure) return;
    if (damage?.foundAt && swapping) return; // a repair is under way
    // A disk that damages every fresh file too: stop after a few rounds instead of looping.
    if (++repairs > 3) {
      emit({ type: 'error', error: new HistoryError('HISTORY_DAMAGED', `The history database keeps getting damaged: ${reason}`) });
      return;
    }
    const foundAt = Date.now();
    damage = { reason, movedTo: '', foundBy, foundAt, state: 'recovering', recovered: null };
    try {
      await swapFile({ kind: 'repair', reason }, ({ movedTo }) => {
        damage = { ...damage!, movedTo };
        emit({ type: 'damage', report: { ...damage } });
      });
    } catch (error) {
      damage = { ...damage, state: 'failed', error: (error as Error).message };
      emit({ type: 'damage', report: { ...damage } });
    }
  }

  const isDamaged = (error: unknown): boolean => error instanceof HistoryError && error.code === 'HISTORY_DAMAGED';

  /** A reader call that waits out a swap, and on damage repairs and asks the new reader once more. */
  async function query<K extends MethodName<ReaderMethods>>(method: K, args: MethodArgs<ReaderMethods, K>): Promise<MethodResult<ReaderMethods, K>> {
    for (let attempt = 0; ; attempt++) {
      if (swapping) await swapping;
      const channel = reader;
      try {
        return await channel.call(method, args).promise;
      } catch (error) {
        if (attempt >= 1) throw error;
        if (isDamaged(error)) await repair((error as Error).message, 'query');
        else if (!(channel !== reader || swapping)) throw error; // not closed for a swap: a real failure
      }
    }
  }

  /** A writer call; damage it runs into is repaired (the call is not repeated: it may have done part). */
  async function command<K extends MethodName<WriterMethods>>(method: K, args: MethodArgs<WriterMethods, K>): Promise<MethodResult<WriterMethods, K>> {
    try {
      return await writer.call(method, args).promise;
    } catch (error) {
      if (isDamaged(error)) void repair((error as Error).message, 'query');
      throw error;
    }
  }

  if (options.backgroundCheck !== false && !writerStart.report.integrityChecked && !writerStart.report.recovered) {
    checker = startChecker(
      entry,
      common,
      ({ ok, detail, ms }) => {
        emit({ type: 'checked', ok, detail, ms });
        if (!ok) void repair(`quick_check: ${detail}`, 'check');
      },
      (error) => emit({ type: 'error', error }),
    );
    checker.once('exit', () => (checker = null));
  }

  const history: History = {
    report: {
      ...writerStart.report,
      fullText: indexerStart ? indexerStart.report : { error: { code: (indexerError as { code?: string }).code ?? 'INTERNAL', message: indexerError!.message } },
    },

    whenRoom: () => queue.whenRoom(),
    append: (connectionKey, message) => queue.append(connectionKey, message),
    flush: () => queue.flush(),

    page: (request = {}) => query('page', [request]),
    count: (filter = {}, codecs) => query('count', codecs ? [filter, codecs] : [filter]),
    countUpTo: (filter, upTo, codecs) => query('countUpTo', codecs ? [filter, upTo, codecs] : [filter, upTo]),
    lastValues: (connectionKey, topic, count) => query('lastValues', [connectionKey, topic, count]),
    topicSummaries: (connectionKey, limit, previewBytes) => query('topicSummaries', [connectionKey, limit, previewBytes]),
    gaps: (connectionKey) => query('gaps', [connectionKey]),
    connections: () => query('connections', []),
    async describeConnection(connectionKey, label) {
      queue.send();
      await command('describeConnection', [connectionKey, label]);
    },
    async clear(connectionKey, topicFilter) {
      queue.send();
      return command('clear', [connectionKey, topicFilter]);
    },
    async setRetention(limits) {
      await command('setRetention', [limits]);
    },
    totals: () => command('totals', []),

    exportTo(exportOptions, onProgress) {
      let started: { channel: WorkerChannel<ReaderMethods>; id: number } | null = null;
      let cancelled = false;
      const done = (async () => {
        if (swapping) await swapping;
        if (cancelled) throw new HistoryError('HISTORY_EXPORT_CANCELLED', 'The export was cancelled');
        const call = reader.call('export', [exportOptions], onProgress);
        started = { channel: reader, id: call.id };
        return call.promise;
      })();
      return {
        done,
        cancel: () => {
          cancelled = true;
          if (started) started.channel.cancel(started.id);
        },
      };
    },
    importFrom(importOptions, onProgress) {
      queue.send();
      const { id, promise } = writer.call('import', [importOptions], onProgress);
      return { done: promise, cancel: () => writer.cancel(id) };
    },

    damage: () => (damage && damage.movedTo ? { ...damage } : null),
    async backup(target) {
      queue.send();
      return command('backup', [target]);
    },
    restore: (from) => swapFile({ kind: 'restore', from }),

    stats: () => queue.stats(),

    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      closed = true;
      queue.close();
      await checker?.terminate();
      while (swapping) await swapping;
      queue.send();
      // Reader first: the last connection to close checkpoints and removes the WAL, and only the
      // writer can; a WAL left behind would make the next open think the app had crashed.
      await reader.close();
      await indexer?.close();
      await writer.close();
      // Everything accepted is committed (or counted failed and reported): no loss to report next time.
      if (!failure) ledger.remove();
      else ledger.close();
      queue.writerClosed();
    },
  };
  return history;
}
