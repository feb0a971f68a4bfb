import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type History, createHistory } from '../../main/core/history/create-history';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { historyTempDir } from '../support/history-fixtures';

let temp: ReturnType<typeof historyTempDir>;
const open: History[] = [];
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((history) => history.close()));
  temp.cleanup();
});

function fill(history: History, key: string, count: number): void {
  for (let i = 0; i < count; i++) {
    history.append(key, { direction: 'in', topic: `${key}/t`, payload: Buffer.from(`${key} ${i}`), qos: 0, retain: false, dup: false, timestamp: Date.now() });
  }
}

it('backs up the live history and restores it, keeping the replaced file aside and recording on', async () => {
  const path = temp.file('history.db');
  const history = await createHistory({ path });
  open.push(history);
  fill(history, 'before', 100);
  await history.flush();
  const backup = await history.backup(temp.file('backup.db'));
  expect(backup.bytes).toBeGreaterThan(0);
  expect(statSync(backup.path).mode & 0o777).toBe(0o600);
  await expect(history.backup(backup.path)).rejects.toMatchObject({ code: 'HISTORY_BACKUP_FAILED' });

  fill(history, 'after', 50);
  await history.flush();
  expect(await history.count({})).toBe(150);

  const { movedTo } = await history.restore(backup.path);
  expect(movedTo).toMatch(/history\.db\.before-restore-/);
  expect(await history.count({})).toBe(100);
  expect(await history.count({ connectionKeys: ['after'] })).toBe(0);
  // Recording goes on into the restored file; the replaced one still holds all 150.
  fill(history, 'restored', 10);
  await history.flush();
  expect(await history.count({})).toBe(110);
  await history.close();
  const aside = await createHistory({ path: movedTo, backgroundCheck: false });
  open.push(aside);
  expect(await aside.count({})).toBe(150);
});

it('refuses to restore a file that is not a readable history database, and loses nothing', async () => {
  const path = temp.file('history.db');
  const history = await createHistory({ path });
  open.push(history);
  fill(history, 'kept', 20);
  await history.flush();
  const bogus = temp.file('bogus.db');
  writeFileSync(bogus, 'not a database at all, just text '.repeat(200));
  await expect(history.restore(bogus)).rejects.toMatchObject({ code: 'HISTORY_RESTORE_INVALID', message: expect.stringMatching(/bogus\.db cannot be restored/) as string });
  await expect(history.restore(temp.file('missing.db'))).rejects.toMatchObject({ code: 'HISTORY_RESTORE_INVALID' });
  fill(history, 'kept', 5);
  await history.flush();
  expect(await history.count({ connectionKeys: ['kept'] })).toBe(25);
  expect(existsSync(path)).toBe(true);
});

it('serves history.backup, history.backups and history.restore through the contract, names only, in the backups folder', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-backup-'));
  let core: WorkbenchCore | null = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  try {
    const call = async (channel: string, input: unknown) => {
      const result = await core!.dispatcher.handle(channel as never, input);
      if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
      return result.value as Record<string, unknown>;
    };
    const made = await call('history.backup', {});
    expect(made.path).toMatch(new RegExp(`^${join(dataDir, 'backups')}/history-.*\\.db$`));
    expect(statSync(made.path as string).mode & 0o777).toBe(0o600);
    const listed = await call('history.backups', {});
    expect(listed.backups).toEqual([made]);
    await expect(call('history.backup', { fileName: '../escape.db' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    await expect(call('history.restore', { fileName: 'nothing-here.db' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    writeFileSync(join(dataDir, 'backups', 'history-bad.db'), 'garbage');
    await expect(call('history.restore', { fileName: 'history-bad.db' })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/not a readable SQLite database|damaged/) as string });
    const restored = await call('history.restore', { fileName: made.fileName });
    expect(restored.restoredFrom).toBe(made.path);
    expect(existsSync(restored.movedTo as string)).toBe(true);
    expect(readFileSync(join(dataDir, 'history.db')).subarray(0, 15).toString()).toBe('SQLite format 3');
    await core.close();
    core = null;
  } finally {
    await core?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
