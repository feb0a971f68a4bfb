/**
 * The built desktop app (out/main/index.js via package.json "main") in a real Electron, driven
 * by Playwright: the hardened window, the app:// origin and its CSP, the preload's API, and a full
 * MQTT round trip through the UI against a private mosquitto. Run with `npm run test:electron`.
 * Without an Electron binary it FAILS with instructions; it never skips.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ElectronApplication, type Page, _electron } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mosquitto, runMosquittoPub, startMosquitto } from '../support/mosquitto';
import { type Display, ensureDisplay } from './display';
import { findElectronBinary } from './electron-binary';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const UI_TIMEOUT = 15_000;

let app: ElectronApplication | undefined;
let page: Page;
let broker: Mosquitto | undefined;
let display: Display | undefined;
let userData: string | undefined;
let output = '';
/** Console errors, uncaught page errors and CSP violations. */
const problems: string[] = [];

/**
 * Playwright's Electron loader. It adds it itself only when it locates Electron by
 * `require('electron')`, which this test must not do (without a binary that starts a download).
 */
function playwrightElectronLoader(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve('playwright-core/package.json'));
  const loader = join(packageDir, 'lib/server/electron/loader.js');
  if (!existsSync(loader)) throw new Error(`Playwright's Electron loader moved (looked for ${loader}); update this test.`);
  return loader;
}

/** Adds the fix for the one launch failure to expect on a fresh machine. */
function explainLaunchFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/NODE_MODULE_VERSION|better_sqlite3\.node/.test(`${message}\n${output}`)) {
    return [
      'better-sqlite3 is compiled for Node, not for Electron. Rebuild it for Electron first:',
      '  npx electron-rebuild -f -w better-sqlite3',
      'and back for Node before the other suites: npm rebuild better-sqlite3',
      message,
    ].join('\n');
  }
  return `The app did not start or open its window: ${message}`;
}

/** Everything the app printed, for a failure message that explains itself. */
function withOutput(message: string): string {
  return `${message}\n--- Electron output ---\n${output.slice(-4000)}`;
}

beforeAll(async () => {
  // First, so a missing binary fails at once with its instructions.
  const executablePath = findElectronBinary(ROOT);
  if (!existsSync(join(ROOT, 'out/main/index.js')) || !existsSync(join(ROOT, 'out/preload/index.js'))) {
    throw new Error('The app is not built: run `npm run build` (npm run test:electron does it for you).');
  }
  display = await ensureDisplay();
  broker = await startMosquitto();
  userData = mkdtempSync(join(tmpdir(), 'wb-electron-'));

  try {
    app = await _electron.launch({
      executablePath,
      // `-r loader`: what Playwright itself adds when it finds Electron on its own (it holds back
      // `ready` until it is attached). Then the project folder: Electron reads package.json, whose
      // "main" is out/main/index.js.
      // A packaged app (ELECTRON_PACKAGED=1, from the release workflow) loads its own app.asar.
      args: ['-r', playwrightElectronLoader(), '--disable-gpu', ...(process.env.ELECTRON_PACKAGED === '1' ? [] : [ROOT])],
      // Playwright's default on Linux is --no-sandbox: Chromium's OS sandbox needs root-owned
      // chrome-sandbox or user namespaces, which containers and some CIs lack. The renderer is still
      // Electron-sandboxed (sandbox: true, no Node). WORKBENCH_ELECTRON_SANDBOX=1 turns the OS layer on.
      chromiumSandbox: process.env.WORKBENCH_ELECTRON_SANDBOX === '1',
      env: {
        ...(process.env as Record<string, string>),
        ...display.env,
        WORKBENCH_USER_DATA_DIR: userData,
        ELECTRON_ENABLE_LOGGING: '1',
      },
      timeout: 45_000,
    });
    app.process().stdout?.on('data', (chunk) => (output += chunk));
    app.process().stderr?.on('data', (chunk) => (output += chunk));

    page = await app.firstWindow({ timeout: 30_000 });
  } catch (error) {
    throw new Error(withOutput(explainLaunchFailure(error)));
  }
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // CDP-injected, so our own CSP does not block it.
  await page.addInitScript(`
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || '(inline)'));
    });
  `);
  // Reload under observation, so nothing the first load logged goes unseen.
  await page.reload();
  await page.getByTestId('new-connection').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await app?.close().catch(() => {});
  await broker?.stop();
  await display?.stop();
  if (userData) rmSync(userData, { recursive: true, force: true });
});

