import type { SerializedHistoryError } from './errors';
import type { RecoveryReport } from './open-database';
import type { PackedBatch } from './packed-batch';
import type { SalvageCounts } from './salvage';
import type { HistoryGap, RetentionPolicy } from './types';

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
  /** A write hit a damaged page: the batches are held (not lost) until the file is swapped. */
  | { type: 'damaged'; reason: string }
  | { type: 'salvaged'; outcome: SalvageOutcome }
  | { type: 'checked'; ok: boolean; detail: string; ms: number }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedHistoryError }
  | { type: 'progress'; id: number; progress: unknown }
  | { type: 'closed' };
