/**
 * An open tab outlives its host (issue 14), end to end: the built host on a fixed port and data
 * folder, stopped and started again as a user would, with the page left open in Chromium. The
 * header never shows a stale "connected" while the host is away; the tab reconnects by itself
 * (no reload) and shows the connections as the new host has them; a wrong token is explained in
 * plain words, and the right address pasted into the same tab is picked up. Fails on any console
 * error, page error or CSP violation other than the refused links Chromium logs itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWorkbenchCore } from '../../main/core/create-core';
import { launchChromium } from '../support/chromium';
import { type HostProcess, startHostProcess } from '../support/host-process';
import { type Mosquitto, startMosquitto } from '../support/mosquitto';
import { UI_TIMEOUT, type Workbench, forgetLinkErrors, openWorkbench, screenshots, statusIs, waitUntil } from './e2e-helpers';

const PROFILE = 'Restart broker';
let dataDir: string;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let mosquitto: Mosquitto | undefined;
const opened: Workbench[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-e2e-host-restart-'));
  mosquitto = await startMosquitto();
  // A saved profile, so a connection can be opened again from its tab after the host restarts.
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  const saved = await core.dispatcher.handle('profiles.save', { name: PROFILE, folder: '', options: { protocol: 'mqtt', host: '127.0.0.1', port: mosquitto.port, protocolVersion: 5 } });
  expect(saved.ok).toBe(true);
  await core.close();
  [host, browser] = await Promise.all([startHostProcess({ dataDir }), launchChromium()]);
});

afterEach(() => {
  // Chromium logs every refused socket and unanswered token check while the host is away.
  for (const workbench of opened) forgetLinkErrors(workbench);
  const found = opened.flatMap(({ problems }) => problems.splice(0));
  expect(found, 'console errors, page errors or CSP violations').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await mosquitto?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const banner = (page: Page, state: string) => page.locator(`[data-testid="host-banner"][data-state="${state}"]`);

/** Lazily loaded parts must be in before the host goes, or their chunks fail to load (a page error). */
async function fullyLoaded(page: Page): Promise<void> {
  await page.getByTestId('host-banner').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await page.getByTestId('publish-editor').locator('.monaco-editor').waitFor({ timeout: UI_TIMEOUT });
  await waitUntil(async () => (await page.evaluate<boolean>("performance.getEntriesByType('resource').some((e) => e.name.includes('editor.worker'))")) === true);
  // A mark that a reload would wipe: the tab must recover without one.
  await page.evaluate('window.__sameDocument = true');
}

const sameDocument = (page: Page) => page.evaluate<boolean>('window.__sameDocument === true');

describe('an open tab and its host restarting', { timeout: 120_000 }, () => {
  it('shows the connection as unknown while the host is down, reconnects by itself when it is back, and shows the connection the host reopened without a reload', async () => {
    const { page } = await openWorkbench(browser!, host!.url, opened);
    await fullyLoaded(page);
    await page.locator(`[data-testid="profile-row"][data-name="${PROFILE}"]`).getByTestId('profile-connect').click();
    await statusIs(page, 'connected');
    const url = host!.url;

    await host!.halt();
    await banner(page, 'closed').waitFor({ timeout: UI_TIMEOUT });
    expect(await banner(page, 'closed').textContent()).toContain('reconnects by itself');
    // Under the "host stopped" banner, nothing still says connected: the state is unknown.
    await statusIs(page, 'unknown');
    expect(await page.getByTestId('connection-info').getByTestId('connection-status').textContent()).toBe('Host unreachable');
    expect(await page.locator('[data-status="connected"]').count()).toBe(0);
    expect(await page.locator('[data-testid="connection-tab"][data-status="unknown"]').count()).toBe(1);
    expect(await page.getByTestId('disconnect-button').count()).toBe(0);
    await screenshots(page, 'host-unreachable');

    host = await host!.restart();
    expect(host.url).toBe(url);
    // Back by itself (the page retries every 1 to 5 s), in the same document.
    await page.getByTestId('host-banner').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // Resynced: the new host reconnected the profile that was connected when it stopped
    // ("Reconnect on launch", on by default), and the same tab shows it.
    await statusIs(page, 'connected');
    expect(await page.locator('[data-testid="connection-tab"][data-status="connected"]').count()).toBe(1);
    expect(await sameDocument(page)).toBe(true);
    await page.close();
  });

  it('explains a wrong token in plain words, and picks up the right address pasted into the same tab', async () => {
    const { page } = await openWorkbench(browser!, host!.url.replace(/#token=.*$/, '#token=from-another-launch'), opened);
    const wrong = banner(page, 'wrong-token');
    await wrong.waitFor({ timeout: UI_TIMEOUT });
    const text = (await wrong.textContent()) ?? '';
    expect(text).toContain("This page's address is from another launch of the workbench");
    expect(text).toContain(`Workbench ready: http://127.0.0.1:${host!.port}/#token=`);
    expect(text).toContain('same data folder');
    await screenshots(page, 'host-wrong-token');
    await page.evaluate('window.__sameDocument = true');

    // Pasting the printed address changes only the fragment: no reload, the page takes the token.
    await page.goto(host!.url);
    await page.getByTestId('host-banner').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(await sameDocument(page)).toBe(true);
    await page.close();
  });

  it('says the address itself is wrong when the host takes the token but not the page (localhost instead of 127.0.0.1)', async () => {
    const { page } = await openWorkbench(browser!, host!.url.replace('127.0.0.1', 'localhost'), opened);
    const refused = banner(page, 'closed');
    await refused.waitFor({ timeout: UI_TIMEOUT });
    expect(await refused.textContent()).toContain('refused this page because of its address');
    expect(await refused.textContent()).toContain(`Workbench ready: http://127.0.0.1:${host!.port}/#token=`);
    await page.close();
  });

  it('after --new-token, an open tab says its address is old, and reconnects once the new one is pasted', async () => {
    const { page } = await openWorkbench(browser!, host!.url, opened);
    await fullyLoaded(page);
    const old = host!.url;

    host = await host!.restart({ args: ['--new-token'] });
    expect(host.url).not.toBe(old);
    expect(host.port).toBe(new URL(old).port === '' ? 80 : Number(new URL(old).port));
    await banner(page, 'wrong-token').waitFor({ timeout: UI_TIMEOUT });
    await page.goto(host.url);
    await page.getByTestId('host-banner').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(await sameDocument(page)).toBe(true);
    await page.close();
  });
});
