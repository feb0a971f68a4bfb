/**
 * Shared pieces of the Chromium end-to-end tests: opening the built workbench while recording every
 * console error, page error and CSP violation, and the steps a user takes in it.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { launchChromium } from '../support/chromium';
import { type HostProcess, startHostProcess } from '../support/host-process';
import WebSocket from 'ws';
import type { Result } from '../../shared/contract';
import { type ServerFrame, TOKEN_PARAM, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';

export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
// Generous: these machines are shared, and a loaded one takes seconds to parse Monaco.
export const UI_TIMEOUT = 20_000;

export interface Workbench {
  page: Page;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

/**
 * What every e2e file needs: the built host and Chromium for the file, and after each test the
 * check that no opened page logged a console error, a page error or a CSP violation.
 */
export function useWorkbenchSession() {
  const opened: Workbench[] = [];
  const session = {
    host: undefined as unknown as HostProcess,
    browser: undefined as unknown as Browser,
    opened,
    /**
     * Opens the workbench (the host's URL unless another is given), recording its problems. A page
     * of the session's host starts from the default UI state, as a new user's would: the state
     * lives in the host's data folder, so one test's pane sizes would otherwise be the next one's.
     */
    open: async (url?: string, options: PageOptions = {}) => {
      if (url === undefined || url === session.host.url) await resetUiState(session.host);
      return openWorkbench(session.browser, url ?? session.host.url, opened, options);
    },
  };
  beforeAll(async () => {
    [session.host, session.browser] = await Promise.all([startHostProcess(), launchChromium()]);
  });
  afterEach(() => {
    // Taken out as they are checked, so one test's problem does not fail every later test.
    const found = opened.flatMap(({ problems }) => problems.splice(0));
    expect(found, 'console errors, page errors or CSP violations').toEqual([]);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.host?.stop();
  });
  return session;
}

/** Empties the host's remembered UI state (app.setUiState with every key removed), over its real socket. */
export async function resetUiState(host: HostProcess): Promise<void> {
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${WIRE_PATH}?${TOKEN_PARAM}=${encodeURIComponent(host.token)}`, { headers: { Origin: `http://127.0.0.1:${host.port}` } });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let nextId = 1;
  const call = (channel: string, input: unknown) =>
    new Promise<Result<unknown>>((resolve) => {
      const id = nextId++;
      const onMessage = (data: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const frame = decodeFrame(data.toString()) as ServerFrame;
        if (frame.type !== 'response' || frame.id !== id) return;
        ws.off('message', onMessage);
        resolve(frame.result);
      };
      ws.on('message', onMessage);
      ws.send(encodeFrame({ type: 'request', id, channel, input }));
    });
  try {
    const state = await call('app.uiState', {});
    const keys = state.ok ? Object.keys((state.value as { entries: Record<string, string> }).entries) : [];
    if (keys.length > 0) await call('app.setUiState', { entries: Object.fromEntries(keys.map((key) => [key, null])) });
  } finally {
    ws.close();
  }
}

/** A private mosquitto for the file (moved to test/support/fixtures.ts, shared with the integration tests). */
export { useMosquitto } from '../support/fixtures';

/** What a test may set on its page: downloads, the browser's (the OS's) locale, another window size. */
export interface PageOptions {
  acceptDownloads?: boolean;
  locale?: string;
  viewport?: { width: number; height: number };
}

