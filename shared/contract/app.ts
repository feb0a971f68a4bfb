import { z } from 'zod';
import { connectionId, empty } from './common';

/**
 * What the desktop app's native menu asks of the page. Only the desktop shell emits these;
 * browser mode has no native menu (the same actions are on screen and on the keyboard). Their
 * labels, menus and keys: shared/app-commands.ts.
 */
export const MENU_COMMANDS = [
  'newConnection',
  'showWorkbench',
  'showHistory',
  'showBroker',
  'toggleTopics',
  'toggleInspector',
  'openConnectionWindow',
  'openHistoryWindow',
  'openBrokerWindow',
  'selectConnection1',
  'selectConnection2',
  'selectConnection3',
  'selectConnection4',
  'selectConnection5',
  'selectConnection6',
  'selectConnection7',
  'selectConnection8',
  'selectConnection9',
  'showShortcuts',
] as const;
export const menuCommandSchema = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof menuCommandSchema>;

/**
 * What a window (Electron) or tab (browser mode) shows: the whole workbench, or one view on its
 * own, full size. Every window is served by the same core: the same connections, history and events.
 */
export const windowTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('main') }).strict(),
  z.object({ kind: z.literal('connection'), connectionId }).strict(),
  z.object({ kind: z.literal('broker') }).strict(),
  z.object({ kind: z.literal('history') }).strict(),
]);
export type WindowTarget = z.infer<typeof windowTargetSchema>;
export type WindowKind = WindowTarget['kind'];
export const WINDOW_KINDS = ['main', 'connection', 'broker', 'history'] as const satisfies readonly WindowKind[];

/** Bounds of the UI state kept in the data folder (small choices: theme, pane sizes, time windows). */
export const UI_STATE_LIMITS = { keys: 200, keyLength: 100, valueBytes: 64 * 1024, totalBytes: 1024 * 1024 } as const;
/** UI-state entries the core reads as well as the UI. */
export const UI_STATE_KEYS = {
  /** 'on' (the default) or 'off': whether a launch reconnects the profiles that were connected when the last run ended. */
  reconnectOnLaunch: 'workbench.reconnectOnLaunch',
  /** Written by the core: the ids of the profiles connected (or reconnecting) now, as a JSON array. */
  openProfiles: 'workbench.session.openProfiles',
  /** 'system' (the default), 'en' or 'zh-CN': the UI language, which the desktop app's native menu follows too. */
  language: 'ui.language',
} as const;
const uiStateKey = z.string().min(1).max(UI_STATE_LIMITS.keyLength);

/**
 * Which protection secrets get at rest, for the page to word in the UI language (the old
 * `secretsProtection` string says the same in English, for the command line and older pages).
 * - os: a key wrapped by the OS store through Electron safeStorage (`backend`: the Linux keyring's).
 * - key-file: a key in a file only the user can read, at `path`: browser mode, or the desktop app
 *   when the OS offers no encryption (`fallback` says why; on Linux `backend` is safeStorage's, or 'none').
 * - memory: a key that lives in memory only (no data folder).
 */
export const secretsProtectionInfo = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('os'), store: z.enum(['macos-keychain', 'windows-dpapi', 'linux-keyring']), backend: z.string().optional() }),
  z.object({ kind: z.literal('key-file'), path: z.string(), fallback: z.enum(['no-keyring', 'os-unavailable']).optional(), backend: z.string().optional() }),
  z.object({ kind: z.literal('memory') }),
]);
export type SecretsProtectionInfo = z.infer<typeof secretsProtectionInfo>;

export const appContract = {
  requests: {
    info: {
      input: empty,
      output: z.object({
        version: z.string(),
        /** Which shell serves the contract: the desktop app or the browser-mode host. */
        shell: z.enum(['electron', 'browser']),
        /** How secrets are protected at rest, in English (the command line's wording). */
        secretsProtection: z.string(),
        /** The same, for the page to word in the UI language. */
        secretsProtectionInfo,
      }),
    },
    /**
     * The UI's small remembered choices, kept in the data folder (not per browser origin), so a new
     * port, another browser or the desktop app find the same layout and settings.
     */
    uiState: { input: empty, output: z.object({ entries: z.record(z.string(), z.string()) }) },
    /** Sets (a string) or removes (null) entries; the whole state stays within UI_STATE_LIMITS. */
    setUiState: {
      input: z
        .object({ entries: z.record(uiStateKey, z.string().max(UI_STATE_LIMITS.valueBytes).nullable()) })
        .strict()
        .refine((input) => Object.keys(input.entries).length <= UI_STATE_LIMITS.keys, `At most ${UI_STATE_LIMITS.keys} entries at once`),
      output: empty,
    },
    /**
     * Opens a view in a window of its own (or brings forward the one already showing it). The
     * desktop app opens it and answers `opened: true`; browser mode answers `opened: false`: the
     * page opens a tab itself (only a page can, and only on a click).
     */
    openWindow: { input: windowTargetSchema, output: z.object({ opened: z.boolean() }) },
  },
  events: {
    /** A native menu item was chosen (desktop app only). */
    menuCommand: { payload: z.object({ command: menuCommandSchema }) },
    /**
     * The page crashed or was killed and the desktop app reloaded it. Connections, profiles and
     * history live in the main process, so nothing was lost; the page says so once.
     */
    recovered: { payload: z.object({ reason: z.string(), exitCode: z.number() }) },
  },
} as const;
