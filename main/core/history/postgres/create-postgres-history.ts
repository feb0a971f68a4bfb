import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ExportHandle, History, HistoryEvent, ImportHandle } from '../create-history';
import { HistoryError } from '../errors';
import { exportMessages, importMessages } from '../export';
import type { PackedBatch } from '../packed-batch';
import type { HistoryGap, HistoryMessageInput, RetentionPolicy } from '../types';
import { type OutgoingBatch, type WriteQueueLimits, WriteQueue } from '../write-queue';
import { connectionStringWithPassword } from './connection-string';
import { type PostgresHistoryStore, openPostgresHistoryStore } from './postgres-history-store';

export interface PostgresSource {
  /** postgres://user@host:port/database — never containing the password */
  url: string;
  password?: string;
  tls?: { mode: 'disable' | 'require' | 'verify-full'; ca?: string };
}

export interface PostgresHistorySourceOptions extends Partial<WriteQueueLimits> {
  source: PostgresSource;
  retention?: RetentionPolicy;
  /** reconnect backoff; injectable for tests */
  reconnect?: { initialMs: number; maxMs: number };
  /** false: today is recorded without its trigram index, built once the day is over (PostgresHistoryOptions.hotTextIndex). */
  hotTextIndex?: boolean;
}

/** The channel every writer NOTIFYs after a commit; readers LISTEN on it for a live tail. */
export const TAIL_CHANNEL = 'workbench_history';
const DEFAULT_RECONNECT = { initialMs: 250, maxMs: 10_000 };
/** As the SQLite writer: a backlog is committed in transactions of at most this many rows. */
const MAX_TRANSACTION_MESSAGES = 20_000;
const RETENTION_BUDGET = 5000;
const RETENTION_PERIOD_MS = 10_000;
/** A NOTIFY payload must stay under 8000 bytes: a tail event lists at most this many keys. */
const TAIL_MAX_KEYS = 50;

