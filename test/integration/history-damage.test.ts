import { existsSync, readdirSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DamageReport, type HistoryEvent, type History, createHistory } from '../../main/core/history/create-history';
import { damageMiddle, damageRange, writeHistoryFile as writeRows } from '../support/damaged-files';
import { historyTempDir } from '../support/history-fixtures';

let temp: ReturnType<typeof historyTempDir>;
const opened: History[] = [];
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((history) => history.close()));
  temp.cleanup();
});

const ROWS = 4000;

function writeHistoryFile(path: string): void {
  writeRows(path, ROWS);
}

function live(i: number) {
  return { direction: 'in' as const, topic: 'live/temp', payload: Buffer.from(`live ${i}`), qos: 0 as const, retain: false, dup: false, timestamp: Date.now() };
}

function nextDamage(history: History, state: DamageReport['state'] | 'any'): Promise<DamageReport> {
  return new Promise((resolve) => {
    const off = history.onEvent((event: HistoryEvent) => {
      if (event.type === 'damage' && (state === 'any' || event.report.state === state)) {
        off();
        resolve(event.report);
      }
    });
  });
}

async function open(path: string, options: { backgroundCheck?: boolean } = {}): Promise<History> {
  const history = await createHistory({ path, ...options });
  opened.push(history);
  return history;
}

describe('a history file damaged in the middle', () => {
  it('is found by the check at start, set aside, salvaged into a fresh file, and recording never stops', async () => {
    const path = temp.file('history.db');
    writeHistoryFile(path);
    damageMiddle(path);

    const started = performance.now();
    const history = await open(path);
    const found = nextDamage(history, 'recovering');
    const done = nextDamage(history, 'done');
    await found;
    // Messages arriving while the old file is salvaged into the fresh one: none may be lost.
    for (let i = 0; i < 300; i++) history.append('live', live(i));
    const report = await done;
    const repairMs = performance.now() - started;
    for (let i = 300; i < 600; i++) history.append('live', live(i));
    await history.flush();

    expect(report).toMatchObject({ foundBy: 'check', state: 'done', reason: expect.stringMatching(/quick_check/) as string });
    expect(report.movedTo).toMatch(/history\.db\.corrupt-/);
    expect(existsSync(report.movedTo)).toBe(true);
    expect(history.damage()).toEqual(report);
    const recovered = report.recovered!;
    // 64 KiB is 16 pages of ~1,400: nearly every message was on an undamaged page and comes back.
    expect(recovered.messages).toBeGreaterThan(ROWS * 0.9);
    expect(recovered.messages).toBeLessThan(ROWS);
    expect(recovered.unreadableRanges).toBeGreaterThanOrEqual(1);
    expect(recovered.messages + recovered.lostAtMost).toBeGreaterThanOrEqual(ROWS);
    // The fresh file holds exactly what was reported, plus every live message.
    expect(await history.count({ connectionKeys: ['old'] })).toBe(recovered.messages);
    expect(await history.count({ connectionKeys: ['live'] })).toBe(600);
    expect((await history.totals()).messages).toBe(recovered.messages + 600);
    // History requests work again; labels came back with the rows.
    const page = await history.page({ query: { connectionKeys: ['old'] }, limit: 5 });
    expect(page.messages[0]).toMatchObject({ connectionKey: 'old', connectionLabel: 'Old broker', payloadSize: 1024 });
    console.log(`[figures] damage found and ${recovered.messages} of ${ROWS} messages salvaged in ${repairMs.toFixed(0)} ms (salvage ${report.ms?.toFixed(0)} ms)`);
    await history.close();

    // The next start finds a healthy file: nothing to report.
    const again = await open(path);
    const checked = await new Promise<HistoryEvent>((resolve) => again.onEvent((event) => event.type === 'checked' && resolve(event)));
    expect(checked).toMatchObject({ ok: true });
    expect(again.damage()).toBeNull();
    expect(await again.count({})).toBe(recovered.messages + 600);
  }, 60_000);

  it('is repaired when a query runs into the damage (no start check), and the query is answered from the fresh file', async () => {
    const path = temp.file('history.db');
    writeHistoryFile(path);
    damageMiddle(path);
    const history = await open(path, { backgroundCheck: false });
    const found = nextDamage(history, 'recovering');
    const finished = nextDamage(history, 'done');
    // Messages taken before the damage is known go into the damaged file (onto undamaged pages).
    for (let i = 0; i < 100; i++) history.append('live', live(i));
    await history.flush();
    // A page over all messages reads the damaged pages; it is answered, not failed.
    const page = await history.page({ query: {}, limit: 5000 });
    expect(page.messages.length).toBeGreaterThan(ROWS * 0.9);
    expect(await found).toMatchObject({ foundBy: 'query', reason: expect.stringMatching(/malformed/) as string });
    const done = await finished;
    expect(done.recovered!.messages).toBeGreaterThan(ROWS * 0.9);
    expect(readdirSync(temp.dir).filter((name) => name.includes('.corrupt-'))).toHaveLength(1);
    history.append('live', live(100));
    await history.flush();
    // The live messages of the damaged file came back with the others: all 101 are there.
    expect(await history.count({ connectionKeys: ['live'] })).toBe(101);
    expect(await history.count({})).toBe(done.recovered!.messages + 1);
  }, 60_000);
});

