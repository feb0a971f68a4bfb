/**
 * History figures, printed (not asserted): `npm run bench -- history` once main/cli wires it, or
 *   node -r ./main/core/history/ts-worker-bootstrap.cjs main/core/history/bench/history-bench.ts [--rows N] [--ingest N]
 * 1. ingest: the batched writer (worker thread, through append/flush) vs a bare better-sqlite3
 *    insert loop of the same rows, and the store alone, 64-byte payloads;
 * 2. queries at --rows stored messages: p50/p99 of a 200-row page for a wildcard topic filter,
 *    a time range and full text, plus last-N values of a topic;
 * 3. export of all rows to NDJSON and CSV: MB/s and peak resident memory growth;
 * 4. the PostgreSQL store beside a bare binary COPY of the same rows, and its queries (postgres-history-bench.ts; --skip-postgres);
 *    --pg-rows N builds N rows in PostgreSQL for its query, size and export figures (default 0: the
 *    ingest's rows are queried), e.g. `--pg-rows 10000000 --rows 0 --skip-durable` for 10 million;
 * 5. durable capture's cost, off and on, beside mosquitto_sub (durable-capture-bench.ts; --skip-durable).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHistory } from '../../main/core/history/create-history';
import { exportMessages } from '../../main/core/history/export';
import { FtsIndexer, ftsPathFor, openFtsDatabase } from '../../main/core/history/fts-indexer';
import { DEFAULT_FULL_TEXT_MAX_BYTES, SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
import { openHistoryDatabase } from '../../main/core/history/open-database';
import type { HistoryMessageInput, PageRequest } from '../../main/core/history/types';
import { runDurableCaptureBench } from './durable-capture-bench';
import { timePage } from './page-timing';
import { runPostgresHistoryBench } from './postgres-history-bench';

let argv: string[] = [];

function arg(name: string, fallback: number): number {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
}

let ROWS = 1_000_000;
let INGEST = 300_000;
let dir = '';
const T0 = 1_700_000_000_000;
const WORDS = ['ok', 'idle', 'running', 'warning', 'online', 'standby'];

/** Two connections, keyed as the app keys them (a saved profile, an endpoint typed in). */
const CONNECTION_KEYS = ['profile:9f2c4e1a7b3d5e60', 'endpoint:4be1c0d29a7f3e85b6d2a1c0'] as const;

