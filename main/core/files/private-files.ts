import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';

/**
 * Databases, backups and keys hold the user's messages and secrets: readable by the user only.
 * SQLite creates files 0644 (less the umask), and a `--data-dir` may name an existing 0755
 * folder, so every such file is created (or tightened) to 0600 here. Windows has no such modes.
 */
const PRIVATE_MODE = 0o600;
const isPosix = process.platform !== 'win32';

/** Creates `path` empty with mode 0600 when it does not exist, so SQLite opens it instead of creating it 0644. */
export function createPrivateFile(path: string): void {
  if (!isPosix || path === ':memory:' || existsSync(path)) return;
  try {
    closeSync(openSync(path, 'a', PRIVATE_MODE));
  } catch {
    // Cannot create it here: SQLite's own open reports the real problem.
  }
}

/** Sets 0600 on each existing file (a database's -wal/-shm take the database's mode when SQLite creates them). */
export function restrictToOwner(...paths: string[]): void {
  if (!isPosix) return;
  for (const path of paths) {
    if (path === ':memory:' || !existsSync(path)) continue;
    try {
      chmodSync(path, PRIVATE_MODE);
    } catch {
      // A file we do not own (read-only media, another user's folder): leave it as it is.
    }
  }
}
