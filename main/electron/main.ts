/**
 * The Electron entry (out/main/index.js): one instance, one window, the core behind IPC.
 * Everything security-relevant lives in the modules it wires together; this file only orders
 * them (some calls must happen before `ready`, some after).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserWindow, Menu, app, dialog, ipcMain, protocol, safeStorage, screen, session, shell } from 'electron';
import { version } from '../../package.json';
import type { MenuCommand } from '../../shared/contract/app';
import { type WorkbenchCore, createWorkbenchCore } from '../core/create-core';
import { type SystemProxyResolver, parsePacProxyList } from '../core/engine/proxy-tunnel';
import { recoverFromCrashes } from './crash-recovery';
import { attachIpcTransport } from './ipc-transport';
import { createMenuTemplate } from './menu';
import { attachSaveDialog } from './save-dialog';
import { registerAppScheme, serveAppProtocol } from './protocol';
import { createSafeStorageCipher, describeKeyFileFallback } from './safe-storage-cipher';
import { desktopUpdates, electronUpdaterModule } from './updates';
import { WINDOW_DEFAULTS, createMainWindow, hardenSession, hardenWebContents } from './window';
import { placeWindow, readWindowState, trackWindowState } from './window-state';

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

function createCore(): WorkbenchCore {
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
  if (secretCipher) return createWorkbenchCore({ version, shell: 'electron', dataDir, secretCipher, connectOnLaunch: true, systemProxy, updates });
  // The core's own key file (data/secrets.key) protects them; the dialog warns with this text.
  const secretsProtection = describeKeyFileFallback(safeStorage, join(dataDir, 'secrets.key')) ?? undefined;
  return createWorkbenchCore({ version, shell: 'electron', dataDir, secretsProtection, connectOnLaunch: true, systemProxy, updates });
}

function start(): void {
  let core: WorkbenchCore | undefined;
  let mainWindow: BrowserWindow | null = null;
  let closed = false;

  const openWindow = (workbench: WorkbenchCore): BrowserWindow => {
    const statePath = join(app.getPath('userData'), 'window-state.json');
    const placement = placeWindow(
      readWindowState(statePath),
      { workAreas: screen.getAllDisplays().map((display) => display.workArea), primaryWorkArea: screen.getPrimaryDisplay().workArea },
      WINDOW_DEFAULTS,
    );
    const window = createMainWindow({ preload: PRELOAD_PATH, devTools: !app.isPackaged, placement });
    trackWindowState(window, statePath);
    const transport = attachIpcTransport({ ipcMain, webContents: window.webContents, core: workbench });
    const saving = attachSaveDialog({
      ipcMain,
      webContents: window.webContents,
      window,
      dialog,
      shell,
      downloads: workbench.downloads,
      defaultFolder: app.getPath('downloads'),
    });
    recoverFromCrashes(window.webContents, {
      onRecovered: (details) => workbench.events.emit('app.recovered', details),
      onGiveUp: (details) => {
        dialog.showErrorBox(
          PRODUCT_NAME,
          `The workbench window keeps crashing (${details.reason}), so it was not reloaded again. Your message history is kept: restart ${PRODUCT_NAME} to go on.`,
        );
      },
    });
    mainWindow = window;
    window.on('closed', () => {
      transport.dispose();
      saving.dispose();
      if (mainWindow === window) mainWindow = null;
    });
    return window;
  };

  /** A menu command goes to the page; on macOS, with every window closed, a new window gets it once loaded. */
  const sendMenuCommand = (command: MenuCommand): void => {
    if (!core) return;
    const workbench = core;
    if (mainWindow) return workbench.events.emit('app.menuCommand', { command });
    openWindow(workbench).webContents.once('did-finish-load', () => workbench.events.emit('app.menuCommand', { command }));
  };

  // A second launch shows this instance's window, opening one if all were closed (macOS).
  app.on('second-instance', () => {
    if (!mainWindow) {
      if (core) openWindow(core);
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
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
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          createMenuTemplate({ platform: process.platform, appName: app.name, devTools: !app.isPackaged, onCommand: sendMenuCommand }),
        ),
      );
      serveAppProtocol(protocol, RENDERER_DIR);
      const workbench = createCore();
      core = workbench;
      openWindow(workbench);
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openWindow(workbench);
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
