/**
 * Updates of the desktop app from the project's GitHub releases, with electron-updater (the
 * publish settings in electron-builder.yml become the packaged app's app-update.yml).
 *
 * Nothing is checked unless the user allowed it: automatic checks are off until the page has asked
 * "Check for updates automatically?" once and the user said yes; "Check now" is always the user's
 * own request. A found update downloads in the background when checks are automatic (else on
 * "Download"), and installs on "Restart to update" (or at the next quit). electron-updater talks
 * to GitHub from its own session partition, not the window's, whose requests are all cancelled.
 *
 * Metered connections: neither Electron nor Node says whether a connection is metered. What each
 * OS knows: Windows has a cost per connection (NetworkCostType: unrestricted, fixed, variable) in
 * its WinRT networking API; macOS marks paths "expensive" (cellular, a personal hotspot) or
 * "constrained" (Low Data Mode) in Network.framework; Linux has NetworkManager's Metered property
 * (on D-Bus) where NetworkManager runs. None is reachable without a native module. So the page
 * reports what Chromium tells it (navigator.connection: saveData, or type 'cellular', which
 * desktop Chromium rarely sets), and an unknown connection is taken as not metered. With a known
 * metered connection, nothing is checked or downloaded on its own unless "allow on metered" is on
 * (off by default); a request the user makes there is held back until they confirm it.
 *
 * The updater, the clock and the settings file are passed in, so all of this is tested without
 * Electron (test/unit/electron-updates.test.ts).
 */
import {
  DEFAULT_UPDATE_SETTINGS,
  RELEASE_NOTES_MAX,
  type UpdateSettings,
  type UpdateState,
  WorkbenchFailure,
  updateSettingsSchema,
} from '../../shared/contract';
import { loadJsonDataFile, saveJsonDataFile } from '../core/files/json-data-file';
import type { UpdatesProvider, UpdatesService } from '../core/services/updates-service';

/** What electron-updater says about a release (its UpdateInfo, the fields used here). */
export interface ReleaseInfo {
  version: string;
  releaseName?: string | null;
  releaseNotes?: string | ReadonlyArray<{ version: string; note: string | null }> | null;
  releaseDate?: string;
}

export interface DownloadProgress {
  percent: number;
  transferred: number;
  total: number;
  bytesPerSecond: number;
}

/** The part of electron-updater's AppUpdater (its `autoUpdater`) used here. */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  /** False where it cannot work: not packaged, or a Linux build not run as AppImage, deb or rpm. */
  isUpdaterActive(): boolean;
  /** null when the updater is not active. */
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; updateInfo: ReleaseInfo } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'download-progress', listener: (progress: DownloadProgress) => void): unknown;
}

export interface UpdatesClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export interface UpdateSettingsStore {
  read(): UpdateSettings;
  write(settings: UpdateSettings): void;
}

export interface UpdatesOptions {
  currentVersion: string;
  /** Loaded on first use (electron-updater is not needed until a check); null: this build cannot update. */
  loadUpdater: (() => Promise<Updater>) | null;
  /** Said to the user when there is no updater. */
  unsupportedReason: string;
  settings: UpdateSettingsStore;
  clock?: UpdatesClock;
  emit(state: UpdateState): void;
  /** After launch (or after turning automatic checks on), before the first automatic check. */
  firstCheckDelayMs?: number;
  /** Between automatic checks. */
  checkIntervalMs?: number;
}

export const FIRST_CHECK_DELAY_MS = 60_000;
export const CHECK_INTERVAL_MS = 6 * 60 * 60_000;

export const realClock: UpdatesClock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** Release notes as plain text: GitHub's are HTML, and the page shows text only. */
export function releaseNotesText(notes: ReleaseInfo['releaseNotes']): string | undefined {
  if (!notes) return undefined;
  const parts = typeof notes === 'string' ? [htmlToText(notes)] : notes.map((entry) => `${entry.version}\n${htmlToText(entry.note ?? '')}`.trim());
  const text = parts.filter(Boolean).join('\n\n').trim();
  if (!text) return undefined;
  return text.length > RELEASE_NOTES_MAX ? `${text.slice(0, RELEASE_NOTES_MAX - 1)}…` : text;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li[^>]*>/gi, '\n• ')
    .replace(/<\/(p|div|h[1-6]|ul|ol|pre|blockquote)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1]?.toLowerCase() === 'x' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** One line the user can read: electron-updater's errors may carry a response body or a stack. */
