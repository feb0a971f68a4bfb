/**
 * The Electron entry (out/main/index.js): one instance, one core behind IPC, and its windows (the
 * main one, and any opened for one view: History, the Broker view, a connection).
 * Everything security-relevant lives in the modules it wires together; this file only orders
 * them (some calls must happen before `ready`, some after).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, screen, session, shell } from 'electron';
import { version } from '../../package.json';
import { type MenuCommand, UI_STATE_KEYS, type WindowTarget } from '../../shared/contract/app';
import { type Language, resolveLanguage } from '../../shared/languages';
import { type WorkbenchCore, createWorkbenchCore } from '../core/create-core';
import { type SystemProxyResolver, parsePacProxyList } from '../core/engine/proxy-tunnel';
import { recoverFromCrashes } from './crash-recovery';
import { type AttachedWindow, type IpcTransports, createIpcTransports } from './ipc-transport';
import { createMenuTemplate } from './menu';
import { attachSaveDialog } from './save-dialog';
import { registerAppScheme, serveAppProtocol } from './protocol';
import { createSafeStorageCipher, keyFileFallback } from './safe-storage-cipher';
import { desktopUpdates, electronUpdaterModule } from './updates';
import { WINDOW_KIND_DEFAULTS, createMainWindow, hardenSession, hardenWebContents } from './window';
import { cascade, placeWindow, readWindowState, trackWindowState } from './window-state';
import { bringForward, createWindowSet, menuCommandTarget, shellCommandWindow } from './windows';

/** Upper bound on a graceful shutdown: closing every broker connection must not hang the quit. */
const CLOSE_TIMEOUT_MS = 3000;

const RENDERER_DIR = join(__dirname, '../renderer');
const PRELOAD_PATH = join(__dirname, '../preload/index.js');

// The data folder is the OS's usual place for the app's data, under the product name whether
// packaged or not (%APPDATA%, ~/Library/Application Support, ~/.config). Tests (and users who want
// a separate profile) give each instance its own folder; the single-instance lock is per folder.
// It must exist before the lock is requested.
const PRODUCT_NAME = 'MQTT Workbench';
app.setName(PRODUCT_NAME);
const userDataDir = process.env.WORKBENCH_USER_DATA_DIR || join(app.getPath('appData'), PRODUCT_NAME);
mkdirSync(userDataDir, { recursive: true });
app.setPath('userData', userDataDir);

// Both must happen before `ready`.
registerAppScheme(protocol);
app.enableSandbox();

// A bug in one request must not take the workbench down with every open connection.
process.on('uncaughtException', (error) => console.error('Uncaught exception (app keeps running):', error));
process.on('unhandledRejection', (error) => console.error('Unhandled rejection (app keeps running):', error));

/**
 * The core, with its data in the app's data folder and secrets under a key that safeStorage
 * wraps. Where the OS offers no real encryption (Linux without a keyring), the core's own key
 * file cipher is used, and app.info says so.
 */
/**
 * Profiles set to 'system' use Chromium's proxy settings (the OS's, PAC included). MQTT is
 * tunnelled, so the broker's host and port are asked for as an https:// URL.
 */
const systemProxy: SystemProxyResolver = async (brokerUrl) => {
  const { hostname, port } = new URL(brokerUrl);
  return parsePacProxyList(await session.defaultSession.resolveProxy(`https://${hostname}:${port}/`));
};

function createCore(openWindow: (target: WindowTarget) => void, onUiStateChanged: (entries: Readonly<Record<string, string>>) => void): WorkbenchCore {
  const dataDir = join(app.getPath('userData'), 'data');
  const secretCipher = createSafeStorageCipher({
    safeStorage,
    keyPath: join(dataDir, 'secrets.safestorage.key'),
    onKeyReplaced: (movedTo, error) =>
      console.warn(`The OS could not unwrap the secrets key (moved to ${movedTo}); saved secrets must be entered again:`, error),
  });
  // electron-updater is loaded at the first check (it is not needed before, and only when packaged).
  const updates = desktopUpdates({
    isPackaged: app.isPackaged,
    version,
    settingsPath: join(dataDir, 'updates.json'),
    loadUpdater: async () => (await electronUpdaterModule()).autoUpdater,
  });
  const shared = { version, shell: 'electron', dataDir, connectOnLaunch: true, systemProxy, openWindow, onUiStateChanged, updates } as const;
  if (secretCipher) return createWorkbenchCore({ ...shared, secretCipher });
  // The core's own key file (data/secrets.key) protects them; the dialog warns, with why.
  const secretsProtectionInfo = keyFileFallback(safeStorage, join(dataDir, 'secrets.key')) ?? undefined;
  return createWorkbenchCore({ ...shared, secretsProtectionInfo });
}

