/** The history's public surface for the core wiring (create-core.ts) and the contract handlers. */
export { createHistory } from './create-history';
export type { ExportHandle, HistoryEvent, ImportHandle, HistoryOptions, History, HistoryStats } from './create-history';
export { HistoryError } from './errors';
export type { HistoryErrorCode } from './errors';
export type { ExportFormat, ExportOptions, ExportProgress, ExportResult, ImportOptions, ImportResult, PayloadEncoding } from './export';
export type { RecoveryReport } from './open-database';
export type {
  HistoryConnection,
  HistoryCursor,
  HistoryGap,
  HistoryMessage,
  HistoryMessageInput,
  HistoryPage,
  HistoryQuery,
  PageRequest,
  RetentionLimits,
  RetentionPolicy,
  StoredMessage,
} from './types';
export type { HistoryStore } from './history-store';
export type { OpenReport } from './worker-protocol';
