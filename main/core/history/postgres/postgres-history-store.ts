import pg from 'pg';
import type { CodecScopes } from '../../codecs/codec-scopes';
import { HistoryError } from '../errors';
import type { HistoryStore } from '../history-store';
import type { PackedBatch } from '../packed-batch';
import { DEFAULT_FULL_TEXT_MAX_BYTES } from '../store-queries';
import type {
  HistoryConnection,
  HistoryGap,
  HistoryMessageInput,
  HistoryPage,
  HistoryQuery,
  PageRequest,
  RetentionPolicy,
  StoredMessage,
  TopicSummary,
} from '../types';
import { DayPartitions } from './day-partitions';
import { migratePostgres } from './postgres-migrations';
import { PostgresQueries } from './postgres-queries';
import { PostgresRetention } from './postgres-retention';
import { PostgresTopicIndex } from './postgres-topic-index';
import { type IngestMethod, PostgresWriter } from './postgres-writer';
import { TextIndexCleaner } from './text-index-cleaner';

export interface PostgresHistoryOptions {
  /** postgres://user@host:port/database (a password, TLS: pg's connection options in `pool`). */
  connectionString?: string;
  /** Any further node-postgres pool settings (password, ssl, max connections...). */
  pool?: pg.PoolConfig;
  /** Text payloads up to this size are text-searched (as SQLite's store); the trigram index holds those up to 256 KiB. */
  fullTextMaxBytes?: number;
  /** How batches go in (the bench compares them); see DEFAULT_INGEST. */
  ingest?: IngestMethod;
  /**
   * true (default): today's partition is text-indexed as it is written. false: a day is indexed once
   * it is over, so recording pays no trigram extraction (a fast feed's choice; text search of today's
   * rows then reads them). See text-index-cleaner.ts.
   */
  hotTextIndex?: boolean;
}

/** Binary COPY: measured in `npm run bench -- history` against unnest (see the README's figures). */
export const DEFAULT_INGEST: IngestMethod = 'copy';

const INT8_OID = 20;

/**
 * TimescaleDB on the server, detected at open: `installed` (its version) when the extension is in
 * this database, `available` when the server could install it. Reported (the bench prints it, the
 * recorder can log it); the schema stays plain day partitions either way for now: a hypertable with
 * compression is the wish, but it could not be tried here (TimescaleDB is not in Debian), so
 * the store does not convert a table on a server it cannot test against.
 */
export interface TimescaleSupport {
  installed: string | null;
  available: string | null;
}

/** Reads what the server says about TimescaleDB (both catalog views are readable by any role). */
export async function detectTimescale(client: Pick<pg.PoolClient, 'query'>): Promise<TimescaleSupport> {
  const { rows } = await client.query<{ installed: string | null; available: string | null }>(
    `SELECT (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS installed,
            (SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb') AS available`,
  );
  return { installed: rows[0]?.installed ?? null, available: rows[0]?.available ?? null };
}

/**
 * bigint columns (ids, timestamps in ms, counts) as numbers: every value the store keeps is below
 * 2^53 (a timestamp until the year 287396, ids and counts likewise), which the contract's
 * `number` fields need. Per pool, not pg's global parsers, so nothing else in the process changes.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * History on a PostgreSQL database, for a team that shares one capture: the same HistoryStore
 * contract and behaviour as SqliteHistoryStore, asynchronous (node-postgres over a pool). The
 * writer (postgres-writer.ts), the queries (postgres-queries.ts) and retention
 * (postgres-retention.ts) share the pool, the topic index and the day partitions. Open it with
 * `openPostgresHistoryStore`, which migrates the schema first.
 */
export class PostgresHistoryStore implements HistoryStore {
  readonly topics: PostgresTopicIndex;
  private readonly partitions: DayPartitions;
  private readonly writer: PostgresWriter;
  private readonly queries: PostgresQueries;
  private readonly retention: PostgresRetention;
  /** Merges the trigram index's pending list after writes, off the COPY's path. */
  readonly textIndex: TextIndexCleaner;
  private closed = false;

  private constructor(
    readonly pool: pg.Pool,
    fullTextMaxBytes: number,
    ingest: IngestMethod,
    /** TimescaleDB as found at open (detectTimescale). */
    readonly timescale: TimescaleSupport,
    hotTextIndex: boolean,
  ) {
    this.topics = new PostgresTopicIndex(pool);
    this.partitions = new DayPartitions(pool);
    this.textIndex = new TextIndexCleaner(pool, this.partitions, hotTextIndex);
    this.partitions.onCreate = (client, name, from) => this.textIndex.created(client, name, from);
    this.writer = new PostgresWriter(pool, this.topics, this.partitions, fullTextMaxBytes, ingest, this.textIndex);
    this.queries = new PostgresQueries(pool, this.topics, fullTextMaxBytes);
    this.retention = new PostgresRetention(pool, this.topics, this.partitions);
  }

