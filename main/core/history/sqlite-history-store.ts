import type Database from 'better-sqlite3';
import type { CodecScopes } from '../codecs/codec-scopes';
import type { RunCounts } from './crash-ledger';
import type { HistoryStore } from './history-store';
import type { PackedBatch } from './packed-batch';
import { StoreContext } from './store-context';
import { type QueryOptions, StoreQueries } from './store-queries';
import { StoreRetention } from './store-retention';
import { StoreWriter } from './store-writer';
import type { TopicIndex } from './topic-index';
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
} from './types';

export { DEFAULT_FULL_TEXT_MAX_BYTES, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './store-queries';

/**
 * History on one SQLite file: the writer (store-writer.ts), the queries (store-queries.ts) and
 * retention (store-retention.ts) over one connection. Synchronous (better-sqlite3) and free of any
 * threading, so it is tested directly; history-worker.ts runs one writable store and one read-only
 * store off the main thread.
 */
export class SqliteHistoryStore implements HistoryStore {
  private readonly context: StoreContext;
  private readonly queries: StoreQueries;
  private readonly retention: StoreRetention;
  private readonly writer: StoreWriter | null;

  constructor(
    readonly db: Database.Database,
    options: QueryOptions & { writable: boolean },
  ) {
    this.context = new StoreContext(db, options.writable);
    this.queries = new StoreQueries(this.context, options);
    this.retention = new StoreRetention(this.context);
    this.writer = options.writable ? new StoreWriter(this.context, this.queries) : null;
  }

  get topics(): TopicIndex {
    return this.context.topics;
  }

  private writes(): StoreWriter {
    if (this.writer === null) throw new Error('This history store is read-only');
    return this.writer;
  }

  // Writes
  writePacked(batches: readonly PackedBatch[], gaps: readonly HistoryGap[]): number {
    return this.writes().writePacked(batches, gaps);
  }
  insert(messages: readonly HistoryMessageInput[]): number {
    return this.writes().insert(messages);
  }
  recordGaps(gaps: readonly HistoryGap[]): void {
    this.writes().recordGaps(gaps);
  }
  setConnectionLabel(connectionKey: string, label: string, options: { ifUnnamed?: boolean } = {}): void {
    this.writes().setConnectionLabel(connectionKey, label, options);
  }
  clear(connectionKey: string, topicFilter?: string): number {
    return this.writes().clear(connectionKey, topicFilter);
  }
  /** From now on each writePacked also saves this run's committed counts (crash-ledger.ts). */
  trackRun(counts: RunCounts): void {
    this.writes().trackRun(counts);
  }
  get runCounts(): RunCounts | null {
    return this.writer?.runCounts ?? null;
  }
  /** The packed-batch topic keys learnt so far: a store on a fresh file (after a repair or restore) takes them over. */
  packedKeys(): [number, string, string][] {
    return this.writes().packedKeys();
  }
  adoptPackedKeys(keys: readonly [number, string, string][]): void {
    this.writes().adoptPackedKeys(keys);
  }

  // Queries
  page(request: PageRequest = {}): HistoryPage {
    return this.queries.page(request);
  }
  count(query: HistoryQuery = {}, codecs?: CodecScopes): number {
    return this.queries.count(query, codecs);
  }
  countUpTo(query: HistoryQuery = {}, upTo?: number, codecs?: CodecScopes): { count: number; capped: boolean } {
    return this.queries.countUpTo(query, upTo, codecs);
  }
  lastValues(connectionKey: string, topic: string, count: number): StoredMessage[] {
    return this.queries.lastValues(connectionKey, topic, count);
  }
  topicSummaries(connectionKey: string, limit: number, previewBytes: number): { topics: TopicSummary[]; truncated: boolean } {
    return this.queries.topicSummaries(connectionKey, limit, previewBytes);
  }
  gaps(connectionKey?: string): HistoryGap[] {
    return this.queries.gaps(connectionKey);
  }
  connections(): HistoryConnection[] {
    return this.queries.connections();
  }
  /** Messages and payload bytes in all; cached and kept in step by the writer, always fresh on a reader. */
  totals(): { messages: number; bytes: number } {
    return this.context.totals.totals();
  }
  /** Per-connection message and byte counts. */
  connectionTotals(): Map<string, { messages: number; bytes: number }> {
    return this.context.totals.connectionTotals();
  }

  // Retention
  enforceRetention(policy: RetentionPolicy, budget = 5000, now = Date.now()): number {
    return this.retention.enforceRetention(policy, budget, now);
  }

  close(): void {
    this.db.close();
  }
}
