import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { HistoryError, serializeError } from './errors';
import { exportMessages, importMessages } from './export';
import { FtsIndexer, ftsPathFor, openFtsDatabase } from './fts-indexer';
import { lowerThisThreadPriority } from './thread-priority';
import { DEFAULT_FULL_TEXT_MAX_BYTES, SqliteHistoryStore } from './sqlite-history-store';
import { moveAside, openHistoryDatabase, openHistoryReader } from './open-database';
import { HistorySalvage, isDamageError } from './salvage';
import { backupTo, validateHistoryFile } from './backup';
import { lostInCrash, removeLedger } from './crash-ledger';
import { loadCodecEngines } from '../codecs/codec-engines-loader';
import type { CodecScopes } from '../codecs/codec-scopes';
import type { FromWorker, HistoryWorkerData, MethodHandlers, MethodProgress, ReaderMethods, SwapRequest, ToWorker, WriterMethods } from './worker-protocol';
import type { PackedBatch } from './packed-batch';
import type { HistoryGap } from './types';

/**
 * The history worker threads: one runs as the only writer (batched inserts, retention, import), one
 * as a reader (queries, exports) on its own read-only connection, one as the full-text indexer
 * (its own database file, see FTS_MIGRATIONS). WAL lets them work at once, so neither a long export
 * nor a slow query nor indexing ever holds up ingest, and none of it runs on the thread that serves
 * MQTT and the UI.
 */

const port = parentPort!;
/** ~0.2-0.7 s of inserts on this project's 2-core machines (FTS included). */
const MAX_TRANSACTION_MESSAGES = 20_000;
/** Indexer: rows per transaction, idle poll (searches cover the unindexed tail meanwhile), prune period. */
const INDEX_STEP_ROWS = 5000;
const INDEX_POLL_MS = 50;
const INDEX_IDLE_POLL_MS = 500;
/** Salvaged rows per transaction: ~50 ms, so live batches commit in between. */
const SALVAGE_STEP_ROWS = 2000;
const PRUNE_INTERVAL_MS = 30_000;
const data = workerData as HistoryWorkerData;

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** A damaged page found by any query becomes HISTORY_DAMAGED, which the main thread acts on. */
function asHistoryError(error: unknown): unknown {
  if (error instanceof HistoryError || !isDamageError(error)) return error;
  return new HistoryError('HISTORY_DAMAGED', `The history database is damaged: ${(error as Error).message}`);
}

/** Checks the whole file on its own read-only connection, off the writer and the reader, then exits. */
function runChecker(): void {
  const started = performance.now();
  try {
    const db = openHistoryReader(data.path);
    try {
      // quick_check: the b-tree structure, page by page (not index contents): ~2.5 s per 1M messages.
      const rows = db.pragma('quick_check(10)') as { quick_check: string }[];
      const detail = rows.map((row) => row.quick_check).join('; ');
      post({ type: 'checked', ok: detail === 'ok', detail, ms: performance.now() - started });
    } finally {
      db.close();
    }
  } catch (error) {
    post({ type: 'checked', ok: !isDamageError(error), detail: (error as Error).message, ms: performance.now() - started });
  }
  port.close();
}

/** A handler as the dispatcher sees it: the wire does not know which method a message names. */
type Handler = (args: unknown[], context: { signal: AbortSignal; progress: (value: MethodProgress[keyof MethodProgress]) => void }) => unknown;

/** The dispatch boundary: typed handlers (worker-protocol.ts) looked up by the name a message carries. */
function byName<M>(handlers: MethodHandlers<M>): Record<string, Handler | undefined> {
  return handlers as unknown as Record<string, Handler | undefined>;
}

