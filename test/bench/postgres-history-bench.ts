/**
 * The PostgreSQL history store beside a bare binary COPY of the same rows into a plain table (no
 * indexes, no partitions) on the same throwaway cluster, in the same run: ingest by COPY and by
 * INSERT ... SELECT FROM unnest (the store's two methods), then page queries on what was ingested.
 * Part of `npm run bench -- history` (skip with --skip-postgres).
 *
 * Measured 2026-12-07 23:06-23:22 UTC, `npm run bench -- history --pg-rows 10000000 --rows 0
 * --skip-durable`, on the shared 2-core machine loaded by other jobs (load average 12-18 during the
 * run, so every figure is a lower bound; the throwaway cluster runs with fsync and synchronous_commit
 * off, so these are not durable-server figures):
 *   ingest of 300,000 messages of today, 5000 per transaction
 *     bare binary COPY, plain table           : 162,191 msg/s
 *     store, COPY, today text-indexed (default): 31,067 msg/s  (0.19x bare COPY)
 *     store, unnest, today text-indexed        : 26,372 msg/s  (0.16x bare COPY)
 *     store, COPY, hotTextIndex: false         : 59,599 msg/s  (0.37x bare COPY)
 *     store, unnest, hotTextIndex: false       : 44,577 msg/s  (0.27x bare COPY)
 *   10,000,000 rows: built in 391.1 s (25,571 msg/s, a past day written unindexed), trigram index
 *   built 350.4 s after, VACUUM ANALYZE 2.3 s; 2786 MB = 279 MB per million messages (rows 1413 MB,
 *   indexes 1365 MB of which trigram 325 MB)
 *   queries at 10,000,000 rows, 200-row pages (ms)
 *     wildcard site/+/dev/7/temp           p50    12.0  p99    52.9
 *     wildcard site/3/#                    p50    10.9  p99    30.3
 *     time range (random 10 s window)      p50     3.7  p99    13.6
 *     full text "alarm" (1 in 1000)        p50   104.5  p99   164.1
 *     full text "meltdown" (1 in 100k)     p50    17.3  p99    62.6
 *     wildcard + full text + time          p50    13.2  p99    39.2
 *     unfiltered, first page               p50     2.8  p99    11.4
 *     unfiltered, page 50 deep (keyset)    p50     1.6  p99     9.6
 *   export of site/3/# (1,000,000 of 10,000,000 rows) to NDJSON: 405 MB in 33.0 s = 12.2 MB/s
 *     memory: RSS 376 MB before, peak 380 MB (+4 MB), 380 MB after; JS heap 141 MB before, peak 149 MB (+8 MB)
 * The same bench before the text-page walk (same day, load 15-23): "alarm" p99 2.2 s (the planner
 * walked the time index for the trigram fallback), the rest alike. On a quiet moment (load ~1,
 * 300k rows, an exploratory run): bare COPY 377k msg/s, into the partitioned table with its two
 * btree indexes 229k (0.61x), plus the trigram index 76k (0.20x): the GIN extraction is most of the
 * cost, the two btrees the rest. 100k msg/s was not reached with the store under load: 0.37x of
 * bare COPY with hotTextIndex off.
 */
import { openPostgresHistoryStore } from '../../main/core/history/postgres';
import { copyIn } from '../../main/core/history/postgres/copy-in';
import { COPY_COLUMNS, MessageColumns } from '../../main/core/history/postgres/message-columns';
import type { PostgresHistoryStore } from '../../main/core/history/postgres/postgres-history-store';
import { exportMessages } from '../../main/core/history/export';
import type { HistoryMessageInput, PageRequest } from '../../main/core/history/types';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Postgres, startPostgres } from '../support/postgres';
import { timePage } from './page-timing';

const BATCH = 5000;

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')} msg/s`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface PostgresBenchOptions {
  /** Rows for the query figures (--pg-rows): built with `make`, then queried, sized and exported. 0: query the ingest's rows. */
  pgRows: number;
  make: (i: number) => HistoryMessageInput;
  casesFor: (rows: number) => [string, (i: number) => PageRequest][];
}

export async function runPostgresHistoryBench(messages: HistoryMessageInput[], sqliteStoreMs: number, options: PostgresBenchOptions): Promise<void> {
  const cluster = await startPostgres();
  try {
    if (messages.length > 0) await ingestFigures(cluster, messages, sqliteStoreMs, options.pgRows > 0 ? null : options.casesFor(messages.length));
    if (options.pgRows > 0) await bigFigures(cluster, options);
  } finally {
    await cluster.stop();
  }
}