export async function openWorkbench(browser: Browser, url: string, opened: Workbench[], options: PageOptions = {}): Promise<Workbench> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 }, ...options });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Violations are reported to the page, not to the console of every Chromium: log them loudly.
  // (A string, not a function: this file compiles without DOM types.)
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || '(inline)') +
        ' at ' + event.sourceFile + ':' + event.lineNumber + ':' + event.columnNumber);
    });
  `);
  await page.goto(url);
  const workbench = { page, problems };
  opened.push(workbench);
  return workbench;
}

/**
 * Chromium itself logs each refused WebSocket, each token check the host answers 401 or not at all
 * (and any late favicon fetch): expected while a page's link to its host is cut or its token wrong.
 */
export function forgetLinkErrors(workbench: Workbench): void {
  const expected = /WebSocket connection to .* failed|Failed to load resource: (net::|the server responded with a status of 401)/;
  workbench.problems.splice(0, Infinity, ...workbench.problems.filter((problem) => !expected.test(problem)));
}

export interface ConnectOptions {
  protocol?: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  port: number;
  path?: string;
  version?: '3' | '4' | '5' | 'auto';
  clientId?: string;
  username?: string;
  password?: string;
}

/** Opens the connection dialog and fills the General (and Authentication) tab. */
export async function fillConnection(page: Page, options: ConnectOptions): Promise<void> {
  await page.getByTestId('new-connection').click();
  await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
  await page.getByTestId('connect-protocol').selectOption(options.protocol ?? 'mqtt');
  await page.getByTestId('connect-host').fill('127.0.0.1');
  await page.getByTestId('connect-port').fill(String(options.port));
  if (options.path !== undefined) await page.getByTestId('connect-path').fill(options.path);
  await page.getByTestId('connect-version').selectOption(options.version ?? '5');
  if (options.clientId !== undefined) await page.getByTestId('connect-client-id').fill(options.clientId);
  if (options.username !== undefined || options.password !== undefined) {
    await page.getByTestId('connection-tab-auth').click();
    if (options.username !== undefined) await page.getByTestId('connect-username').fill(options.username);
    if (options.password !== undefined) await page.getByTestId('connect-password').fill(options.password);
    await page.getByTestId('connection-tab-general').click();
  }
}

/** A quick connection (not saved as a profile), as the "+ New connection" dialog makes it. */
export async function connect(page: Page, options: ConnectOptions): Promise<void> {
  await fillConnection(page, options);
  await page.getByTestId('connect-button').click();
}

/** The selected connection's status, in the strip above the messages. */
export async function statusIs(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid="connection-info"] [data-testid="connection-status"][data-status="${status}"]`).waitFor({ timeout: UI_TIMEOUT });
}

export async function connected(page: Page, options: ConnectOptions): Promise<void> {
  await connect(page, options);
  await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await statusIs(page, 'connected');
}

export async function subscribe(page: Page, filter: string, qos = 0): Promise<void> {
  await page.getByTestId('subscribe-filter').fill(filter);
  await page.getByTestId('subscribe-qos').selectOption(String(qos));
  await page.getByTestId('subscribe-button').click();
  await page.locator(`[data-testid="subscription-row"][data-filter="${filter}"][data-state="active"]`).waitFor({ timeout: UI_TIMEOUT });
}

export function messageRow(page: Page, topic: string, direction: 'in' | 'out' = 'in'): Locator {
  return page
    .locator(`[data-testid="message-row"][data-direction="${direction}"]`)
    .filter({ has: page.getByTestId('message-topic').getByText(topic, { exact: true }) });
}

/** Polls a condition the page exposes only as text (playwright-core has no auto-retrying expect). */
/** Closes every connection tab (the host keeps connections open across pages): a test leaves none behind for the next. */
export async function closeConnections(page: Page): Promise<void> {
  const close = page.getByTestId('connection-tab-close');
  while ((await close.count()) > 0) {
    const before = await close.count();
    await close.first().click();
    await waitUntil(async () => (await close.count()) < before);
  }
}

export async function waitUntil(condition: () => Promise<boolean>, timeoutMs = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Replaces the editor's text through Monaco itself (insertText skips its bracket auto-closing). */
export async function setPayload(page: Page, text: string): Promise<void> {
  const editor = page.getByTestId('publish-editor').locator('.monaco-editor');
  await editor.waitFor({ timeout: UI_TIMEOUT });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/**
 * Light and dark screenshots of the page as it is now. `restore` runs after each switch of colour
 * scheme, for state a switch resets (a chart redrawn for the theme forgets the pointer over it).
 */
export async function screenshots(page: Page, name: string, restore?: () => Promise<void>): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await colorScheme(page, 'light');
  await restore?.();
  await page.screenshot({ path: `${ARTIFACTS}${name}.png` });
  await colorScheme(page, 'dark');
  await restore?.();
  await page.screenshot({ path: `${ARTIFACTS}${name}-dark.png` });
  await colorScheme(page, 'light');
}

/** Switches the OS colour scheme and waits until the workbench (theme: system) has followed it. */
export async function colorScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  // Polled with evaluate: waitForFunction compiles its string in the page, which the CSP forbids.
  await waitUntil(async () => (await page.evaluate('document.documentElement.dataset.theme')) === scheme);
}

/**
 * The payload the message detail shows: the lines its read-only Monaco view renders (spaces come
 * back as no-break spaces), or '' while the viewer is still loading.
 */
export async function detailPayloadText(page: Page): Promise<string> {
  const lines = page.getByTestId('message-detail').getByTestId('message-detail-payload').locator('.view-lines');
  if ((await lines.count()) === 0) return '';
  return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
}
