import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../main/core/history/history-store';
import { MIGRATIONS, type Migration } from '../../main/core/history/migrations';
import { openHistoryDatabase } from '../../main/core/history/open-database';
import { historyTempDir, message } from '../support/history-fixtures';

let temp: ReturnType<typeof historyTempDir>;
let path: string;
beforeEach(() => {
  temp = historyTempDir();
  path = temp.file('history.db');
});
afterEach(() => temp.cleanup());

function seed(count = 3): void {
  const opened = openHistoryDatabase(path);
  new HistoryStore(opened.db, { writable: true }).insert(Array.from({ length: count }, (_, i) => message({ text: `m${i}` })));
  opened.db.close();
}

function countRows(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const v2: Migration = { version: 2, name: 'add a note column', sql: 'ALTER TABLE messages ADD COLUMN note TEXT;' };

describe('history schema migrations', () => {
  it('creates a fresh database at the latest schema, in WAL mode, without a backup', () => {
    const opened = openHistoryDatabase(path);
    expect(opened.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    expect(opened.backupPath).toBeNull();
    expect(opened.recovered).toBeNull();
    expect(opened.integrityChecked).toBe(false); // no crash, no full check
    expect(opened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(opened.db.pragma('user_version', { simple: true })).toBe(1);
    opened.db.close();
    const again = openHistoryDatabase(path);
    expect(again.backupPath).toBeNull();
    again.db.close();
  });

  it('records each applied migration with its checksum', () => {
    const opened = openHistoryDatabase(path);
    const rows = opened.db.prepare('SELECT version, checksum FROM schema_migrations').all() as { version: number; checksum: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    opened.db.close();
  });

  it('takes a backup copy before migrating an existing database, and keeps the data', () => {
    seed(3);
    const opened = openHistoryDatabase(path, { migrations: [...MIGRATIONS, v2] });
    expect(opened.schemaVersion).toBe(2);
    expect(opened.backupPath).toMatch(/history\.db\.backup-v1-/);
    expect(countRows(opened.backupPath!)).toBe(3);
    expect((opened.db.prepare('SELECT count(*) AS n FROM messages WHERE note IS NULL').get() as { n: number }).n).toBe(3);
    opened.db.close();
  });

  it('restores the backup when a migration fails, and says so', () => {
    seed(3);
    const broken: Migration = { version: 2, name: 'half-done', sql: 'CREATE TABLE half (x); INSERT INTO nope VALUES (1);' };
    let caught: unknown;
    try {
      openHistoryDatabase(path, { migrations: [...MIGRATIONS, broken] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'HISTORY_MIGRATION_FAILED', details: { version: 2 } });
    expect((caught as Error).message).toMatch(/migration 2 \("half-done"\) failed: no such table: nope.*restored from/);
    const backupPath = (caught as { details: { backupPath: string } }).details.backupPath;
    expect(existsSync(backupPath)).toBe(true);
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: 1 });
    db.close();
    expect(countRows(path)).toBe(3);
    // And the app still opens it with the migrations it knows.
    openHistoryDatabase(path).db.close();
  });

  it('refuses a database whose applied migration was edited since (checksum mismatch)', () => {
    seed(1);
    const edited = MIGRATIONS.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => openHistoryDatabase(path, { migrations: edited })).toThrowError(
      expect.objectContaining({ code: 'HISTORY_MIGRATION_EDITED' }) as Error,
    );
    expect(countRows(path)).toBe(1);
  });

  it('refuses, untouched, a database written by a newer version of the app', () => {
    openHistoryDatabase(path, { migrations: [...MIGRATIONS, v2] }).db.close();
    expect(() => openHistoryDatabase(path)).toThrowError(expect.objectContaining({ code: 'HISTORY_SCHEMA_TOO_NEW' }) as Error);
    expect(readdirSync(temp.dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });
});

describe('history database: damaged files', () => {
  it('moves a file that is not a database aside (never deletes it) and starts a fresh one', () => {
    const garbage = Buffer.from('this is not an SQLite database, it is a text file '.repeat(200));
    writeFileSync(path, garbage);
    const opened = openHistoryDatabase(path, { now: () => new Date('2026-01-02T03:04:05.678Z') });
    expect(opened.recovered).toEqual({
      reason: expect.stringContaining('SQLITE_NOTADB') as string,
      movedTo: `${path}.corrupt-2026-01-02T03-04-05-678Z`,
    });
    expect(readFileSync(opened.recovered!.movedTo)).toEqual(garbage);
    expect(new HistoryStore(opened.db, { writable: true }).count()).toBe(0);
    opened.db.close();
  });

  it('moves aside a database whose schema page is damaged', () => {
    seed(5);
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 100, 4096); // page 1 after the header: the sqlite_schema b-tree
    writeFileSync(path, bytes);
    const opened = openHistoryDatabase(path);
    expect(opened.recovered?.reason).toMatch(/SQLITE_CORRUPT|SQLITE_NOTADB/);
    expect(existsSync(opened.recovered!.movedTo)).toBe(true);
    expect(readFileSync(opened.recovered!.movedTo).subarray(100, 4096)).toEqual(Buffer.alloc(3996, 0xa5));
    opened.db.close();
  });

  it('catches deeper damage with quickCheck and moves the file aside', () => {
    const opened = openHistoryDatabase(path);
    const store = new HistoryStore(opened.db, { writable: true });
    store.insert(Array.from({ length: 3000 }, (_, i) => message({ text: `payload number ${i} `.repeat(10) })));
    opened.db.pragma('wal_checkpoint(TRUNCATE)');
    opened.db.close();
    const bytes = readFileSync(path);
    const pageSize = 4096;
    bytes.fill(0x5a, pageSize * 20, pageSize * 24); // damage some table pages, keep the schema intact
    writeFileSync(path, bytes);
    const reopened = openHistoryDatabase(path, { quickCheck: true });
    expect(reopened.recovered).not.toBeNull();
    reopened.db.close();
  });

  it('reports HISTORY_OPEN_FAILED, moving nothing, when the folder does not exist', () => {
    expect(() => openHistoryDatabase(temp.file('missing/dir/history.db'))).toThrowError(
      expect.objectContaining({ code: 'HISTORY_OPEN_FAILED', message: expect.stringContaining('missing/dir/history.db') as string }) as Error,
    );
  });
});
