import type { SerializedHistoryError } from './errors';
import type { RecoveryReport } from './open-database';
import type { PackedBatch } from './packed-batch';
import type { HistoryGap, RetentionPolicy } from './types';

/** What the main thread hands each history worker at start. */
export interface HistoryWorkerData {
  role: 'writer' | 'reader' | 'indexer';
  path: string;
  fullTextMaxBytes?: number;
  /** Reader: attach the full-text index file (false when the indexer could not start). */
  useFullTextIndex?: boolean;
  quickCheck?: boolean | 'after-crash';
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
}

export type ToWorker =
  | { type: 'write'; seq: number; batch: PackedBatch; gaps: HistoryGap[] }
  | { type: 'call'; id: number; method: string; args: unknown[] }
  | { type: 'cancel'; id: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready'; report: OpenReport }
  | { type: 'fatal'; error: SerializedHistoryError }
  | { type: 'flushed'; seq: number; count: number; ms: number }
  | { type: 'write-failed'; seq: number; count: number; error: SerializedHistoryError }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedHistoryError }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'closed' };
