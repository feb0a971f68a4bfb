/**
 * Stable codes for every history failure. They are not in shared/contract/errors.ts yet (history
 * is not wired into the contract); when it is, these names move there unchanged.
 */
export type HistoryErrorCode =
  | 'HISTORY_OPEN_FAILED' // the database file could not be opened or created at all
  | 'HISTORY_SCHEMA_TOO_NEW' // the file was migrated by a newer app; we refuse to touch it
  | 'HISTORY_MIGRATION_EDITED' // an applied migration's checksum differs from the shipped one
  | 'HISTORY_MIGRATION_FAILED' // a migration threw; the pre-migration backup was restored
  | 'HISTORY_CLOSED' // a request after close()
  | 'HISTORY_WORKER_FAILED' // the history worker thread died
  | 'HISTORY_INVALID_QUERY' // a query that cannot be run (bad topic filter, bad cursor)
  | 'HISTORY_EXPORT_UNWRITABLE' // the export path cannot be created or written
  | 'HISTORY_EXPORT_DISK_FULL' // ENOSPC / EDQUOT while exporting
  | 'HISTORY_EXPORT_CANCELLED' // the user cancelled an export
  | 'HISTORY_IMPORT_INVALID' // an import file that is not one of our export formats
  | 'HISTORY_DAMAGED' // SQLite found a damaged page: the file is set aside and what can be read is recovered
  | 'HISTORY_BACKUP_FAILED' // a backup copy could not be written
  | 'HISTORY_RESTORE_INVALID' // a file offered for restore is not a readable history database
  | 'HISTORY_UNSUPPORTED' // not something this store does (a team database is backed up by PostgreSQL, not by the workbench)
  | 'HISTORY_READ_ONLY' // the database role may read history but not change it (PostgreSQL 42501)
  | 'HISTORY_STORE_UNAVAILABLE'; // the history database cannot be reached now (it reconnects by itself)

export class HistoryError extends Error {
  override readonly name = 'HistoryError';
  constructor(
    readonly code: HistoryErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Plain-object form that survives postMessage (Error subclasses lose their fields). */
export interface SerializedHistoryError {
  code: HistoryErrorCode | 'INTERNAL';
  message: string;
  details?: Record<string, unknown>;
}

export function serializeError(error: unknown): SerializedHistoryError {
  if (error instanceof HistoryError) {
    return error.details ? { code: error.code, message: error.message, details: error.details } : { code: error.code, message: error.message };
  }
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

export function deserializeError(error: SerializedHistoryError): HistoryError | Error {
  if (error.code === 'INTERNAL') return new Error(error.message);
  return new HistoryError(error.code, error.message, error.details);
}
