import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HistoryEvent, type History, createHistory } from '../../main/core/history/create-history';
import { MIGRATIONS } from '../../main/core/history/migrations';
import { historyTempDir, message } from '../support/history-fixtures';

let temp: ReturnType<typeof historyTempDir>;
let history: History | null = null;
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(async () => {
  await history?.close();
  history = null;
  temp.cleanup();
});

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Date.now() - started;
}

describe('history service (worker threads)', () => {
  it('stores appended messages without an explicit flush, within the flush interval', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    expect(history.report.schemaVersion).toBe(MIGRATIONS.at(-1)!.version);
    for (let i = 0; i < 10; i++) expect(history.append('c1', message({ text: `m${i}`, timestamp: 1000 + i }))).toBe(true);
    // 50 ms flush interval; the bound is generous for a loaded 2-core machine. The reader may see
    // the commit before the writer's acknowledgement reaches this thread, so wait for both.
    await until(async () => (await history!.count()) === 10 && history!.stats().written === 10, 2000);
    expect(history.stats()).toMatchObject({ accepted: 10, written: 10, pending: 0, dropped: 0 });
    const page = await history.page({ limit: 3 });
    expect(page.messages.map((m) => new TextDecoder().decode(m.payload))).toEqual(['m9', 'm8', 'm7']);
    expect(page.nextCursor).toEqual({ timestamp: 1007, id: 8 });
  });

  it('says when its queue is crowded (half full) and when it has room again (down to a quarter), so readers can push back', async () => {
    history = await createHistory({ path: temp.file('history.db'), maxPendingMessages: 1000, flushIntervalMs: 10_000, maxBatchMessages: 100_000 });
    for (let i = 0; i < 499; i++) history.append('c1', message({ text: `m${i}` }));
    expect(history.whenRoom()).toBeNull();
    history.append('c1', message({ text: 'the 500th' }));
    const room = history.whenRoom();
    expect(room).toBeInstanceOf(Promise);
    let resolved = false;
    void room!.then(() => (resolved = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(resolved).toBe(false);
    // Still crowded until the writer has taken the queue down to a quarter.
    expect(history.whenRoom()).toBeInstanceOf(Promise);
    await history.flush();
    await room;
    expect(history.whenRoom()).toBeNull();
    expect(history.stats()).toMatchObject({ written: 500, dropped: 0 });
  });

  it('flush() resolves once everything appended so far is committed', async () => {
    history = await createHistory({ path: temp.file('history.db'), flushIntervalMs: 10_000 });
    const flushed: HistoryEvent[] = [];
    history.onEvent((event) => flushed.push(event));
    for (let i = 0; i < 5000; i++) history.append('c1', message({ text: `m${i}` }));
    await history.flush();
    expect(await history.count()).toBe(5000);
    expect(flushed.filter((e) => e.type === 'flushed').reduce((n, e) => n + (e.type === 'flushed' ? e.count : 0), 0)).toBe(5000);
  });

  it('under backpressure drops the newest messages, counts them per connection, reports and records the gap', async () => {
    history = await createHistory({ path: temp.file('history.db'), maxPendingMessages: 100 });
    const events: HistoryEvent[] = [];
    history.onEvent((event) => events.push(event));
    // Appended in one synchronous burst: the writer cannot acknowledge anything in between.
    const results = Array.from({ length: 1000 }, (_, i) =>
      history!.append(i % 2 ? 'odd' : 'even', message({ text: `m${i}`, timestamp: 10_000 + i })),
    );
    expect(results.filter(Boolean)).toHaveLength(100);
    expect(results.slice(0, 100).every(Boolean)).toBe(true);
    expect(history.stats()).toMatchObject({ accepted: 100, dropped: 900, droppedByConnection: { even: 450, odd: 450 }, isDropping: true });
    expect(events.filter((e) => e.type === 'backpressure')).toEqual([
      { type: 'backpressure', dropping: true, connectionKey: 'even' },
      { type: 'backpressure', dropping: true, connectionKey: 'odd' },
    ]);
    await history.flush();
    // Room again: the next message is taken and the episode's gaps go to the database with it.
    expect(history.append('even', message({ text: 'after', timestamp: 20_000 }))).toBe(true);
    await history.flush();
    expect(history.stats().isDropping).toBe(false);
    expect(events.at(-2)).toMatchObject({ type: 'backpressure', dropping: false, dropped: 900 });
    expect(await history.count()).toBe(101);
    expect(await history.gaps('even')).toEqual([
      { connectionKey: 'even', fromTs: 10_100, toTs: 10_998, dropped: 450, reason: 'backpressure: the history writer could not keep up' },
    ]);
  });

  it('bounds the queue by bytes too, yet always takes a single large message when nothing is pending', async () => {
    history = await createHistory({ path: temp.file('history.db'), maxPendingBytes: 1024 * 1024 });
    expect(history.append('c1', message({ payload: new Uint8Array(3 * 1024 * 1024) }))).toBe(true);
    expect(history.append('c1', message({ payload: new Uint8Array(10) }))).toBe(false);
    await history.flush();
    expect(history.append('c1', message({ payload: new Uint8Array(10) }))).toBe(true);
    await history.flush();
    expect((await history.page()).messages.map((m) => m.payloadSize)).toEqual([10, 3 * 1024 * 1024]);
  });

  it('answers queries from the reader while the writer is busy', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    for (let i = 0; i < 20_000; i++) history.append('c1', message({ topic: `t/${i % 50}`, text: `value ${i}`, timestamp: i }));
    const [page] = await Promise.all([history.page({ query: { topicFilter: 't/+' }, limit: 10 }), history.flush()]);
    expect(page.messages.length).toBeLessThanOrEqual(10);
    expect(await history.lastValues('c1', 't/7', 2)).toHaveLength(2);
  });

  it('reports where a corrupt database was moved, and starts with a fresh one', async () => {
    writeFileSync(temp.file('history.db'), 'definitely not sqlite'.repeat(100));
    history = await createHistory({ path: temp.file('history.db') });
    expect(history.report.recovered).toMatchObject({ movedTo: expect.stringContaining('history.db.corrupt-') as string });
    expect(await history.count()).toBe(0);
  });

  it('still works, searching text without the index, when the full-text index cannot be opened', async () => {
    mkdirSync(temp.file('history.db-fts')); // a folder where the index file should be
    history = await createHistory({ path: temp.file('history.db') });
    expect(history.report.fullText).toMatchObject({ error: { code: 'HISTORY_OPEN_FAILED' } });
    history.append('c1', message({ text: 'searchable anyway' }));
    await history.flush();
    expect((await history.page({ query: { text: 'anyway' } })).messages).toHaveLength(1);
  });

  it('rejects with HISTORY_OPEN_FAILED when the database cannot be created', async () => {
    await expect(createHistory({ path: temp.file('no/such/dir/history.db') })).rejects.toMatchObject({ code: 'HISTORY_OPEN_FAILED' });
  });

  it('clears a connection’s history through the writer, after the writes sent before it', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    history.append('a', message());
    history.append('b', message());
    expect(await history.clear('a')).toBe(1);
    expect(await history.count()).toBe(1);
    expect(await history.totals()).toEqual({ messages: 1, bytes: 4 });
  });

  it('names a connection through the writer: its stored messages and the connection list carry the label', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    history.append('profile:p1', message({ text: 'written before the name', timestamp: 1 }));
    await history.describeConnection('profile:p1', 'Line 1');
    await history.describeConnection('profile:never-used', 'Nothing stored');
    history.append('endpoint:e1', message({ text: 'never named', timestamp: 2 }));
    await history.flush();
    expect(await history.connections()).toEqual([
      { key: 'endpoint:e1', label: 'endpoint:e1' },
      { key: 'profile:p1', label: 'Line 1' },
    ]);
    expect((await history.page({ query: { connectionLabels: ['Line 1'] } })).messages.map((m) => [m.connectionKey, m.connectionLabel])).toEqual([
      ['profile:p1', 'Line 1'],
    ]);
  });

  it('enforces retention in the writer while ingest goes on, keeping the newest', async () => {
    history = await createHistory({ path: temp.file('history.db'), retention: { maxMessages: 500 } });
    for (let burst = 0; burst < 5; burst++) {
      for (let i = 0; i < 400; i++) history.append('c1', message({ text: `m${burst * 400 + i}`, timestamp: burst * 400 + i }));
      await history.flush();
    }
    await until(async () => (await history!.count()) === 500, 5000);
    const [oldest] = (await history.page({ order: 'asc', limit: 1 })).messages;
    expect(new TextDecoder().decode(oldest!.payload)).toBe('m1500');
    expect(await history.totals()).toEqual({ messages: 500, bytes: 500 * 5 });
    await history.setRetention({ perConnection: { maxMessages: 100 } });
    await until(async () => (await history!.count()) === 100, 5000);
    expect(await history.countUpTo({}, 50)).toEqual({ count: 50, capped: true });
  });

  it('keeps committing new messages while a long export runs in the reader', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    for (let i = 0; i < 40_000; i++) history.append('c1', message({ topic: `bulk/${i % 20}`, text: `payload number ${i}`, timestamp: i }));
    await history.flush();
    let exportDone = false;
    let progressEvents = 0;
    const exported = history.exportTo({ path: temp.file('long.csv'), format: 'csv' }, () => progressEvents++).done.then((result) => {
      exportDone = true;
      return result;
    });
    await until(async () => progressEvents > 0, 10_000);
    history.append('c1', message({ topic: 'live/while/exporting', text: 'still here' }));
    await history.flush();
    // 40k rows take the reader seconds to export; one write commits in tens of milliseconds.
    expect(exportDone).toBe(false);
    expect((await history.lastValues('c1', 'live/while/exporting', 1)).length).toBe(1);
    expect((await exported).count).toBeGreaterThanOrEqual(40_000);
  });

  it('closing during an export stops it and leaves no partial file', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    for (let i = 0; i < 20_000; i++) history.append('c1', message({ text: `row ${i}` }));
    await history.flush();
    const exporting = history.exportTo({ path: temp.file('quit.ndjson'), format: 'ndjson' });
    const outcome = exporting.done.then(
      () => 'finished',
      (error: { code?: string }) => error.code,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    await history.close();
    expect(['finished', 'HISTORY_CLOSED', 'HISTORY_EXPORT_CANCELLED']).toContain(await outcome);
    expect(existsSync(temp.file('quit.ndjson.partial'))).toBe(false);
  });

  it('refuses requests after close and counts appends as dropped', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    history.append('c1', message());
    await history.close();
    expect(existsSync(temp.file('history.db-wal'))).toBe(false); // a clean close leaves no WAL
    const reopened = await createHistory({ path: temp.file('history.db') });
    expect(reopened.report.integrityChecked).toBe(false);
    expect(await reopened.count()).toBe(1);
    await reopened.close();
    expect(history.append('c1', message())).toBe(false);
    expect(history.stats().dropped).toBe(1);
    await expect(history.count()).rejects.toThrow();
  });
});

describe('history service: failed writes are counted and reported, never silent', () => {
  it('counts the messages of a transaction SQLite refused, reports the error, and goes on writing', async () => {
    const path = temp.file('history.db');
    history = await createHistory({ path });
    // A real SQLite failure inside the writer's transaction (as a full disk would be), made with a trigger.
    const { default: Database } = await import('better-sqlite3');
    const saboteur = new Database(path);
    saboteur.exec("CREATE TRIGGER refuse BEFORE INSERT ON messages WHEN NEW.payload_size = 13 BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
    const events: HistoryEvent[] = [];
    history.onEvent((event) => events.push(event));
    history.append('c1', message({ text: 'fine' }));
    history.append('c1', message({ text: '13 bytes long' }));
    await history.flush();
    expect(history.stats()).toMatchObject({ accepted: 2, written: 0, failed: 2, pending: 0 });
    expect(events.find((e) => e.type === 'error')).toMatchObject({ error: { message: expect.stringContaining('refused by test') as string } });
    saboteur.exec('DROP TRIGGER refuse');
    saboteur.close();
    history.append('c1', message({ text: 'after' }));
    await history.flush();
    expect(history.stats()).toMatchObject({ written: 1, failed: 2 });
    expect(await history.count()).toBe(1);
  });
});