/** 64-byte JSON payloads on 1000 topics; 1 in 1000 says "alarm", 1 in 100k says "meltdown". */
function makeMessage(i: number): HistoryMessageInput {
  const word = i % 100_000 === 7 ? 'meltdown' : i % 1000 === 3 ? 'alarm' : WORDS[i % WORDS.length]!;
  const text = `{"v":${(i % 977) / 10},"s":"${word}","n":${i}}`;
  return {
    connectionKey: CONNECTION_KEYS[i % 10 === 0 ? 1 : 0],
    direction: 'in',
    topic: `site/${i % 10}/dev/${Math.floor(i / 10) % 100}/temp`,
    payload: Buffer.from(text.padEnd(64, ' ')),
    qos: (i % 3) as 0 | 1 | 2,
    retain: false,
    dup: false,
    // 10 messages per millisecond of simulated time.
    timestamp: T0 + Math.floor(i / 10),
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function rate(n: number, ms: number): string {
  return `${Math.round((n / ms) * 1000).toLocaleString('en-US')} msg/s`;
}

async function ingest(): Promise<void> {
  const messages = Array.from({ length: INGEST }, (_, i) => makeMessage(i));

  // Bare loop: same rows, one prepared INSERT into a table of the same columns, no indexes, 10k per transaction.
  const bare = new Database(join(dir, 'bare.db'));
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = NORMAL');
  bare.exec('CREATE TABLE m (id INTEGER PRIMARY KEY, connection_id TEXT, topic TEXT, direction INTEGER, ts INTEGER, qos INTEGER, retain INTEGER, dup INTEGER, payload BLOB)');
  const insert = bare.prepare('INSERT INTO m (connection_id, topic, direction, ts, qos, retain, dup, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertMany = bare.transaction((batch: HistoryMessageInput[]) => {
    for (const m of batch) insert.run(m.connectionKey, m.topic, 0, m.timestamp, m.qos, 0, 0, m.payload);
  });
  let started = performance.now();
  for (let i = 0; i < messages.length; i += 10_000) insertMany(messages.slice(i, i + 10_000));
  const bareMs = performance.now() - started;
  bare.close();

  // The floor for this schema: the same bare loop (no service, no topic lookups, ids resolved
  // beforehand) into the store's own tables and indexes, once as shipped and once without the
  // topic index, so the bench shows what the indexes alone cost beside the unindexed loop.
  const schemaFloorMs = bareSchemaLoop(messages, 'schema.db', true);
  const noTopicIndexMs = bareSchemaLoop(messages, 'schema-no-topic-index.db', false);

  // The store alone (schema and indexes), same thread, 5k per transaction; then the full-text
  // indexer over the same rows (in the app it runs in parallel, in its own worker and file).
  const opened = openHistoryDatabase(join(dir, 'store.db'));
  const store = new SqliteHistoryStore(opened.db, { writable: true });
  started = performance.now();
  for (let i = 0; i < messages.length; i += 5000) store.insert(messages.slice(i, i + 5000));
  const storeMs = performance.now() - started;
  const indexMs = indexAll(join(dir, 'store.db'));
  opened.db.close();

  // The service: append on this thread, commits in the writer worker. Sustained: appends paced in
  // 1000-message slices, backpressure allowed to drop (reported), bound generous enough to not.
  const history = await createHistory({ path: join(dir, 'service.db'), maxPendingMessages: INGEST });
  let appendMs = 0;
  started = performance.now();
  for (let i = 0; i < messages.length; i += 1000) {
    const sliceStart = performance.now();
    for (let j = i; j < Math.min(i + 1000, messages.length); j++) history.append(messages[j]!.connectionKey, messages[j]!);
    appendMs += performance.now() - sliceStart;
    await new Promise((resolve) => setImmediate(resolve));
  }
  await history.flush();
  const serviceMs = performance.now() - started;
  const stats = history.stats();
  await history.close();

  console.log(`ingest of ${INGEST.toLocaleString('en-US')} messages, 64-byte payloads`);
  console.log(`  bare better-sqlite3 insert loop : ${rate(INGEST, bareMs)}`);
  console.log(`  bare loop, store's schema, no topic index : ${rate(INGEST, noTopicIndexMs)}  (${(bareMs / noTopicIndexMs).toFixed(2)}x bare)`);
  console.log(`  bare loop, store's schema + indexes (floor): ${rate(INGEST, schemaFloorMs)}  (${(bareMs / schemaFloorMs).toFixed(2)}x bare)`);
  console.log(`  store.insert (schema + indexes) : ${rate(INGEST, storeMs)}  (${(bareMs / storeMs).toFixed(2)}x bare)`);
  console.log(`  full-text indexer (own thread)  : ${rate(INGEST, indexMs)}`);
  console.log(`  service append -> worker commit : ${rate(stats.written, serviceMs)}  (${(bareMs / serviceMs).toFixed(2)}x bare, ${(schemaFloorMs / serviceMs).toFixed(2)}x the schema floor), dropped ${stats.dropped}`);
  console.log(`  main-thread cost of append      : ${((appendMs / INGEST) * 1000).toFixed(2)} µs/message (the rest runs in the worker)`);
  if (!argv.includes('--skip-postgres')) await runPostgresHistoryBench(messages, storeMs, { pgRows: arg('pg-rows', 0), make: makeMessage, casesFor: queryCases });
}

/**
 * A bare better-sqlite3 loop into a fresh file with the store's migrations applied: topic rows made
 * first, then one prepared INSERT per message, 10k per transaction like the bare loop. No service
 * code runs, so this is the fastest any writer of this schema can go in one thread. With
 * `topicIndex` false the (topic_id, ts) index is dropped first, to show what it costs alone.
 */
function bareSchemaLoop(messages: readonly HistoryMessageInput[], file: string, topicIndex: boolean): number {
  const { db } = openHistoryDatabase(join(dir, file));
  if (!topicIndex) db.exec('DROP INDEX messages_topic_ts');
  const topicIds = new Map<string, number>();
  const addTopic = db.prepare('INSERT INTO topics (connection_key, name) VALUES (?, ?)');
  for (const m of messages) {
    const key = `${m.connectionKey}\n${m.topic}`;
    if (!topicIds.has(key)) topicIds.set(key, Number(addTopic.run(m.connectionKey, m.topic).lastInsertRowid));
  }
  const ids = messages.map((m) => topicIds.get(`${m.connectionKey}\n${m.topic}`)!);
  const insert = db.prepare(
    'INSERT INTO messages (topic_id, direction, ts, qos, retain, dup, packet_id, payload_size, properties, payload) VALUES (?, 0, ?, ?, 0, 0, NULL, ?, NULL, ?)',
  );
  const insertMany = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const m = messages[i]!;
      insert.run(ids[i], m.timestamp, m.qos, m.payload.byteLength, m.payload);
    }
  });
  const started = performance.now();
  for (let i = 0; i < messages.length; i += 10_000) insertMany(i, Math.min(i + 10_000, messages.length));
  const ms = performance.now() - started;
  db.close();
  return ms;
}