async function timeCases(store: PostgresHistoryStore, cases: [string, (i: number) => PageRequest][], runs: number): Promise<void> {
  for (const [name, request] of cases) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await timePage((r) => store.page(r), name, request(i)));
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(36)} p50 ${percentile(times, 50).toFixed(1).padStart(7)}  p99 ${percentile(times, 99).toFixed(1).padStart(7)}`);
  }
}

/** --pg-rows N: N rows built through the store, then page queries, size per million rows and export memory. */
async function bigFigures(cluster: Postgres, { pgRows: n, make, casesFor }: PostgresBenchOptions): Promise<void> {
  const db = await cluster.createDatabase();
  const store = await openPostgresHistoryStore({ connectionString: db.url });
  const dir = mkdtempSync(join(tmpdir(), 'pg-bench-'));
  try {
    const timescale = store.timescale.installed ? `TimescaleDB ${store.timescale.installed} installed` : store.timescale.available ? `TimescaleDB ${store.timescale.available} available, not installed` : 'no TimescaleDB';
    console.log(`\nPostgreSQL at ${n.toLocaleString('en-US')} rows (${timescale}: plain day partitions)`);
    const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
    // Built as an import into a past day: unindexed while written, its trigram index built once after
    // (figures on the way, at 1 or 3 million rows, would index it early and slow the rest down).
    const checkpoints = [n];
    const BIG_BATCH = 20_000;
    let built = 0;
    let buildMs = 0;
    for (const checkpoint of checkpoints) {
      let started = performance.now();
      for (; built < checkpoint; built += BIG_BATCH) {
        const batch: HistoryMessageInput[] = [];
        for (let j = built; j < Math.min(built + BIG_BATCH, checkpoint); j++) batch.push(make(j));
        await store.insert(batch);
      }
      built = checkpoint;
      buildMs += performance.now() - started;
      // A past day written in bulk (an import) is indexed once the writes pause; here at once.
      started = performance.now();
      await store.textIndex.buildIndexes(Date.now(), { quiet: false });
      await store.textIndex.clean();
      const mergeMs = performance.now() - started;
      started = performance.now();
      await store.pool.query('VACUUM ANALYZE messages');
      const vacuumMs = performance.now() - started;
      const { rows } = await store.pool.query<{ db: number; heap: number; idx: number; trgm: number }>(
        `SELECT pg_database_size(current_database())::bigint AS db,
                (SELECT sum(pg_table_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'messages'::regclass)::bigint AS heap,
                (SELECT sum(pg_indexes_size(inhrelid)) FROM pg_inherits WHERE inhparent = 'messages'::regclass)::bigint AS idx,
                (SELECT sum(pg_relation_size(i.indexrelid)) FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid JOIN pg_class x ON x.oid = i.indexrelid
                 WHERE h.inhparent = 'messages'::regclass AND x.relname LIKE '%\\_trgm')::bigint AS trgm`,
      );
      const size = rows[0]!;
      const perMillion = (bytes: number): string => `${(bytes / 1e6 / (built / 1e6)).toFixed(0)} MB`;
      console.log(`${built.toLocaleString('en-US')} rows: built in ${(buildMs / 1000).toFixed(1)} s so far (${rate(built, buildMs)}), trigram index built or merged ${(mergeMs / 1000).toFixed(1)} s after, VACUUM ANALYZE ${(vacuumMs / 1000).toFixed(1)} s`);
      console.log(`  database ${mb(size.db)} = ${perMillion(size.db)} per million messages (rows ${mb(size.heap)}, indexes ${mb(size.idx)} of which trigram ${mb(size.trgm)})`);
      console.log(`queries at ${built.toLocaleString('en-US')} rows, 200-row pages (ms)`);
      await timeCases(store, casesFor(built), 40);
    }

    const filter = 'site/3/#';
    const path = join(dir, 'export.ndjson');
    global.gc?.();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sample = (): void => {
      const now = process.memoryUsage();
      peakRss = Math.max(peakRss, now.rss);
      peakHeap = Math.max(peakHeap, now.heapUsed);
    };
    const sampler = setInterval(sample, 20);
    const started = performance.now();
    // Keyset pages of 5000 rows written as they come: memory stays flat whatever the row count.
    const result = await exportMessages(store, { path, format: 'ndjson', payloadEncoding: 'utf8', query: { topicFilter: filter } });
    const ms = performance.now() - started;
    clearInterval(sampler);
    sample();
    const after = process.memoryUsage();
    console.log(
      `export of ${filter} (${result.count.toLocaleString('en-US')} of ${n.toLocaleString('en-US')} rows) to NDJSON: ${(result.bytes / 1e6).toFixed(0)} MB in ${(ms / 1000).toFixed(1)} s = ${(result.bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`,
    );
    console.log(
      `  memory: RSS ${mb(baseline.rss)} before, peak ${mb(peakRss)} (+${mb(peakRss - baseline.rss)}), ${mb(after.rss)} after; JS heap ${mb(baseline.heapUsed)} before, peak ${mb(peakHeap)} (+${mb(peakHeap - baseline.heapUsed)})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
    await db.drop();
  }
}

async function ingestFigures(cluster: Postgres, messages: HistoryMessageInput[], sqliteStoreMs: number, cases: [string, (i: number) => PageRequest][] | null): Promise<void> {
  {
    const n = messages.length;

    // Bare: the same rows, the same binary COPY bytes, into a plain table; topics numbered up front.
    const bareDb = await cluster.createDatabase();
    const bareStore = await openPostgresHistoryStore({ connectionString: bareDb.url });
    const client = await bareStore.pool.connect();
    await client.query(`CREATE TABLE bare (ts bigint, topic_id integer, direction smallint, qos smallint, retain boolean, dup boolean,
      packet_id integer, payload_size integer, is_text boolean, properties text, payload bytea)`);
    const topicIds = new Map<string, number>();
    let started = performance.now();
    for (let i = 0; i < n; i += BATCH) {
      const columns = new MessageColumns(256 * 1024);
      for (const m of messages.slice(i, i + BATCH)) {
        const key = `${m.connectionKey}\u0000${m.topic}`;
        let id = topicIds.get(key);
        if (id === undefined) topicIds.set(key, (id = topicIds.size + 1));
        columns.push(id, { ts: m.timestamp, direction: 0, qos: m.qos, retain: false, dup: false, packetId: null, properties: null, payload: m.payload });
      }
      await copyIn(client, `COPY bare (${COPY_COLUMNS}) FROM STDIN (FORMAT binary)`, columns.copyData());
    }
    const bareMs = performance.now() - started;
    client.release();
    await bareStore.close();
    await bareDb.drop();

    // The store as a recorder writes: rows of today (the hot partition), shifted from the shared
    // rows' 2023 timestamps, so today's trigram index (or its absence) is what is measured.
    const shift = Date.now() - messages[0]!.timestamp;
    const live = messages.map((m) => ({ ...m, timestamp: m.timestamp + shift }));
    const ingestInto = async (method: 'copy' | 'unnest', hotTextIndex: boolean): Promise<{ ms: number; store: PostgresHistoryStore; drop: () => Promise<void> }> => {
      const db = await cluster.createDatabase();
      const store = await openPostgresHistoryStore({ connectionString: db.url, ingest: method, hotTextIndex });
      const t = performance.now();
      for (let i = 0; i < n; i += BATCH) await store.insert(live.slice(i, i + BATCH));
      return { ms: performance.now() - t, store, drop: () => db.drop() };
    };
    const unnest = await ingestInto('unnest', true);
    await unnest.store.close();
    await unnest.drop();
    const cold = await ingestInto('copy', false);
    await cold.store.close();
    await cold.drop();
    const coldUnnest = await ingestInto('unnest', false);
    await coldUnnest.store.close();
    await coldUnnest.drop();
    const copy = await ingestInto('copy', true);
    started = performance.now();
    await copy.store.textIndex.clean();
    const mergeMs = performance.now() - started;

    console.log(`PostgreSQL (throwaway cluster: fsync, synchronous_commit and full_page_writes off, so not durable figures) ingest of ${n.toLocaleString('en-US')} messages of today, ${BATCH} per transaction`);
    console.log(`  bare binary COPY, plain table          : ${rate(n, bareMs)}`);
    console.log(`  store, COPY, today text-indexed (default): ${rate(n, copy.ms)}  (${(bareMs / copy.ms).toFixed(2)}x bare COPY, ${(sqliteStoreMs / copy.ms).toFixed(2)}x SQLite store.insert)`);
    console.log(`    trigram pending list merged by the store's cleaner (own connection): ${copy.store.textIndex.merged.toLocaleString('en-US')} entries during, the rest ${mergeMs.toFixed(0)} ms after the last COPY`);
    console.log(`  store, unnest, today text-indexed      : ${rate(n, unnest.ms)}  (${(bareMs / unnest.ms).toFixed(2)}x bare COPY)`);
    console.log(`  store, COPY, hotTextIndex: false       : ${rate(n, cold.ms)}  (${(bareMs / cold.ms).toFixed(2)}x bare COPY: today indexed when the day is over)`);
    console.log(`  store, unnest, hotTextIndex: false     : ${rate(n, coldUnnest.ms)}  (${(bareMs / coldUnnest.ms).toFixed(2)}x bare COPY)`);

    if (cases) {
      started = performance.now();
      await copy.store.pool.query('VACUUM ANALYZE messages');
      console.log(`queries at ${n.toLocaleString('en-US')} rows (after VACUUM ANALYZE, ${((performance.now() - started) / 1000).toFixed(1)} s), 200-row pages (ms)`);
      // The cases' time windows are in the shared rows' time: moved by the same shift.
      const moved = (request: PageRequest): PageRequest => {
        const q = request.query ?? {};
        return { ...request, query: { ...q, ...(q.since !== undefined ? { since: q.since + shift } : {}), ...(q.until !== undefined ? { until: q.until + shift } : {}) } };
      };
      await timeCases(copy.store, cases.map(([name, request]) => [name, (i: number) => moved(request(i))]), 30);
    }
    await copy.store.close();
    await copy.drop();
  }
}