  static async open(options: PostgresHistoryOptions): Promise<PostgresHistoryStore> {
    const pool = new pg.Pool({
      ...(options.connectionString !== undefined ? { connectionString: options.connectionString } : {}),
      ...options.pool,
      types,
    });
    // An idle pooled connection that the server drops is not an unhandled error; the next query reconnects.
    pool.on('error', () => undefined);
    // ...nor is one that drops while checked out between two queries (a transaction's): pg emits
    // 'error' on the client then, which would end the process; the next query on it fails instead.
    pool.on('connect', (client) => client.on('error', () => undefined));
    let timescale: TimescaleSupport = { installed: null, available: null };
    try {
      const client = await pool.connect().catch((error: unknown) => {
        throw new HistoryError('HISTORY_OPEN_FAILED', `Cannot connect to the PostgreSQL history database: ${(error as Error).message}`);
      });
      try {
        const { rows } = await client.query<{ server_encoding: string }>('SHOW server_encoding');
        // Text search reads payloads with convert_from(..., 'UTF8'), which needs a UTF-8 database.
        if (rows[0]?.server_encoding !== 'UTF8') {
          throw new HistoryError('HISTORY_OPEN_FAILED', `The PostgreSQL history database must use the UTF8 encoding (it uses ${rows[0]?.server_encoding}): CREATE DATABASE ... ENCODING 'UTF8'`);
        }
        await migratePostgres(client);
        timescale = await detectTimescale(client);
      } finally {
        client.release();
      }
      const store = new PostgresHistoryStore(pool, options.fullTextMaxBytes ?? DEFAULT_FULL_TEXT_MAX_BYTES, options.ingest ?? DEFAULT_INGEST, timescale, options.hotTextIndex ?? true);
      await store.topics.refresh();
      // Days without their trigram index (a database from before migration 3, a build cut short): built in the background.
      store.textIndex.noteWrite();
      return store;
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  private open(): void {
    if (this.closed) throw new HistoryError('HISTORY_CLOSED', 'This history store is closed');
  }

  // Writes
  writePacked(batches: readonly PackedBatch[], gaps: readonly HistoryGap[]): Promise<number> {
    this.open();
    return this.writer.writePacked(batches, gaps);
  }
  insert(messages: readonly HistoryMessageInput[]): Promise<number> {
    this.open();
    return this.writer.insert(messages);
  }
  recordGaps(gaps: readonly HistoryGap[]): Promise<void> {
    this.open();
    return this.writer.recordGaps(gaps);
  }
  setConnectionLabel(connectionKey: string, label: string, options: { ifUnnamed?: boolean } = {}): Promise<void> {
    this.open();
    return this.writer.setConnectionLabel(connectionKey, label, options);
  }
  async clear(connectionKey: string, topicFilter?: string): Promise<number> {
    this.open();
    const ids = (await this.queries.topicIds({ connectionKeys: [connectionKey], ...(topicFilter !== undefined ? { topicFilter } : {}) })) ?? [];
    return this.writer.clear(connectionKey, ids, topicFilter === undefined);
  }

  // Queries
  page(request: PageRequest = {}): Promise<HistoryPage> {
    this.open();
    return this.queries.page(request);
  }
  count(query: HistoryQuery = {}, codecs?: CodecScopes): Promise<number> {
    this.open();
    return this.queries.count(query, codecs);
  }
  countUpTo(query: HistoryQuery = {}, upTo?: number, codecs?: CodecScopes): Promise<{ count: number; capped: boolean }> {
    this.open();
    return this.queries.countUpTo(query, upTo, codecs);
  }
  lastValues(connectionKey: string, topic: string, count: number): Promise<StoredMessage[]> {
    this.open();
    return this.queries.lastValues(connectionKey, topic, count);
  }
  topicSummaries(connectionKey: string, limit: number, previewBytes: number): Promise<{ topics: TopicSummary[]; truncated: boolean }> {
    this.open();
    return this.queries.topicSummaries(connectionKey, limit, previewBytes);
  }
  gaps(connectionKey?: string): Promise<HistoryGap[]> {
    this.open();
    return this.queries.gaps(connectionKey);
  }
  connections(): Promise<HistoryConnection[]> {
    this.open();
    return this.queries.connections();
  }
  /** Counted afresh each time: other stores (a recorder, a colleague's import) write to the same database. */
  totals(): Promise<{ messages: number; bytes: number }> {
    this.open();
    return this.queries.totals();
  }
  connectionTotals(): Promise<Map<string, { messages: number; bytes: number }>> {
    this.open();
    return this.queries.connectionTotals();
  }

  // Retention
  enforceRetention(policy: RetentionPolicy, budget = 5000, now = Date.now()): Promise<number> {
    this.open();
    return this.retention.enforceRetention(policy, budget, now);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.textIndex.stop();
    await this.pool.end();
  }
}

export function openPostgresHistoryStore(options: PostgresHistoryOptions): Promise<PostgresHistoryStore> {
  return PostgresHistoryStore.open(options);
}
