// The Electron entry's wiring, without Electron: out/main/index.js is built in memory with the
// project's electron-vite config and run against a fake 'electron' module that records what the
// app asks of it. Proves the order (privileges and sandbox before ready), the guards on every
// webContents, the session policy, the protocol, IPC with the sender check, and the graceful quit.
import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from 'electron-vite';
import { type Rolldown, build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MenuItem as MenuItemConstructorOptions } from '../../main/electron/menu';
import { APP_SCHEME_REGISTRATION, CONTENT_SECURITY_POLICY, createWebPreferences } from '../../main/electron/security';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

type Listener = (...args: unknown[]) => unknown;

class FakeWebContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | undefined;
  sent: unknown[][] = [];
  reloads = 0;
  reload() {
    this.reloads += 1;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  send(...args: unknown[]) {
    this.sent.push(args);
  }
  isDestroyed() {
    return false;
  }
}

function createFakeElectron(userDataParent: string) {
  const calls: string[] = [];
  const paths = new Map<string, string>();
  const windows: FakeWindow[] = [];
  const errorBoxes: string[] = [];
  const ipcHandlers = new Map<string, Listener>();
  const protocolHandlers = new Map<string, (request: Request) => Promise<Response>>();
  const session = {
    permissionRequest: undefined as Listener | undefined,
    permissionCheck: undefined as Listener | undefined,
    devicePermission: undefined as Listener | undefined,
    beforeRequest: undefined as { filter: { urls: string[] }; listener: Listener } | undefined,
    setPermissionRequestHandler: (handler: Listener) => (session.permissionRequest = handler),
    setPermissionCheckHandler: (handler: Listener) => (session.permissionCheck = handler),
    setDevicePermissionHandler: (handler: Listener) => (session.devicePermission = handler),
    webRequest: {
      onBeforeRequest: (filter: { urls: string[] }, listener: Listener) => (session.beforeRequest = { filter, listener }),
    },
  };
  let resolveReady!: () => void;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const appEvents = new EventEmitter();
  const app = Object.assign(appEvents, {
    name: 'MQTT Workbench',
    isPackaged: false,
    /** The OS's languages, most preferred first (a test sets a Chinese OS). */
    osLanguages: ['en-US'],
    getPreferredSystemLanguages: () => app.osLanguages,
    setName: (name: string) => calls.push(`app.setName ${name}`),
    setPath: (name: string, path: string) => {
      paths.set(name, path);
      calls.push(`app.setPath ${name} ${path}`);
    },
    getPath: (name: string) => paths.get(name) ?? join(userDataParent, name),
    enableSandbox: () => calls.push('app.enableSandbox'),
    requestSingleInstanceLock: () => (calls.push('app.requestSingleInstanceLock'), true),
    whenReady: () => ready,
    quit: vi.fn(() => calls.push('app.quit')),
    exit: vi.fn((code: number) => calls.push(`app.exit ${code}`)),
  });

  class FakeWindow extends EventEmitter {
    static getAllWindows = () => windows.filter((window) => !window.destroyed);
    static getFocusedWindow = () => windows.find((window) => window.focused && !window.destroyed) ?? null;
    webContents = new FakeWebContents();
    loadedUrl: string | undefined;
    focused = false;
    shown = false;
    maximized = false;
    minimized = false;
    destroyed = false;
    constructor(readonly options: { webPreferences: Record<string, unknown> } & Record<string, unknown>) {
      super();
      windows.push(this);
      calls.push('new BrowserWindow');
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    maximize() {
      this.maximized = true;
    }
    isMaximized() {
      return this.maximized;
    }
    isFullScreen() {
      return false;
    }
    /** Where the user has put it: where it opened, until a test moves it. */
    bounds = { x: 40, y: 30, width: 900, height: 600 };
    getNormalBounds() {
      return this.bounds;
    }
    isMinimized() {
      return this.minimized;
    }
    isDestroyed() {
      return this.destroyed;
    }
    restore() {
      this.minimized = false;
    }
    focus() {
      for (const other of windows) other.focused = false;
      this.focused = true;
    }
    /** What closing it does: 'close' (state saved), then gone, then 'closed'. */
    close() {
      this.emit('close');
      this.destroyed = true;
      this.emit('closed');
    }
  }

  const menu = { template: undefined as MenuItemConstructorOptions[] | undefined };
  const electron = {
    app,
    BrowserWindow: FakeWindow,
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }),
      setApplicationMenu: (built: { template: MenuItemConstructorOptions[] }) => (menu.template = built.template),
    },
    ipcMain: {
      handle: (channel: string, listener: Listener) => {
        if (ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        ipcHandlers.set(channel, listener);
      },
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => calls.push(`protocol.registerSchemesAsPrivileged ${JSON.stringify(schemes)}`),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) => protocolHandlers.set(scheme, handler),
    },
    // A reversible stand-in; the real cipher logic is tested in electron-safe-storage-cipher.test.ts.
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (text: string) => Buffer.from(`wrapped:${text}`),
      decryptString: (data: Buffer) => data.toString().slice('wrapped:'.length),
    },
    session: { defaultSession: session },
    // One 1920x1080 display; a window saved on a second monitor that is gone must come back to it.
    screen: {
      getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
      getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
    },
    dialog: {
      showErrorBox: (title: string, content: string) => errorBoxes.push(`${title}: ${content}`),
      showSaveDialog: vi.fn(async (_window: unknown, _options: { defaultPath: string }) => ({ canceled: true })),
    },
    shell: { openExternal: vi.fn(async (_url: string) => {}), showItemInFolder: vi.fn((_path: string) => {}) },
  };
  return { electron, calls, windows, ipcHandlers, protocolHandlers, session, app, menu, errorBoxes, ready: resolveReady };
}

