import type { Pool, PoolClient } from 'pg';

export const DAY_MS = 86_400_000;

/** The day (UTC) a timestamp falls in, as the start of that day in milliseconds. */
export function dayStart(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

/** messages_d20231114: a partition's name says its UTC day (negative days, before 1970, too). */
export function partitionName(start: number): string {
  const iso = new Date(start).toISOString(); // 2023-11-14T..., or ±YYYYYY-... outside years 0-9999
  const date = iso.slice(0, iso.indexOf('T'));
  return `messages_d${date.startsWith('-') ? 'm' : ''}${date.replace(/\D/g, '')}`;
}

/**
 * The messages table's day partitions: created before a write needs them (for today and tomorrow
 * ahead, and for any older day an import brings), listed and dropped by retention. Created outside
 * the write's transaction, so a rolled-back write never leaves this cache believing in a partition
 * that is not there; another store creating the same day at once is harmless (IF NOT EXISTS, and
 * the race's error is taken as "exists").
 */
export class DayPartitions {
  private readonly known = new Set<number>();
  /** Called after this store created a partition, on the same connection (the trigram index of a new day: text-index-cleaner.ts). */
  onCreate: ((client: PoolClient, name: string, from: number) => Promise<void>) | undefined;

  constructor(private readonly pool: Pool) {}

  /** Makes sure the partitions of these timestamps' days exist (and today's and tomorrow's); returns the days the timestamps fall in. */
  async ensure(timestamps: Iterable<number>, now = Date.now()): Promise<Set<number>> {
    const written = new Set<number>();
    let last = NaN;
    for (const ts of timestamps) {
      // A batch is mostly one day: skip the division for a run of the same millisecond range.
      if (ts >= last && ts < last + DAY_MS) continue;
      last = dayStart(ts);
      written.add(last);
    }
    const days = new Set<number>([dayStart(now), dayStart(now) + DAY_MS, ...written]);
    const missing = [...days].filter((day) => !this.known.has(day));
    if (missing.length === 0) return written;
    const client = await this.pool.connect();
    try {
      for (const start of missing) await this.create(client, start);
    } finally {
      client.release();
    }
    return written;
  }

  private async create(client: PoolClient, start: number): Promise<void> {
    const name = partitionName(start);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF messages FOR VALUES FROM (${start}) TO (${start + DAY_MS})`);
      await this.onCreate?.(client, name, start);
    } catch (error) {
      // 42P07 duplicate_table / 23505 unique_violation on the catalog: another store made it just now.
      const code = (error as { code?: string }).code;
      if (code !== '42P07' && code !== '23505') throw error;
    }
    this.known.add(start);
  }

  /** Every partition with its range, oldest first. */
  async list(client: PoolClient | Pool = this.pool): Promise<{ name: string; from: number; to: number }[]> {
    const { rows } = await client.query<{ name: string; bound: string }>(
      `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'messages'::regclass`,
    );
    const parts: { name: string; from: number; to: number }[] = [];
    for (const row of rows) {
      const match = /FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)/.exec(row.bound);
      if (match) parts.push({ name: row.name, from: Number(match[1]), to: Number(match[2]) });
    }
    return parts.sort((a, b) => a.from - b.from);
  }

  /** Drops one partition (its rows go with it, no per-row work); it is created again if written to. */
  async drop(client: PoolClient, partition: { name: string; from: number }): Promise<void> {
    await client.query(`DROP TABLE IF EXISTS ${partition.name}`);
    this.known.delete(partition.from);
  }

  /** After a transaction that dropped partitions rolled back: check every day again. */
  forget(): void {
    this.known.clear();
  }
}