/** Runs the full-text indexer to the end; returns the time it took. */
function indexAll(path: string): number {
  const fts = openFtsDatabase(path);
  const source = new Database(path, { readonly: true });
  const indexer = new FtsIndexer(source, fts.db, DEFAULT_FULL_TEXT_MAX_BYTES);
  const started = performance.now();
  while (indexer.step(5000) > 0);
  const ms = performance.now() - started;
  source.close();
  fts.db.close();
  return ms;
}

let firstPageP50 = 0;
/** After the deep page: its p50 as a multiple of the first page's (target at most 1.5x). */
function depthRatio(name: string, sorted: number[]): string {
  const p50 = percentile(sorted, 50);
  if (name.includes('first page')) firstPageP50 = p50;
  return name.includes('deep') && firstPageP50 > 0 ? `  (${(p50 / firstPageP50).toFixed(2)}x the first page)` : '';
}

/** The page queries both stores are timed on, over `rows` messages made by makeMessage. */
function queryCases(rows: number): [string, (i: number) => PageRequest][] {
  const span = Math.floor(rows / 10);
  return [
    ['wildcard site/+/dev/7/temp', () => ({ query: { topicFilter: 'site/+/dev/7/temp' }, limit: 200 })],
    ['wildcard site/3/#', () => ({ query: { topicFilter: 'site/3/#' }, limit: 200 })],
    ['time range (random 10 s window)', (i) => ({ query: { since: T0 + ((i * 7919) % span), until: T0 + ((i * 7919) % span) + 10_000 }, limit: 200 })],
    ['full text "alarm" (1 in 1000)', () => ({ query: { text: 'alarm' }, limit: 200 })],
    ['full text "meltdown" (1 in 100k)', () => ({ query: { text: 'meltdown' }, limit: 200 })],
    ['wildcard + full text + time', (i) => ({ query: { topicFilter: 'site/+/dev/+/temp', text: 'warning', since: T0 + ((i * 7919) % span) }, limit: 200 })],
    ['unfiltered, first page', () => ({ limit: 200 })],
    ['unfiltered, page 50 deep (keyset)', () => ({ limit: 200 })],
  ];
}

