/**
 * Team history (issue 18), end to end: two built hosts with different data folders, each in its own
 * Chromium page, point History at the same PostgreSQL database through the Source dialog. One
 * captures a real mosquitto's traffic (a connection subscribing); both History views show the same
 * search results; the other replays that search to the broker, received by mosquitto_sub. Fails on
 * any console error, page error or CSP violation.
 */
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../support/fixtures';
import { type HostProcess, startHostProcess } from '../support/host-process';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { UI_TIMEOUT, closeConnections, connected, messageRow, openWorkbench, screenshots, subscribe, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const mosquitto = useMosquitto();
const cluster = usePostgres();
const session = useWorkbenchSession();

const TEST_TIMEOUT = 120_000;

const MESSAGES: [topic: string, payload: string][] = [
  ['team/line1/temp', 'first 21.5'],
  ['team/line2/temp', 'second 19.0'],
  ['team/line1/pressure', 'third 1013'],
];

let second: HostProcess | undefined;
let screenshotTaken = false;
afterAll(async () => {
  await second?.stop();
});

/** Points the page's History at the team database through the Source dialog: Test, then use it. */
async function useTeamDatabase(page: Page, url: string): Promise<void> {
  await page.getByTestId('view-history').click();
  await page.getByTestId('history-view').waitFor({ timeout: UI_TIMEOUT });
  await page.locator('[data-testid="history-source"][data-kind="local"]').waitFor({ timeout: UI_TIMEOUT });
  await page.getByTestId('history-source-team').click();
  const dialog = page.getByTestId('history-source-dialog');
  await dialog.waitFor({ timeout: UI_TIMEOUT });
  // A password inside the URL is refused before anything is sent.
  await dialog.getByTestId('history-source-url').fill(url.replace('postgres@', 'postgres:secret@'));
  await dialog.getByTestId('history-source-test').click();
  expect(await dialog.getByTestId('history-source-url-problem').textContent()).toMatch(/password field/);
  await dialog.getByTestId('history-source-url').fill(url);
  await dialog.getByTestId('history-source-test').click();
  const result = dialog.locator('[data-testid="history-source-test-result"][data-ok="true"]');
  await result.waitFor({ timeout: UI_TIMEOUT });
  expect(await result.getAttribute('data-can-write')).toBe('true');
  expect(await result.textContent()).toMatch(/^Connected: PostgreSQL \d+/);
  if (!screenshotTaken) await screenshots(page, 'history-team-source');
  screenshotTaken = true;
  await dialog.getByTestId('history-source-save').click();
  await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await page.locator('[data-testid="history-source"][data-kind="postgres"][data-state="connected"]').waitFor({ timeout: UI_TIMEOUT });
  expect(await page.getByTestId('history-source-current').textContent()).toContain(url);
}

/** Searches until the count says `expected` (the capture is written in batches), then the rows' topics. */
async function searchUntil(page: Page, topicFilter: string, expected: number): Promise<string[]> {
  await page.getByTestId('history-topic').fill(topicFilter);
  await waitUntil(async () => {
    await page.getByTestId('history-search').click();
    await page.getByTestId('history-count').waitFor({ timeout: UI_TIMEOUT });
    return (await page.getByTestId('history-count').getAttribute('data-count')) === String(expected);
  });
  return page.getByTestId('history-row-topic').allTextContents();
}

describe('Team history on PostgreSQL in Chromium: two workbenches, one database', { timeout: TEST_TIMEOUT }, () => {
  it('one captures, both search the same messages, the other replays the search to the broker', async () => {
    const database = await cluster.createDatabase();
    second = await startHostProcess();
    const { page: capturing } = await session.open();
    const { page: browsing } = await openWorkbench(session.browser, second.url, session.opened);

    await useTeamDatabase(capturing, database.url);
    await capturing.getByTestId('view-workbench').click();
    await connected(capturing, { port: mosquitto.port, version: '5' });
    await subscribe(capturing, 'team/#', 1);
    for (const [topic, payload] of MESSAGES) {
      const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', topic, '-m', payload, '-q', '1', '-V', '5']);
      expect(pub.code, pub.stderr).toBe(0);
    }
    for (const [topic] of MESSAGES) await messageRow(capturing, topic).waitFor({ timeout: UI_TIMEOUT });

    await useTeamDatabase(browsing, database.url);
    await capturing.getByTestId('view-history').click();
    const seenByCapturing = await searchUntil(capturing, 'team/+/temp', 2);
    const seenByBrowsing = await searchUntil(browsing, 'team/+/temp', 2);
    expect(seenByBrowsing).toEqual(seenByCapturing);
    expect(seenByBrowsing).toEqual(['team/line2/temp', 'team/line1/temp']);
    // The second workbench never connected to that broker: the rows name the capturing connection.
    expect(new Set(await browsing.getByTestId('history-row-connection').allTextContents())).toEqual(new Set([`127.0.0.1:${mosquitto.port}`]));
    // Backups are this computer's: the team database's panel says where its backups come from.
    await browsing.getByTestId('history-backup-team').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(browsing, 'history-team');

    // The browsing workbench replays the shared search to the broker, under a prefix.
    await browsing.getByTestId('view-workbench').click();
    await connected(browsing, { port: mosquitto.port, version: '5' });
    await browsing.getByTestId('view-history').click();
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', 'replayed/#', '-C', '2', '-F', '%t %p'], { signalSubscribed: true });
    try {
      await sub.subscribed;
      const replay = browsing.getByTestId('history-replay');
      await replay.getByTestId('history-replay-speed-max').click();
      await replay.getByTestId('history-replay-prefix').fill('replayed/');
      await replay.getByTestId('history-replay-start').click();
      await browsing.locator('[data-testid="history-replay-progress"][data-state="done"]').waitFor({ timeout: UI_TIMEOUT });
      expect(await browsing.getByTestId('history-replay-state').textContent()).toBe('Done: 2 messages replayed');
      const received = await sub.done;
      expect(received.code, received.stderr).toBe(0);
      expect(received.stdout.toString().trim().split('\n')).toEqual(['replayed/team/line1/temp first 21.5', 'replayed/team/line2/temp second 19.0']);
    } finally {
      sub.kill();
    }

    // Back to this computer: its own (empty of this capture) history again.
    await browsing.getByTestId('history-source-local').click();
    await browsing.locator('[data-testid="history-source"][data-kind="local"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await searchUntil(browsing, 'team/+/temp', 0)).toEqual([]);
    for (const page of [capturing, browsing]) {
      await page.getByTestId('view-workbench').click();
      await closeConnections(page);
    }
    await database.drop();
  });
});
