import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCodecEngines } from '../../main/core/codecs/codec-engines-loader';
import type { CodecScopes } from '../../main/core/codecs/codec-scopes';
import type { Awaitable, HistoryStore } from '../../main/core/history/history-store';
import { BatchBuilder } from '../../main/core/history/packed-batch';
import type { HistoryQuery, StoredMessage } from '../../main/core/history/types';
import { type CodecSettings, codecSettings } from '../../shared/contract';
import { message } from '../support/history-fixtures';

/** A store under test, opened fresh (an empty file, an empty database) for each test. */
export interface StoreUnderTest {
  store: HistoryStore & { connectionTotals(): Awaitable<Map<string, { messages: number; bytes: number }>> };
  /** The type the engine keeps a payload as ('blob' in SQLite, 'bytea' in PostgreSQL): raw bytes, never text. */
  rawPayloadType(): Promise<string>;
  expectedPayloadType: string;
  close(): Promise<void>;
}

export type OpenStore = (options: { fullTextMaxBytes?: number }) => Promise<StoreUnderTest>;

const gzipRule: CodecSettings = codecSettings.parse({ rules: [{ id: 'gz', filter: 'factory/+/telemetry', encoding: 'gzip', format: { kind: 'json' } }] });
const scopes = (stamp: number, profiles: Record<string, CodecSettings>, global: CodecSettings = { rules: [], schemas: [] }): CodecScopes => ({ stamp, global, profiles });
const gz = (body: string) => new Uint8Array(gzipSync(body));

