/**
 * Start-up (issue 19): the page renders its frame and can be used before the host's core exists.
 * The real host (startHost, as main/cli/host.ts runs it) serves the built page while the core's
 * creation is held on a barrier the test releases; real Chromium. What the page asks meanwhile is
 * queued by the host and answered in order once the core is ready.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { type RunningHost, startHost } from '../../main/host/host-server';
import type { Result } from '../../shared/contract';
import { type ServerFrame, TOKEN_PARAM, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';
import { launchChromium } from '../support/chromium';
import { UI_TIMEOUT, type Workbench, openWorkbench } from './e2e-helpers';

const RENDERER = fileURLToPath(new URL('../../out/renderer/', import.meta.url));

/** Records, from before the page's scripts run, whether the empty-list hint was ever in the page. */
const WATCH_EMPTY = `
  window.__sawEmpty = false;
  new MutationObserver(() => {
    if (document.querySelector('[data-testid="profiles-empty"]')) window.__sawEmpty = true;
  }).observe(document, { childList: true, subtree: true });
`;

interface HeldHost {
  host: RunningHost;
  /** Lets the core be made. */
  release(): void;
  /** The core once made (undefined before). */
  core(): WorkbenchCore | undefined;
  ready: Promise<WorkbenchCore>;
  close(): Promise<void>;
}

/** The browser-mode host on `dataDir`, its core held until `release()`. */
async function startHeldHost(dataDir: string, onUiStateChanged?: (entries: Readonly<Record<string, string>>) => void): Promise<HeldHost> {
  let release!: () => void;
  const barrier = new Promise<void>((resolve) => (release = resolve));
  let made: WorkbenchCore | undefined;
  let resolveReady!: (core: WorkbenchCore) => void;
  const ready = new Promise<WorkbenchCore>((resolve) => (resolveReady = resolve));
  const host = await startHost({
    core: async () => {
      await barrier;
      made = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir, connectOnLaunch: true, onUiStateChanged });
      resolveReady(made);
      return made;
    },
    rendererDir: RENDERER,
    port: 0,
  });
  return {
    host,
    release,
    core: () => made,
    ready,
    async close() {
      await host.close();
      await made?.close();
    },
  };
}

