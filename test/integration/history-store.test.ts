import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FtsIndexer, ftsPathFor, openFtsDatabase } from '../../main/core/history/fts-indexer';
import { SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
import { StoreQueries } from '../../main/core/history/store-queries';
import { openHistoryDatabase, openHistoryReader } from '../../main/core/history/open-database';
import type { HistoryQuery, StoredMessage } from '../../main/core/history/types';
import { historyTempDir, message } from '../support/history-fixtures';
import { describeHistoryStore } from './history-store-behaviour';

// The behaviour every store shares (history-store-behaviour.ts), on a fresh SQLite file per test.
describeHistoryStore('SQLite', (options) => {
  const dir = historyTempDir();
  const store = new SqliteHistoryStore(openHistoryDatabase(dir.file('history.db')).db, { writable: true, ...options });
  return Promise.resolve({
    store,
    rawPayloadType: () => Promise.resolve((store.db.prepare('SELECT typeof(payload) AS t FROM messages').get() as { t: string }).t),
    expectedPayloadType: 'blob',
    close: () => {
      store.db.close();
      dir.cleanup();
      return Promise.resolve();
    },
  });
});

// What only the SQLite store has: its file's WAL reader, its query compiler, its full-text index file.
let temp: ReturnType<typeof historyTempDir>;
let store: SqliteHistoryStore;

beforeEach(() => {
  temp = historyTempDir();
  store = new SqliteHistoryStore(openHistoryDatabase(temp.file('history.db')).db, { writable: true });
});
afterEach(() => {
  store.db.close();
  temp.cleanup();
});

const topicsOf = (messages: StoredMessage[]) => messages.map((m) => m.topic);

describe('SQLite history store: keyset paging', () => {
  it('never uses OFFSET', () => {
    const queries = StoreQueries.prototype as unknown as { page: () => void; compilePage: () => void };
    const source = queries.page.toString() + queries.compilePage.toString();
    expect(source).toMatch(/ORDER BY m\.ts/);
    expect(source).not.toMatch(/OFFSET/i);
  });
});

describe('history store: a reader connection sees the writer’s commits (WAL)', () => {
  it('reads while the writer holds the database open', () => {
    store.insert([message({ text: 'one' })]);
    const reader = new SqliteHistoryStore(openHistoryReader(temp.file('history.db')), { writable: false });
    expect(reader.count()).toBe(1);
    store.insert([message({ topic: 'new/topic', text: 'two' })]);
    expect(reader.count()).toBe(2);
    expect(reader.totals()).toEqual({ messages: 2, bytes: 6 });
    expect(topicsOf(reader.page().messages)).toEqual(['new/topic', 'sensors/kitchen/temp']);
    expect(() => reader.insert([message()])).toThrow(/read-only/);
    reader.db.close();
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('history store: text search plans agree', () => {
  it('gives the same pages whether the index (with an unindexed tail), a scan, or a scan that falls back to the index finds them', () => {
    const rows = Array.from({ length: 400 }, (_, i) =>
      message({
        topic: i % 40 === 0 ? 'rare/topic' : `busy/${i % 7}`,
        text: i % 3 === 0 ? `Common word ${i}` : i % 50 === 0 ? `rare needle ${i}` : `other ${i}`,
        timestamp: 1_700_000_000_000 + i,
      }),
    );
    rows.push(message({ topic: 'busy/1', payload: Uint8Array.from([0xff, ...new TextEncoder().encode('common')]) })); // not UTF-8
    rows.push(message({ topic: 'busy/1', text: 'COMMON but too big '.repeat(10) })); // over fullTextMaxBytes below
    const path = temp.file('plans.db');
    const writer = new SqliteHistoryStore(openHistoryDatabase(path).db, { writable: true, fullTextMaxBytes: 100 });
    writer.insert(rows);
    // Index two thirds: the rest is the not-yet-indexed tail every plan must still cover.
    const fts = openFtsDatabase(path);
    const source = openHistoryReader(path);
    new FtsIndexer(source, fts.db, 100).step(270);
    const ftsPath = ftsPathFor(path);
    const scanOnly = new SqliteHistoryStore(openHistoryReader(path), { writable: false, fullTextMaxBytes: 100 });
    const plain = new SqliteHistoryStore(openHistoryReader(path), { writable: false, fullTextMaxBytes: 100, ftsPath });
    const probing = new SqliteHistoryStore(openHistoryReader(path), { writable: false, fullTextMaxBytes: 100, ftsPath, ftsProbeLimit: 10, scanBudgetRows: 1_000_000 });
    const fallingBack = new SqliteHistoryStore(openHistoryReader(path), { writable: false, fullTextMaxBytes: 100, ftsPath, ftsProbeLimit: 10, scanBudgetRows: 5 });
    const queries: HistoryQuery[] = [
      { text: 'common' },
      { text: 'COMMON', topicFilter: 'rare/topic' },
      { text: 'mon wo', topicFilter: 'busy/+', since: 1_700_000_000_100 },
      { text: 'needle' },
      { text: 'co' },
    ];
    for (const query of queries) {
      const walk = (s: SqliteHistoryStore) => {
        const ids: number[] = [];
        let cursor = null;
        do {
          const page: ReturnType<SqliteHistoryStore['page']> = s.page({ query, limit: 9, cursor });
          ids.push(...page.messages.map((m) => m.id));
          cursor = page.nextCursor;
        } while (cursor);
        return ids;
      };
      const expected = walk(plain);
      expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(walk(scanOnly), JSON.stringify(query)).toEqual(expected);
      expect(walk(probing), JSON.stringify(query)).toEqual(expected);
      expect(walk(fallingBack), JSON.stringify(query)).toEqual(expected);
      expect(plain.count(query)).toBe(expected.length);
    }
    expect(plain.count({ text: 'common' })).toBe(134); // neither the non-UTF-8 nor the oversized payload
    for (const s of [scanOnly, plain, probing, fallingBack, writer]) s.db.close();
    source.close();
    fts.db.close();
  });
});
