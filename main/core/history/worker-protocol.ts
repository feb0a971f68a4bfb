import type { CodecScopes } from '../codecs/codec-scopes';
import type { SerializedHistoryError } from './errors';
import type { ExportOptions, ExportProgress, ExportResult, ImportOptions, ImportResult } from './export';
import type { Awaitable } from './history-store';
import type { RecoveryReport } from './open-database';
import type { PackedBatch } from './packed-batch';
import type { SalvageCounts } from './salvage';
import type { HistoryConnection, HistoryGap, HistoryPage, HistoryQuery, PageRequest, RetentionPolicy, StoredMessage, TopicSummary } from './types';

/** What the main thread hands each history worker at start. */
export interface HistoryWorkerData {
  /** checker: runs PRAGMA quick_check on its own read-only connection, reports, and exits. */
  role: 'writer' | 'reader' | 'indexer' | 'checker';
  path: string;
  fullTextMaxBytes?: number;
  /** Reader: attach the full-text index file (false when the indexer could not start). */
  useFullTextIndex?: boolean;
  quickCheck?: boolean | 'after-crash';
  /** Writer: this run's id, for the committed counts (crash-ledger.ts). */
  runId?: string;
  retention?: RetentionPolicy;
  /** Rows deleted per retention step between write batches. */
  retentionBudget?: number;
  /** Set by ts-worker-bootstrap.cjs users: the TypeScript entry to load (dev and tests only). */
  tsEntry?: string;
}

export interface OpenReport {
  schemaVersion: number;
  integrityChecked: boolean;
  recovered: RecoveryReport | null;
  backupPath: string | null;
  /** Writer: the file was damaged at open; a salvage of `recovered.movedTo` started (its end or failure comes as 'salvaged'). */
  salvaging?: boolean;
  /** Writer: messages the previous run accepted but had not committed when it was killed (recorded as gaps). */
  lostInCrash?: number;
}

/** The writer swaps its file: after damage (set aside, then salvaged) or to restore a backup. */
export type SwapRequest = { kind: 'repair'; reason: string } | { kind: 'restore'; from: string };

/** Posted by the writer when salvaging a damaged file finished (or failed). */
export interface SalvageOutcome {
  movedTo: string;
  counts: SalvageCounts;
  ms: number;
  error?: string;
}

/**
 * What the writer worker answers: method name -> signature, as the contract types its requests. A
 * call of a method a worker does not have, or with the wrong arguments, does not compile (see
 * WorkerChannel.call and the handlers in history-worker.ts).
 */
export interface WriterMethods {
  totals(): { messages: number; bytes: number };
  clear(connectionKey: string, topicFilter: string | undefined): number;
  describeConnection(connectionKey: string, label: string): null;
  /** Null: no retention. */
  setRetention(policy: RetentionPolicy | null): null;
  enforceRetention(policy: RetentionPolicy, budget: number | undefined): number;
  import(options: ImportOptions): ImportResult;
  swap(request: SwapRequest): { movedTo: string };
  backup(target: string): { path: string; bytes: number };
}

/** What the reader worker answers (queries and exports, on its own read-only connection). */
export interface ReaderMethods {
  page(request: PageRequest): HistoryPage;
  count(query: HistoryQuery, codecs?: CodecScopes): number;
  countUpTo(query: HistoryQuery, upTo: number, codecs?: CodecScopes): { count: number; capped: boolean };
  lastValues(connectionKey: string, topic: string, count: number): StoredMessage[];
  topicSummaries(connectionKey: string, limit: number, previewBytes: number): { topics: TopicSummary[]; truncated: boolean };
  gaps(connectionKey: string | undefined): HistoryGap[];
  connections(): HistoryConnection[];
  export(options: ExportOptions): ExportResult;
}

/** What a long call reports while it runs ('progress' messages); the other methods report nothing. */
export interface MethodProgress {
  import: { imported: number; total: number };
  export: ExportProgress;
}

export type MethodName<M> = keyof M & string;
export type MethodArgs<M, K extends keyof M> = M[K] extends (...args: infer A) => unknown ? A : never;
export type MethodResult<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R ? R : never;
export type ProgressOf<K> = K extends keyof MethodProgress ? MethodProgress[K] : never;

/** A worker's implementation of its methods: the arguments as sent, a signal for 'cancel', and progress. */
export type MethodHandlers<M> = {
  [K in MethodName<M>]: (
    args: MethodArgs<M, K>,
    context: { signal: AbortSignal; progress: (value: ProgressOf<K>) => void },
  ) => Awaitable<MethodResult<M, K>>;
};

/** A call as it crosses to the worker. */
export type CallMessage<M> = { [K in MethodName<M>]: { type: 'call'; id: number; method: K; args: MethodArgs<M, K> } }[MethodName<M>];

export type ToWorker =
  | { type: 'write'; seq: number; batch: PackedBatch; gaps: HistoryGap[] }
  | CallMessage<WriterMethods>
  | CallMessage<ReaderMethods>
  | { type: 'cancel'; id: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; report: OpenReport }
  | { type: 'fatal'; error: SerializedHistoryError }
  | { type: 'flushed'; seq: number; count: number; ms: number }
  | { type: 'write-failed'; seq: number; count: number; error: SerializedHistoryError }
  /** A write hit a damaged page: the batches are held (not lost) until the file is swapped. */
  | { type: 'damaged'; reason: string }
  | { type: 'salvaged'; outcome: SalvageOutcome }
  | { type: 'checked'; ok: boolean; detail: string; ms: number }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedHistoryError }
  | { type: 'progress'; id: number; progress: MethodProgress[keyof MethodProgress] }
  | { type: 'closed' };
