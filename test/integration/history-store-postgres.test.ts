import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresHistoryStore, openPostgresHistoryStore } from '../../main/core/history/postgres';
import { PostgresQueries } from '../../main/core/history/postgres/postgres-queries';
import { POSTGRES_MIGRATIONS } from '../../main/core/history/postgres/postgres-migrations';
import { DAY_MS, dayStart, partitionName } from '../../main/core/history/postgres/day-partitions';
import { usePostgres } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { message } from '../support/history-fixtures';
import type { HistoryPage, PageRequest } from '../../main/core/history/types';
import { describeHistoryExport } from './history-export-behaviour';
import { type OpenStore, describeHistoryStore } from './history-store-behaviour';

// One throwaway cluster for the file (test/support/postgres.ts), a fresh database per store.
const cluster = usePostgres();

async function freshStore(options: { fullTextMaxBytes?: number } = {}): Promise<{ store: PostgresHistoryStore; url: string; close(): Promise<void> }> {
  const database = await cluster.createDatabase();
  const store = await openPostgresHistoryStore({ connectionString: database.url, ...options });
  return {
    store,
    url: database.url,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}

const openStore: OpenStore = async (options) => {
  const { store, close } = await freshStore(options);
  return {
    store,
    rawPayloadType: async () => (await store.pool.query<{ t: string }>('SELECT pg_typeof(payload)::text AS t FROM messages LIMIT 1')).rows[0]!.t,
    expectedPayloadType: 'bytea',
    close,
  };
};

describeHistoryStore('PostgreSQL', openStore);
describeHistoryExport('PostgreSQL', openStore);

describe('PostgreSQL history store: what only it has', () => {
  it('never uses OFFSET', () => {
    const queries = PostgresQueries.prototype as unknown as { page: () => void; compilePage: () => void };
    const source = queries.page.toString() + queries.compilePage.toString();
    expect(source).toMatch(/ORDER BY m\.ts/);
    expect(source).not.toMatch(/OFFSET/i);
  });

  it('two stores on one database (a recorder and a workbench) see each other’s writes', async () => {
    const first = await freshStore();
    const second = await openPostgresHistoryStore({ connectionString: first.url });
    try {
      await first.store.insert([message({ text: 'one' })]);
      expect(await second.count()).toBe(1);
      await second.insert([message({ topic: 'new/topic', text: 'two', timestamp: 1_700_000_000_001 })]);
      expect((await first.store.page()).messages.map((m) => m.topic)).toEqual(['new/topic', 'sensors/kitchen/temp']);
      expect(await first.store.totals()).toEqual({ messages: 2, bytes: 6 });
      expect(await first.store.count({ topicFilter: 'new/#' })).toBe(1);
      // Both write to a day neither has a partition for, at once: one creates it, neither fails.
      const day = Date.UTC(2020, 0, 1);
      await Promise.all([
        first.store.insert(Array.from({ length: 5 }, (_, i) => message({ topic: 'race/a', timestamp: day + i }))),
        second.insert(Array.from({ length: 5 }, (_, i) => message({ topic: 'race/b', timestamp: day + i }))),
      ]);
      expect(await second.count({ topicFilter: 'race/+' })).toBe(10);
    } finally {
      await second.close();
      await first.close();
    }
  });

  /** The partitions of messages and whether each has its trigram index (valid), by name. */
  async function trigramIndexes(store: PostgresHistoryStore): Promise<Record<string, boolean>> {
    const { rows } = await store.pool.query<{ name: string; indexed: boolean }>(
      `SELECT c.relname AS name, EXISTS (SELECT 1 FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                                         WHERE i.indrelid = c.oid AND i.indisvalid AND x.relname = c.relname || '_trgm') AS indexed
       FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'messages'::regclass`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.indexed]));
  }

  const today = (): string => partitionName(dayStart(Date.now()));

  it('lays messages out in day partitions, created as writes need them, and text-indexes each day with pg_trgm', async () => {
    const { store, close } = await freshStore();
    try {
      await store.insert([message({ timestamp: Date.UTC(2023, 10, 14, 23, 59) }), message({ timestamp: Date.UTC(2023, 10, 15, 0, 1) })]);
      // Today's partition (made ahead of writes) was indexed as it was created, empty.
      expect((await trigramIndexes(store))[today()]).toBe(true); // pg_trgm ships with Debian's postgresql package
      // Past days an import wrote to are indexed once its writes pause (here: at once, without waiting for that).
      await store.textIndex.buildIndexes(Date.now(), { quiet: false });
      expect(await trigramIndexes(store)).toMatchObject({ messages_d20231114: true, messages_d20231115: true, [today()]: true });
      // The search's condition matches the index's expression and predicate: usable (seq scans off
      // only so a two-row table does not make the planner prefer one).
      const client = await store.pool.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM messages m WHERE m.is_text AND m.payload_size BETWEEN 1 AND ${256 * 1024} AND history_text(m.payload) LIKE '%temp%'`,
        );
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Bitmap Index Scan on messages_d20231114_trgm/);
      } finally {
        client.release();
      }
    } finally {
      await close();
    }
  });

  it('keeps the trigram merge off the COPY: new rows wait in the pending list, are found by text search there, and the cleaner merges them', async () => {
    const { store, close } = await freshStore();
    try {
      await store.textIndex.stop(); // no background merge in this test: it merges by hand below
      const now = Date.now();
      await store.insert([message({ text: 'needle-in-pending', timestamp: now }), message({ text: 'hay', timestamp: now + 1 })]);
      const pendingPages = async (): Promise<number> =>
        (
          await store.pool.query<{ n: number }>(
            `SELECT coalesce(sum((gin_metapage_info(get_raw_page(x.relname, 0))).n_pending_tuples), 0)::int AS n
             FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid JOIN pg_class x ON x.oid = i.indexrelid
             WHERE h.inhparent = 'messages'::regclass AND x.relname LIKE '%\\_trgm'`,
          )
        ).rows[0]!.n;
      await store.pool.query('CREATE EXTENSION IF NOT EXISTS pageinspect');
      expect(await pendingPages()).toBeGreaterThanOrEqual(1);
      // Not yet merged into the index, and found.
      expect((await store.page({ query: { text: 'NEEDLE-in' } })).messages.map((m) => Buffer.from(m.payload).toString())).toEqual(['needle-in-pending']);
      await store.textIndex.clean();
      expect(await pendingPages()).toBe(0);
      expect(store.textIndex.merged).toBeGreaterThan(0);
      expect((await store.page({ query: { text: 'needle' } })).messages).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('hotTextIndex off: today is recorded without a trigram index and searched by reading it; a day that is over is indexed once its writes pause', async () => {
    const database = await cluster.createDatabase();
    const store = await openPostgresHistoryStore({ connectionString: database.url, hotTextIndex: false });
    try {
      const now = Date.now();
      const past = Date.UTC(2023, 10, 14, 12);
      await store.insert([message({ text: 'needle today', timestamp: now }), message({ text: 'needle then', timestamp: past }), message({ text: 'hay', timestamp: past + 1 })]);
      // This store just wrote to the past day: not indexed yet (an import goes on unindexed).
      expect(await store.textIndex.buildIndexes(now)).toBe(0);
      expect(await trigramIndexes(store)).toMatchObject({ [today()]: false, messages_d20231114: false });
      const texts = async (): Promise<string[]> => (await store.page({ query: { text: 'NEEDLE' } })).messages.map((m) => Buffer.from(m.payload).toString());
      expect(await texts()).toEqual(['needle today', 'needle then']);
      // Once the writes pause (or asked to not wait), the day that is over gets its index; today does not.
      expect(await store.textIndex.buildIndexes(now + 60_000)).toBe(1);
      expect(await trigramIndexes(store)).toMatchObject({ [today()]: false, messages_d20231114: true });
      expect(await texts()).toEqual(['needle today', 'needle then']);
      // Tomorrow, today is over: indexed then.
      expect(await store.textIndex.buildIndexes(dayStart(now) + 2 * DAY_MS, { quiet: false })).toBeGreaterThanOrEqual(1);
      expect((await trigramIndexes(store))[today()]).toBe(true);
    } finally {
      await store.close();
      await database.drop();
    }
  });

  it('a database from before per-day trigram indexes (migration 3) gets one on each day again, in the background', async () => {
    const database = await cluster.createDatabase();
    const old = await openPostgresHistoryStore({ connectionString: database.url });
    try {
      await old.insert([message({ text: 'needle', timestamp: Date.UTC(2023, 10, 14) })]);
      await old.textIndex.stop();
      // Back to schema 2: the partitioned table's own index, on every partition.
      await old.textIndex.buildIndexes(Date.now(), { quiet: false });
      for (const name of Object.keys(await trigramIndexes(old))) await old.pool.query(`DROP INDEX IF EXISTS ${name}_trgm`);
      await old.pool.query(`DELETE FROM schema_migrations WHERE version = 3;
        CREATE INDEX messages_text_trgm ON messages USING gin (history_text(payload) gin_trgm_ops) WHERE is_text AND payload_size BETWEEN 1 AND ${256 * 1024}`);
    } finally {
      await old.close();
    }
    const store = await openPostgresHistoryStore({ connectionString: database.url });
    try {
      expect((await store.pool.query("SELECT 1 FROM pg_indexes WHERE indexname = 'messages_text_trgm'")).rowCount).toBe(0);
      await store.textIndex.buildIndexes(Date.now(), { quiet: false });
      expect(await trigramIndexes(store)).toMatchObject({ messages_d20231114: true });
      expect((await store.page({ query: { text: 'needle' } })).messages).toHaveLength(1);
    } finally {
      await store.close();
      await database.drop();
    }
  });

  it('text pages walk the time order for common words and use the trigram index for rare ones: every page keyset-correct either way', async () => {
    const { store, close } = await freshStore();
    try {
      // 7000 rows, several per millisecond (ties broken by id); words of every density: a page is
      // filled by the first probe (common), by a longer walk (mid), only by the index after the walk
      // gives up (rare), or found only in the oldest rows (old).
      const t0 = Date.UTC(2023, 10, 14);
      const word = (i: number): string => (i % 3 === 0 ? 'common' : i % 150 === 7 ? 'mid' : i % 1000 === 11 ? 'rare' : i < 40 && i % 4 === 1 ? 'old' : 'hay');
      const rows = Array.from({ length: 7000 }, (_, i) => message({ topic: `t/${i % 5}`, text: `${word(i)} #${i}`, timestamp: t0 + Math.floor(i / 3) }));
      for (let i = 0; i < rows.length; i += 2000) await store.insert(rows.slice(i, i + 2000));
      await store.textIndex.buildIndexes(Date.now(), { quiet: false });
      const expected = (needle: string, keep: (i: number) => boolean, order: 'asc' | 'desc'): string[] => {
        const hits = rows.map((_, i) => i).filter((i) => word(i) === needle && keep(i));
        return (order === 'desc' ? hits.reverse() : hits).map((i) => `${needle} #${i}`);
      };
      const pages = async (request: PageRequest): Promise<string[]> => {
        const all: string[] = [];
        let cursor = null;
        do {
          const page: HistoryPage = await store.page({ ...request, cursor, limit: 50 });
          all.push(...page.messages.map((m) => Buffer.from(m.payload).toString()));
          cursor = page.nextCursor;
        } while (cursor);
        return all;
      };
      for (const needle of ['common', 'mid', 'rare', 'old']) {
        for (const order of ['desc', 'asc'] as const) {
          expect(await pages({ query: { text: needle.toUpperCase() }, order })).toEqual(expected(needle, () => true, order));
          // Two topics (one index range each) and a time range.
          const since = t0 + 100;
          expect(await pages({ query: { text: needle, topicFilter: 't/+', connectionKeys: ['c1'], since }, order })).toEqual(
            expected(needle, (i) => t0 + Math.floor(i / 3) >= since, order),
          );
          expect(await pages({ query: { text: needle, topicFilter: 't/2', since }, order })).toEqual(expected(needle, (i) => i % 5 === 2 && t0 + Math.floor(i / 3) >= since, order));
        }
      }
    } finally {
      await close();
    }
  });

  it('detects TimescaleDB at open and, without it (Debian ships none), keeps plain day partitions', async () => {
    const { store, close } = await freshStore();
    try {
      expect(store.timescale).toEqual({ installed: null, available: null });
      const { rows } = await store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'messages'::regclass");
      await store.insert([message({ timestamp: Date.UTC(2023, 10, 14) })]);
      const after = await store.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'messages'::regclass");
      expect(after.rows[0]!.n).toBeGreaterThan(rows[0]!.n);
    } finally {
      await close();
    }
  });

  it('refuses a database whose applied migration was edited, or that a newer version migrated', async () => {
    const { url, close } = await freshStore();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ checksum: string }>('SELECT checksum FROM schema_migrations WHERE version = 1');
      await client.query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = $1", [POSTGRES_MIGRATIONS[0]!.version]);
      await expect(openPostgresHistoryStore({ connectionString: url })).rejects.toMatchObject({ code: 'HISTORY_MIGRATION_EDITED' });
      await client.query('UPDATE schema_migrations SET checksum = $1 WHERE version = 1', [rows[0]!.checksum]);
      await client.query("INSERT INTO schema_migrations VALUES (999, 'from the future', 'x', 0)");
      await expect(openPostgresHistoryStore({ connectionString: url })).rejects.toMatchObject({ code: 'HISTORY_SCHEMA_TOO_NEW' });
    } finally {
      await client.end();
      await close();
    }
  });

  it('fails to open with HISTORY_OPEN_FAILED, saying why, when the server cannot be reached or the database is not UTF-8', async () => {
    const closedPort = await freePort();
    await expect(openPostgresHistoryStore({ connectionString: `postgres://postgres@127.0.0.1:${closedPort}/none` })).rejects.toMatchObject({
      code: 'HISTORY_OPEN_FAILED',
      message: expect.stringContaining('Cannot connect to the PostgreSQL history database') as string,
    });
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    try {
      await admin.query("CREATE DATABASE wb_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
      await expect(openPostgresHistoryStore({ connectionString: cluster.url('wb_latin1') })).rejects.toMatchObject({
        code: 'HISTORY_OPEN_FAILED',
        message: expect.stringContaining('UTF8') as string,
      });
    } finally {
      await admin.query('DROP DATABASE IF EXISTS wb_latin1');
      await admin.end();
    }
  });
});
