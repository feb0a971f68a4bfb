import type { Pool, PoolClient } from 'pg';
import { DAY_MS, type DayPartitions } from './day-partitions';
import { TEXT_INDEX_DEFINITION } from './postgres-migrations';

/**
 * The trigram index's pending list, in kilobytes, for the store's write transactions (SET LOCAL).
 * GIN with fastupdate (PostgreSQL's default) appends new rows' entries to an unsorted pending list
 * and merges it into the index in one sorted pass once it exceeds this size; at the default 4 MB the
 * writer pays that merge inside its COPY every few batches. 64 MB lets TextIndexCleaner (on its own
 * connection, between writes) do the merging instead. Searches read the pending list too, so a row
 * not yet merged is still found.
 */
export const TEXT_PENDING_LIST_KB = 64 * 1024;

/** How long after a write the cleaner merges the pending lists and looks for days to index. */
const CLEAN_DELAY_MS = 250;
/** A day this store wrote to within this long is not indexed yet (an import into a past day goes in unindexed, then is indexed in one pass). */
const QUIET_MS = 10_000;

/** A partition's trigram index: its own name, so it can be found, merged and built again. */
export function textIndexName(partition: string): string {
  return `${partition}_trgm`;
}

/**
 * The trigram index of each day partition (migration 3), and its upkeep, on pooled connections of
 * its own, off the writes' path:
 * - `hotTextIndex` (the default): a day's partition is indexed as it is created (empty, so at once),
 *   and every COPY adds its rows' trigrams to the pending list, which `clean` merges after writes.
 * - `hotTextIndex: false` (a recorder that must keep up with a fast feed): today's partition is not
 *   indexed, so a COPY pays no trigram extraction (about 3x cheaper); once a day is over and this
 *   store has not written to it for QUIET_MS, its index is built in one pass (CREATE INDEX
 *   CONCURRENTLY: writes go on). Until then a text search reads that day's rows (same results).
 * A past day an import writes to is indexed once the import pauses, in either mode.
 * Best effort: without pg_trgm, or as a role that may not (it needs the table's ownership), text
 * search reads the rows, as before.
 */