/** One request over the host's real socket, as another page would send it. */
async function call(host: RunningHost, channel: string, input: unknown): Promise<Result<unknown>> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WIRE_PATH}?${TOKEN_PARAM}=${encodeURIComponent(host.token)}`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  try {
    return await new Promise<Result<unknown>>((resolve) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const frame = decodeFrame(data.toString()) as ServerFrame;
        if (frame.type === 'response' && frame.id === 1) resolve(frame.result);
      });
      ws.send(encodeFrame({ type: 'request', id: 1, channel, input }));
    });
  } finally {
    ws.close();
  }
}

let browser: Browser;
const opened: Workbench[] = [];
const dataDirs: string[] = [];
const hosts: HeldHost[] = [];

beforeAll(async () => {
  browser = await launchChromium();
});

afterEach(async () => {
  const found = opened.flatMap(({ problems }) => problems.splice(0));
  for (const { page } of opened.splice(0)) await page.close();
  for (const held of hosts.splice(0)) {
    held.release();
    await held.close();
  }
  expect(found, 'console errors, page errors or CSP violations').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** Opens the host's page; `initScript` runs in it before its own scripts. Its problems are checked after each test. */
async function open(held: HeldHost, initScript?: string): Promise<Page> {
  if (!initScript) return (await openWorkbench(browser, held.host.url, opened)).page;
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await page.addInitScript(initScript);
  opened.push({ page, problems });
  await page.goto(held.host.url);
  return page;
}

describe('start-up before the core is ready', { timeout: 90_000 }, () => {
  it('shows the frame and an enabled New connection at once; a profile saved meanwhile is listed once the core is ready; the empty list is never shown before', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wb-startup-e2e-'));
    dataDirs.push(dataDir);
    const held = await startHeldHost(dataDir);
    hosts.push(held);
    const page = await open(held, WATCH_EMPTY);

    const newConnection = page.getByTestId('new-connection');
    await newConnection.waitFor({ timeout: UI_TIMEOUT });
    expect(await newConnection.isEnabled()).toBe(true);
    await page.locator('header.topbar').waitFor({ timeout: UI_TIMEOUT });
    // The profiles are not known yet: a loading line, not "no saved profiles".
    await page.getByTestId('profiles-loading').waitFor({ timeout: UI_TIMEOUT });
    expect(held.core()).toBeUndefined();
    const sidebar = page.getByTestId('pane-sidebar');
    await page.evaluate(`window.__sidebar = document.querySelector('[data-testid="pane-sidebar"]')`);
    const sidebarBox = await sidebar.boundingBox();

    // The dialog works while the core is starting: its save waits in the host's queue.
    await newConnection.click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connect-host').fill('127.0.0.1');
    await page.getByTestId('connect-port').fill('1883');
    await page.getByTestId('profile-name').fill('Made while starting');
    await page.getByTestId('profile-save').click();
    expect(held.core()).toBeUndefined();
    expect(await page.evaluate('window.__sawEmpty')).toBe(false);
    expect(await page.getByTestId('profiles-loading').count()).toBe(1);
    expect(await page.getByTestId('connection-error').count()).toBe(0);

    held.release();
    const core = await held.ready;
    await page.locator('[data-testid="profile-row"][data-name="Made while starting"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('profiles-loading').count()).toBe(0);
    expect(await page.getByTestId('profiles-error').count()).toBe(0);
    // Saved in the data folder's store, not only shown.
    const listed = await core.dispatcher.handle('profiles.list', {});
    expect(listed.ok && (listed.value as { profiles: Array<{ name: string }> }).profiles.map((p) => p.name)).toEqual(['Made while starting']);
    // The host's UI state was the page's (both empty): the frame was not laid out again.
    expect(await page.evaluate(`window.__sidebar === document.querySelector('[data-testid="pane-sidebar"]')`)).toBe(true);
    expect(await sidebar.boundingBox()).toEqual(sidebarBox);
  });

  it("applies the data folder's UI state when the core is ready, keeping what the user chose meanwhile", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wb-startup-e2e-'));
    dataDirs.push(dataDir);
    // An earlier run of this data folder chose a dark theme and the 24-hour clock.
    const first = await startHeldHost(dataDir);
    first.release();
    await first.ready;
    expect((await call(first.host, 'app.setUiState', { entries: { 'workbench.theme': 'dark', 'workbench.timeFormat': '24h' } })).ok).toBe(true);
    await first.close();

    let userChoiceSaved!: () => void;
    const saved = new Promise<void>((resolve) => (userChoiceSaved = resolve));
    const held = await startHeldHost(dataDir, (entries) => {
      if (entries['workbench.timeFormat'] === 'locale') userChoiceSaved();
    });
    hosts.push(held);
    // A browser that never opened this folder: the page starts from the defaults.
    const page = await open(held);
    await page.getByTestId('new-connection').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('light');
    // The user picks the locale's clock before the core is ready.
    await page.getByTestId('time-format-select').selectOption('locale');
    expect(held.core()).toBeUndefined();

    held.release();
    await held.ready;
    await page.locator('html[data-theme="dark"]').waitFor({ state: 'attached', timeout: UI_TIMEOUT });
    expect(await page.getByTestId('theme-select').inputValue()).toBe('dark');
    expect(await page.getByTestId('time-format-select').inputValue()).toBe('locale');
    // The user's choice reached the data folder, over the one it had.
    await saved;
    const state = await call(held.host, 'app.uiState', {});
    expect(state.ok && (state.value as { entries: Record<string, string> }).entries['workbench.timeFormat']).toBe('locale');
  });
});
