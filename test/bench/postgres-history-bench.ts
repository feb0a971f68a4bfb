/**
 * The PostgreSQL history store beside a bare binary COPY of the same rows into a plain table (no
 * indexes, no partitions) on the same throwaway cluster, in the same run: ingest by COPY and by
 * INSERT ... SELECT FROM unnest (the store's two methods), then page queries on what was ingested.
 * Part of `npm run bench -- history` (skip with --skip-postgres).
 */
import { openPostgresHistoryStore } from '../../main/core/history/postgres';
import { copyIn } from '../../main/core/history/postgres/copy-in';
import { COPY_COLUMNS, MessageColumns } from '../../main/core/history/postgres/message-columns';
import type { PostgresHistoryStore } from '../../main/core/history/postgres/postgres-history-store';
import type { HistoryMessageInput, PageRequest } from '../../main/core/history/types';
import { startPostgres } from '../support/postgres';
import { timePage } from './page-timing';

const BATCH = 5000;

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')} msg/s`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function runPostgresHistoryBench(messages: HistoryMessageInput[], sqliteStoreMs: number, cases: [string, (i: number) => PageRequest][]): Promise<void> {
  const cluster = await startPostgres();
  try {
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

    const ingestInto = async (method: 'copy' | 'unnest', withoutTextIndex = false): Promise<{ ms: number; store: PostgresHistoryStore; drop: () => Promise<void> }> => {
      const db = await cluster.createDatabase();
      const store = await openPostgresHistoryStore({ connectionString: db.url, ingest: method });
      if (withoutTextIndex) await store.pool.query('DROP INDEX messages_text_trgm');
      const t = performance.now();
      for (let i = 0; i < n; i += BATCH) await store.insert(messages.slice(i, i + BATCH));
      return { ms: performance.now() - t, store, drop: () => db.drop() };
    };
    const unnest = await ingestInto('unnest');
    await unnest.store.close();
    await unnest.drop();
    const untexted = await ingestInto('copy', true);
    await untexted.store.close();
    await untexted.drop();
    const untextedUnnest = await ingestInto('unnest', true);
    await untextedUnnest.store.close();
    await untextedUnnest.drop();
    const copy = await ingestInto('copy');

    console.log(`PostgreSQL (throwaway cluster, fsync off) ingest of ${n.toLocaleString('en-US')} messages, ${BATCH} per transaction`);
    console.log(`  bare binary COPY, plain table      : ${rate(n, bareMs)}`);
    console.log(`  store, COPY (partitions + indexes) : ${rate(n, copy.ms)}  (${(bareMs / copy.ms).toFixed(2)}x bare COPY, ${(sqliteStoreMs / copy.ms).toFixed(2)}x SQLite store.insert)`);
    console.log(`  store, INSERT ... FROM unnest      : ${rate(n, unnest.ms)}  (${(bareMs / unnest.ms).toFixed(2)}x bare COPY)`);
    console.log(`  store, COPY, no trigram index      : ${rate(n, untexted.ms)}  (${(bareMs / untexted.ms).toFixed(2)}x bare COPY: the text index's share)`);
    console.log(`  store, unnest, no trigram index    : ${rate(n, untextedUnnest.ms)}  (${(bareMs / untextedUnnest.ms).toFixed(2)}x bare COPY)`);

    started = performance.now();
    await copy.store.pool.query('VACUUM ANALYZE messages');
    console.log(`queries at ${n.toLocaleString('en-US')} rows (after VACUUM ANALYZE, ${((performance.now() - started) / 1000).toFixed(1)} s), 200-row pages (ms)`);
    for (const [name, request] of cases) {
      const times: number[] = [];
      for (let i = 0; i < 30; i++) times.push(await timePage((r) => copy.store.page(r), name, request(i)));
      times.sort((a, b) => a - b);
      console.log(`  ${name.padEnd(36)} p50 ${percentile(times, 50).toFixed(1).padStart(7)}  p99 ${percentile(times, 99).toFixed(1).padStart(7)}`);
    }
    await copy.store.close();
    await copy.drop();
  } finally {
    await cluster.stop();
  }
}