const topicsOf = (messages: StoredMessage[]) => messages.map((m) => m.topic);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * The behaviour every HistoryStore has, whatever keeps the rows: the same assertions run against
 * SQLite (history-store.test.ts) and PostgreSQL (history-store-postgres.test.ts). What only one
 * engine has (SQLite's file, WAL reader and full-text index file) is tested beside it, not here.
 */
export function describeHistoryStore(name: string, open: OpenStore): void {
  let current: StoreUnderTest;
  let store: StoreUnderTest['store'];
  const opened: StoreUnderTest[] = [];
  const openStore = async (options: { fullTextMaxBytes?: number } = {}) => {
    const s = await open(options);
    opened.push(s);
    return s;
  };

  beforeEach(async () => {
    current = await openStore();
    store = current.store;
  });
  afterEach(async () => {
    for (const s of opened.splice(0).reverse()) await s.close();
  });

  describe(`${name} history store: what is kept`, () => {
    it('keeps every field of a message, the raw payload bytes and MQTT 5 properties', async () => {
      const binary = Uint8Array.from([0, 255, 0xc3, 0x28, 10, 0]); // not UTF-8
      await store.insert([
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
      const [stored] = (await store.page()).messages;
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
      expect(await current.rawPayloadType()).toBe(current.expectedPayloadType);
    });

    it('keeps a 5 MB payload whole, byte for byte', async () => {
      const big = new Uint8Array(5 * 1024 * 1024);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
      await store.insert([message({ payload: big })]);
      const [stored] = (await store.page()).messages;
      expect(stored!.payloadSize).toBe(big.length);
      expect(Buffer.compare(Buffer.from(stored!.payload), Buffer.from(big))).toBe(0);
    });

    it('keeps an empty payload (a retained-message delete) as zero bytes', async () => {
      await store.insert([message({ payload: new Uint8Array(0), retain: true })]);
      expect((await store.page()).messages[0]!.payload).toEqual(new Uint8Array(0));
    });

    it('counts messages and bytes as rows are inserted', async () => {
      await store.insert([message({ text: 'abc' }), message({ text: 'hello' })]);
      expect(await store.totals()).toEqual({ messages: 2, bytes: 8 });
    });

    it('keeps messages from long ago (an import) and far apart in time', async () => {
      await store.insert([
        message({ topic: 'old', timestamp: 86_400_000 * 3 + 5 }),
        message({ topic: 'older', timestamp: 1 }),
        message({ topic: 'now', timestamp: 1_700_000_000_000 }),
      ]);
      expect(topicsOf((await store.page({ order: 'asc' })).messages)).toEqual(['older', 'old', 'now']);
    });
  });

  describe(`${name} history store: queries`, () => {
    beforeEach(async () => {
      const t0 = 1_700_000_000_000;
      await store.insert([
        message({ connectionKey: 'c1', topic: 'home/kitchen/temp', text: '{"temperature": 21.5}', timestamp: t0 + 1, qos: 0 }),
        message({ connectionKey: 'c1', topic: 'home/kitchen/humidity', text: '{"humidity": 40}', timestamp: t0 + 2, qos: 1 }),
        message({ connectionKey: 'c1', topic: 'home/garage/temp', text: '{"temperature": 12}', timestamp: t0 + 3, retain: true }),
        message({ connectionKey: 'c2', topic: 'home/kitchen/temp', text: 'Temperature ALERT', timestamp: t0 + 4, direction: 'out', qos: 2 }),
        message({ connectionKey: 'c2', topic: '$SYS/broker/uptime', text: '12345 seconds', timestamp: t0 + 5 }),
        message({ connectionKey: 'c1', topic: 'home', payload: Uint8Array.from([0xff, 0xfe, 0x74, 0x65, 0x6d, 0x70]), timestamp: t0 + 6 }),
      ]);
    });

    const run = async (query: HistoryQuery) => topicsOf((await store.page({ query, order: 'asc' })).messages);

    it('filters by topic with + and # wildcards, as MQTT subscriptions do', async () => {
      expect(await run({ topicFilter: 'home/+/temp' })).toEqual(['home/kitchen/temp', 'home/garage/temp', 'home/kitchen/temp']);
      expect(await run({ topicFilter: 'home/#' })).toEqual(['home/kitchen/temp', 'home/kitchen/humidity', 'home/garage/temp', 'home/kitchen/temp', 'home']);
      expect(await run({ topicFilter: 'home/kitchen/temp' })).toEqual(['home/kitchen/temp', 'home/kitchen/temp']);
      expect(await run({ topicFilter: 'nothing/+' })).toEqual([]);
    });

    it('does not match $SYS topics with a leading wildcard [MQTT-4.7.2-1]', async () => {
      expect(await run({ topicFilter: '#' })).not.toContain('$SYS/broker/uptime');
      expect(await run({ topicFilter: '$SYS/#' })).toEqual(['$SYS/broker/uptime']);
    });

    it('rejects an invalid topic filter with HISTORY_INVALID_QUERY', async () => {
      await expect((async () => store.page({ query: { topicFilter: 'home/#/x' } }))()).rejects.toMatchObject({ code: 'HISTORY_INVALID_QUERY' });
    });

    it('filters by connection, direction, time range, QoS, retained and payload size', async () => {
      expect(await run({ connectionKeys: ['c2'] })).toEqual(['home/kitchen/temp', '$SYS/broker/uptime']);
      expect(await run({ direction: 'out' })).toEqual(['home/kitchen/temp']);
      expect(await run({ since: 1_700_000_000_002, until: 1_700_000_000_003 })).toEqual(['home/kitchen/humidity', 'home/garage/temp']);
      expect(await run({ qos: [1, 2] })).toEqual(['home/kitchen/humidity', 'home/kitchen/temp']);
      expect(await run({ retain: true })).toEqual(['home/garage/temp']);
      expect(await run({ minPayloadSize: 17, maxPayloadSize: 19 })).toEqual(['home/garage/temp', 'home/kitchen/temp']);
    });

    it('filters by connection label, the latest label winning', async () => {
      await store.setConnectionLabel('c2', 'Garage broker');
      expect(await run({ connectionLabels: ['Garage broker'] })).toEqual(['home/kitchen/temp', '$SYS/broker/uptime']);
      await store.setConnectionLabel('c2', 'Renamed');
      expect(await run({ connectionLabels: ['Garage broker'] })).toEqual([]);
      expect((await store.page({ query: { connectionKeys: ['c2'] } })).messages[0]!.connectionLabel).toBe('Renamed');
      await store.setConnectionLabel('c2', 'Import label', { ifUnnamed: true }); // c2 has a name: kept
      await store.setConnectionLabel('c1', 'Kitchen', { ifUnnamed: true }); // c1 had only its key: named
      expect(await store.connections()).toEqual([
        { key: 'c1', label: 'Kitchen' },
        { key: 'c2', label: 'Renamed' },
      ]);
    });

    it('finds payload text case-insensitively, as a substring, only in payloads that are UTF-8', async () => {
      expect(await run({ text: 'temperature' })).toEqual(['home/kitchen/temp', 'home/garage/temp', 'home/kitchen/temp']);
      expect(await run({ text: 'PERAT' })).toEqual(['home/kitchen/temp', 'home/garage/temp', 'home/kitchen/temp']);
      expect(await run({ text: '"humidity"' })).toEqual(['home/kitchen/humidity']);
      expect(await run({ text: 'temp' })).not.toContain('home'); // the binary payload contains the bytes "temp"
      expect(await run({ text: '40' })).toEqual(['home/kitchen/humidity']); // shorter than a trigram: scanned
      expect(await run({ text: '100%' })).toEqual([]); // LIKE's wildcards are plain characters here
      expect(await run({ text: '_' })).toEqual([]);
    });

    it('combines filters with AND', async () => {
      expect(await run({ topicFilter: 'home/+/temp', connectionKeys: ['c1'], text: 'temperature', since: 1_700_000_000_002 })).toEqual(['home/garage/temp']);
      expect(await store.count({ topicFilter: 'home/#', qos: [0] })).toBe(3);
      expect(await store.count({})).toBe(6);
    });

    it('counts up to a cap and says when there are more', async () => {
      expect(await store.countUpTo({ topicFilter: 'home/#' }, 3)).toEqual({ count: 3, capped: true });
      expect(await store.countUpTo({ topicFilter: 'home/#' }, 5)).toEqual({ count: 5, capped: false });
      expect(await store.countUpTo({}, 2)).toEqual({ count: 2, capped: true });
      expect(await store.countUpTo({ text: 'temperature' }, 10)).toEqual({ count: 3, capped: false });
      expect(await store.countUpTo({ qos: [2] })).toEqual({ count: 1, capped: false });
    });

    it('returns the last N values of one topic, newest first', async () => {
      for (let i = 0; i < 10; i++) await store.insert([message({ connectionKey: 'c3', topic: 'plot/me', text: String(i), timestamp: 1_800_000_000_000 + i })]);
      const last = await store.lastValues('c3', 'plot/me', 3);
      expect(last.map((m) => text(m.payload))).toEqual(['9', '8', '7']);
      expect(await store.lastValues('c3', 'no/such/topic', 3)).toEqual([]);
    });
  });

  describe(`${name} history store: keyset paging`, () => {
    it('walks every row exactly once, in order, across equal timestamps, many topics or few', async () => {
      const rows = Array.from({ length: 1000 }, (_, i) => message({ topic: `t/${i % 100}`, text: `m${i}`, timestamp: 1_700_000_000_000 + Math.floor(i / 7) }));
      await store.insert(rows);
      for (const topicFilter of [undefined, 't/+', 't/1', 't/#']) {
        const seen: number[] = [];
        let cursor = null;
        for (;;) {
          const page: Awaited<ReturnType<typeof store.page>> = await store.page({ query: topicFilter === undefined ? {} : { topicFilter }, limit: 37, cursor });
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
  });

  describe(`${name} history store: retention and clearing`, () => {
    it('keeps at most maxMessages, deleting the oldest first, in bounded steps', async () => {
      await store.insert(Array.from({ length: 120 }, (_, i) => message({ text: `m${i}`, timestamp: 1_700_000_000_000 + i })));
      expect(await store.enforceRetention({ maxMessages: 50 }, 30)).toBe(30);
      expect(await store.enforceRetention({ maxMessages: 50 }, 30)).toBe(30);
      expect(await store.enforceRetention({ maxMessages: 50 }, 30)).toBe(10);
      expect(await store.enforceRetention({ maxMessages: 50 }, 30)).toBe(0);
      expect(await store.count()).toBe(50);
      expect(text((await store.page({ order: 'asc', limit: 1 })).messages[0]!.payload)).toBe('m70');
    });

    it('drops messages older than maxAgeMs and keeps total bytes under maxBytes', async () => {
      const now = 1_700_000_100_000;
      await store.insert(Array.from({ length: 100 }, (_, i) => message({ payload: new Uint8Array(100), timestamp: now - 100_000 + i * 1000 })));
      await store.enforceRetention({ maxAgeMs: 50_000 }, 1000, now);
      expect(await store.count()).toBe(50);
      await store.enforceRetention({ maxBytes: 2000 }, 1000, now);
      expect((await store.totals()).bytes).toBeLessThanOrEqual(2000);
      expect((await store.page({ order: 'asc' })).messages.every((m) => m.timestamp >= now - 50_000)).toBe(true);
    });

    it('drops whole days of messages older than maxAgeMs, and keeps the day the cutoff falls in', async () => {
      const day = 86_400_000;
      const now = 1_700_000_000_000;
      const rows = [];
      for (let d = 5; d >= 1; d--) for (let i = 0; i < 3; i++) rows.push(message({ text: `d${d}`, timestamp: now - d * day + i }));
      await store.insert(rows);
      // Everything older than 2.5 days: the messages 3, 4 and 5 days old.
      expect(await store.enforceRetention({ maxAgeMs: 2.5 * day }, 1000, now)).toBe(9);
      expect((await store.page({ order: 'asc' })).messages.map((m) => text(m.payload))).toEqual(['d2', 'd2', 'd2', 'd1', 'd1', 'd1']);
      await store.insert([message({ text: 'late import', timestamp: now - 4 * day })]);
      expect(await store.count()).toBe(7);
    });

    it('applies limits per connection, with overrides by connection id, leaving other connections alone', async () => {
      const rows = [];
      for (let i = 0; i < 60; i++) {
        rows.push(message({ connectionKey: 'chatty', text: `c${i}`, timestamp: 1000 + i }));
        if (i < 20) rows.push(message({ connectionKey: 'quiet', text: `q${i}`, timestamp: 1000 + i }));
        if (i < 30) rows.push(message({ connectionKey: 'special', payload: new Uint8Array(100), timestamp: 1000 + i }));
      }
      await store.insert(rows);
      await store.enforceRetention({ perConnection: { maxMessages: 25 }, connections: { special: { maxBytes: 1000 } } }, 10_000);
      expect(await store.count({ connectionKeys: ['chatty'] })).toBe(25);
      expect(await store.count({ connectionKeys: ['quiet'] })).toBe(20);
      expect(await store.count({ connectionKeys: ['special'] })).toBe(10);
      // The oldest went first.
      expect(text((await store.page({ query: { connectionKeys: ['chatty'] }, order: 'asc', limit: 1 })).messages[0]!.payload)).toBe('c35');
      expect((await store.connectionTotals()).get('special')).toEqual({ messages: 10, bytes: 1000 });
      expect(await store.totals()).toEqual({ messages: 55, bytes: 1000 + 25 * 3 + 10 * 2 + 10 * 3 });
    });

    it('deletes no more than needed for a byte limit, even with mixed message sizes', async () => {
      await store.insert([
        ...Array.from({ length: 10 }, (_, i) => message({ payload: new Uint8Array(1000), timestamp: i })),
        ...Array.from({ length: 100 }, (_, i) => message({ payload: new Uint8Array(10), timestamp: 100 + i })),
      ]);
      await store.enforceRetention({ maxBytes: 2500 });
      // 10 x 1000 + 100 x 10 = 11,000 bytes: the nine oldest (large) ones must go, and no more.
      expect(await store.totals()).toEqual({ messages: 101, bytes: 1000 + 1000 });
    });

    it('clears one connection’s history, or one topic filter within it', async () => {
      await store.insert([message({ connectionKey: 'c1', topic: 'a/1' }), message({ connectionKey: 'c1', topic: 'b/1' }), message({ connectionKey: 'c2', topic: 'a/1' })]);
      await store.recordGaps([{ connectionKey: 'c1', fromTs: 1, toTs: 2, dropped: 3, reason: 'queue full' }]);
      expect(await store.clear('c1', 'a/#')).toBe(1);
      expect(await store.count({ connectionKeys: ['c1'] })).toBe(1);
      expect(await store.gaps('c1')).toHaveLength(1); // a topic filter leaves the connection's gaps
      expect(await store.clear('c1')).toBe(1);
      expect(await store.count()).toBe(1);
      expect((await store.totals()).messages).toBe(1);
      expect(await store.gaps('c1')).toEqual([]);
      expect(await store.clear('nobody')).toBe(0);
    });
  });

  describe(`${name} history store: gaps and connections`, () => {
    it('keeps gaps, per connection, oldest first, with the flush that recorded them', async () => {
      const builder = new BatchBuilder();
      builder.add('c1', message({ topic: 'x' }));
      await store.writePacked([builder.take().batch], [{ connectionKey: 'c1', fromTs: 50, toTs: 60, dropped: 7, reason: 'queue full' }]);
      await store.recordGaps([
        { connectionKey: 'c2', fromTs: 10, toTs: 20, dropped: 1, reason: 'disconnected' },
        { connectionKey: 'c1', fromTs: 5, toTs: 6, dropped: 2, reason: 'queue full' },
      ]);
      expect(await store.gaps('c1')).toEqual([
        { connectionKey: 'c1', fromTs: 5, toTs: 6, dropped: 2, reason: 'queue full' },
        { connectionKey: 'c1', fromTs: 50, toTs: 60, dropped: 7, reason: 'queue full' },
      ]);
      expect((await store.gaps()).map((g) => g.fromTs)).toEqual([5, 10, 50]);
    });

    it('lists only connections that have messages, by label', async () => {
      await store.insert([message({ connectionKey: 'k2' }), message({ connectionKey: 'k1' })]);
      await store.setConnectionLabel('k1', 'zeta');
      await store.setConnectionLabel('k2', 'Alpha');
      await store.setConnectionLabel('k3', 'no messages');
      expect(await store.connections()).toEqual([
        { key: 'k2', label: 'Alpha' },
        { key: 'k1', label: 'zeta' },
      ]);
    });
  });

  describe(`${name} history store: the topics of a connection, for the topic tree`, () => {
    it('lists each received topic with its count, last value head and retained state, never whole payloads', async () => {
      const big = 'x'.repeat(500_000);
      await store.insert([
        message({ topic: 'a/temp', text: '20', retain: true, timestamp: 1 }),
        message({ topic: 'a/temp', text: '21', timestamp: 2 }), // live update: still retained at the broker
        message({ topic: 'a/big', text: big, timestamp: 3 }),
        message({ topic: 'a/gone', text: 'x', retain: true, timestamp: 4 }),
        message({ topic: 'a/gone', text: '', timestamp: 5 }), // deleted retained value
        message({ topic: 'a/out', text: 'sent', direction: 'out', timestamp: 6 }), // published by us: not the broker's
        message({ connectionKey: 'other', topic: 'b', text: 'elsewhere', timestamp: 7 }),
      ]);
      const { topics, truncated } = await store.topicSummaries('c1', 100, 16);
      expect(truncated).toBe(false);
      const byTopic = Object.fromEntries(topics.map((t) => [t.topic, { ...t, preview: text(t.preview) }]));
      expect(Object.keys(byTopic).sort()).toEqual(['a/big', 'a/gone', 'a/temp']);
      expect(byTopic['a/temp']).toMatchObject({ messages: 2, lastTimestamp: 2, retained: true, payloadSize: 2, preview: '21' });
      expect(byTopic['a/big']).toMatchObject({ messages: 1, retained: false, payloadSize: 500_000, preview: 'x'.repeat(16) });
      expect(byTopic['a/gone']).toMatchObject({ messages: 2, retained: false, payloadSize: 0, preview: '' });
      const limited = await store.topicSummaries('c1', 2, 16);
      expect(limited.topics).toHaveLength(2);
      expect(limited.truncated).toBe(true);
      expect((await store.topicSummaries('nobody', 10, 16)).topics).toEqual([]);
      expect((await store.topicSummaries('other', 10, 16)).topics.map((t) => t.topic)).toEqual(['b']);
    });
  });

  describe(`${name} history store: packed batches from the writer queue`, () => {
    it('stores a packed batch exactly like the messages it was built from', async () => {
      const builder = new BatchBuilder(2);
      const inputs = [
        message({ topic: 'p/1', text: 'first', packetId: 9, qos: 1 }),
        message({ topic: 'p/2', payload: Uint8Array.from([0, 1, 2]), direction: 'out', retain: true, dup: true, qos: 2 }),
        message({ topic: 'p/1', text: 'third', properties: { contentType: 'text/plain' }, timestamp: 1_700_000_000_999 }),
      ];
      for (const input of inputs) builder.add(input.connectionKey, input);
      expect(await store.writePacked([builder.take().batch], [])).toBe(3);
      const stored = (await store.page({ order: 'asc' })).messages;
      expect(stored.map(({ id: _id, payloadSize: _size, connectionLabel: _label, ...rest }) => rest)).toEqual(
        inputs.map((input) => ({ ...input, packetId: input.packetId ?? null, properties: input.properties ?? null })),
      );
      expect(await store.count({ text: 'third' })).toBe(1);
    });

    it('after a failed transaction, forgets the topics it created and keeps writing correctly', async () => {
      const builder = new BatchBuilder();
      builder.add('c1', message({ topic: 'will/roll/back' }));
      const { batch } = builder.take();
      const broken = {
        ...batch,
        count: 2,
        keys: Uint32Array.from([1, 99]),
        payloadEnds: Float64Array.from([4, 4]),
        flags: new Uint8Array(2),
        packetIds: Int32Array.from([-1, -1]),
        timestamps: Float64Array.from([1, 1]),
      };
      await expect((async () => store.writePacked([broken], []))()).rejects.toThrow(/unknown topic key 99/);
      expect(await store.count()).toBe(0);
      builder.add('c1', message({ topic: 'will/roll/back', text: 'again' }));
      await store.writePacked([builder.take().batch], []);
      expect((await store.page()).messages.map((m) => m.topic)).toEqual(['will/roll/back']);
      expect(await store.totals()).toEqual({ messages: 1, bytes: 5 });
    });
  });

  describe(`${name} history store: text search with codec rules`, () => {
    // As the History reader worker does before a query with rules: the engines load on first need.
    beforeAll(() => loadCodecEngines());
    it('finds a covered topic by its decoded text, leaves other connections and raw rows as they were', async () => {
      await store.insert([
        message({ connectionKey: 'profile:p1', topic: 'factory/1/telemetry', payload: gz('{"alarm":"Overheat","t":91}'), timestamp: 1000 }),
        message({ connectionKey: 'profile:p1', topic: 'factory/1/telemetry', payload: gz('{"alarm":"none","t":20}'), timestamp: 1001 }),
        message({ connectionKey: 'profile:p1', topic: 'factory/1/log', text: 'overheat seen at line 1', timestamp: 1002 }),
        // Another connection: the profile's rule is not its rule, so its gzip stays unsearchable.
        message({ connectionKey: 'endpoint:other', topic: 'factory/1/telemetry', payload: gz('{"alarm":"overheat"}'), timestamp: 1003 }),
      ]);
      const search = async (codecs?: CodecScopes) => {
        const page = await store.page({ query: { text: 'OVERHEAT' }, ...(codecs ? { codecs } : {}) });
        const counted = await store.countUpTo({ text: 'overheat' }, 100, codecs);
        return { timestamps: page.messages.map((m) => m.timestamp), count: counted.count };
      };
      expect(await search()).toEqual({ timestamps: [1002], count: 1 });
      expect(await search(scopes(1, { p1: gzipRule }))).toEqual({ timestamps: [1002, 1000], count: 2 });
      // A global rule reaches every connection; with a topic filter too.
      expect(await search(scopes(2, {}, gzipRule))).toEqual({ timestamps: [1003, 1002, 1000], count: 3 });
      const filtered = await store.page({ query: { text: 'overheat', topicFilter: 'factory/+/telemetry' }, codecs: scopes(2, {}, gzipRule) });
      expect(filtered.messages.map((m) => m.timestamp)).toEqual([1003, 1000]);
      // Rules gone (a new stamp): back to raw text.
      expect(await search(scopes(3, {}))).toEqual({ timestamps: [1002], count: 1 });
    });

    it('pages through many covered rows where few match, each match once, and counts up to a cap', async () => {
      const rows = Array.from({ length: 300 }, (_, i) =>
        message({ connectionKey: 'profile:p1', topic: `factory/${i % 3}/telemetry`, payload: gz(i % 25 === 0 ? `{"alarm":"hot ${i}"}` : `{"t":${i}}`), timestamp: 5000 + i }),
      );
      rows.push(message({ connectionKey: 'profile:p1', topic: 'factory/x/log', text: 'HOT raw', timestamp: 5100 }));
      await store.insert(rows);
      const codecs = scopes(4, { p1: gzipRule });
      const seen: number[] = [];
      let cursor = null;
      do {
        const page: Awaited<ReturnType<typeof store.page>> = await store.page({ query: { text: 'hot' }, codecs, limit: 4, cursor, order: 'asc' });
        seen.push(...page.messages.map((m) => m.timestamp));
        cursor = page.nextCursor;
      } while (cursor);
      const expected = [...Array.from({ length: 12 }, (_, k) => 5000 + k * 25), 5100].sort((a, b) => a - b);
      expect(seen).toEqual(expected);
      expect(await store.count({ text: 'hot' }, codecs)).toBe(13);
      expect(await store.countUpTo({ text: 'hot' }, 5, codecs)).toEqual({ count: 5, capped: true });
    });
  });

  describe(`${name} history store: text search`, () => {
    it('searches only UTF-8 payloads within the full-text size limit, the same on every page', async () => {
      const limited = (await openStore({ fullTextMaxBytes: 100 })).store;
      const rows = Array.from({ length: 400 }, (_, i) =>
        message({
          topic: i % 40 === 0 ? 'rare/topic' : `busy/${i % 7}`,
          text: i % 3 === 0 ? `Common word ${i}` : i % 50 === 0 ? `rare needle ${i}` : `other ${i}`,
          timestamp: 1_700_000_000_000 + i,
        }),
      );
      rows.push(message({ topic: 'busy/1', payload: Uint8Array.from([0xff, ...new TextEncoder().encode('common')]) })); // not UTF-8
      rows.push(message({ topic: 'busy/1', text: 'COMMON but too big '.repeat(10) })); // over fullTextMaxBytes
      await limited.insert(rows);
      const queries: HistoryQuery[] = [
        { text: 'common' },
        { text: 'COMMON', topicFilter: 'rare/topic' },
        { text: 'mon wo', topicFilter: 'busy/+', since: 1_700_000_000_100 },
        { text: 'needle' },
        { text: 'co' },
      ];
      for (const query of queries) {
        const ids: number[] = [];
        let cursor = null;
        do {
          const page: Awaited<ReturnType<typeof limited.page>> = await limited.page({ query, limit: 9, cursor });
          ids.push(...page.messages.map((m) => m.id));
          cursor = page.nextCursor;
        } while (cursor);
        const expected = rows
          .map((row, i) => ({ id: i + 1, row }))
          .filter(({ row }) => {
            const body = new TextDecoder('utf-8', { fatal: false }).decode(row.payload);
            return row.payload.byteLength <= 100 && !body.includes('\uFFFD') && body.toLowerCase().includes(query.text!.toLowerCase());
          })
          .filter(({ row }) => query.topicFilter === undefined || (query.topicFilter === 'rare/topic' ? row.topic === 'rare/topic' : row.topic.startsWith('busy/')))
          .filter(({ row }) => query.since === undefined || row.timestamp >= query.since)
          .sort((a, b) => b.row.timestamp - a.row.timestamp || b.id - a.id)
          .map(({ id }) => id);
        expect(ids.length, JSON.stringify(query)).toBeGreaterThan(0);
        expect(ids, JSON.stringify(query)).toEqual(expected);
        expect(await limited.count(query)).toBe(expected.length);
      }
      expect(await limited.count({ text: 'common' })).toBe(134); // neither the non-UTF-8 nor the oversized payload
    });
  });
}