describe('a write that meets a damaged page', () => {
  it('holds its batch, repairs, and commits it into the fresh file: no message lost', async () => {
    const path = temp.file('history.db');
    writeHistoryFile(path);
    // The end of the file: the pages the next inserts go to (the newest rows and index entries).
    const size = statSync(path).size;
    damageRange(path, size - 16 * 4096, 16 * 4096);
    const history = await open(path, { backgroundCheck: false });
    const found = nextDamage(history, 'recovering');
    const done = nextDamage(history, 'done');
    for (let i = 0; i < 500; i++) history.append('live', live(i));
    expect(await found).toMatchObject({ foundBy: 'write' });
    await history.flush();
    const report = await done;
    expect(await history.count({ connectionKeys: ['live'] })).toBe(500);
    expect(history.stats()).toMatchObject({ failed: 0, dropped: 0, written: 500 });
    expect(report.recovered!.messages).toBeGreaterThan(ROWS * 0.9);
    expect(await history.count({})).toBe(report.recovered!.messages + 500);
  }, 60_000);
});

describe('a history file whose header is destroyed', () => {
  it('is set aside at open and read back with a rebuilt header, while recording goes on', async () => {
    const path = temp.file('history.db');
    writeHistoryFile(path);
    damageRange(path, 0, 100); // SQLite's header: "not a database" any more, every page intact
    const history = await open(path);
    const report = history.damage()?.state === 'recovering' ? await nextDamage(history, 'done') : history.damage()!;
    expect(report).toMatchObject({ foundBy: 'open', state: 'done', reason: expect.stringMatching(/NOTADB|not a database/) as string });
    expect(report.recovered!.messages).toBe(ROWS);
    expect(existsSync(report.movedTo)).toBe(true);
    expect(readdirSync(temp.dir).filter((name) => name.endsWith('.salvage'))).toEqual([]);
    history.append('live', live(1));
    await history.flush();
    expect(await history.count({})).toBe(ROWS + 1);
  }, 60_000);

  it('says the salvage failed when nothing is readable at all', async () => {
    const path = temp.file('history.db');
    writeHistoryFile(path);
    damageRange(path, 0, 8192); // the header and the schema page
    const history = await open(path);
    const report = history.damage()?.state === 'recovering' ? await nextDamage(history, 'any') : history.damage()!;
    expect(report).toMatchObject({ foundBy: 'open', state: 'failed', error: expect.stringMatching(/not a database/) as string });
    history.append('live', live(1));
    await history.flush();
    expect(await history.count({})).toBe(1);
  }, 60_000);
});