/** node-postgres settings for a source: the password and TLS kept out of the URL. */
export function poolConfigFor(source: PostgresSource): pg.PoolConfig {
  const tls = source.tls;
  const ssl: pg.PoolConfig['ssl'] =
    !tls || tls.mode === 'disable'
      ? false
      : // 'require' encrypts without checking who answers (libpq's sslmode=require); verify-full checks the certificate and the host name.
        { rejectUnauthorized: tls.mode === 'verify-full', ...(tls.ca ? { ca: tls.ca } : {}) };
  return {
    // In the URL, not beside it: pg lets the URL's fields win, and one without a password reads as ''.
    connectionString: connectionStringWithPassword(source.url, source.password),
    ssl,
    // An unreachable host fails a connect in 10 s instead of hanging the writer.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  };
}

/** The connection broke or the server is gone / restarting: worth reconnecting, not a refusal of the request. */
export function isConnectionError(error: unknown): boolean {
  const { code = '', message = '' } = (error ?? {}) as { code?: string; message?: string };
  // 08xxx connection_exception; 57P01-03 admin/crash shutdown, cannot connect now (starting up).
  if (/^(08|57P0[1-3])/.test(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  return /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Cannot connect to the PostgreSQL/i.test(message);
}

/** PostgreSQL's errors as history codes: 42501 (insufficient_privilege) means a read-only role. */
export function toHistoryError(error: unknown): Error {
  if (error instanceof HistoryError) return error;
  if ((error as { code?: string } | null)?.code === '42501') {
    return new HistoryError('HISTORY_READ_ONLY', 'This team database role can read but not change history', { detail: (error as Error).message });
  }
  if (isConnectionError(error)) {
    return new HistoryError('HISTORY_STORE_UNAVAILABLE', `The team history database cannot be reached: ${(error as Error).message}`);
  }
  return error instanceof Error ? error : new Error(String(error));
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toHistoryError(error);
  }
}

const unsupported = (message: string) => Promise.reject(new HistoryError('HISTORY_UNSUPPORTED', message));

/** One gap per connection key for the messages of batches that could not be written. */
function gapsFor(batches: readonly PackedBatch[], keyNames: Map<number, string>, reason: string): HistoryGap[] {
  const gaps = new Map<string, HistoryGap>();
  for (const batch of batches) {
    for (let i = 0; i < batch.count; i++) {
      const connectionKey = keyNames.get(batch.keys[i]!) ?? 'unknown';
      const ts = batch.timestamps[i]!;
      const gap = gaps.get(connectionKey);
      if (gap) {
        gap.dropped++;
        gap.fromTs = Math.min(gap.fromTs, ts);
        gap.toTs = Math.max(gap.toTs, ts);
      } else gaps.set(connectionKey, { connectionKey, fromTs: ts, toTs: ts, dropped: 1, reason });
    }
  }
  return [...gaps.values()];
}

/**
 * History on a team's PostgreSQL database, with the same `History` surface as createHistory (the
 * history service, replay and export work unchanged). The same WriteQueue batches appends (its
 * backpressure, whenRoom, drops recorded as gaps); batches go to the PostgresHistoryStore on this
 * thread (pg is asynchronous), one commit at a time, in order.
 *
 * A lost database connection: the batch in flight fails and its messages become a gap (stored once
 * the database is back; `stats().failed` counts them, so durable capture does not acknowledge them);
 * later batches wait, pending, while it reconnects with backoff (the queue's bounds apply). A 'store'
 * event says down and up. What a shared server does itself (backups, damage) is refused with
 * HISTORY_UNSUPPORTED; a read-only role gets HISTORY_READ_ONLY on writes.
 */
export async function createPostgresHistory(options: PostgresHistorySourceOptions): Promise<History> {
  const backoff = options.reconnect ?? DEFAULT_RECONNECT;
  const config = poolConfigFor(options.source);
  const store: PostgresHistoryStore = await openPostgresHistoryStore({ pool: config, ...(options.hotTextIndex !== undefined ? { hotTextIndex: options.hotTextIndex } : {}) }).catch((error: unknown) => {
    throw toHistoryError(error);
  });
  const { rows } = await store.pool.query<{ v: number }>('SELECT max(version)::int AS v FROM schema_migrations');
  const schemaVersion = rows[0]?.v ?? 0;
  const writerId = randomBytes(8).toString('hex');

  const listeners = new Set<(event: HistoryEvent) => void>();
  const emit = (event: HistoryEvent): void => {
    for (const listener of listeners) listener(event);
  };

  let closed = false;
  /** Batches handed over by the queue and not yet written, in order. */
  let held: OutgoingBatch[] = [];
  let writing = false;
  let down: { since: number; error: Error } | null = null;
  /** Gaps (of failed writes, and drops sent with them) to store once the database is back. */
  let lostGaps: HistoryGap[] = [];
  /** Labels given while the database was down, stored when it is back. */
  const pendingLabels = new Map<string, string>();
  /** Packed-batch topic key -> connection key, for the gaps of a batch that failed. */
  const keyNames = new Map<number, string>();
  const idleWaiters: (() => void)[] = [];
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let retention = options.retention ?? null;
  let retentionRunning = false;

  const { maxPendingMessages, maxPendingBytes, flushIntervalMs, maxBatchMessages } = options;
  const queue = new WriteQueue(
    {
      send: (batch) => {
        for (const [key, connectionKey] of batch.batch.newKeys) keyNames.set(key, connectionKey);
        held.push(batch);
        void pump();
      },
      event: emit,
    },
    { maxPendingMessages, maxPendingBytes, flushIntervalMs, maxBatchMessages },
  );

  function settleIdle(): void {
    if (writing || (held.length > 0 && !down)) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  }
  /** Resolves when nothing is being written and nothing waits to be (or the database is down). */
  function idle(): Promise<void> {
    return new Promise((resolve) => {
      idleWaiters.push(resolve);
      settleIdle();
    });
  }

  async function pump(): Promise<void> {
    if (writing || down) return;
    writing = true;
    try {
      while (held.length > 0 && !down) {
        let take = 0;
        let rows = 0;
        while (take < held.length && (take === 0 || rows + held[take]!.batch.count <= MAX_TRANSACTION_MESSAGES)) {
          rows += held[take]!.batch.count;
          take++;
        }
        const batches = held.slice(0, take);
        held = held.slice(take);
        const seq = batches[batches.length - 1]!.seq;
        const gaps = [...lostGaps, ...batches.flatMap((b) => b.gaps)];
        const started = performance.now();
        try {
          await store.writePacked(
            batches.map((b) => b.batch),
            gaps,
          );
          lostGaps = [];
          queue.acknowledged(seq, performance.now() - started);
          void notifyTail(batches.map((b) => b.batch));
          void enforceRetention();
        } catch (error) {
          if (isConnectionError(error)) {
            // The write in flight is lost (it may or may not have reached the commit): a gap, stored when the database is back.
            lostGaps = [...gaps, ...gapsFor(batches.map((b) => b.batch), keyNames, `the history database connection was lost: ${(error as Error).message}`)];
            queue.failed(seq, toHistoryError(error));
            wentDown(error as Error);
          } else {
            // A refusal (read-only role, a constraint): reported and counted, as SQLite's failed transactions.
            queue.failed(seq, toHistoryError(error));
          }
        }
      }
    } finally {
      writing = false;
      settleIdle();
    }
  }

  function wentDown(error: Error): void {
    if (down || closed) return;
    down = { since: Date.now(), error };
    emit({ type: 'store', state: 'down', since: down.since, error: toHistoryError(error) });
    settleIdle();
    scheduleReconnect(backoff.initialMs);
  }

  function scheduleReconnect(delay: number): void {
    if (closed) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      void tryReconnect(delay);
    }, delay);
  }

  async function tryReconnect(delay: number): Promise<void> {
    if (closed || !down) return;
    try {
      await store.pool.query('SELECT 1');
      let gaps = lostGaps;
      // Refused (a read-only role) rather than cut: said once, not retried forever.
      const refused = (error: unknown) => {
        if (isConnectionError(error)) throw error;
        emit({ type: 'error', error: toHistoryError(error) });
      };
      if (gaps.length > 0) await store.recordGaps(gaps).catch((error: unknown) => ((gaps = []), refused(error)));
      lostGaps = [];
      for (const [key, label] of [...pendingLabels]) {
        await store.setConnectionLabel(key, label).catch(refused);
        pendingLabels.delete(key);
      }
      const downMs = Date.now() - down.since;
      down = null;
      emit({ type: 'store', state: 'up', downMs, gaps });
      startListener();
      void pump();
    } catch (error) {
      if (!isConnectionError(error)) emit({ type: 'error', error: toHistoryError(error) });
      scheduleReconnect(Math.min(delay * 2, backoff.maxMs));
    }
  }

  /**
   * Retention in bounded steps, as SQLite's writer: after commits at most every RETENTION_PERIOD_MS
   * (its limits count rows, which a shared database does not cache) and every minute for age.
   */
  let retentionAt = 0;
  async function enforceRetention(force = false): Promise<void> {
    if (!retention || retentionRunning || down || closed) return;
    if (!force && Date.now() - retentionAt < RETENTION_PERIOD_MS) return;
    retentionAt = Date.now();
    retentionRunning = true;
    try {
      while (retention && !down && !closed && (await store.enforceRetention(retention, RETENTION_BUDGET)) >= RETENTION_BUDGET);
    } catch (error) {
      if (!isConnectionError(error)) emit({ type: 'error', error: toHistoryError(error) });
    } finally {
      retentionRunning = false;
    }
  }
  const ageTimer = setInterval(() => void enforceRetention(true), 60_000);
  ageTimer.unref();

  /** After a commit: tells the other workbenches on this database (LISTEN) that rows arrived. */
  async function notifyTail(batches: PackedBatch[]): Promise<void> {
    let count = 0;
    let fromTs = Infinity;
    let toTs = -Infinity;
    const keys = new Set<string>();
    for (const batch of batches) {
      for (let i = 0; i < batch.count; i++) {
        const ts = batch.timestamps[i]!;
        if (ts < fromTs) fromTs = ts;
        if (ts > toTs) toTs = ts;
        if (keys.size < TAIL_MAX_KEYS) keys.add(keyNames.get(batch.keys[i]!) ?? 'unknown');
      }
      count += batch.count;
    }
    if (count === 0) return;
    try {
      await store.pool.query('SELECT pg_notify($1, $2)', [TAIL_CHANNEL, JSON.stringify({ writer: writerId, count, connectionKeys: [...keys], fromTs, toTs })]);
    } catch {
      // Only a live tail misses a beat; the rows are committed.
    }
  }

  /** LISTEN on its own connection; started again after the database comes back. */
  let listener: pg.Client | null = null;
  function startListener(): void {
    if (closed) return;
    const previous = listener;
    listener = null;
    void previous?.end().catch(() => undefined);
    const client = new pg.Client(config);
    listener = client;
    client.on('error', () => undefined);
    client.on('notification', (notification) => {
      if (notification.channel !== TAIL_CHANNEL || !notification.payload) return;
      try {
        const tail = JSON.parse(notification.payload) as { writer: string; count: number; connectionKeys: string[]; fromTs: number; toTs: number };
        if (tail.writer === writerId) return;
        emit({ type: 'tail', writer: tail.writer, count: tail.count, connectionKeys: tail.connectionKeys, fromTs: tail.fromTs, toTs: tail.toTs });
      } catch {
        // Not ours: something else notifies on the channel.
      }
    });
    /**
     * The connection dropped or could not be made: tried again after the longest backoff, whether
     * or not the writer noticed (a History that only reads never writes, yet its tail must come
     * back). The writer's reconnect starts a fresh one sooner; whichever is first wins.
     */
    const retry = () => {
      if (listener !== client || closed) return;
      listener = null;
      void client.end().catch(() => undefined);
      const timer = setTimeout(() => {
        if (!listener && !closed) startListener();
      }, backoff.maxMs);
      timer.unref();
    };
    client.on('end', retry);
    client
      .connect()
      .then(() => client.query(`LISTEN ${TAIL_CHANNEL}`))
      .catch(retry);
  }
  startListener();

  const history: History = {
    report: {
      schemaVersion,
      integrityChecked: false,
      recovered: null,
      backupPath: null,
      fullText: { schemaVersion, integrityChecked: false, recovered: null, backupPath: null },
    },

    whenRoom: () => queue.whenRoom(),
    append: (connectionKey, message) => queue.append(connectionKey, message),
    flush: () => queue.flush(),

    page: (request = {}) => mapped(() => store.page(request)),
    count: (query = {}, codecs) => mapped(() => store.count(query, codecs)),
    countUpTo: (query, upTo, codecs) => mapped(() => store.countUpTo(query, upTo, codecs)),
    lastValues: (connectionKey, topic, count) => mapped(() => store.lastValues(connectionKey, topic, count)),
    topicSummaries: (connectionKey, limit, previewBytes) => mapped(() => store.topicSummaries(connectionKey, limit, previewBytes)),
    gaps: (connectionKey) => mapped(() => store.gaps(connectionKey)),
    connections: () => mapped(() => store.connections()),
    totals: () => mapped(() => store.totals()),

    async describeConnection(connectionKey, label) {
      queue.send();
      if (down) {
        pendingLabels.set(connectionKey, label);
        return;
      }
      try {
        await store.setConnectionLabel(connectionKey, label);
      } catch (error) {
        // Kept for when the database is back: a label is not worth failing a connect for.
        if (!isConnectionError(error)) throw toHistoryError(error);
        pendingLabels.set(connectionKey, label);
      }
    },
    async clear(connectionKey, topicFilter) {
      // After the writes sent before it, as SQLite's writer orders them.
      queue.send();
      await idle();
      return mapped(() => store.clear(connectionKey, topicFilter));
    },
    async setRetention(policy) {
      retention = policy;
      void enforceRetention(true);
      return Promise.resolve();
    },

    exportTo(exportOptions, onProgress): ExportHandle {
      const controller = new AbortController();
      return {
        done: mapped(() => exportMessages(store, exportOptions, { signal: controller.signal, ...(onProgress ? { onProgress } : {}) })),
        cancel: () => controller.abort(),
      };
    },
    importFrom(importOptions, onProgress): ImportHandle {
      const controller = new AbortController();
      queue.send();
      const done = mapped(async () => {
        await idle();
        return importMessages(
          {
            insert: (messages: readonly HistoryMessageInput[]) => store.insert(messages),
            setConnectionLabel: (key: string, label: string, labelOptions?: { ifUnnamed?: boolean }) => store.setConnectionLabel(key, label, labelOptions),
          },
          importOptions,
          { signal: controller.signal, ...(onProgress ? { onProgress } : {}) },
        );
      });
      return { done, cancel: () => controller.abort() };
    },

    stats: () => queue.stats(),
    damage: () => null,
    backup: () => unsupported('A team database is backed up by PostgreSQL (pg_dump, replicas), not by the workbench'),
    restore: () => unsupported('A team database is restored by PostgreSQL (pg_restore), not by the workbench'),

    onEvent(listenerFn) {
      listeners.add(listenerFn);
      return () => listeners.delete(listenerFn);
    },

    async close() {
      if (closed) return;
      queue.close();
      await idle();
      closed = true;
      clearInterval(ageTimer);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const unwritten = held.reduce((n, b) => n + b.batch.count, 0);
      if (down && (unwritten > 0 || lostGaps.length > 0)) {
        // Closing while the database is away: what waited cannot be written (nor its gap). Said, not silent.
        queue.writerFailed(
          new HistoryError('HISTORY_STORE_UNAVAILABLE', `Closed while the team history database was unreachable: ${unwritten} messages were not stored`, {
            unwritten,
            gaps: lostGaps.length,
          }),
        );
      }
      held = [];
      const last = listener;
      listener = null;
      await last?.end().catch(() => undefined);
      await store.close();
      queue.writerClosed();
    },
  };
  return history;
}