function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0]!.trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line || 'The update failed';
}

/** The settings in the data folder (updates.json); a damaged file is set aside and the defaults apply. */
export function createUpdateSettingsFile(path: string): UpdateSettingsStore {
  return {
    read: () =>
      loadJsonDataFile(
        path,
        updateSettingsSchema,
        { what: 'update settings', fallbackMeans: 'updates are not checked until the user allows it again', fallback: () => ({ ...DEFAULT_UPDATE_SETTINGS }) },
        (stored) => stored,
      ),
    write: (settings) => saveJsonDataFile(path, settings),
  };
}

export function createUpdates(options: UpdatesOptions): UpdatesService {
  const clock = options.clock ?? realClock;
  const firstDelay = options.firstCheckDelayMs ?? FIRST_CHECK_DELAY_MS;
  const interval = options.checkIntervalMs ?? CHECK_INTERVAL_MS;
  let settings = options.settings.read();
  let state: UpdateState = options.loadUpdater
    ? { status: 'idle', currentVersion: options.currentVersion }
    : { status: 'unsupported', currentVersion: options.currentVersion, message: options.unsupportedReason };
  /** What the page last reported; null: it cannot tell. */
  let metered: boolean | null = null;
  let timer: { cancel(): void } | undefined;
  let closed = false;
  let updater: Promise<Updater | null> | undefined;

  const set = (patch: Partial<UpdateState>): UpdateState => {
    const next: Record<string, unknown> = { ...state, ...patch };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    state = next as UpdateState;
    options.emit(state);
    return state;
  };

  const getUpdater = (): Promise<Updater | null> => {
    const load = options.loadUpdater;
    if (!load) return Promise.resolve(null);
    updater ??= load().then(
      (loaded) => {
        if (!loaded.isUpdaterActive()) {
          set({ status: 'unsupported', message: options.unsupportedReason });
          return null;
        }
        // Downloads start here, when allowed; installing at quit is what "installs on restart" needs.
        loaded.autoDownload = false;
        loaded.autoInstallOnAppQuit = true;
        loaded.on('download-progress', (progress) => {
          if (state.status === 'downloading') set({ progress: { percent: progress.percent, transferred: progress.transferred, total: progress.total, bytesPerSecond: progress.bytesPerSecond } });
        });
        return loaded;
      },
      (error: unknown) => {
        set({ status: 'unsupported', message: `The updater could not be loaded: ${errorText(error)}` });
        return null;
      },
    );
    return updater;
  };

  /** True (and the state says so) when the connection is metered and neither the settings nor the user allowed it. */
  const heldBackForMetered = (onMetered: boolean): boolean => {
    if (metered !== true || settings.allowMetered || onMetered) return false;
    set({ heldBack: 'metered' });
    return true;
  };

  const download = async (onMetered: boolean): Promise<UpdateState> => {
    const active = await getUpdater();
    if (!active || state.status === 'downloading' || state.status === 'downloaded') return state;
    if (state.status !== 'available') throw new WorkbenchFailure('NOT_FOUND', 'No update to download: check for updates first.', { reason: 'noUpdate' });
    if (heldBackForMetered(onMetered)) return state;
    set({ status: 'downloading', heldBack: undefined, message: undefined, progress: { percent: 0, transferred: 0, total: 0, bytesPerSecond: 0 } });
    // In the background: the request answers now, the page follows `updates.state`.
    active.downloadUpdate().then(
      () => {
        if (!closed) set({ status: 'downloaded', progress: undefined });
      },
      (error: unknown) => {
        if (!closed) set({ status: 'error', progress: undefined, message: errorText(error) });
      },
    );
    return state;
  };

  const check = async (onMetered: boolean): Promise<UpdateState> => {
    const active = await getUpdater();
    if (!active || closed) return state;
    if (state.status === 'checking' || state.status === 'downloading' || state.status === 'downloaded') return state;
    if (heldBackForMetered(onMetered)) return state;
    set({ status: 'checking', heldBack: undefined, message: undefined });
    try {
      const result = await active.checkForUpdates();
      if (!result) return set({ status: 'unsupported', message: options.unsupportedReason });
      const info = result.updateInfo;
      if (!result.isUpdateAvailable) {
        return set({ status: 'not-available', lastCheckedAt: clock.now(), version: undefined, releaseName: undefined, releaseNotes: undefined, releaseDate: undefined });
      }
      set({
        status: 'available',
        lastCheckedAt: clock.now(),
        version: info.version,
        releaseName: info.releaseName ?? undefined,
        releaseNotes: releaseNotesText(info.releaseNotes),
        releaseDate: info.releaseDate,
      });
      // Automatic updates download in the background; a manual check waits for "Download". A yes
      // to checking on a metered connection is not one to downloading there: that is asked again.
      if (settings.autoCheck === 'on') return await download(false);
      return state;
    } catch (error) {
      return set({ status: 'error', lastCheckedAt: clock.now(), message: errorText(error) });
    }
  };

  const cancelTimer = (): void => {
    timer?.cancel();
    timer = undefined;
  };
  const schedule = (delay: number): void => {
    cancelTimer();
    if (closed || settings.autoCheck !== 'on' || !options.loadUpdater) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      void check(false).finally(() => schedule(interval));
    }, delay);
  };
  schedule(firstDelay);

  return {
    handlers: {
      'updates.state': () => state,
      'updates.settings': () => settings,
      'updates.setSettings': (input) => {
        const wasOn = settings.autoCheck === 'on';
        settings = { ...settings, ...input };
        options.settings.write(settings);
        if (settings.autoCheck === 'on' && !wasOn) schedule(firstDelay);
        if (settings.autoCheck !== 'on') cancelTimer();
        return settings;
      },
      'updates.reportNetwork': (input) => {
        metered = input.metered;
        // Held back for a metered connection that is no longer metered: the automatic check goes ahead.
        if (metered !== true && state.heldBack === 'metered') {
          set({ heldBack: undefined });
          schedule(firstDelay);
        }
        return {};
      },
      'updates.check': (input) => check(input.onMetered),
      'updates.download': (input) => download(input.onMetered),
      'updates.restartToUpdate': async () => {
        const active = await getUpdater();
        if (!active || state.status !== 'downloaded') throw new WorkbenchFailure('NOT_FOUND', 'No downloaded update to install.', { reason: 'noDownloadedUpdate' });
        // Silent: the installer takes the choices of the first install; then the new version starts.
        active.quitAndInstall(true, true);
        return {};
      },
    },
    async close() {
      closed = true;
      cancelTimer();
    },
  };
}

/**
 * electron-updater's exports. It is CommonJS, and its `autoUpdater` is a getter, which Node's
 * import() does not list as a named export: the module's exports are its `default`.
 */
export async function electronUpdaterModule(): Promise<typeof import('electron-updater')> {
  const namespace = (await import('electron-updater')) as typeof import('electron-updater') & { default?: typeof import('electron-updater') };
  return namespace.default ?? namespace;
}

/**
 * The desktop app's updates: electron-updater in a packaged app (loaded on first use), none in a
 * development build. The settings live in the data folder.
 */
export function desktopUpdates(options: { isPackaged: boolean; version: string; settingsPath: string; loadUpdater: () => Promise<Updater> }): UpdatesProvider {
  return (emit) =>
    createUpdates({
      currentVersion: options.version,
      loadUpdater: options.isPackaged ? options.loadUpdater : null,
      unsupportedReason: options.isPackaged
        ? 'This installation cannot update itself (on Linux: only the AppImage, deb and rpm packages can); update it the way it was installed.'
        : 'This is a development build; updates come with the installed app.',
      settings: createUpdateSettingsFile(options.settingsPath),
      emit,
    });
}
