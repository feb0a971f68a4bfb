import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FtsIndexer, ftsPathFor, openFtsDatabase } from '../../main/core/history/fts-indexer';
import { SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
import { openHistoryDatabase, openHistoryReader } from '../../main/core/history/open-database';
import { historyTempDir, message } from '../support/history-fixtures';

let temp: ReturnType<typeof historyTempDir>;
let path: string;
let writer: SqliteHistoryStore;
const open: { close(): unknown }[] = [];

beforeEach(() => {
  temp = historyTempDir();
  path = temp.file('history.db');
  writer = new SqliteHistoryStore(openHistoryDatabase(path).db, { writable: true });
  open.push(writer.db);
});
afterEach(() => {
  for (const db of open.splice(0).reverse()) db.close();
  temp.cleanup();
});

function indexer(fullTextMaxBytes = 1000): FtsIndexer {
  const fts = openFtsDatabase(path);
  const source = openHistoryReader(path);
  open.push(fts.db, source);
  return new FtsIndexer(source, fts.db, fullTextMaxBytes);
}

function reader(): SqliteHistoryStore {
  const store = new SqliteHistoryStore(openHistoryReader(path), { writable: false, ftsPath: ftsPathFor(path), fullTextMaxBytes: 1000 });
  open.push(store.db);
  return store;
}

function indexed(fts: Database.Database, text: string): number {
  return (fts.prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH ?').get(`"${text}"`) as { n: number }).n;
}

describe('history full-text index (its own file, its own writer)', () => {
  it('indexes UTF-8 payloads within the size limit and moves past every other message', () => {
    writer.insert([
      message({ text: 'alpha text' }),
      message({ payload: Uint8Array.from([0xff, 0x61, 0x6c, 0x70, 0x68, 0x61]) }), // not UTF-8
      message({ payload: new Uint8Array(0) }),
      message({ text: `alpha ${'x'.repeat(2000)}` }), // over the limit
      message({ text: 'ALPHA again' }),
    ]);
    const fts = indexer();
    expect(fts.step(3)).toBe(3);
    expect(fts.state().indexedUpto).toBe(3);
    expect(fts.step()).toBe(2);
    expect(fts.step()).toBe(0);
    expect(fts.state().indexedUpto).toBe(5);
    expect(indexed(fts.fts, 'alpha')).toBe(2);
  });

  it('finds what the indexer has not reached yet, so a search never misses the latest messages', () => {
    writer.insert([message({ text: 'needle one', timestamp: 1 })]);
    const fts = indexer();
    fts.step();
    writer.insert([message({ text: 'needle two', timestamp: 2 })]);
    const store = reader();
    expect(store.page({ query: { text: 'needle' } }).messages.map((m) => m.timestamp)).toEqual([2, 1]);
    expect(store.count({ text: 'NEEDLE' })).toBe(2);
  });

  it('never reuses a message id, so the indexer cannot skip a message written after a delete', () => {
    writer.insert([message({ connectionKey: 'a', text: 'first' }), message({ connectionKey: 'a', text: 'second' })]);
    const fts = indexer();
    fts.step();
    writer.clear('a');
    writer.insert([message({ connectionKey: 'b', text: 'third one' })]);
    expect(writer.page().messages[0]!.id).toBe(3);
    fts.step();
    expect(reader().page({ query: { text: 'third' } }).messages).toHaveLength(1);
  });

  it('prunes the entries of messages that retention deleted', () => {
    writer.insert(Array.from({ length: 50 }, (_, i) => message({ text: `row marker ${i}`, timestamp: i })));
    const fts = indexer();
    fts.step();
    expect(indexed(fts.fts, 'marker')).toBe(50);
    writer.enforceRetention({ maxMessages: 20 });
    expect(reader().count({ text: 'marker' })).toBe(20); // stale entries never show
    expect(fts.prune(10)).toBe(10);
    expect(fts.prune()).toBe(20);
    expect(fts.prune()).toBe(0);
    expect(indexed(fts.fts, 'marker')).toBe(20);
  });

  it('sets a damaged index file aside and rebuilds it from the messages', () => {
    writer.insert([message({ text: 'survives the rebuild' })]);
    const first = openFtsDatabase(path);
    first.db.close();
    writeFileSync(ftsPathFor(path), Buffer.from('garbage, not a database '.repeat(100)));
    const fts = indexer();
    const reopened = readFileSync(ftsPathFor(path)).subarray(0, 15).toString();
    expect(reopened).toBe('SQLite format 3');
    expect(fts.state().indexedUpto).toBe(0);
    fts.step();
    expect(reader().page({ query: { text: 'rebuild' } }).messages).toHaveLength(1);
    expect(existsSync(ftsPathFor(path))).toBe(true);
  });
});

describe('history full-text index: belongs to one database', () => {
  it('starts over when the history database was replaced, so new messages are not skipped', () => {
    writer.insert(Array.from({ length: 5 }, (_, i) => message({ text: `old message ${i}` })));
    const first = indexer();
    first.step();
    expect(first.state().indexedUpto).toBe(5);
    // The history file is replaced (e.g. set aside as corrupt): a fresh one restarts ids at 1.
    for (const db of open.splice(0).reverse()) db.close();
    rmSync(path);
    writer = new SqliteHistoryStore(openHistoryDatabase(path).db, { writable: true });
    open.push(writer.db);
    writer.insert([message({ text: 'new message' })]);
    const second = indexer();
    expect(second.state().indexedUpto).toBe(0);
    second.step();
    expect(indexed(second.fts, 'message')).toBe(1);
    expect(reader().page({ query: { text: 'new message' } }).messages).toHaveLength(1);
  });
});
