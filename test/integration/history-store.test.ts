import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryError } from '../../main/core/history/errors';
import { FtsIndexer, ftsPathFor, openFtsDatabase } from '../../main/core/history/fts-indexer';
import { SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
import { StoreQueries } from '../../main/core/history/store-queries';
import { openHistoryDatabase, openHistoryReader } from '../../main/core/history/open-database';
import type { HistoryQuery, StoredMessage } from '../../main/core/history/types';
import { historyTempDir, message } from '../support/history-fixtures';

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

describe('history store: what is kept', () => {
  it('keeps every field of a message, the raw payload bytes and MQTT 5 properties', () => {
    const binary = Uint8Array.from([0, 255, 0xc3, 0x28, 10, 0]); // not UTF-8
    store.insert([
      message({
        connectionKey: 'broker-a',
        direction: 'out',
        topic: 'a/b',
        payload: binary,
        qos: 2,
        retain: true,
        dup: true,
        timestamp: 1_700_000_000_123,
        packetId: 42,
        properties: { contentType: 'application/octet-stream', correlationData: Uint8Array.from([1, 2, 3]), userProperties: { k: 'v' } },
      }),
    ]);
    const [stored] = store.page().messages;
    expect(stored).toEqual({
      id: 1,
      connectionKey: 'broker-a',
      connectionLabel: 'broker-a', // not described: the key stands in
      direction: 'out',
      topic: 'a/b',
      payload: binary,
      payloadSize: 6,
      qos: 2,
      retain: true,
      dup: true,
      timestamp: 1_700_000_000_123,
      packetId: 42,
      properties: { contentType: 'application/octet-stream', correlationData: Uint8Array.from([1, 2, 3]), userProperties: { k: 'v' } },
    });
    const raw = store.db.prepare('SELECT typeof(payload) AS t FROM messages').get() as { t: string };
    expect(raw.t).toBe('blob');
  });

  it('keeps a 5 MB payload whole, byte for byte', () => {
    const big = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    store.insert([message({ payload: big })]);
    const [stored] = store.page().messages;
    expect(stored!.payloadSize).toBe(big.length);
    expect(Buffer.compare(Buffer.from(stored!.payload), Buffer.from(big))).toBe(0);
  });

  it('keeps an empty payload (a retained-message delete) as zero bytes', () => {
    store.insert([message({ payload: new Uint8Array(0), retain: true })]);
    expect(store.page().messages[0]!.payload).toEqual(new Uint8Array(0));
  });

  it('counts messages and bytes as rows are inserted', () => {
    store.insert([message({ text: 'abc' }), message({ text: 'hello' })]);
    expect(store.totals()).toEqual({ messages: 2, bytes: 8 });
  });
});

describe('history store: queries', () => {
  beforeEach(() => {
    const t0 = 1_700_000_000_000;
    store.insert([
      message({ connectionKey: 'c1', topic: 'home/kitchen/temp', text: '{"temperature": 21.5}', timestamp: t0 + 1, qos: 0 }),
      message({ connectionKey: 'c1', topic: 'home/kitchen/humidity', text: '{"humidity": 40}', timestamp: t0 + 2, qos: 1 }),
      message({ connectionKey: 'c1', topic: 'home/garage/temp', text: '{"temperature": 12}', timestamp: t0 + 3, retain: true }),
      message({ connectionKey: 'c2', topic: 'home/kitchen/temp', text: 'Temperature ALERT', timestamp: t0 + 4, direction: 'out', qos: 2 }),
      message({ connectionKey: 'c2', topic: '$SYS/broker/uptime', text: '12345 seconds', timestamp: t0 + 5 }),
      message({ connectionKey: 'c1', topic: 'home', payload: Uint8Array.from([0xff, 0xfe, 0x74, 0x65, 0x6d, 0x70]), timestamp: t0 + 6 }),
    ]);
  });

  const run = (query: HistoryQuery) => topicsOf(store.page({ query, order: 'asc' }).messages);

  it('filters by topic with + and # wildcards, as MQTT subscriptions do', () => {
    expect(run({ topicFilter: 'home/+/temp' })).toEqual(['home/kitchen/temp', 'home/garage/temp', 'home/kitchen/temp']);
    expect(run({ topicFilter: 'home/#' })).toEqual([
      'home/kitchen/temp',
      'home/kitchen/humidity',
      'home/garage/temp',
      'home/kitchen/temp',
      'home',
    ]);
    expect(run({ topicFilter: 'home/kitchen/temp' })).toEqual(['home/kitchen/temp', 'home/kitchen/temp']);
    expect(run({ topicFilter: 'nothing/+' })).toEqual([]);
  });

  it('does not match $SYS topics with a leading wildcard [MQTT-4.7.2-1]', () => {
    expect(run({ topicFilter: '#' })).not.toContain('$SYS/broker/uptime');
    expect(run({ topicFilter: '$SYS/#' })).toEqual(['$SYS/broker/uptime']);
  });

  it('rejects an invalid topic filter with HISTORY_INVALID_QUERY', () => {
    expect(() => store.page({ query: { topicFilter: 'home/#/x' } })).toThrowError(
      expect.objectContaining({ code: 'HISTORY_INVALID_QUERY' }) as HistoryError,
    );
  });

  it('filters by connection, direction, time range, QoS, retained and payload size', () => {
    expect(run({ connectionKeys: ['c2'] })).toEqual(['home/kitchen/temp', '$SYS/broker/uptime']);
    expect(run({ direction: 'out' })).toEqual(['home/kitchen/temp']);
    expect(run({ since: 1_700_000_000_002, until: 1_700_000_000_003 })).toEqual(['home/kitchen/humidity', 'home/garage/temp']);
    expect(run({ qos: [1, 2] })).toEqual(['home/kitchen/humidity', 'home/kitchen/temp']);
    expect(run({ retain: true })).toEqual(['home/garage/temp']);
    expect(run({ minPayloadSize: 17, maxPayloadSize: 19 })).toEqual(['home/garage/temp', 'home/kitchen/temp']);
  });

  it('finds payload text case-insensitively, as a substring, only in payloads that are UTF-8', () => {
    expect(run({ text: 'temperature' })).toEqual(['home/kitchen/temp', 'home/garage/temp', 'home/kitchen/temp']);
    expect(run({ text: 'PERAT' })).toEqual(['home/kitchen/temp', 'home/garage/temp', 'home/kitchen/temp']);
    expect(run({ text: '"humidity"' })).toEqual(['home/kitchen/humidity']);
    expect(run({ text: 'temp' })).not.toContain('home'); // the binary payload contains the bytes "temp"
    expect(run({ text: '40' })).toEqual(['home/kitchen/humidity']); // shorter than a trigram: scanned
  });

  it('combines filters with AND', () => {
    expect(run({ topicFilter: 'home/+/temp', connectionKeys: ['c1'], text: 'temperature', since: 1_700_000_000_002 })).toEqual([
      'home/garage/temp',
    ]);
    expect(store.count({ topicFilter: 'home/#', qos: [0] })).toBe(3);
    expect(store.count({})).toBe(6);
  });

  it('counts up to a cap and says when there are more', () => {
    expect(store.countUpTo({ topicFilter: 'home/#' }, 3)).toEqual({ count: 3, capped: true });
    expect(store.countUpTo({ topicFilter: 'home/#' }, 5)).toEqual({ count: 5, capped: false });
    expect(store.countUpTo({}, 2)).toEqual({ count: 2, capped: true });
    expect(store.countUpTo({ text: 'temperature' }, 10)).toEqual({ count: 3, capped: false });
    expect(store.countUpTo({ qos: [2] })).toEqual({ count: 1, capped: false });
  });

  it('returns the last N values of one topic, newest first', () => {
    for (let i = 0; i < 10; i++) store.insert([message({ connectionKey: 'c3', topic: 'plot/me', text: String(i), timestamp: 1_800_000_000_000 + i })]);
    const last = store.lastValues('c3', 'plot/me', 3);
    expect(last.map((m) => new TextDecoder().decode(m.payload))).toEqual(['9', '8', '7']);
    expect(store.lastValues('c3', 'no/such/topic', 3)).toEqual([]);
  });
});

describe('history store: keyset paging', () => {
  it('walks every row exactly once, in order, across equal timestamps, many topics or few', () => {
    const rows = Array.from({ length: 1000 }, (_, i) =>
      message({ topic: `t/${i % 100}`, text: `m${i}`, timestamp: 1_700_000_000_000 + Math.floor(i / 7) }),
    );
    store.insert(rows);
    for (const topicFilter of [undefined, 't/+', 't/1', 't/#']) {
      const seen: number[] = [];
      let cursor = null;
      for (;;) {
        const page = store.page({ query: topicFilter === undefined ? {} : { topicFilter }, limit: 37, cursor });
        seen.push(...page.messages.map((m) => m.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const expected = rows
        .map((row, i) => ({ id: i + 1, ts: row.timestamp, topic: row.topic }))
        .filter((r) => topicFilter === undefined || topicFilter !== 't/1' || r.topic === 't/1')
        .sort((a, b) => b.ts - a.ts || b.id - a.id)
        .map((r) => r.id);
      expect(seen).toEqual(expected);
    }
  });

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

describe('history store: retention and clearing', () => {
  it('keeps at most maxMessages, deleting the oldest first, in bounded steps', () => {
    store.insert(Array.from({ length: 120 }, (_, i) => message({ text: `m${i}`, timestamp: 1_700_000_000_000 + i })));
    expect(store.enforceRetention({ maxMessages: 50 }, 30)).toBe(30);
    expect(store.enforceRetention({ maxMessages: 50 }, 30)).toBe(30);
    expect(store.enforceRetention({ maxMessages: 50 }, 30)).toBe(10);
    expect(store.enforceRetention({ maxMessages: 50 }, 30)).toBe(0);
    expect(store.count()).toBe(50);
    expect(new TextDecoder().decode(store.page({ order: 'asc', limit: 1 }).messages[0]!.payload)).toBe('m70');
  });

  it('drops messages older than maxAgeMs and keeps total bytes under maxBytes', () => {
    const now = 1_700_000_100_000;
    store.insert(Array.from({ length: 100 }, (_, i) => message({ payload: new Uint8Array(100), timestamp: now - 100_000 + i * 1000 })));
    store.enforceRetention({ maxAgeMs: 50_000 }, 1000, now);
    expect(store.count()).toBe(50);
    store.enforceRetention({ maxBytes: 2000 }, 1000, now);
    expect(store.totals().bytes).toBeLessThanOrEqual(2000);
    expect(store.page({ order: 'asc' }).messages.every((m) => m.timestamp >= now - 50_000)).toBe(true);
  });

  it('applies limits per connection, with overrides by connection id, leaving other connections alone', () => {
    const rows = [];
    for (let i = 0; i < 60; i++) {
      rows.push(message({ connectionKey: 'chatty', text: `c${i}`, timestamp: 1000 + i }));
      if (i < 20) rows.push(message({ connectionKey: 'quiet', text: `q${i}`, timestamp: 1000 + i }));
      if (i < 30) rows.push(message({ connectionKey: 'special', payload: new Uint8Array(100), timestamp: 1000 + i }));
    }
    store.insert(rows);
    store.enforceRetention({ perConnection: { maxMessages: 25 }, connections: { special: { maxBytes: 1000 } } }, 10_000);
    expect(store.count({ connectionKeys: ['chatty'] })).toBe(25);
    expect(store.count({ connectionKeys: ['quiet'] })).toBe(20);
    expect(store.count({ connectionKeys: ['special'] })).toBe(10);
    // The oldest went first.
    expect(new TextDecoder().decode(store.page({ query: { connectionKeys: ['chatty'] }, order: 'asc', limit: 1 }).messages[0]!.payload)).toBe('c35');
    expect(store.connectionTotals().get('special')).toEqual({ messages: 10, bytes: 1000 });
    expect(store.totals()).toEqual({ messages: 55, bytes: 1000 + 25 * 3 + 10 * 2 + 10 * 3 });
  });

  it('deletes no more than needed for a byte limit, even with mixed message sizes', () => {
    store.insert([
      ...Array.from({ length: 10 }, (_, i) => message({ payload: new Uint8Array(1000), timestamp: i })),
      ...Array.from({ length: 100 }, (_, i) => message({ payload: new Uint8Array(10), timestamp: 100 + i })),
    ]);
    store.enforceRetention({ maxBytes: 2500 });
    // 10 x 1000 + 100 x 10 = 11,000 bytes: the nine oldest (large) ones must go, and no more.
    expect(store.totals()).toEqual({ messages: 101, bytes: 1000 + 1000 });
  });

  it('clears one connection’s history, or one topic filter within it', () => {
    store.insert([
      message({ connectionKey: 'c1', topic: 'a/1' }),
      message({ connectionKey: 'c1', topic: 'b/1' }),
      message({ connectionKey: 'c2', topic: 'a/1' }),
    ]);
    expect(store.clear('c1', 'a/#')).toBe(1);
    expect(store.count({ connectionKeys: ['c1'] })).toBe(1);
    expect(store.clear('c1')).toBe(1);
    expect(store.count()).toBe(1);
    expect(store.totals().messages).toBe(1);
  });
});

describe('history store: packed batches from the writer queue', () => {
  it('stores a packed batch exactly like the messages it was built from', async () => {
    const { BatchBuilder } = await import('../../main/core/history/packed-batch');
    const builder = new BatchBuilder(2);
    const inputs = [
      message({ topic: 'p/1', text: 'first', packetId: 9, qos: 1 }),
      message({ topic: 'p/2', payload: Uint8Array.from([0, 1, 2]), direction: 'out', retain: true, dup: true, qos: 2 }),
      message({ topic: 'p/1', text: 'third', properties: { contentType: 'text/plain' }, timestamp: 1_700_000_000_999 }),
    ];
    for (const input of inputs) builder.add(input.connectionKey, input);
    expect(store.writePacked([builder.take().batch], [])).toBe(3);
    const stored = store.page({ order: 'asc' }).messages;
    expect(stored.map(({ id: _id, payloadSize: _size, connectionLabel: _label, ...rest }) => rest)).toEqual(
      inputs.map((input) => ({ ...input, packetId: input.packetId ?? null, properties: input.properties ?? null })),
    );
    expect(store.count({ text: 'third' })).toBe(1);
  });

  it('after a failed transaction, forgets the topics it created and keeps writing correctly', async () => {
    const { BatchBuilder } = await import('../../main/core/history/packed-batch');
    const builder = new BatchBuilder();
    builder.add('c1', message({ topic: 'will/roll/back' }));
    const { batch } = builder.take();
    const broken = { ...batch, count: 2, keys: Uint32Array.from([1, 99]), payloadEnds: Float64Array.from([4, 4]), flags: new Uint8Array(2), packetIds: Int32Array.from([-1, -1]), timestamps: Float64Array.from([1, 1]) };
    expect(() => store.writePacked([broken], [])).toThrow(/unknown topic key 99/);
    expect(store.count()).toBe(0);
    builder.add('c1', message({ topic: 'will/roll/back', text: 'again' }));
    store.writePacked([builder.take().batch], []);
    expect(store.page().messages.map((m) => m.topic)).toEqual(['will/roll/back']);
    expect(store.totals()).toEqual({ messages: 1, bytes: 5 });
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
