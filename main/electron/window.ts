/**
 * The workbench window, and the guards every webContents and the session get: no navigation,
 * no new windows, no webviews, no permissions, no remote requests.
 */
import { BrowserWindow, type Session, type WebContents } from 'electron';
import type { WindowKind, WindowTarget } from '../../shared/contract/app';
import { windowHash } from '../../shared/window-url';
import { APP_ENTRY_URL, createWebPreferences, isAppUrl, safeExternalUrl } from './security';
import type { PlacementDefaults, WindowPlacement } from './window-state';

/** The first launch's size, and the smallest the layout still works at. */
export const WINDOW_DEFAULTS: PlacementDefaults = { width: 1280, height: 800, minWidth: 800, minHeight: 500 };

/** Each kind's first size: a window for one view starts a little smaller than the whole workbench. */
export const WINDOW_KIND_DEFAULTS: Record<WindowKind, PlacementDefaults> = {
  main: WINDOW_DEFAULTS,
  connection: { width: 1100, height: 760, minWidth: 700, minHeight: 450 },
  history: { width: 1100, height: 720, minWidth: 600, minHeight: 400 },
  broker: { width: 1000, height: 700, minWidth: 600, minHeight: 400 },
};

/** The page's address for a window: the one entry, with the view it shows in the fragment (shared/window-url.ts). */
export function windowUrl(target: WindowTarget): string {
  return `${APP_ENTRY_URL}${windowHash(target)}`;
}

export interface WindowOptions {
  /** Absolute path of the built preload (out/preload/index.js). */
  preload: string;
  /** Off in packaged builds. */
  devTools: boolean;
  /** Remembered size and position (window-state.ts); no x/y opens it centred. */
  placement?: WindowPlacement;
  /** What the window shows: the whole workbench (the default) or one view. Same options, same guards. */
  target?: WindowTarget;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const target = options.target ?? { kind: 'main' };
  const defaults = WINDOW_KIND_DEFAULTS[target.kind];
  const placement = options.placement ?? { width: defaults.width, height: defaults.height, maximized: false };
  const url = windowUrl(target);
  const window = new BrowserWindow({
    ...(placement.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : { center: true }),
    width: placement.width,
    height: placement.height,
    minWidth: defaults.minWidth,
    minHeight: defaults.minHeight,
    title: 'MQTT Workbench',
    backgroundColor: '#1e1e1e',
    show: false,
    webPreferences: createWebPreferences(options),
  });
  window.once('ready-to-show', () => {
    // maximize() also shows the window, so it waits for the first paint like show() does.
    if (placement.maximized) window.maximize();
    window.show();
  });
  window.loadURL(url).catch((error: unknown) => {
    console.error(`Failed to load ${url}:`, error);
  });
  return window;
}

export interface GuardOptions {
  /** Opens a vetted http(s) URL in the user's browser (shell.openExternal). */
  openExternal: (url: string) => Promise<void>;
}

function openOutside(url: string, options: GuardOptions): void {
  const safe = safeExternalUrl(url);
  if (safe === null) return;
  options.openExternal(safe).catch((error: unknown) => console.warn(`Could not open ${safe}:`, error));
}

/**
 * Applied to every webContents the app creates (app 'web-contents-created'), the main window's
 * included. The workbench is a single page: it never navigates, so every navigation is blocked;
 * a link to http(s) opens in the user's browser instead.
 */
export function hardenWebContents(contents: WebContents, options: GuardOptions): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url, options);
  });
  contents.on('will-frame-navigate', (event) => {
    // The main frame is handled by will-navigate above; this catches subframes.
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, options);
    return { action: 'deny' };
  });
}

/** URL patterns of everything remote; the renderer loads only from app://. */
const REMOTE_URL_PATTERNS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'file:///*'];

/**
 * The session denies every permission (camera, notifications, clipboard read, ...) and every
 * request to a remote or file URL. MQTT connections are made by the main process with Node
 * sockets, not through the session, so they are unaffected; anything later that uses Electron's
 * `net` on this session (an updater, say) would have to be let through here on purpose.
 */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: REMOTE_URL_PATTERNS }, (_details, callback) => callback({ cancel: true }));
}
