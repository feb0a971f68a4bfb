import type { Pool } from 'pg';

/**
 * The trigram index's pending list, in kilobytes, for the store's write transactions (SET LOCAL).
 * GIN with fastupdate (PostgreSQL's default) appends new rows' entries to an unsorted pending list
 * and merges it into the index in one sorted pass once it exceeds this size; at the default 4 MB the
 * writer pays that merge inside its COPY every few batches. 64 MB lets TextIndexCleaner (on its own
 * connection, between writes) do the merging instead. Searches read the pending list too, so a row
 * not yet merged is still found.
 */
export const TEXT_PENDING_LIST_KB = 64 * 1024;

/** How long after a write the cleaner merges the pending lists. */
const CLEAN_DELAY_MS = 250;

/**
 * Moves GIN maintenance off the hot insert path: after writes, on a pooled connection of its own,
 * `gin_clean_pending_list` merges the pending lists of the partitions' trigram indexes into the
 * indexes, so a COPY into messages only appends to the list. Measured by `npm run bench -- history`
 * (store COPY with and without the trigram index, beside a bare COPY). Best effort: a role that may
 * not (it needs the index's ownership) leaves the merging to the writer and autovacuum, as before.
 */
export class TextIndexCleaner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private disabled = false;
  private stopped = false;
  /** Entries merged so far (pending-list pages), for the bench. */
  merged = 0;

  constructor(private readonly pool: Pool) {}

  /** A write committed: merge soon (one timer for a burst of writes). */
  noteWrite(): void {
    if (this.disabled || this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.running) this.running = this.clean().finally(() => (this.running = undefined));
    }, CLEAN_DELAY_MS);
    this.timer.unref?.();
  }

  /** Merges every trigram index's pending list now; resolves when done (also what a bench or test waits on). */
  async clean(): Promise<void> {
    if (this.disabled) return;
    try {
      const { rows } = await this.pool.query<{ n: number }>(
        `SELECT coalesce(sum(gin_clean_pending_list(i.indexrelid)), 0)::bigint AS n
         FROM pg_inherits h JOIN pg_index i ON i.indexrelid = h.inhrelid
         WHERE h.inhparent = to_regclass('messages_text_trgm')`,
      );
      this.merged += Number(rows[0]?.n ?? 0);
    } catch (error) {
      // 42501 insufficient_privilege: not the indexes' owner (a colleague's workbench). Other errors
      // (a dropped connection) are retried at the next write.
      if ((error as { code?: string }).code === '42501') this.disabled = true;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
