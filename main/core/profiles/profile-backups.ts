import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { restrictToOwner } from '../files/private-files';
import { stamp } from '../history/open-database';

/** Profiles are small and precious: the last few copies are kept, one taken shortly after each change. */
export const KEEP_PROFILE_BACKUPS = 5;
const BACKUP_DELAY_MS = 2000;
/** A start with no backup this recent takes one, so an unchanged profile list is still covered. */
const DAILY_MS = 24 * 60 * 60 * 1000;
const PREFIX = 'profiles-';

export interface ProfileBackupFile {
  path: string;
  /** When it was taken (from its name; its mtime when renamed by hand). */
  takenAt: number;
}

/** The profile backups in `folder`, newest first. */
export function listProfileBackups(folder: string): ProfileBackupFile[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.startsWith(PREFIX) && name.endsWith('.db'))
    .map((name) => {
      const path = join(folder, name);
      const fromName = Date.parse(name.slice(PREFIX.length, -3).replace(/^(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2})-(\d{3})Z.*$/, '$1:$2:$3.$4Z'));
      return { path, takenAt: Number.isNaN(fromName) ? statSync(path).mtimeMs : fromName };
    })
    .sort((a, b) => b.takenAt - a.takenAt || b.path.localeCompare(a.path));
}

/** True when `path` is an undamaged profiles database (checked before it replaces anything). */
export function isGoodProfilesFile(path: string): boolean {
  let db: Database.Database | null = null;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    if (db.pragma('quick_check(1)', { simple: true }) !== 'ok') return false;
    db.prepare('SELECT count(*) FROM profiles').get();
    return true;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/**
 * Replaces the (fresh, empty) database at `path` with the newest good backup; returns it, or
 * null when there is none. The caller has closed its connection to `path`.
 */
export function restoreNewestProfileBackup(path: string, folder: string): ProfileBackupFile | null {
  for (const backup of listProfileBackups(folder)) {
    if (!isGoodProfilesFile(backup.path)) continue;
    for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
    copyFileSync(backup.path, path);
    restrictToOwner(path);
    return backup;
  }
  return null;
}

export interface ProfileBackups {
  /** After every change: a backup follows BACKUP_DELAY_MS later (changes in between share it). */
  changed(): void;
  /** Takes a pending backup now; before the database closes. */
  flush(): Promise<void>;
}

/**
 * Rolling backups of profiles.db through SQLite's online backup (consistent while the app writes),
 * `keep` of them, oldest removed, each 0600.
 */
export function createProfileBackups(
  db: Database.Database,
  folder: string,
  options: { keep?: number; delayMs?: number; now?: () => Date } = {},
): ProfileBackups {
  const keep = options.keep ?? KEEP_PROFILE_BACKUPS;
  const delayMs = options.delayMs ?? BACKUP_DELAY_MS;
  const now = options.now ?? (() => new Date());
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();

  async function take(): Promise<void> {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    let target = join(folder, `${PREFIX}${stamp(now())}.db`);
    for (let n = 2; existsSync(target); n++) target = join(folder, `${PREFIX}${stamp(now())}-${n}.db`);
    try {
      await db.backup(target);
      restrictToOwner(target);
      for (const old of listProfileBackups(folder).slice(keep)) rmSync(old.path, { force: true });
    } catch (error) {
      rmSync(target, { force: true });
      console.error(`Profiles backup failed: ${(error as Error).message}`);
    }
  }

  function run(): Promise<void> {
    timer = null;
    running = running.then(take);
    return running;
  }

  const backups: ProfileBackups = {
    changed() {
      if (!timer) timer = setTimeout(() => void run(), delayMs);
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        await run();
      }
      await running;
    },
  };
  // Covered from the first start on, and at least daily while anything is stored.
  const newest = listProfileBackups(folder)[0];
  const hasProfiles = (db.prepare('SELECT count(*) AS n FROM profiles').get() as { n: number }).n > 0;
  if (hasProfiles && (!newest || now().getTime() - newest.takenAt > DAILY_MS)) backups.changed();
  return backups;
}
