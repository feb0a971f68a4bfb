import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
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
  new SqliteHistoryStore(opened.db, { writable: true }).insert(Array.from({ length: count }, (_, i) => message({ text: `m${i}` })));
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

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.version;
/** A migration the next release might ship. */
const next: Migration = { version: LATEST + 1, name: 'add a note column', sql: 'ALTER TABLE messages ADD COLUMN note TEXT;' };

describe('history schema migrations', () => {
  it('creates a fresh database at the latest schema, in WAL mode, without a backup', () => {
    const opened = openHistoryDatabase(path);
    expect(opened.schemaVersion).toBe(LATEST);
    expect(opened.backupPath).toBeNull();
    expect(opened.recovered).toBeNull();
    expect(opened.integrityChecked).toBe(false); // no crash, no full check
    expect(opened.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(opened.db.pragma('user_version', { simple: true })).toBe(LATEST);
    opened.db.close();
    const again = openHistoryDatabase(path);
    expect(again.backupPath).toBeNull();
    again.db.close();
  });

  it('records each applied migration with its checksum', () => {
    const opened = openHistoryDatabase(path);
    const rows = opened.db.prepare('SELECT version, checksum FROM schema_migrations').all() as { version: number; checksum: string }[];
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    opened.db.close();
  });

  it('takes a backup copy before migrating an existing database, and keeps the data', () => {
    seed(3);
    const opened = openHistoryDatabase(path, { migrations: [...MIGRATIONS, next] });
    expect(opened.schemaVersion).toBe(LATEST + 1);
    expect(opened.backupPath).toContain(`history.db.backup-v${LATEST}-`);
    expect(countRows(opened.backupPath!)).toBe(3);
    expect((opened.db.prepare('SELECT count(*) AS n FROM messages WHERE note IS NULL').get() as { n: number }).n).toBe(3);
    opened.db.close();
  });

  it('restores the backup when a migration fails, and says so', () => {
    seed(3);
    const broken: Migration = { version: LATEST + 1, name: 'half-done', sql: 'CREATE TABLE half (x); INSERT INTO nope VALUES (1);' };
    let caught: unknown;
    try {
      openHistoryDatabase(path, { migrations: [...MIGRATIONS, broken] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'HISTORY_MIGRATION_FAILED', details: { version: LATEST + 1 } });
    expect((caught as Error).message).toMatch(new RegExp(`migration ${LATEST + 1} \\("half-done"\\) failed: no such table: nope.*restored from`));
    const backupPath = (caught as { details: { backupPath: string } }).details.backupPath;
    expect(existsSync(backupPath)).toBe(true);
    const db = new Database(path, { readonly: true });
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT max(version) AS v FROM schema_migrations').get()).toEqual({ v: LATEST });
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
    openHistoryDatabase(path, { migrations: [...MIGRATIONS, next] }).db.close();
    expect(() => openHistoryDatabase(path)).toThrowError(expect.objectContaining({ code: 'HISTORY_SCHEMA_TOO_NEW' }) as Error);
    expect(readdirSync(temp.dir).filter((f) => f.includes('corrupt'))).toEqual([]);
  });
});

/**
 * A database file as the app wrote it before connection keys (schema 1): topics and gaps under the
 * engine's run ids, two runs' c1 in the same rows. Written with schema 1's own SQL.
 */
function writeSchemaOneFile(): void {
  const opened = openHistoryDatabase(path, { migrations: MIGRATIONS.filter((m) => m.version === 1) });
  const { db } = opened;
  db.exec(`
    INSERT INTO topics (id, connection_id, name) VALUES (1, 'c1', 'plant/temp'), (2, 'c1', 'plant/state'), (3, 'c2', 'other/x');
    INSERT INTO messages (topic_id, direction, ts, qos, retain, dup, packet_id, payload_size, properties, payload) VALUES
      (1, 0, 1000, 0, 0, 0, NULL, 4, NULL, CAST('21.5' AS BLOB)),
      (2, 0, 2000, 1, 1, 0, 7, 2, NULL, CAST('on' AS BLOB)),
      (1, 0, 3000, 0, 0, 0, NULL, 4, NULL, CAST('22.0' AS BLOB)),
      (3, 1, 4000, 0, 0, 0, NULL, 1, NULL, CAST('x' AS BLOB));
    INSERT INTO history_gaps (connection_id, from_ts, to_ts, dropped, reason) VALUES ('c1', 1500, 1600, 12, 'backpressure');
  `);
  db.close();
}

describe('history schema 2: connections by stable key', () => {
  it('migrates a schema 1 file: its c1 rows keep working under the key c1, after a backup', () => {
    writeSchemaOneFile();
    const opened = openHistoryDatabase(path);
    expect(opened.schemaVersion).toBe(2);
    expect(opened.backupPath).toContain('history.db.backup-v1-');
    // The backup is the file as it was, old column names and all.
    const backup = new Database(opened.backupPath!, { readonly: true });
    expect(backup.prepare('SELECT connection_id FROM topics ORDER BY id').all()).toEqual([{ connection_id: 'c1' }, { connection_id: 'c1' }, { connection_id: 'c2' }]);
    backup.close();

    const store = new SqliteHistoryStore(opened.db, { writable: true });
    expect(store.count()).toBe(4);
    expect(store.connections()).toEqual([
      { key: 'c1', label: 'c1 (older history)' },
      { key: 'c2', label: 'c2 (older history)' },
    ]);
    const c1 = store.page({ query: { connectionKeys: ['c1'] }, order: 'asc' }).messages;
    expect(c1.map((m) => [m.connectionKey, m.connectionLabel, m.topic, new TextDecoder().decode(m.payload)])).toEqual([
      ['c1', 'c1 (older history)', 'plant/temp', '21.5'],
      ['c1', 'c1 (older history)', 'plant/state', 'on'],
      ['c1', 'c1 (older history)', 'plant/temp', '22.0'],
    ]);
    expect(store.count({ connectionLabels: ['c2 (older history)'] })).toBe(1);
    expect(store.topicSummaries('c1', 10, 8).topics.map((t) => [t.topic, t.messages]).sort()).toEqual([
      ['plant/state', 1],
      ['plant/temp', 2],
    ]);
    expect(store.lastValues('c1', 'plant/temp', 1).map((m) => m.timestamp)).toEqual([3000]);
    expect(store.gaps('c1')).toEqual([{ connectionKey: 'c1', fromTs: 1500, toTs: 1600, dropped: 12, reason: 'backpressure' }]);

    // A connection of the new app never lands among them, even on the same topic.
    store.insert([message({ connectionKey: 'profile:abc', topic: 'plant/temp', text: '23.0', timestamp: 5000 })]);
    store.setConnectionLabel('profile:abc', 'Plant');
    expect(store.topicSummaries('c1', 10, 8).topics.find((t) => t.topic === 'plant/temp')?.messages).toBe(2);
    expect(store.page({ query: { connectionLabels: ['Plant'] } }).messages.map((m) => m.connectionKey)).toEqual(['profile:abc']);
    opened.db.close();

    // Opening again migrates nothing more and takes no second backup.
    const again = openHistoryDatabase(path);
    expect(again.backupPath).toBeNull();
    again.db.close();
  });

  it('relabels a connection’s whole history when it is described again (a renamed profile)', () => {
    const opened = openHistoryDatabase(path);
    const store = new SqliteHistoryStore(opened.db, { writable: true });
    store.setConnectionLabel('profile:p1', 'Line 1');
    store.insert([message({ connectionKey: 'profile:p1', text: 'a', timestamp: 1 }), message({ connectionKey: 'endpoint:e1', text: 'b', timestamp: 2 })]);
    expect(store.page({ order: 'asc' }).messages.map((m) => m.connectionLabel)).toEqual(['Line 1', 'endpoint:e1']);
    store.setConnectionLabel('profile:p1', 'Line 1 (north)');
    store.setConnectionLabel('endpoint:e1', '127.0.0.1:1883');
    expect(store.page({ order: 'asc' }).messages.map((m) => m.connectionLabel)).toEqual(['Line 1 (north)', '127.0.0.1:1883']);
    expect(store.count({ connectionLabels: ['Line 1'] })).toBe(0);
    expect(store.count({ connectionLabels: ['Line 1 (north)', '127.0.0.1:1883'] })).toBe(2);
    // Keys and labels together: both must hold.
    expect(store.count({ connectionLabels: ['Line 1 (north)'], connectionKeys: ['endpoint:e1'] })).toBe(0);
    opened.db.close();
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
    expect(new SqliteHistoryStore(opened.db, { writable: true }).count()).toBe(0);
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
    const store = new SqliteHistoryStore(opened.db, { writable: true });
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