/** Indexes new messages as they are committed: right away while behind, polling when caught up. */
function startIndexer(): void {
  lowerThisThreadPriority();
  let indexer: FtsIndexer;
  let source: Database.Database;
  try {
    const opened = openFtsDatabase(data.path);
    source = openHistoryReader(data.path);
    indexer = new FtsIndexer(source, opened.db, data.fullTextMaxBytes ?? DEFAULT_FULL_TEXT_MAX_BYTES);
    post({
      type: 'ready',
      report: { schemaVersion: opened.schemaVersion, recovered: opened.recovered, backupPath: opened.backupPath, integrityChecked: opened.integrityChecked },
    });
  } catch (error) {
    post({ type: 'fatal', error: serializeError(error) });
    port.close();
    return;
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let lastPrune = 0;
  let idle = 0;
  const loop = (): void => {
    timer = null;
    if (closed) return;
    let advanced = 0;
    try {
      advanced = indexer.step(INDEX_STEP_ROWS);
      if (advanced === 0 && Date.now() - lastPrune > PRUNE_INTERVAL_MS) {
        lastPrune = Date.now();
        advanced = indexer.prune(INDEX_STEP_ROWS);
      }
    } catch {
      // Indexing is best effort: searches test unindexed messages directly. Retry later.
    }
    // Behind: go on at once. Idle: poll, slowing down to INDEX_IDLE_POLL_MS while nothing arrives.
    idle = advanced > 0 ? 0 : idle + 1;
    if (advanced >= INDEX_STEP_ROWS) setImmediate(loop);
    else timer = setTimeout(loop, Math.min(INDEX_POLL_MS * 2 ** Math.min(idle, 4), INDEX_IDLE_POLL_MS));
  };
  loop();
  port.on('message', (message: ToWorker) => {
    if (message.type !== 'close') return;
    closed = true;
    if (timer) clearTimeout(timer);
    source.close();
    indexer.fts.close();
    post({ type: 'closed' });
    port.close();
  });
}

function start(): void {
  if (data.role === 'indexer') {
    startIndexer();
    return;
  }
  if (data.role === 'checker') {
    lowerThisThreadPriority();
    runChecker();
    return;
  }
  let store: SqliteHistoryStore;
  let salvage: { job: HistorySalvage; movedTo: string; started: number } | null = null;
  try {
    if (data.role === 'writer') {
      const opened = openHistoryDatabase(data.path, data.quickCheck !== undefined ? { quickCheck: data.quickCheck } : {});
      store = new SqliteHistoryStore(opened.db, { writable: true, fullTextMaxBytes: data.fullTextMaxBytes });
      // What the last run accepted but never committed (it was killed): a gap, before anything new.
      // (A file set aside as damaged cannot say what it committed: nothing is claimed then.)
      const lost = opened.recovered ? [] : lostInCrash(opened.db, data.path);
      if (lost.length > 0) store.recordGaps(lost);
      removeLedger(data.path);
      if (data.runId) store.trackRun({ runId: data.runId, connections: {} });
      // Damaged at open (not a database, a damaged schema): what can still be read comes back.
      if (opened.recovered) salvage = startSalvage(opened.recovered.movedTo);
      post({
        type: 'ready',
        report: {
          schemaVersion: opened.schemaVersion,
          recovered: opened.recovered,
          backupPath: opened.backupPath,
          integrityChecked: opened.integrityChecked,
          salvaging: opened.recovered !== null,
          lostInCrash: lost.reduce((sum, gap) => sum + gap.dropped, 0),
        },
      });
    } else {
      store = new SqliteHistoryStore(openHistoryReader(data.path), {
        writable: false,
        ...(data.useFullTextIndex ? { ftsPath: ftsPathFor(data.path) } : {}),
        ...(data.fullTextMaxBytes !== undefined ? { fullTextMaxBytes: data.fullTextMaxBytes } : {}),
      });
      post({ type: 'ready', report: { schemaVersion: 0, recovered: null, backupPath: null, integrityChecked: false } });
    }
  } catch (error) {
    post({ type: 'fatal', error: serializeError(error) });
    port.close();
    return;
  }

  let pending: { seq: number; batch: PackedBatch; gaps: HistoryGap[] }[] = [];
  let flushScheduled = false;
  /** While true (a write hit a damaged page, or the file is being swapped) batches are held, not written. */
  let holding = false;

  /** Opens the set-aside damaged file for salvage, or reports at once when not even that works. */
  function startSalvage(movedTo: string): { job: HistorySalvage; movedTo: string; started: number } | null {
    const started = performance.now();
    try {
      const job = new HistorySalvage(movedTo, store);
      setImmediate(salvageStep);
      return { job, movedTo, started };
    } catch (error) {
      const outcome = { movedTo, counts: { messages: 0, topics: 0, gaps: 0, unreadableRanges: 0, lostAtMost: 0 }, ms: 0, error: (error as Error).message };
      setImmediate(() => post({ type: 'salvaged', outcome }));
      return null;
    }
  }

  /** One salvage transaction, then back to the event loop so live batches commit in between. */
  function salvageStep(): void {
    const current = salvage;
    if (!current || !store.db.open) return;
    let error: string | undefined;
    try {
      current.job.step(SALVAGE_STEP_ROWS);
    } catch (failure) {
      error = (failure as Error).message;
    }
    if (!current.job.done && error === undefined) {
      setImmediate(salvageStep);
      return;
    }
    current.job.close();
    salvage = null;
    const outcome = { movedTo: current.movedTo, counts: { ...current.job.counts }, ms: performance.now() - current.started, ...(error ? { error } : {}) };
    post({ type: 'salvaged', outcome });
  }

  /**
   * Puts a new file in place of the current one: the current file (and -wal/-shm) is renamed aside,
   * never deleted; batches that arrive meanwhile wait in `pending` and go into the new file.
   */
  function swap(request: SwapRequest): { movedTo: string } {
    holding = true;
    try {
      if (salvage) {
        salvage.job.close();
        salvage = null;
      }
      const keys = store.packedKeys();
      const runCounts = store.runCounts;
      if (request.kind === 'restore') validateHistoryFile(request.from);
      const reopen = (): void => {
        store = new SqliteHistoryStore(openHistoryDatabase(data.path).db, { writable: true, fullTextMaxBytes: data.fullTextMaxBytes });
        store.adoptPackedKeys(keys);
        if (runCounts) store.trackRun(runCounts);
      };
      store.db.close();
      let movedTo: string;
      try {
        movedTo = moveAside(data.path, new Date(), request.kind === 'repair' ? 'corrupt' : 'before-restore');
      } catch (error) {
        reopen(); // nothing moved: go on with the file as it was
        throw error;
      }
      try {
        if (request.kind === 'restore') copyFileSync(request.from, data.path);
        reopen();
      } catch (error) {
        // Put the previous file back rather than leave an empty history in its place.
        for (const suffix of ['-wal', '-shm', '']) rmSync(data.path + suffix, { force: true });
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(movedTo + suffix)) renameSync(movedTo + suffix, data.path + suffix);
        reopen();
        throw error;
      }
      if (request.kind === 'repair') salvage = startSalvage(movedTo);
      return { movedTo };
    } finally {
      holding = false;
      scheduleFlush();
    }
  }
  let retention = data.retention;
  let retentionScheduled = false;
  const retentionBudget = data.retentionBudget ?? 5000;

  function retentionStep(): void {
    retentionScheduled = false;
    if (!retention || !store.db.open) return;
    // Bounded steps, each its own short transaction; the next write batch can run in between.
    if (store.enforceRetention(retention, retentionBudget) >= retentionBudget) scheduleRetention();
  }
  function scheduleRetention(): void {
    if (retention && !retentionScheduled) {
      retentionScheduled = true;
      setImmediate(retentionStep);
    }
  }
  const ageTimer = setInterval(scheduleRetention, 60_000);

  function scheduleFlush(): void {
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }

  /**
   * What arrived since the last flush goes into one transaction, up to MAX_TRANSACTION_MESSAGES;
   * a backlog beyond that is committed in further transactions right after, so a writer that fell
   * behind still commits (and acknowledges) every few hundred milliseconds instead of once per backlog.
   */
  function flush(): void {
    flushScheduled = false;
    if (pending.length === 0 || holding) return;
    let take = 0;
    let rows = 0;
    while (take < pending.length && (take === 0 || rows + pending[take]!.batch.count <= MAX_TRANSACTION_MESSAGES)) {
      rows += pending[take]!.batch.count;
      take++;
    }
    const batches = pending.slice(0, take);
    pending = pending.slice(take);
    if (pending.length > 0) scheduleFlush();
    const gaps = batches.flatMap((b) => b.gaps);
    const seq = batches[batches.length - 1]!.seq;
    const started = performance.now();
    try {
      store.writePacked(
        batches.map((b) => b.batch),
        gaps,
      );
      post({ type: 'flushed', seq, count: rows, ms: performance.now() - started });
    } catch (error) {
      if (isDamageError(error)) {
        // Keep the batches: they go into the fresh file once the main thread has it swapped in.
        pending = [...batches, ...pending];
        holding = true;
        post({ type: 'damaged', reason: (error as Error).message });
        return;
      }
      post({ type: 'write-failed', seq, count: rows, error: serializeError(error) });
    }
    scheduleRetention();
  }

  const writerHandlers: MethodHandlers<WriterMethods> = {
    totals: () => store.totals(),
    clear: ([connectionKey, topicFilter]) => store.clear(connectionKey, topicFilter),
    describeConnection: ([connectionKey, label]) => {
      store.setConnectionLabel(connectionKey, label);
      return null;
    },
    setRetention: ([limits]) => {
      retention = limits ?? undefined;
      scheduleRetention();
      return null;
    },
    enforceRetention: ([limits, budget]) => store.enforceRetention(limits, budget),
    import: ([options], { signal, progress }) => importMessages(store, options, { signal, onProgress: progress }),
    swap: ([request]) => swap(request),
    backup: ([target]) => backupTo(store.db, target),
  };
  /** Queries with codec rules load the codec engines first; a reader that never gets one never loads them. */
  const withCodecs = async <T>(codecs: CodecScopes | undefined, query: () => T): Promise<T> => {
    if (codecs) await loadCodecEngines();
    return query();
  };
  const readerHandlers: MethodHandlers<ReaderMethods> = {
    page: ([request]) => withCodecs(request?.codecs, () => store.page(request)),
    count: ([query, codecs]) => withCodecs(codecs, () => store.count(query, codecs)),
    countUpTo: ([query, upTo, codecs]) => withCodecs(codecs, () => store.countUpTo(query, upTo, codecs)),
    lastValues: ([connectionKey, topic, count]) => store.lastValues(connectionKey, topic, count),
    topicSummaries: ([connectionKey, limit, previewBytes]) => store.topicSummaries(connectionKey, limit, previewBytes),
    gaps: ([connectionKey]) => store.gaps(connectionKey),
    connections: () => store.connections(),
    export: ([options], { signal, progress }) => exportMessages(store, options, { signal, onProgress: progress }),
  };
  const handlers = data.role === 'writer' ? byName(writerHandlers) : byName(readerHandlers);
  const running = new Map<number, AbortController>();

  async function call(id: number, method: string, args: unknown[]): Promise<void> {
    const handler = handlers[method];
    const controller = new AbortController();
    running.set(id, controller);
    try {
      if (!handler) throw new HistoryError('HISTORY_INVALID_QUERY', `Unknown history method ${method}`);
      flush(); // calls see (and clear/import order after) every write sent before them
      const value = await handler(args, { signal: controller.signal, progress: (progress) => post({ type: 'progress', id, progress }) });
      post({ type: 'result', id, ok: true, value });
    } catch (error) {
      post({ type: 'result', id, ok: false, error: serializeError(asHistoryError(error)) });
    } finally {
      running.delete(id);
    }
  }

  port.on('message', (message: ToWorker) => {
    switch (message.type) {
      case 'write':
        pending.push(message);
        scheduleFlush();
        break;
      case 'call':
        void call(message.id, message.method, message.args);
        break;
      case 'cancel':
        running.get(message.id)?.abort();
        break;
      case 'close':
        flush();
        clearInterval(ageTimer);
        salvage?.job.close();
        salvage = null;
        for (const controller of running.values()) controller.abort();
        store.db.close();
        post({ type: 'closed' });
        port.close();
        break;
    }
  });
}

start();
