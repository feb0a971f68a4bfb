import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type History, createHistory } from '../../main/core/history/create-history';
import type { ExportProgress } from '../../main/core/history/export';
import { SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
import { openHistoryDatabase } from '../../main/core/history/open-database';
import { historyTempDir, message } from '../support/history-fixtures';
import { describeHistoryExport } from './history-export-behaviour';

// Export and import over the store (history-export-behaviour.ts), on a fresh SQLite file each.
describeHistoryExport('SQLite', () => {
  const dir = historyTempDir();
  const store = new SqliteHistoryStore(openHistoryDatabase(dir.file('history.db')).db, { writable: true });
  return Promise.resolve({
    store,
    rawPayloadType: () => Promise.resolve('blob'),
    expectedPayloadType: 'blob',
    close: () => {
      store.db.close();
      dir.cleanup();
      return Promise.resolve();
    },
  });
});

let temp: ReturnType<typeof historyTempDir>;
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(() => {
  temp.cleanup();
});

describe('history export and import through the service (worker threads)', () => {
  let history: History | null = null;
  afterEach(async () => {
    await history?.close();
    history = null;
  });

  it('exports with progress, cancels, and imports back', async () => {
    history = await createHistory({ path: temp.file('service.db') });
    for (let i = 0; i < 3000; i++) history.append('c1', message({ topic: `s/${i % 3}`, text: `v${i}`, timestamp: 1000 + i }));
    await history.flush();
    const progress: ExportProgress[] = [];
    const result = await history.exportTo({ path: temp.file('s.ndjson'), format: 'ndjson', query: { topicFilter: 's/1' } }, (p) => progress.push(p))
      .done;
    expect(result.count).toBe(1000);
    expect(progress.at(-1)).toMatchObject({ written: 1000, total: 1000 });

    const handle = history.exportTo({ path: temp.file('cancel.csv'), format: 'csv' }, () => handle.cancel());
    await expect(handle.done).rejects.toMatchObject({ code: 'HISTORY_EXPORT_CANCELLED' });
    expect(existsSync(temp.file('cancel.csv'))).toBe(false);

    const imported: number[] = [];
    expect(await history.importFrom({ path: temp.file('s.ndjson') }, (p) => imported.push(p.imported)).done).toEqual({ imported: 1000, cancelled: false });
    expect(imported.at(-1)).toBe(1000);
    expect(await history.count({ topicFilter: 's/1' })).toBe(2000);

    // Cancelled after its first batch: what was committed stays, and the result says it stopped.
    await history.exportTo({ path: temp.file('all.ndjson'), format: 'ndjson' }).done;
    const importing = history.importFrom({ path: temp.file('all.ndjson') }, () => importing.cancel());
    const partial = await importing.done;
    expect(partial.cancelled).toBe(true);
    expect(partial.imported % 1000).toBe(0); // whole batches only
    expect(partial.imported).toBeLessThan(4000);
    expect(await history.count()).toBe(4000 + partial.imported);
  });
});