export class TextIndexCleaner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disabled = false;
  private stopped = false;
  /** Per partition start (ms): when this store last wrote to it. */
  private readonly lastWrite = new Map<number, number>();
  private trigram: Promise<boolean> | undefined;
  /** Entries merged so far (pending-list pages), for the bench. */
  merged = 0;
  /** Indexes built by this store, for the bench and tests. */
  built = 0;

  constructor(
    private readonly pool: Pool,
    private readonly partitions: DayPartitions,
    readonly hotTextIndex: boolean,
  ) {}

  /** pg_trgm is in the database (migration 2 creates it when it can). */
  private available(): Promise<boolean> {
    this.trigram ??= this.pool
      .query<{ ok: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') AS ok")
      .then((r) => r.rows[0]?.ok === true)
      .catch(() => {
        this.trigram = undefined;
        return false;
      });
    return this.trigram;
  }

  /**
   * DayPartitions' hook, after it created a partition: with hotTextIndex, its index now, while it is
   * empty (instant; an import's past day waits for the quiet pass instead).
   */
  async created(client: PoolClient, partition: string, from: number, now = Date.now()): Promise<void> {
    if (!this.hotTextIndex || this.disabled || from + DAY_MS <= now || !(await this.available())) return;
    try {
      await client.query(`CREATE INDEX IF NOT EXISTS ${textIndexName(partition)} ON ${partition} ${TEXT_INDEX_DEFINITION}`);
    } catch (error) {
      if (!this.denied(error)) throw error;
    }
  }

  /** A write committed to these days (partition starts): merge and look for due indexes soon (one timer for a burst). */
  noteWrite(days: Iterable<number> = [], now = Date.now()): void {
    for (const day of days) this.lastWrite.set(day, now);
    this.schedule(CLEAN_DELAY_MS);
  }

  private schedule(delay: number): void {
    if (this.disabled || this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.running)
        this.running = (async () => {
          await this.clean();
          await this.buildIndexes().catch(() => 0);
          // A day left waiting for this store's writes to pause: look again once they may have.
          if (this.waiting > 0) this.schedule(QUIET_MS);
        })().finally(() => (this.running = undefined));
    }, delay);
    this.timer.unref?.();
  }

  /** Partitions skipped by the last buildIndexes because this store wrote to them lately. */
  private waiting = 0;

  /** Merges every trigram index's pending list now; resolves when done (also what a bench or test waits on). */
  async clean(): Promise<void> {
    if (this.disabled) return;
    try {
      const { rows } = await this.pool.query<{ n: number }>(
        `SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid)), 0)::bigint AS n
         FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid JOIN pg_class c ON c.oid = i.indexrelid
         WHERE h.inhparent = 'messages'::regclass AND i.indisvalid AND c.relname LIKE '%\\_trgm'`,
      );
      this.merged += Number(rows[0]?.n ?? 0);
    } catch (error) {
      // Other errors (a dropped connection) are retried at the next write.
      this.denied(error);
    }
  }

  /**
   * Builds the trigram index of every partition that should have one and has none (or a broken one,
   * left by a build that was cut short): all of them with hotTextIndex, else the days that are over.
   * `quiet: false` (a bench, a test) does not wait for this store's writes to a day to pause.
   * Resolves with the number built.
   */
  buildIndexes(now = Date.now(), { quiet = true } = {}): Promise<number> {
    // One pass at a time: a caller waits for the background pass, then finds what it left.
    const pass = this.building.then(() => this.buildPass(now, quiet));
    this.building = pass.catch(() => 0);
    return pass;
  }

  private building: Promise<number> = Promise.resolve(0);

  private async buildPass(now: number, quiet: boolean): Promise<number> {
    if (this.disabled || !(await this.available())) return 0;
    const { rows } = await this.pool.query<{ name: string; valid: boolean | null }>(
      `SELECT c.relname AS name, (SELECT i.indisvalid FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                                   WHERE i.indrelid = c.oid AND x.relname = c.relname || '_trgm') AS valid
       FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'messages'::regclass`,
    );
    const missing = new Map(rows.filter((r) => r.valid !== true).map((r) => [r.name, r.valid]));
    let built = 0;
    this.waiting = 0;
    for (const partition of await this.partitions.list()) {
      if (!missing.has(partition.name) || this.stopped) continue;
      if (!this.hotTextIndex && partition.to > now) continue; // today (and tomorrow): not yet
      if (quiet && now - (this.lastWrite.get(partition.from) ?? -Infinity) < QUIET_MS) {
        this.waiting++;
        continue;
      }
      const name = textIndexName(partition.name);
      const client = await this.pool.connect();
      try {
        this.builder = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
        if (this.stopped) break;
        // A GIN build sorts its entries in memory; at the server's default 64 MB a 10M-row day spills for minutes.
        await client.query("SET maintenance_work_mem = '256MB'");
        // CONCURRENTLY: writes to the day go on meanwhile. A build cut short leaves an invalid index: dropped, built again.
        if (missing.get(partition.name) === false) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
        await client.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${partition.name} ${TEXT_INDEX_DEFINITION}`);
        built++;
        this.built++;
      } catch (error) {
        // Not allowed: stop trying. Anything else (another store building the same index, a dropped
        // partition, a lost connection): the next pass tries again.
        if (this.denied(error)) break;
      } finally {
        this.builder = undefined;
        await client.query('RESET maintenance_work_mem').catch(() => undefined);
        client.release();
      }
    }
    return built;
  }

  /** 42501 insufficient_privilege (not the table's owner): this role cannot maintain the indexes, so the cleaner stops. */
  private denied(error: unknown): boolean {
    const code = (error as { code?: string }).code;
    if (code === '42501') this.disabled = true;
    return code === '42501';
  }

  /** The server process building an index now, so that stop() can cancel it. */
  private builder: number | undefined;

  /** Stops the upkeep; a build under way (minutes for a big day) is cancelled, not waited for: the next start builds it again. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.builder !== undefined) await this.pool.query('SELECT pg_cancel_backend($1)', [this.builder]).catch(() => undefined);
    await this.running;
    await this.building;
  }
}