function start(): void {
  let core: WorkbenchCore | undefined;
  let transports: IpcTransports | undefined;
  /** Each open window's own event line (a menu command or "your page was reloaded" is for one window only). */
  const attached = new Map<BrowserWindow, AttachedWindow>();
  let closed = false;
  const statePath = () => join(app.getPath('userData'), 'window-state.json');

  /**
   * A workbench window: the main one or one view's, with the same hardened options and guards, on
   * the same core and transport. Placed where its kind was last (on a display still connected).
   */
  const createWindow = (target: WindowTarget): BrowserWindow => {
    const workAreas = screen.getAllDisplays().map((display) => display.workArea);
    const placement = cascade(
      placeWindow(readWindowState(statePath(), target.kind), { workAreas, primaryWorkArea: screen.getPrimaryDisplay().workArea }, WINDOW_KIND_DEFAULTS[target.kind]),
      windows.all().map((window) => window.getNormalBounds()),
      workAreas,
    );
    const window = createMainWindow({ preload: PRELOAD_PATH, devTools: !app.isPackaged, placement, target });
    trackWindowState(window, statePath(), { kind: target.kind });
    const line = transports!.attach(window.webContents);
    attached.set(window, line);
    recoverFromCrashes(window.webContents, {
      onRecovered: (details) => line.send('app.recovered', details),
      onGiveUp: (details) => {
        dialog.showErrorBox(
          PRODUCT_NAME,
          `The workbench window keeps crashing (${details.reason}), so it was not reloaded again. Your message history is kept: restart ${PRODUCT_NAME} to go on.`,
        );
      },
    });
    window.on('closed', () => {
      line.dispose();
      attached.delete(window);
    });
    return window;
  };
  const windows = createWindowSet(createWindow);

  /**
   * A menu command goes to the window it is for (windows.ts): the focused one, or the main one
   * brought to the front; on macOS, with every window closed, a new main window gets it once loaded.
   * Opening History or the Broker view in a window of its own needs no page.
   */
  const sendMenuCommand = (command: MenuCommand): void => {
    if (!core) return;
    const shellTarget = shellCommandWindow(command);
    if (shellTarget) return void windows.open(shellTarget);
    const focused = BrowserWindow.getFocusedWindow();
    const window = menuCommandTarget(command) === 'focused' && focused && windows.targetOf(focused) ? focused : windows.main();
    if (window) {
      if (window !== focused) bringForward(window);
      return attached.get(window)?.send('app.menuCommand', { command });
    }
    const opened = windows.open({ kind: 'main' });
    opened.webContents.once('did-finish-load', () => attached.get(opened)?.send('app.menuCommand', { command }));
  };

  // A second launch brings this instance's main window to the front (restored if minimised), opening one if all were closed (macOS).
  app.on('second-instance', () => {
    if (core) windows.open({ kind: 'main' });
  });

  // Every webContents, whoever creates it, gets the navigation, window-open and webview guards.
  app.on('web-contents-created', (_event, contents) => {
    hardenWebContents(contents, { openExternal: (url) => shell.openExternal(url) });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', (event) => {
    if (closed || !core) return;
    event.preventDefault();
    const closing = core.close().catch((error: unknown) => console.error('Closing the core failed:', error));
    void Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS))]).then(() => {
      closed = true;
      app.quit();
    });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(() => {
      hardenSession(session.defaultSession);
      serveAppProtocol(protocol, RENDERER_DIR);
      // One core for every window: app.openWindow (a view's "open in new window") opens them here.
      // The native menu speaks the language chosen in the page (kept in the UI state), else the OS's;
      // the core tells it at creation and on every change.
      let menuLanguage: Language | undefined;
      const showMenu = (choice: string | undefined): void => {
        const language = resolveLanguage(choice, app.getPreferredSystemLanguages());
        if (language === menuLanguage) return;
        menuLanguage = language;
        Menu.setApplicationMenu(
          Menu.buildFromTemplate(
            createMenuTemplate({ platform: process.platform, appName: app.name, devTools: !app.isPackaged, onCommand: sendMenuCommand, language }),
          ),
        );
      };
      const workbench = createCore(
        (target) => windows.open(target),
        (entries) => showMenu(entries[UI_STATE_KEYS.language]),
      );
      core = workbench;
      transports = createIpcTransports({ ipcMain, core: workbench });
      attachSaveDialog({
        ipcMain,
        windowOf: (sender) => windows.all().find((window) => !window.isDestroyed() && window.webContents === sender),
        dialog,
        shell,
        downloads: workbench.downloads,
        defaultFolder: app.getPath('downloads'),
      });
      windows.open({ kind: 'main' });
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) windows.open({ kind: 'main' });
      });
    })
    .catch((error: unknown) => {
      console.error('MQTT Workbench failed to start:', error);
      app.exit(1);
    });
}

// A second launch hands over to the running instance (it focuses its window) and exits.
if (app.requestSingleInstanceLock()) start();
else app.quit();
