/**
 * Data safety, end to end: the built host started on a data folder whose history.db has garbage
 * in the middle and whose profiles.db is damaged (with a backup from an earlier run). The page
 * says what was done: messages recovered and where the damaged history file is, profiles
 * restored from the backup of when; the History view backs up on a click. Fails on any console
 * error, page error or CSP violation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkbenchCore } from '../../main/core/create-core';
import { launchChromium } from '../support/chromium';
import { damageMiddle, writeHistoryFile } from '../support/damaged-files';
import { type HostProcess, startHostProcess } from '../support/host-process';
import { UI_TIMEOUT, type Workbench, openWorkbench, waitUntil } from './e2e-helpers';

const ROWS = 3000;
let dataDir: string;
let host: HostProcess | undefined;
let browser: Browser | undefined;
const opened: Workbench[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-e2e-data-safety-'));
  // An earlier run: three profiles (closing takes their backup) and a history file.
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir, profileBackups: { delayMs: 0 } });
  for (const name of ['Plant', 'Lab', 'Home']) {
    const result = await core.dispatcher.handle('profiles.save', { name, folder: '', options: { protocol: 'mqtt', host: '127.0.0.1', port: 1883 } });
    expect(result.ok).toBe(true);
  }
  await core.close();
  rmSync(join(dataDir, 'history.db'), { force: true });
  rmSync(join(dataDir, 'history.db-fts'), { force: true });
  writeHistoryFile(join(dataDir, 'history.db'), ROWS);
  damageMiddle(join(dataDir, 'history.db'));
  damageMiddle(join(dataDir, 'profiles.db'));
  [host, browser] = await Promise.all([startHostProcess({ dataDir }), launchChromium()]);
});

afterEach(() => {
  const found = opened.flatMap(({ problems }) => problems.splice(0));
  expect(found, 'console errors, page errors or CSP violations').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('damaged data files in Chromium', { timeout: 90_000 }, () => {
  it('tells the user what was recovered and where the damaged files are, and backs up History on a click', async () => {
    const { page } = await openWorkbench(browser!, host!.url, opened);
    const profiles = page.getByTestId('data-safety-profiles');
    await profiles.waitFor({ timeout: UI_TIMEOUT });
    expect(await profiles.textContent()).toMatch(/Profiles were restored from the backup of .+ \(3 profiles\); the damaged file is at .*profiles\.db\.corrupt-/);

    const history = page.getByTestId('data-safety-history');
    await history.waitFor({ timeout: UI_TIMEOUT });
    // The page may open while recovery still runs: the banner follows the history.damage event.
    await waitUntil(async () => /messages were recovered/.test((await history.textContent()) ?? ''));
    const text = (await history.textContent()) ?? '';
    const recovered = Number(/([\d,]+) messages were recovered/.exec(text)![1]!.replace(/,/g, ''));
    expect(recovered).toBeGreaterThan(ROWS * 0.9);
    expect(text).toMatch(/The damaged file is kept at .*history\.db\.corrupt-/);

    await page.getByTestId('view-history').click();
    await page.locator(`[data-testid="history-status-recovered"][data-recovered="${recovered}"]`).waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('history-backup-now').click();
    await page.getByTestId('history-backup-note').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('history-backup-note').textContent()).toMatch(/Backed up to .*backups\/history-.*\.db/);
    await page.getByTestId('history-backup-choice').waitFor({ timeout: UI_TIMEOUT });

    await history.getByTestId('data-safety-history-dismiss').click();
    await history.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });
});
