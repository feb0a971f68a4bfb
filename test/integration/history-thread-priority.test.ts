import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type History, createHistory } from '../../main/core/history/create-history';
import { ftsPathFor } from '../../main/core/history/fts-indexer';
import { BACKGROUND_NICENESS } from '../../main/core/history/thread-priority';
import { historyTempDir, message } from '../support/history-fixtures';

/** Niceness of each thread of this process, by thread id (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceness(): Map<number, number> {
  const byThread = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // The command name may hold spaces; the fields after it start at state (field 3).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byThread.set(Number(tid), Number(fields[16]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byThread;
}

const background = () => [...threadNiceness()].filter(([, nice]) => nice === BACKGROUND_NICENESS).map(([tid]) => tid);

let temp: ReturnType<typeof historyTempDir> | null = null;
let history: History | null = null;
afterEach(async () => {
  await history?.close();
  history = null;
  temp?.cleanup();
});

describe('history: background threads yield the CPU', () => {
  it('runs the full-text indexer at a lower priority than the writer and this thread, and still indexes', async () => {
    expect(process.platform, 'per-thread niceness is read from Linux /proc').toBe('linux');
    // Threads of other tests in this process, if any, are left out of what is counted.
    const before = new Set(background());
    const added = () => background().filter((tid) => !before.has(tid));
    temp = historyTempDir();
    const path = temp.file('history.db');
    history = await createHistory({ path });
    // The indexer lowers its own priority first thing; wait for it on the thread list, not a timer.
    await expect.poll(() => added().length).toBe(1);
    const self = Number(readlinkSync('/proc/thread-self').split('/').pop());
    expect(threadNiceness().get(self)).toBe(0);
    // Every other history thread (writer, reader) keeps the normal priority.
    expect([...threadNiceness().values()].filter((nice) => nice !== 0 && nice !== BACKGROUND_NICENESS)).toEqual([]);

    // It still indexes: the index file says the message is covered.
    history.append('c1', message({ topic: 'plant/boiler', text: 'pressure alarm' }));
    await history.flush();
    const indexedUpTo = () => {
      const fts = new Database(ftsPathFor(path), { readonly: true });
      try {
        return (fts.prepare('SELECT indexed_upto FROM fts_state').get() as { indexed_upto: number }).indexed_upto;
      } finally {
        fts.close();
      }
    };
    await expect.poll(indexedUpTo).toBeGreaterThanOrEqual(1);

    await history.close();
    history = null;
    await expect.poll(added).toEqual([]);
  });
});
