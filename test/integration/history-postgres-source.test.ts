import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { History, HistoryEvent } from '../../main/core/history';
import { createPostgresHistory } from '../../main/core/history/postgres';
import { usePostgres } from '../support/fixtures';
import { historyTempDir, message } from '../support/history-fixtures';
import { waitFor } from '../support/wait-for';

// createPostgresHistory: the History the core uses, on a team's PostgreSQL (a throwaway cluster).
const cluster = usePostgres();
const opened: { history: History; drop?: () => Promise<void> }[] = [];

async function open(url?: string, options: Partial<Parameters<typeof createPostgresHistory>[0]> = {}) {
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const database = await cluster.createDatabase();
    url = database.url;
    drop = database.drop;
  }
  const history = await createPostgresHistory({ source: { url }, ...options });
  opened.push({ history, ...(drop ? { drop } : {}) });
  const events: HistoryEvent[] = [];
  history.onEvent((event) => events.push(event));
  return { history, url, events };
}

afterEach(async () => {
  for (const { history, drop } of opened.splice(0).reverse()) {
    await history.close();
    await drop?.();
  }
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('createPostgresHistory: the History surface on a team database', () => {
  it('appends, flushes and pages back what it took, labelled, with the same History as SQLite', async () => {
    const { history, events } = await open();
    expect(history.report.schemaVersion).toBeGreaterThanOrEqual(2);
    await history.describeConnection('profile:p1', 'Plant A');
    for (let i = 0; i < 10; i++) expect(history.append('profile:p1', message({ topic: `plant/${i % 2}`, text: `m${i}`, timestamp: 1000 + i }))).toBe(true);
    await history.flush();
    expect(history.stats()).toMatchObject({ accepted: 10, written: 10, pending: 0, dropped: 0, failed: 0 });
    expect(events.filter((e) => e.type === 'flushed').reduce((n, e) => n + (e.type === 'flushed' ? e.count : 0), 0)).toBe(10);
    const page = await history.page({ limit: 3 });
    expect(page.messages.map((m) => text(m.payload))).toEqual(['m9', 'm8', 'm7']);
    expect(page.messages[0]).toMatchObject({ connectionKey: 'profile:p1', connectionLabel: 'Plant A', topic: 'plant/1' });
    const next = await history.page({ limit: 3, cursor: page.nextCursor });
    expect(next.messages.map((m) => text(m.payload))).toEqual(['m6', 'm5', 'm4']);
    expect(await history.count({ topicFilter: 'plant/0' })).toBe(5);
    expect(await history.connections()).toEqual([{ key: 'profile:p1', label: 'Plant A' }]);
    expect((await history.topicSummaries('profile:p1', 10, 8)).topics.map((t) => t.topic).sort()).toEqual(['plant/0', 'plant/1']);
    expect(await history.totals()).toEqual({ messages: 10, bytes: 20 });
    expect(await history.clear('profile:p1', 'plant/0')).toBe(5);
    expect(await history.count()).toBe(5);
  });

  it('exports and imports through the same code as SQLite', async () => {
    const temp = historyTempDir();
    try {
      const first = await open();
      for (let i = 0; i < 7; i++) first.history.append('c1', message({ text: `e${i}`, timestamp: 2000 + i }));
      await first.history.flush();
      const file = temp.file('out.ndjson');
      expect(await first.history.exportTo({ path: file, format: 'ndjson' }).done).toMatchObject({ count: 7 });
      const second = await open();
      expect(await second.history.importFrom({ path: file }).done).toEqual({ imported: 7, cancelled: false });
      expect((await second.history.page({ order: 'asc' })).messages.map((m) => text(m.payload))).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    } finally {
      temp.cleanup();
    }
  });

  it('refuses what a shared server does itself (backups, restores) with HISTORY_UNSUPPORTED', async () => {
    const { history } = await open();
    await expect(history.backup('/tmp/x.db')).rejects.toMatchObject({ code: 'HISTORY_UNSUPPORTED', message: expect.stringContaining('pg_dump') as string });
    await expect(history.restore('/tmp/x.db')).rejects.toMatchObject({ code: 'HISTORY_UNSUPPORTED' });
    expect(history.damage()).toBeNull();
  });

  it('says when its queue is crowded and when it has room again; beyond its bound drops the newest and records the gap', async () => {
    const { history, events } = await open(undefined, { maxPendingMessages: 100, flushIntervalMs: 60_000, maxBatchMessages: 100_000 });
    for (let i = 0; i < 49; i++) history.append('c1', message({ timestamp: 10_000 + i }));
    expect(history.whenRoom()).toBeNull();
    history.append('c1', message({ timestamp: 10_049 }));
    const room = history.whenRoom();
    expect(room).toBeInstanceOf(Promise);
    // One synchronous burst: nothing can be committed in between.
    const results = Array.from({ length: 200 }, (_, i) => history.append(i % 2 ? 'odd' : 'even', message({ timestamp: 10_050 + i })));
    expect(results.filter(Boolean)).toHaveLength(50);
    expect(history.stats()).toMatchObject({ accepted: 100, dropped: 150, isDropping: true });
    await history.flush();
    await room;
    expect(history.whenRoom()).toBeNull();
    expect(history.append('even', message({ timestamp: 20_000 }))).toBe(true);
    await history.flush();
    expect(events.some((e) => e.type === 'backpressure' && !e.dropping && e.dropped === 150)).toBe(true);
    expect(await history.count()).toBe(101);
    const gaps = await history.gaps();
    expect(gaps.reduce((n, g) => n + g.dropped, 0)).toBe(150);
    expect(gaps.every((g) => g.reason.startsWith('backpressure'))).toBe(true);
  });

  it('tells other workbenches on the database that rows arrived (LISTEN/NOTIFY tail), not itself', async () => {
    const writer = await open();
    const reader = await open(writer.url);
    // The reader's LISTEN connection is up once a notification sent now reaches it.
    const probe = new pg.Client({ connectionString: writer.url });
    await probe.connect();
    try {
      await waitFor(async () => {
        await probe.query("SELECT pg_notify('workbench_history', '{\"writer\":\"probe\",\"count\":0,\"connectionKeys\":[],\"fromTs\":0,\"toTs\":0}')");
        return reader.events.some((e) => e.type === 'tail' && e.writer === 'probe');
      }, 'the reader to listen');
    } finally {
      await probe.end();
    }
    for (let i = 0; i < 3; i++) writer.history.append('recorder', message({ timestamp: 5000 + i }));
    await writer.history.flush();
    const tail = await waitFor(() => reader.events.find((e) => e.type === 'tail' && e.writer !== 'probe'), 'a tail event');
    expect(tail).toMatchObject({ type: 'tail', count: 3, connectionKeys: ['recorder'], fromTs: 5000, toTs: 5002 });
    expect(writer.events.some((e) => e.type === 'tail' && e.writer !== 'probe')).toBe(false);
    expect((await reader.history.page()).messages).toHaveLength(3);
  });

  it('a read-only role browses but gets HISTORY_READ_ONLY (42501) on clear and on writes', async () => {
    const owner = await open();
    owner.history.append('c1', message({ text: 'kept' }));
    await owner.history.flush();
    const database = new URL(owner.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: owner.url });
    await admin.connect();
    try {
      await admin.query('DROP ROLE IF EXISTS wb_reader');
      await admin.query('CREATE ROLE wb_reader LOGIN');
      await admin.query(`GRANT CONNECT ON DATABASE ${database} TO wb_reader`);
      await admin.query('GRANT USAGE ON SCHEMA public TO wb_reader');
      await admin.query('GRANT SELECT ON ALL TABLES IN SCHEMA public TO wb_reader');
    } finally {
      await admin.end();
    }
    const url = `postgres://wb_reader@${cluster.host}:${cluster.port}/${database}`;
    const reader = await open(url);
    expect((await reader.history.page()).messages.map((m) => text(m.payload))).toEqual(['kept']);
    await expect(reader.history.clear('c1')).rejects.toMatchObject({ code: 'HISTORY_READ_ONLY', message: 'This team database role can read but not change history' });
    reader.history.append('c1', message({ text: 'refused' }));
    await reader.history.flush();
    expect(reader.history.stats()).toMatchObject({ written: 0, failed: 1 });
    expect(reader.events.find((e) => e.type === 'error')).toMatchObject({ error: { code: 'HISTORY_READ_ONLY' } });
    expect(await owner.history.count()).toBe(1);
  });

  it('a database that goes away mid-capture: the write in flight becomes a recorded gap, it reconnects and resumes', async () => {
    const { history, events } = await open(undefined, { reconnect: { initialMs: 50, maxMs: 400 } });
    let next = 0;
    const produce = () => history.append('c1', message({ text: `m${next}`, timestamp: 1_700_000_000_000 + next++ }));
    for (let i = 0; i < 100; i++) produce();
    await history.flush();
    const producer = setInterval(() => {
      for (let i = 0; i < 5; i++) produce();
    }, 5);
    try {
      await cluster.pause();
      await waitFor(() => events.some((e) => e.type === 'store' && e.state === 'down'), 'the store-down event');
      const acceptedWhileDown = history.stats().accepted;
      await waitFor(() => history.stats().accepted > acceptedWhileDown + 50, 'appends while the database is down');
      await cluster.resume();
      await waitFor(() => events.some((e) => e.type === 'store' && e.state === 'up'), 'the store-up event', 15_000);
      const acceptedAfter = history.stats().accepted;
      await waitFor(() => history.stats().written > 0 && history.stats().accepted > acceptedAfter + 50, 'appends after it is back');
    } finally {
      clearInterval(producer);
    }
    await history.flush();
    const stats = history.stats();
    const gaps = await history.gaps('c1');
    const lost = gaps.filter((g) => g.reason.startsWith('the history database connection was lost'));
    expect(lost.length).toBeGreaterThan(0);
    // Nothing silently lost: every accepted message is stored or counted in a recorded gap.
    expect(lost.reduce((n, g) => n + g.dropped, 0)).toBe(stats.failed);
    expect((await history.count()) + stats.failed).toBe(stats.accepted);
    expect(stats.accepted).toBe(next - stats.dropped);
    const up = events.find((e) => e.type === 'store' && e.state === 'up');
    expect(up?.type === 'store' && up.state === 'up' ? up.gaps.reduce((n, g) => n + g.dropped, 0) : -1).toBe(stats.failed);
  }, 60_000);
});