describe('MQTT Workbench desktop app', () => {
  it('serves the UI from app://workbench with the CSP header, never file://', async () => {
    expect(page.url()).toBe('app://workbench/index.html');
    const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'));
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('ws:');
  });

  // Electron exposes no getter for a window's webPreferences; their effect is what is checked here
  // (the values themselves are unit-tested in test/unit/electron-security.test.ts).
  it('gives the page no Node, no ipcRenderer, and one transport object for the contract (invoke, on)', async () => {
    const seen = await page.evaluate(async () => {
      const scope = globalThis as unknown as Record<string, unknown>;
      const api = scope.workbench as { invoke(channel: string, input: object): Promise<unknown> } & Record<string, unknown>;
      return {
        require: typeof scope.require,
        process: typeof scope.process,
        module: typeof scope.module,
        Buffer: typeof scope.Buffer,
        ipcRenderer: typeof scope.ipcRenderer,
        electron: typeof scope.electron,
        keys: Object.keys(api).sort(),
        info: await api.invoke('app.info', {}),
      };
    });
    expect(seen).toMatchObject({
      require: 'undefined',
      process: 'undefined',
      module: 'undefined',
      Buffer: 'undefined',
      ipcRenderer: 'undefined',
      electron: 'undefined',
    });
    expect(seen.keys).toEqual(['invoke', 'on']);
    expect(seen.info).toMatchObject({ ok: true, value: { shell: 'electron' } });
  });

  it('connects through the UI, subscribes, and shows messages published by mosquitto_pub', async () => {
    const base = `wb/electron/${process.pid}`;
    await page.getByTestId('new-connection').click();
    await page.getByTestId('connect-host').fill(broker!.host);
    await page.getByTestId('connect-port').fill(String(broker!.port));
    await page.getByTestId('connect-button').click();
    await page
      .locator('[data-testid="connection-status"][data-status="connected"]')
      .waitFor({ timeout: UI_TIMEOUT })
      .catch(async (error: unknown) => {
        const status = await page.getByTestId('connection-status').textContent().catch(() => '?');
        throw new Error(withOutput(`Never connected (status: ${status}): ${String(error)}`));
      });

    // Retained first: it arrives on SUBACK whatever the timing, so it proves the subscription.
    const retained = await runMosquittoPub(['-h', broker!.host, '-p', String(broker!.port), '-t', `${base}/retained`, '-m', 'kept', '-r']);
    expect(retained.code, retained.stderr).toBe(0);
    await page.getByTestId('subscribe-filter').fill(`${base}/#`);
    await page.getByTestId('subscribe-button').click();
    const row = (topic: string) =>
      page.getByTestId('message-row').filter({ has: page.getByTestId('message-topic').getByText(topic, { exact: true }) });
    await row(`${base}/retained`).first().waitFor({ timeout: UI_TIMEOUT });

    const live = await runMosquittoPub(['-h', broker!.host, '-p', String(broker!.port), '-t', `${base}/live`, '-m', 'hello from mosquitto_pub', '-V', '5']);
    expect(live.code, live.stderr).toBe(0);
    const liveRow = row(`${base}/live`).first();
    await liveRow.waitFor({ timeout: UI_TIMEOUT });
    expect(await liveRow.textContent()).toContain('hello from mosquitto_pub');

    // Clean up the retained message so a rerun against the same broker starts empty.
    await runMosquittoPub(['-h', broker!.host, '-p', String(broker!.port), '-t', `${base}/retained`, '-r', '-n']);
  });

  it('saves a payload through the native save dialog, then shows it in its folder', async () => {
    // The dialog and the file manager are stubbed in main (a test machine has no one to click);
    // the IPC, the preload's window.workbenchDesktop and the file write are the real ones.
    const target = join(userData!, 'saved-payload.txt');
    await app!.evaluate(({ dialog, shell }, path) => {
      const seen: unknown[] = [];
      (globalThis as unknown as { saveDialogSeen: unknown[] }).saveDialogSeen = seen;
      dialog.showSaveDialog = (async (...args: unknown[]) => {
        seen.push(['dialog', (args.at(-1) as { defaultPath: string }).defaultPath]);
        return { canceled: false, filePath: path };
      }) as typeof dialog.showSaveDialog;
      shell.showItemInFolder = (shown: string) => void seen.push(['shown', shown]);
    }, target);
    const base = `wb/electron/${process.pid}`;
    await page
      .getByTestId('message-row')
      .filter({ has: page.getByTestId('message-topic').getByText(`${base}/live`, { exact: true }) })
      .first()
      .click();
    await page.getByTestId('message-detail-save').click();
    await page.getByTestId('message-detail-show-in-folder').click();
    expect(readFileSync(target, 'utf8')).toBe('hello from mosquitto_pub');
    const seen = await app!.evaluate(() => (globalThis as unknown as { saveDialogSeen: unknown[] }).saveDialogSeen);
    expect(seen).toEqual([
      ['dialog', expect.stringMatching(/wb_electron_\d+_live\.txt$/) as unknown],
      ['shown', target],
    ]);
  });

  it('logged no console error, page error or CSP violation', () => {
    expect(problems).toEqual([]);
  });

  it('blocks navigation and new windows; only http(s) goes to the OS browser', async () => {
    // Record what would be handed to the OS instead of opening a browser on the test machine.
    const stubbed = await app!.evaluate(({ shell }) => {
      const opened: string[] = [];
      (globalThis as unknown as { openedExternally: string[] }).openedExternally = opened;
      const stub = async (url: string) => {
        opened.push(url);
      };
      shell.openExternal = stub;
      return shell.openExternal === stub;
    });
    expect(stubbed, 'could not stub shell.openExternal; refusing to open a real browser').toBe(true);

    // Strings, not functions: this file compiles without DOM types.
    await page.evaluate(`window.open('https://example.com/from-window-open'); window.open('file:///etc/passwd');`);
    await page.evaluate(`location.href = 'https://example.com/from-navigation'`);
    await page.evaluate(`location.href = 'file:///etc/hosts'`);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(page.url()).toBe('app://workbench/index.html');
    expect(app!.windows()).toHaveLength(1);
    const opened = await app!.evaluate(() => (globalThis as unknown as { openedExternally: string[] }).openedExternally);
    expect(opened.sort()).toEqual(['https://example.com/from-navigation', 'https://example.com/from-window-open']);
  });
  it('has the native menu, whose commands reach the page', async () => {
    const clickMenu = (id: string) =>
      app!.evaluate(({ Menu }, itemId) => {
        const item = Menu.getApplicationMenu()?.getMenuItemById(itemId);
        if (!item) return false;
        item.click();
        return true;
      }, id);
    expect(await clickMenu('showHistory')).toBe(true);
    await page.locator('[data-testid="view-history"][aria-selected="true"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await clickMenu('showWorkbench')).toBe(true);
    await page.locator('[data-testid="view-workbench"][aria-selected="true"]').waitFor({ timeout: UI_TIMEOUT });
  });

  it('opens History in a window of its own from the menu, on the same core, and brings it forward when asked again', async () => {
    const openHistory = () =>
      app!.evaluate(({ Menu }) => {
        const item = Menu.getApplicationMenu()?.getMenuItemById('openHistoryWindow');
        item?.click();
        return item !== undefined && item !== null;
      });
    const opened = app!.waitForEvent('window', { timeout: UI_TIMEOUT });
    expect(await openHistory()).toBe(true);
    const history = await opened;
    history.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error (History window): ${message.text()}`);
    });
    history.on('pageerror', (error) => problems.push(`page error (History window): ${error.message}`));
    await history.getByTestId('window-view-history').waitFor({ timeout: UI_TIMEOUT });
    expect(history.url()).toBe('app://workbench/index.html#window=history');
    expect(await history.getByTestId('view-switcher').count()).toBe(0);
    // The same core and database: the message the main window's connection received is stored once and found here.
    const topic = `wb/electron/${process.pid}/live`;
    const deadline = Date.now() + UI_TIMEOUT;
    let topics: string[] = [];
    while (Date.now() < deadline && !topics.includes(topic)) {
      await history.getByTestId('history-search').click();
      await history.getByTestId('history-count').waitFor({ timeout: UI_TIMEOUT });
      topics = await history.getByTestId('history-row-topic').allTextContents();
      if (!topics.includes(topic)) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(topics).toContain(topic);

    expect(await openHistory()).toBe(true);
    expect(await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(2);
    await history.close();
    expect(await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    expect(problems).toEqual([]);
  });

  it('remembers the window size in the data folder', async () => {
    await app!.evaluate(({ BrowserWindow }) => {
      const window = BrowserWindow.getAllWindows()[0]!;
      window.unmaximize();
      window.setBounds({ x: 60, y: 60, width: 1000, height: 700 });
    });
    const statePath = join(userData!, 'window-state.json');
    const deadline = Date.now() + UI_TIMEOUT;
    // Each kind of window has its entry; this is the main window's.
    let saved: { main?: { bounds?: { width: number; height: number }; maximized?: boolean } } = {};
    while (Date.now() < deadline) {
      if (existsSync(statePath)) saved = JSON.parse(readFileSync(statePath, 'utf8')) as typeof saved;
      if (saved.main?.bounds?.width === 1000 && saved.main.bounds.height === 700) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(saved).toMatchObject({ main: { bounds: { width: 1000, height: 700 }, maximized: false } });
  });

  it('asks before checking for updates, and checks nothing on its own (a development build does not update)', async () => {
    if (process.env.ELECTRON_PACKAGED === '1') {
      await page.getByTestId('updates-ask').waitFor({ timeout: UI_TIMEOUT });
      // electron-builder wrote where the updater looks: the project's GitHub releases.
      const updateConfig = await app!.evaluate(() => process.getBuiltinModule('node:fs').readFileSync(`${process.resourcesPath}/app-update.yml`, 'utf8'));
      expect(updateConfig).toMatch(/^provider: github$/m);
    }
    await page.getByTestId('updates-button').click();
    const status = await page.getByTestId('updates-status').textContent();
    expect(status).toBe(process.env.ELECTRON_PACKAGED === '1' ? 'Not checked yet.' : 'This is a development build; updates come with the installed app.');
    await page.keyboard.press('Escape');
    await page.getByTestId('updates-panel').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  // Last: the page is replaced. Read through the main process, which outlives the renderer.
  it('reloads a crashed page, which says it recovered, with the connection still up', async () => {
    await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.webContents.forcefullyCrashRenderer());
    const probe = `JSON.stringify({
      notice: document.querySelector('[data-testid="recovered-notice"]')?.textContent ?? null,
      connected: document.querySelector('[data-testid="connection-status"][data-status="connected"]') !== null,
    })`;
    const deadline = Date.now() + 30_000;
    let seen = { notice: null as string | null, connected: false };
    while (Date.now() < deadline) {
      try {
        seen = JSON.parse(
          await app!.evaluate(({ BrowserWindow }, code) => BrowserWindow.getAllWindows()[0]!.webContents.executeJavaScript(code) as Promise<string>, probe),
        ) as typeof seen;
      } catch {
        // The renderer is still gone or loading.
      }
      if (seen.notice && seen.connected) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(seen.notice, withOutput('no recovered notice after the crash')).toMatch(/was reloaded/);
    expect(seen.connected, 'the connection made before the crash').toBe(true);
    expect(output).toMatch(/renderer is gone \(/);
  });
});
