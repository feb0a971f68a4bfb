import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { HistoryError } from './errors';
import { MIGRATIONS } from './migrations';
import { restrictToOwner } from '../files/private-files';

/**
 * A consistent copy of a live database through SQLite's online backup API: readers and the
 * writer keep going while it runs, and the copy holds every transaction committed when it ends.
 */
export async function backupTo(db: Database.Database, target: string): Promise<{ path: string; bytes: number }> {
  if (existsSync(target)) throw new HistoryError('HISTORY_BACKUP_FAILED', `A file named ${target} exists already`);
  try {
    await db.backup(target);
  } catch (error) {
    throw new HistoryError('HISTORY_BACKUP_FAILED', `The history backup to ${target} failed: ${(error as Error).message}`);
  }
  restrictToOwner(target);
  return { path: target, bytes: statSync(target).size };
}

/**
 * A file offered for restore must be a history database this app can open, undamaged, with a
 * schema no newer than ours; anything else is refused before the current file is touched.
 */
export function validateHistoryFile(path: string): void {
  const refuse = (why: string): never => {
    throw new HistoryError('HISTORY_RESTORE_INVALID', `${path} cannot be restored: ${why}`, { path });
  };
  if (!existsSync(path)) refuse('there is no such file');
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') refuse(`it is damaged (${String(check)})`);
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((row) => row.name));
    for (const table of ['messages', 'topics', 'schema_migrations']) if (!tables.has(table)) refuse(`it is not a history database (no ${table} table)`);
    const { version } = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
    const newest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
    if ((version ?? 0) > newest) refuse(`it was written by a newer version of the app (schema ${version}, this app knows up to ${newest})`);
  } catch (error) {
    if (error instanceof HistoryError) throw error;
    refuse(`it is not a readable SQLite database (${(error as Error).message})`);
  } finally {
    db?.close();
  }
}
