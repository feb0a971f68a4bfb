import type { CodecScopes } from '../codecs/codec-scopes';
import type { PackedBatch } from './packed-batch';
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

/** A value now or later: the SQLite store answers synchronously (on its worker), a database server would not. */
export type Awaitable<T> = T | Promise<T>;

/** Messages in, and deletions. */
export interface HistoryWrites {
  /** One flush of the write queue: packed batches (packed-batch.ts) and the gaps recorded with them, in one transaction. */
  writePacked(batches: readonly PackedBatch[], gaps: readonly HistoryGap[]): Awaitable<number>;
  /** Plain messages (an import, a salvage) in one transaction. */
  insert(messages: readonly HistoryMessageInput[]): Awaitable<number>;
  recordGaps(gaps: readonly HistoryGap[]): Awaitable<void>;
  /** The latest label wins; `ifUnnamed`: only a connection still labelled by its bare key takes it. */
  setConnectionLabel(connectionKey: string, label: string, options?: { ifUnnamed?: boolean }): Awaitable<void>;
  /** Deletes a connection's history, or only the topics matching `topicFilter` on it. */
  clear(connectionKey: string, topicFilter?: string): Awaitable<number>;
}

export interface HistoryQueries {
  /** One page, newest first unless asked otherwise; keyset paging. */
  page(request?: PageRequest): Awaitable<HistoryPage>;
  /** `codecs`: the rules a text search reads covered topics with (see PageRequest.codecs). */
  count(query?: HistoryQuery, codecs?: CodecScopes): Awaitable<number>;
  /** Counts up to `upTo` and says whether there are more. */
  countUpTo(query?: HistoryQuery, upTo?: number, codecs?: CodecScopes): Awaitable<{ count: number; capped: boolean }>;
  lastValues(connectionKey: string, topic: string, count: number): Awaitable<StoredMessage[]>;
  topicSummaries(connectionKey: string, limit: number, previewBytes: number): Awaitable<{ topics: TopicSummary[]; truncated: boolean }>;
  gaps(connectionKey?: string): Awaitable<HistoryGap[]>;
  connections(): Awaitable<HistoryConnection[]>;
  totals(): Awaitable<{ messages: number; bytes: number }>;
}

export interface HistoryRetention {
  /** Deletes the oldest messages beyond the limits, at most `budget` rows; call again while it returns `budget`. */
  enforceRetention(policy: RetentionPolicy, budget?: number, now?: number): Awaitable<number>;
}

/**
 * Where history keeps messages: the seam between the history (its write queue, its events, the
 * service) and a storage engine. Today's is SQLite (sqlite-history-store.ts, run on worker threads);
 * a second (PostgreSQL) implements the same and passes the same behaviour tests.
 */
export interface HistoryStore extends HistoryWrites, HistoryQueries, HistoryRetention {
  close(): Awaitable<void>;
}