let fake: ReturnType<typeof createFakeElectron>;
/** Where the app keeps its data: the fake's appData folder, under the product name. */
const userData = () => join(base, 'appData', 'MQTT Workbench');

function menuItem(id: string): { click: () => void; label?: string } {
  const items = (list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    list.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
  const item = items(fake.menu.template ?? []).find((candidate) => candidate.id === id);
  if (!item) throw new Error(`no menu item ${id}`);
  return item as { click: () => void; label?: string };
}
let processListeners: Map<string, Listener[]>;
let base: string;

/** Runs the in-memory CommonJS outputs with a `require` that hands out the fake electron. */
function runMain(files: Map<string, string>, outDir: string): void {
  const fromRoot = createRequire(join(ROOT, 'package.json'));
  const cache = new Map<string, { exports: unknown }>();
  // The app registers process handlers; record them instead of touching the test runner's process.
  const fakeProcess = Object.create(process, {
    on: {
      value: (event: string, listener: Listener) => {
        processListeners.set(event, [...(processListeners.get(event) ?? []), listener]);
        return fakeProcess;
      },
    },
  }) as NodeJS.Process;
  const load = (fileName: string): unknown => {
    const cached = cache.get(fileName);
    if (cached) return cached.exports;
    const code = files.get(fileName);
    if (code === undefined) throw new Error(`no built file ${fileName}`);
    const module = { exports: {} };
    cache.set(fileName, module);
    const requireFn = (name: string) => {
      if (name === 'electron') return fake.electron;
      if (name.startsWith('.')) return load(posix.normalize(posix.join(posix.dirname(fileName), name)));
      return fromRoot(name);
    };
    const filename = join(outDir, fileName);
    new Function('require', 'module', 'exports', '__dirname', '__filename', 'process', code)(
      requireFn,
      module,
      module.exports,
      dirname(filename),
      filename,
      fakeProcess,
    );
    return module.exports;
  };
  load('index.js');
}

beforeAll(async () => {
  const { config } = await resolveConfig({ root: ROOT, logLevel: 'silent' }, 'build', 'production');
  if (!config?.main) throw new Error('electron.vite.config.ts has no main build');
  const result = await build({ ...config.main, configFile: false, logLevel: 'silent', build: { ...config.main.build, write: false } });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const files = new Map<string, string>();
  for (const file of outputs.flatMap((output) => output.output)) {
    if (file.type === 'chunk') files.set(file.fileName, file.code);
  }
  // A stand-in for out/: main/ (where the code thinks it lives) beside renderer/ and preload/.
  base = mkdtempSync(join(tmpdir(), 'wb-electron-main-'));
  mkdirSync(join(base, 'renderer'), { recursive: true });
  writeFileSync(join(base, 'renderer', 'index.html'), '<!doctype html><title>workbench</title>');
  fake = createFakeElectron(base);
  processListeners = new Map();
  runMain(files, join(base, 'main'));
}, 60_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('before ready', () => {
  it('keeps its data in the OS data folder under the product name, then grants app:// its privileges, enables the sandbox and takes the single-instance lock', () => {
    expect(fake.calls).toEqual([
      'app.setName MQTT Workbench',
      `app.setPath userData ${userData()}`,
      `protocol.registerSchemesAsPrivileged ${JSON.stringify([APP_SCHEME_REGISTRATION])}`,
      'app.enableSandbox',
      'app.requestSingleInstanceLock',
    ]);
    expect(fake.windows).toHaveLength(0);
  });

  it('guards every webContents the app creates', () => {
    const contents = new FakeWebContents();
    fake.app.emit('web-contents-created', {}, contents);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-frame-navigate')).toBe(1);
    expect(contents.listenerCount('will-redirect')).toBe(1);

    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach);
    expect(attach.preventDefault).toHaveBeenCalled();

    for (const url of ['app://workbench/other.html', 'file:///etc/passwd', 'https://mqtt.org/docs']) {
      const navigation = { url, isMainFrame: true, preventDefault: vi.fn() };
      contents.emit('will-navigate', navigation);
      expect(navigation.preventDefault, url).toHaveBeenCalled();
    }
    const subframe = { url: 'app://workbench/index.html', isMainFrame: false, preventDefault: vi.fn() };
    contents.emit('will-frame-navigate', subframe);
    expect(subframe.preventDefault).toHaveBeenCalled();
    const redirect = { url: 'https://evil.example/', preventDefault: vi.fn() };
    contents.emit('will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();

    expect(contents.openHandler?.({ url: 'https://mqtt.org/spec' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    // Only the http(s) ones reached the OS, normalized.
    expect(fake.electron.shell.openExternal.mock.calls.map(([url]) => url)).toEqual([
      'https://mqtt.org/docs',
      'https://mqtt.org/spec',
    ]);
  });
});

describe('after ready', () => {
  beforeAll(async () => {
    // The last session's window, maximised, on the one display there is.
    writeFileSync(join(userData(), 'window-state.json'), JSON.stringify({ bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true }));
    fake.ready();
    await new Promise((resolve) => setTimeout(resolve, 0));
  });

  it('denies every permission and cancels remote and file requests', () => {
    const callback = vi.fn();
    fake.session.permissionRequest?.({}, 'media', callback, {});
    expect(callback).toHaveBeenCalledWith(false);
    expect(fake.session.permissionCheck?.({}, 'clipboard-read', 'app://workbench', {})).toBe(false);
    expect(fake.session.devicePermission?.({})).toBe(false);
    expect(fake.session.beforeRequest?.filter.urls).toEqual(
      expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file:///*']),
    );
    const cancel = vi.fn();
    fake.session.beforeRequest?.listener({ url: 'https://example.com/' }, cancel);
    expect(cancel).toHaveBeenCalledWith({ cancel: true });
  });

  it('serves app:// from the renderer folder beside main/, with the CSP', async () => {
    const handler = fake.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    const response = await handler!(new Request('app://workbench/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('<title>workbench</title>');
  });

  it('opens one window with the hardened preferences and the preload beside main/, on app://', () => {
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0]!;
    expect(window.options.webPreferences).toEqual(
      createWebPreferences({ preload: join(base, 'preload', 'index.js'), devTools: true }),
    );
    expect(window.loadedUrl).toBe('app://workbench/index.html');
  });

  it('answers the contract over IPC for the window, and refuses other senders', async () => {
    const handler = fake.ipcHandlers.get('workbench:invoke')!;
    const window = fake.windows[0]!;
    const frame = { url: 'app://workbench/index.html', parent: null };
    const info = await handler({ sender: window.webContents, senderFrame: frame }, 'app.info', {});
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron' } });
    // The secrets key is wrapped by safeStorage, in the app's data folder.
    expect((info as { value: { secretsProtection: string } }).value.secretsProtection).toMatch(/protected by .*safeStorage/);
    expect(readFileSync(join(userData(), 'data', 'secrets.safestorage.key')).toString()).toMatch(/^wrapped:/);
    expect(existsSync(join(userData(), 'data', 'profiles.db'))).toBe(true);

    await expect(
      handler({ sender: window.webContents, senderFrame: { url: 'https://evil.example/', parent: null } }, 'app.info', {}),
    ).rejects.toThrow(/Refused/);
    await expect(handler({ sender: new FakeWebContents(), senderFrame: frame }, 'app.info', {})).rejects.toThrow(/Refused/);
  });

  it('serves the updates domain (main/electron/updates.ts): not packaged, it says a development build does not update, and loads no updater', async () => {
    const handler = fake.ipcHandlers.get('workbench:invoke')!;
    const event = { sender: fake.windows[0]!.webContents, senderFrame: { url: 'app://workbench/index.html', parent: null } };
    expect(await handler(event, 'updates.state', {})).toMatchObject({ ok: true, value: { status: 'unsupported', message: expect.stringContaining('development build') } });
    expect(await handler(event, 'updates.setSettings', { autoCheck: 'on' })).toEqual({ ok: true, value: { autoCheck: 'on', allowMetered: false } });
    expect(JSON.parse(readFileSync(join(userData(), 'data', 'updates.json'), 'utf8'))).toEqual({ autoCheck: 'on', allowMetered: false });
  });

  it('wires the save dialog and "Show in folder" for the window (the flow itself: electron-save-dialog.test.ts)', async () => {
    // History needs its worker file, which this in-memory build does not emit: the wiring is what is checked here.
    const save = fake.ipcHandlers.get('workbench:save-download')!;
    const reveal = fake.ipcHandlers.get('workbench:show-in-folder')!;
    const window = fake.windows[0]!;
    const event = { sender: window.webContents, senderFrame: { url: 'app://workbench/index.html', parent: null } };
    expect(await save(event, 'not-a-download')).toEqual({ saved: false, reason: 'gone' });
    expect(await reveal(event, 'not-saved')).toBe(false);
    expect(fake.electron.dialog.showSaveDialog).not.toHaveBeenCalled();
    expect(fake.electron.shell.showItemInFolder).not.toHaveBeenCalled();
    await expect(save({ ...event, senderFrame: { url: 'https://evil.example/', parent: null } }, 'x')).rejects.toThrow(/Refused/);
    await expect(reveal({ sender: new FakeWebContents(), senderFrame: event.senderFrame }, 'x')).rejects.toThrow(/Refused/);
  });

  it('brings the main window to the front when a second instance starts, restored if minimised', () => {
    const window = fake.windows[0]!;
    window.minimized = true;
    fake.app.emit('second-instance');
    expect(window).toMatchObject({ minimized: false, focused: true, shown: true });
    expect(fake.windows).toHaveLength(1);
  });

  it('opens the window where it was last time, maximised once it has painted', () => {
    const window = fake.windows[0]!;
    expect(window.options).toMatchObject({ x: 100, y: 50, width: 1000, height: 700, show: false });
    expect(window.maximized).toBe(false);
    window.emit('ready-to-show');
    expect(window).toMatchObject({ maximized: true, shown: true });
  });

  it('reloads a crashed page, which is then told it recovered (history lives in main)', () => {
    const window = fake.windows[0]!;
    window.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(window.webContents.reloads).toBe(1);
    window.webContents.emit('did-finish-load');
    expect(window.webContents.sent).toContainEqual(['workbench:event', 'app.recovered', { reason: 'crashed', exitCode: 139 }]);
    // Closing the window ends its renderer cleanly: that is not a crash.
    window.webContents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    expect(window.webContents.reloads).toBe(1);
    expect(fake.errorBoxes).toEqual([]);
  });

  it('sets the native menu, whose commands reach the page as app.menuCommand events', () => {
    const window = fake.windows[0]!;
    menuItem('showHistory').click();
    expect(window.webContents.sent).toContainEqual(['workbench:event', 'app.menuCommand', { command: 'showHistory' }]);
  });

  it('the native menu speaks the language chosen in the page, and the OS language when the choice is "system"', async () => {
    const handler = fake.ipcHandlers.get('workbench:invoke')!;
    const window = fake.windows[0]!;
    const from = { sender: window.webContents, senderFrame: { url: window.loadedUrl!, parent: null } };
    const topLevel = () => (fake.menu.template ?? []).map((item) => item.label);
    expect(topLevel()).toContain('&File');
    await handler(from, 'app.setUiState', { entries: { 'ui.language': 'zh-CN' } });
    expect(topLevel()).toEqual(expect.arrayContaining(['文件(&F)', '编辑(&E)', '视图(&V)', '连接(&C)', '窗口(&W)', '帮助(&H)']));
    expect(menuItem('openHistoryWindow').label).toBe('在新窗口中打开历史记录');
    // Still the same commands: a click reaches the page as before.
    menuItem('showHistory').click();
    expect(window.webContents.sent).toContainEqual(['workbench:event', 'app.menuCommand', { command: 'showHistory' }]);
    fake.app.osLanguages = ['zh-Hans-CN', 'en-US'];
    await handler(from, 'app.setUiState', { entries: { 'ui.language': 'en' } });
    expect(topLevel()).toContain('&File');
    await handler(from, 'app.setUiState', { entries: { 'ui.language': 'system' } });
    expect(topLevel()).toContain('文件(&F)');
    fake.app.osLanguages = ['en-US'];
    await handler(from, 'app.setUiState', { entries: { 'ui.language': null } });
    expect(topLevel()).toContain('&File');
  });

  const fromPage = (window: InstanceType<typeof fake.electron.BrowserWindow>) => ({ sender: window.webContents, senderFrame: { url: window.loadedUrl!, parent: null } });

  it('opens History in a window of its own on app.openWindow: the same hardened options, the same core', async () => {
    const handler = fake.ipcHandlers.get('workbench:invoke')!;
    const main = fake.windows[0]!;
    expect(await handler(fromPage(main), 'app.openWindow', { kind: 'history' })).toEqual({ ok: true, value: { opened: true } });
    expect(fake.windows).toHaveLength(2);
    const history = fake.windows[1]!;
    expect(history.loadedUrl).toBe('app://workbench/index.html#window=history');
    expect(history.options.webPreferences).toEqual(main.options.webPreferences);
    // Not on top of the main window: a kind with no saved place opens centred, at its own size.
    expect(history.options).toMatchObject({ center: true, width: 1100, height: 720 });
    // One core: what one window's page sets, the other's reads.
    expect(await handler(fromPage(history), 'app.setUiState', { entries: { 'test.shared': 'yes' } })).toEqual({ ok: true, value: {} });
    expect(await handler(fromPage(main), 'app.uiState', {})).toMatchObject({ ok: true, value: { entries: { 'test.shared': 'yes' } } });
    // A contract request the zod schema refuses never opens anything.
    expect(await handler(fromPage(main), 'app.openWindow', { kind: 'settings' })).toMatchObject({ ok: false });
    expect(fake.windows).toHaveLength(2);
  });

  it('brings a view\'s window forward when it is asked for again, instead of opening a second one', async () => {
    const handler = fake.ipcHandlers.get('workbench:invoke')!;
    const [main, history] = [fake.windows[0]!, fake.windows[1]!];
    main.focus();
    history.minimized = true;
    await handler(fromPage(main), 'app.openWindow', { kind: 'history' });
    menuItem('openHistoryWindow').click();
    expect(fake.windows).toHaveLength(2);
    expect(history).toMatchObject({ minimized: false, focused: true });
  });

  it('sends a menu command to the window it is for: the focused one for its own list, the main one for views', () => {
    const [main, history] = [fake.windows[0]!, fake.windows[1]!];
    history.focus();
    menuItem('showShortcuts').click();
    expect(history.webContents.sent).toContainEqual(['workbench:event', 'app.menuCommand', { command: 'showShortcuts' }]);
    expect(main.webContents.sent).not.toContainEqual(['workbench:event', 'app.menuCommand', { command: 'showShortcuts' }]);
    menuItem('showBroker').click();
    expect(main.webContents.sent).toContainEqual(['workbench:event', 'app.menuCommand', { command: 'showBroker' }]);
    expect(history.webContents.sent).not.toContainEqual(['workbench:event', 'app.menuCommand', { command: 'showBroker' }]);
    expect(main.focused).toBe(true);
  });

  it('opens the Broker view and a connection in windows of their own, from the menu and from the page', async () => {
    const handler = fake.ipcHandlers.get('workbench:invoke')!;
    menuItem('openBrokerWindow').click();
    expect(fake.windows).toHaveLength(3);
    expect(fake.windows[2]!.loadedUrl).toBe('app://workbench/index.html#window=broker');
    await handler(fromPage(fake.windows[0]!), 'app.openWindow', { kind: 'connection', connectionId: 'c7' });
    expect(fake.windows[3]!.loadedUrl).toBe('app://workbench/index.html#window=connection&connection=c7');
    for (const window of fake.windows.slice(2)) window.close();
  });

  it('remembers each kind of window where it was, and refuses a closed window\'s page', async () => {
    const handler = fake.ipcHandlers.get('workbench:invoke')!;
    const history = fake.windows[1]!;
    history.bounds = { x: 300, y: 200, width: 800, height: 500 };
    history.close();
    const saved = JSON.parse(readFileSync(join(userData(), 'window-state.json'), 'utf8')) as Record<string, unknown>;
    expect(saved.history).toEqual({ bounds: { x: 300, y: 200, width: 800, height: 500 }, maximized: false });
    await expect(handler(fromPage(history), 'app.info', {})).rejects.toThrow(/Refused/);

    menuItem('openHistoryWindow').click();
    const reopened = fake.windows[fake.windows.length - 1]!;
    expect(reopened.options).toMatchObject({ x: 300, y: 200, width: 800, height: 500 });
    reopened.close();
  });

  it('saves the main window state when the window closes, beside the other kinds', () => {
    const main = fake.windows[0]!;
    main.bounds = { x: 40, y: 30, width: 900, height: 600 };
    main.emit('close');
    expect(JSON.parse(readFileSync(join(userData(), 'window-state.json'), 'utf8'))).toMatchObject({
      main: { bounds: { x: 40, y: 30, width: 900, height: 600 }, maximized: true },
    });
  });

  it('keeps the IPC handlers for the other windows when one closes, and refuses the closed one', async () => {
    const main = fake.windows[0]!;
    main.close();
    expect(fake.ipcHandlers.has('workbench:invoke')).toBe(true);
    await expect(fake.ipcHandlers.get('workbench:invoke')!(fromPage(main), 'app.info', {})).rejects.toThrow(/Refused/);
    await expect(fake.ipcHandlers.get('workbench:save-download')!(fromPage(main), 'x')).rejects.toThrow(/Refused/);
  });

  it('opens a window for a menu command chosen with no window open (macOS), and delivers it once loaded', () => {
    const before = fake.windows.length;
    menuItem('newConnection').click();
    expect(fake.windows).toHaveLength(before + 1);
    const window = fake.windows[before]!;
    expect(window.webContents.sent).toEqual([]);
    window.webContents.emit('did-finish-load');
    expect(window.webContents.sent).toContainEqual(['workbench:event', 'app.menuCommand', { command: 'newConnection' }]);
    window.close();
  });

  it('opens a window when a second instance starts while every window is closed (macOS)', () => {
    const before = fake.windows.length;
    fake.app.emit('second-instance');
    expect(fake.windows).toHaveLength(before + 1);
    expect(fake.windows[before]!.loadedUrl).toBe('app://workbench/index.html');
    fake.windows[before]!.close();
  });

  it('closes the core before quitting, once', async () => {
    const first = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', first);
    expect(first.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.app.quit).toHaveBeenCalled());
    // The second will-quit (from that app.quit) goes through.
    const second = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });

  it('quits on SIGTERM and SIGINT, and logs (not crashes on) uncaught errors', () => {
    expect(processListeners.get('SIGTERM')).toHaveLength(1);
    expect(processListeners.get('SIGINT')).toHaveLength(1);
    expect(processListeners.get('uncaughtException')).toHaveLength(1);
    expect(processListeners.get('unhandledRejection')).toHaveLength(1);
  });
});
