/**
 * Views in windows of their own, in browser mode: the built host, Chromium, a real mosquitto.
 * History opens in a second page (a tab of the same origin with the page's token, as the desktop
 * app opens a second window on the same core); it shows the same rows as the main window's
 * History, and a message the live connection receives reaches both pages. A connection opened in
 * its own page shows the same live messages as the main window. One host, one core, no second
 * engine or database. Fails on any console error, page error or CSP violation in either page.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub } from '../support/mosquitto';
import { ARTIFACTS, UI_TIMEOUT, type Workbench, connected, messageRow, subscribe, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const mosquitto = useMosquitto();
const session = useWorkbenchSession();

async function publish(topic: string, payload: string): Promise<void> {
  const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', topic, '-m', payload, '-q', '1', '-V', '5']);
  expect(pub.code, pub.stderr).toBe(0);
}

/** Searches History until it counts `expected` (the host stores in batches); returns the rows' topics. */
async function historyRows(page: Page, expected: number): Promise<string[]> {
  await waitUntil(async () => {
    await page.getByTestId('history-search').click();
    await page.getByTestId('history-count').waitFor({ timeout: UI_TIMEOUT });
    return (await page.getByTestId('history-count').getAttribute('data-count')) === String(expected);
  });
  return page.getByTestId('history-row-topic').allTextContents();
}

/**
 * Clicks a view's "open in new window" button and takes the page it opens, recording its problems
 * as the session does for the pages it opens (the CSP listener is on the context, so the new page has it from the start).
 */
async function openInNewPage(page: Page, testId: string): Promise<Workbench> {
  const opened = page.context().waitForEvent('page', { timeout: UI_TIMEOUT });
  await page.getByTestId(testId).click();
  const popup = await opened;
  const workbench: Workbench = { page: popup, problems: [] };
  popup.on('console', (message) => {
    if (message.type() === 'error') workbench.problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  popup.on('pageerror', (error) => workbench.problems.push(`page error: ${error.message}`));
  session.opened.push(workbench);
  await popup.waitForLoadState('domcontentloaded');
  return workbench;
}

describe('views in windows of their own, in Chromium', { timeout: 120_000 }, () => {
  let main: Page;

  it('opens History in a second page that shows the same rows, and a new message reaches both pages', async () => {
    ({ page: main } = await session.open());
    await main.context().addInitScript(`
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || '(inline)'));
      });
    `);
    await connected(main, { port: mosquitto.port, version: '5' });
    await subscribe(main, 'e2e/windows/#', 1);
    await publish('e2e/windows/first', 'one');
    await messageRow(main, 'e2e/windows/first').waitFor({ timeout: UI_TIMEOUT });

    await main.getByTestId('view-history').click();
    await main.getByTestId('history-view').waitFor({ timeout: UI_TIMEOUT });
    const mainRows = await historyRows(main, 1);
    expect(mainRows).toEqual(['e2e/windows/first']);

    const { page: history } = await openInNewPage(main, 'open-window-history');
    // The same origin and token, and the view it shows, in the fragment (never sent to the host).
    const url = new URL(history.url());
    expect(url.origin).toBe(new URL(main.url()).origin);
    expect(new URLSearchParams(url.hash.slice(1)).get('window')).toBe('history');
    expect(new URLSearchParams(url.hash.slice(1)).get('token')).toBe(session.host.token);
    // History alone, full size: no workbench, no view tabs.
    await history.getByTestId('window-view-history').waitFor({ timeout: UI_TIMEOUT });
    expect(await history.getByTestId('view-switcher').count()).toBe(0);
    expect(await history.getByTestId('message-row').count()).toBe(0);
    expect(await history.title()).toBe('History — MQTT Workbench');
    expect(await historyRows(history, 1)).toEqual(mainRows);

    // One core: a message received by the live connection is in the main page's live list and
    // stored once, so both pages' History find it.
    await publish('e2e/windows/second', 'two');
    await main.getByTestId('view-workbench').click();
    await messageRow(main, 'e2e/windows/second').waitFor({ timeout: UI_TIMEOUT });
    const both = ['e2e/windows/second', 'e2e/windows/first'];
    expect(await historyRows(history, 2)).toEqual(both);
    await main.getByTestId('view-history').click();
    expect(await historyRows(main, 2)).toEqual(both);
    await history.screenshot({ path: `${ARTIFACTS}history-window.png` });
    await history.close();
  });

  it('opens the connection in a second page that shows the same live messages as the main window', async () => {
    await main.getByTestId('view-workbench').click();
    const { page: connection } = await openInNewPage(main, 'open-window-connection');
    expect(new URLSearchParams(new URL(connection.url()).hash.slice(1)).get('window')).toBe('connection');
    await connection.getByTestId('window-connection-name').waitFor({ timeout: UI_TIMEOUT });
    await connection.locator('[data-testid="connection-info"] [data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: UI_TIMEOUT });
    // It follows the same live feed as the main window...
    await publish('e2e/windows/third', 'three');
    await messageRow(main, 'e2e/windows/third').waitFor({ timeout: UI_TIMEOUT });
    await messageRow(connection, 'e2e/windows/third').waitFor({ timeout: UI_TIMEOUT });
    // ...after what the connection had received before it opened (from the one history).
    await messageRow(connection, 'e2e/windows/first').waitFor({ timeout: UI_TIMEOUT });
    await connection.screenshot({ path: `${ARTIFACTS}connection-window.png` });
    await connection.close();
  });
});
