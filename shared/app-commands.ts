/**
 * The workbench's commands with their keys: one list that both the desktop app's native menu
 * (main/electron/menu.ts) and the page's shortcut list (renderer/app/shortcuts.ts, the `?` / F1
 * overlay) are built from, so a key can never read one way in the menu and another on screen.
 * Accelerators are in Electron's syntax (CmdOrCtrl is ⌘ on macOS, Ctrl elsewhere).
 */
import type { MenuCommand } from './contract/app';

/** The native menu's top level, in order (macOS adds the app menu before them). */
export const TOP_MENUS = [
  { id: 'file', label: '&File' },
  { id: 'edit', label: '&Edit' },
  { id: 'view', label: '&View' },
  { id: 'connection', label: '&Connection' },
  { id: 'window', label: '&Window' },
  { id: 'help', label: '&Help' },
] as const;
export type TopMenu = (typeof TOP_MENUS)[number]['id'];

export interface AppCommand {
  command: MenuCommand;
  /** The top-level menu it sits in. */
  menu: TopMenu;
  /** Its label in the native menu. */
  label: string;
  accelerator?: string;
  /**
   * The page handles this key itself (it works in browser mode too). The native menu shows it but
   * does not register it on Windows and Linux, so one key press never runs the command twice.
   * Without it the key is the native menu's only (the browser keeps Ctrl+1… for its own tabs).
   */
  pageKey?: boolean;
  /** Its line in the in-app shortcut list; commands with the same line are listed once, their keys as a range. */
  shortcut?: string;
  /** More keys the page takes for the same command, listed as alternatives (`?` beside F1). */
  alsoKeys?: string[][];
}

const selectConnection = (n: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9): AppCommand => ({
  command: `selectConnection${n}`,
  menu: 'connection',
  label: `Switch to Connection ${n}`,
  accelerator: `Alt+${n}`,
  pageKey: true,
  shortcut: 'Switch to the 1st…9th open connection',
});

export const APP_COMMANDS: readonly AppCommand[] = [
  { command: 'newConnection', menu: 'file', label: 'New Connection…', accelerator: 'CmdOrCtrl+K', pageKey: true, shortcut: 'New connection' },
  { command: 'showWorkbench', menu: 'view', label: 'Workbench', accelerator: 'CmdOrCtrl+1', shortcut: 'Workbench view' },
  { command: 'showHistory', menu: 'view', label: 'History', accelerator: 'CmdOrCtrl+2', shortcut: 'History view' },
  { command: 'showBroker', menu: 'view', label: 'Broker', accelerator: 'CmdOrCtrl+3', shortcut: 'Broker view' },
  { command: 'toggleTopics', menu: 'view', label: 'Toggle Topics Panel', accelerator: 'Alt+T', pageKey: true, shortcut: 'Show or hide the Topics panel' },
  { command: 'toggleInspector', menu: 'view', label: 'Toggle Packet Inspector', accelerator: 'Alt+P', pageKey: true, shortcut: 'Show or hide the packet inspector' },
  ...([1, 2, 3, 4, 5, 6, 7, 8, 9] as const).map(selectConnection),
  {
    command: 'openConnectionWindow',
    menu: 'connection',
    label: 'Open Connection in New Window',
    accelerator: 'CmdOrCtrl+Shift+1',
    shortcut: 'The selected connection in a window of its own',
  },
  { command: 'openHistoryWindow', menu: 'window', label: 'Open History in New Window', accelerator: 'CmdOrCtrl+Shift+2', shortcut: 'History in a window of its own' },
  { command: 'openBrokerWindow', menu: 'window', label: 'Open Broker in New Window', accelerator: 'CmdOrCtrl+Shift+3', shortcut: 'Broker in a window of its own' },
  { command: 'showShortcuts', menu: 'help', label: 'Keyboard Shortcuts', accelerator: 'F1', pageKey: true, shortcut: 'Show this list of shortcuts', alsoKeys: [['?']] },
];

export function appCommand(command: MenuCommand): AppCommand {
  const found = APP_COMMANDS.find((entry) => entry.command === command);
  if (!found) throw new Error(`No such command: ${command}`);
  return found;
}

/** An accelerator as the keys pressed together, as the shortcut list shows them (`mod`: ⌘ or Ctrl). */
export function acceleratorKeys(accelerator: string, mod: string): string[] {
  return accelerator.split('+').map((key) => (key === 'CmdOrCtrl' || key === 'CommandOrControl' ? mod : key));
}

export interface ShortcutRow {
  action: string;
  /** One or more alternative key combinations, each a list of keys pressed together. */
  keys: string[][];
  /** The commands the line stands for (in the menu with the same keys). */
  commands: MenuCommand[];
  /** The key works only in the desktop app (its native menu), not in a browser tab. */
  desktopOnly: boolean;
}

/**
 * The commands' lines of the shortcut list, in the list's order. Commands sharing a line (Alt+1
 * to Alt+9) show as a range: Alt+1…9.
 */
export function shortcutRows(mod: string): ShortcutRow[] {
  const rows: ShortcutRow[] = [];
  for (const entry of APP_COMMANDS) {
    if (!entry.shortcut || !entry.accelerator) continue;
    const keys = acceleratorKeys(entry.accelerator, mod);
    const row = rows.find((candidate) => candidate.action === entry.shortcut);
    if (row) {
      const first = row.keys[0]!;
      const firstKey = (first[first.length - 1] ?? '').split('…')[0];
      row.keys[0] = [...first.slice(0, -1), `${firstKey}…${keys[keys.length - 1]}`];
      row.commands.push(entry.command);
      continue;
    }
    rows.push({ action: entry.shortcut, keys: [keys, ...(entry.alsoKeys ?? [])], commands: [entry.command], desktopOnly: !entry.pageKey });
  }
  return rows;
}
