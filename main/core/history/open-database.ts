import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createPrivateFile, restrictToOwner } from '../files/private-files';
import { HistoryError } from './errors';
import { MIGRATIONS, type Migration, applyMigrations, planMigrations } from './migrations';

/** Told to the user when a damaged database was set aside and a fresh one started. */
export interface RecoveryReport {
  reason: string;
  /** Where the damaged file now lives (its -wal/-shm companions got the same new name + suffix). */
  movedTo: string;
}

export interface OpenedHistoryDatabase {
  db: Database.Database;
  path: string;
  schemaVersion: number;
  recovered: RecoveryReport | null;
  /** The copy taken before migrating, when migrations ran on an existing database. */
  backupPath: string | null;
  /** True when `PRAGMA quick_check` ran on open (and passed). */
  integrityChecked: boolean;
}

export interface OpenHistoryDatabaseOptions {
  migrations?: readonly Migration[];
  /**
   * `PRAGMA quick_check` on open. It reads the whole file (~2.5 s at 1M messages on a loaded
   * 2-core machine), so by default it runs only 'after-crash': when a non-empty WAL shows the last
   * run did not close the database. Damage to the header and schema is caught on every open anyway.
   */
  quickCheck?: boolean | 'after-crash';
  now?: () => Date;
}

export function stamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

function isCorruption(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT'));
}

function companions(path: string): string[] {
  return [`${path}-wal`, `${path}-shm`, `${path}-journal`];
}

/**
 * Renames the database and its companions to `<path>.<label>-<time>` (`corrupt` by default): never
 * deleted, the user may want it. (Closing the failed connection already let SQLite fold any valid
 * WAL frames into the main file and drop an empty or invalid WAL, so in practice the main file
 * carries everything.)
 */
export function moveAside(path: string, now: Date, label = 'corrupt'): string {
  const movedTo = `${path}.${label}-${stamp(now)}`;
  renameSync(path, movedTo);
  for (const file of companions(path)) {
    if (existsSync(file)) renameSync(file, movedTo + file.slice(path.length));
  }
  return movedTo;
}

function configure(db: Database.Database): void {
  // WAL: readers (queries, exports in the reader worker) never block the writer and vice versa.
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives a crash or kill -9 of the app; only an OS crash or power
  // loss may roll back the last transactions (the database stays consistent either way).
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
}

function openAndMigrate(path: string, migrations: readonly Migration[], options: OpenHistoryDatabaseOptions): Omit<OpenedHistoryDatabase, 'recovered'> {
  const crashed = existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0;
  const check = options.quickCheck === true || ((options.quickCheck ?? 'after-crash') === 'after-crash' && crashed);
  createPrivateFile(path);
  const db = new Database(path);
  try {
    configure(db);
    // WAL mode made the -wal/-shm files; a file from an older version may still be 0644.
    restrictToOwner(path, `${path}-wal`, `${path}-shm`);
    if (check) {
      const result = db.pragma('quick_check(1)', { simple: true });
      if (result !== 'ok') throw Object.assign(new Error(`quick_check: ${String(result)}`), { code: 'SQLITE_CORRUPT' });
    }
    const plan = planMigrations(db, migrations);
    let backupPath: string | null = null;
    if (plan.pending.length > 0) {
      if (plan.current > 0) {
        backupPath = `${path}.backup-v${plan.current}-${stamp((options.now ?? (() => new Date()))())}`;
        // A consistent, compacted copy (committed WAL content included) taken through SQLite itself.
        db.prepare('VACUUM INTO ?').run(backupPath);
        restrictToOwner(backupPath);
      }
      try {
        applyMigrations(db, plan.pending);
      } catch (error) {
        db.close();
        if (backupPath) {
          // The transaction already rolled back; restoring the copy also undoes anything a migration
          // did outside it, so the user is left exactly where they were.
          for (const file of companions(path)) rmSync(file, { force: true });
          copyFileSync(backupPath, path);
        }
        if (error instanceof HistoryError) {
          throw new HistoryError(error.code, `${error.message}${backupPath ? ` The database was restored from ${backupPath}.` : ''}`, {
            ...error.details,
            backupPath,
          });
        }
        throw error;
      }
    }
    const schemaVersion = plan.pending.length > 0 ? plan.pending[plan.pending.length - 1]!.version : plan.current;
    return { db, path, schemaVersion, backupPath, integrityChecked: check };
  } catch (error) {
    if (db.open) db.close();
    throw error;
  }
}

/**
 * Opens (creating if needed) the history database in WAL mode and brings its schema up to date.
 * A file that is not a database or is corrupt is moved aside and a fresh database is started; the
 * returned `recovered` says where the old file went so the UI can tell the user.
 */
export function openHistoryDatabase(path: string, options: OpenHistoryDatabaseOptions = {}): OpenedHistoryDatabase {
  const migrations = options.migrations ?? MIGRATIONS;
  try {
    return { ...openAndMigrate(path, migrations, options), recovered: null };
  } catch (error) {
    if (error instanceof HistoryError) throw error;
    if (!isCorruption(error)) {
      throw new HistoryError('HISTORY_OPEN_FAILED', `Cannot open the history database ${path}: ${(error as Error).message}`, { path });
    }
    const reason = `${(error as Error).message} (${(error as { code: string }).code})`;
    let movedTo: string;
    try {
      movedTo = moveAside(path, (options.now ?? (() => new Date()))());
    } catch (moveError) {
      throw new HistoryError(
        'HISTORY_OPEN_FAILED',
        `The history database ${path} is damaged (${reason}) and could not be moved aside: ${(moveError as Error).message}`,
        { path },
      );
    }
    return { ...openAndMigrate(path, migrations, options), recovered: { reason, movedTo } };
  }
}

/** A second, read-only connection for queries and exports (WAL lets it read while the writer writes). */
export function openHistoryReader(path: string): Database.Database {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}