async function queries(): Promise<Database.Database> {
  // --keep FILE reuses (or leaves behind) the built database, to rerun queries without rebuilding.
  const keepIndex = argv.indexOf('--keep');
  const path = keepIndex >= 0 ? argv[keepIndex + 1]! : join(dir, 'big.db');
  const opened = openHistoryDatabase(path);
  const store = new SqliteHistoryStore(opened.db, { writable: true });
  const started = performance.now();
  for (let i = store.count(); i < ROWS; i += 20_000) {
    const batch: HistoryMessageInput[] = [];
    for (let j = i; j < Math.min(i + 20_000, ROWS); j++) batch.push(makeMessage(j));
    store.insert(batch);
  }
  const builtMs = performance.now() - started;
  opened.db.pragma('wal_checkpoint(TRUNCATE)');
  indexAll(path);
  console.log(`\n${ROWS.toLocaleString('en-US')} rows (built in ${(builtMs / 1000).toFixed(1)} s), file ${(statSync(path).size / 1e6).toFixed(0)} MB`);
  opened.db.pragma('wal_checkpoint(TRUNCATE)');

  const cases = queryCases(ROWS);
  const reader = new SqliteHistoryStore(new Database(path, { readonly: true }), { writable: false, ftsPath: ftsPathFor(path) });
  console.log(`queries at ${ROWS.toLocaleString('en-US')} rows, 200-row pages (ms)`);
  for (const [name, request] of cases) {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) times.push(await timePage((r) => reader.page(r), name, request(i)));
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(36)} p50 ${percentile(times, 50).toFixed(1).padStart(7)}  p99 ${percentile(times, 99).toFixed(1).padStart(7)}${depthRatio(name, times)}`);
  }
  const lastTimes: number[] = [];
  for (let i = 0; i < 60; i++) {
    const t = performance.now();
    reader.lastValues(CONNECTION_KEYS[i % 10 === 0 ? 1 : 0], `site/${i % 10}/dev/${i % 100}/temp`, 100);
    lastTimes.push(performance.now() - t);
  }
  lastTimes.sort((a, b) => a - b);
  console.log(`  ${'last 100 values of one topic'.padEnd(36)} p50 ${percentile(lastTimes, 50).toFixed(1).padStart(7)}  p99 ${percentile(lastTimes, 99).toFixed(1).padStart(7)}`);
  let t = performance.now();
  const exact = reader.count({ topicFilter: 'site/3/#' });
  console.log(`  exact count site/3/# = ${exact}: ${(performance.now() - t).toFixed(1)} ms`);
  t = performance.now();
  reader.count();
  console.log(`  exact count of everything: ${(performance.now() - t).toFixed(1)} ms`);
  opened.db.close();
  return reader.db;
}

async function benchExports(readerDb: Database.Database): Promise<void> {
  const reader = new SqliteHistoryStore(readerDb, { writable: false }); // exports need no text index
  console.log(`export of ${ROWS.toLocaleString('en-US')} rows`);
  for (const format of ['ndjson', 'csv'] as const) {
    const path = join(dir, `export.${format}`);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const result = await exportMessages(reader, { path, format, payloadEncoding: 'utf8' });
    const ms = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(
      `  ${format.padEnd(6)} ${(result.bytes / 1e6).toFixed(0)} MB in ${(ms / 1000).toFixed(1)} s = ${(result.bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s, peak RSS growth ${((peak - baseline) / 1e6).toFixed(0)} MB`,
    );
    rmSync(path, { force: true });
  }
  readerDb.close();
}

/** Entry for a `bench` command line (`npm run bench -- history [--rows N] [--ingest N] ...`). */
export async function runHistoryBench(args: string[]): Promise<void> {
  argv = args;
  ROWS = arg('rows', 1_000_000);
  INGEST = arg('ingest', 300_000);
  dir = mkdtempSync(join(tmpdir(), 'history-bench-'));
  try {
    if (INGEST > 0) await ingest();
    else if (arg('pg-rows', 0) > 0 && !argv.includes('--skip-postgres')) await runPostgresHistoryBench([], 0, { pgRows: arg('pg-rows', 0), make: makeMessage, casesFor: queryCases });
    if (ROWS > 0) {
      const reader = await queries();
      if (argv.includes('--skip-export')) reader.close();
      else await benchExports(reader);
    }
    if (!argv.includes('--skip-durable')) {
      const children: ChildProcess[] = [];
      try {
        await runDurableCaptureBench(children, arg('durable', 40_000));
      } finally {
        for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void runHistoryBench(process.argv.slice(2));
