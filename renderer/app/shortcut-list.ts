import { shortcutRows } from '../../shared/app-commands';
import type en from '../ui/i18n/locales/en/app';

/** How a shortcut reads on this platform: ⌘ on macOS, Ctrl elsewhere. */
// Typed by shape: unit tests compile this list without the DOM's types.
export const MOD = /Mac|iPhone|iPad/.test((globalThis as { navigator?: { platform?: string } }).navigator?.platform ?? '') ? '⌘' : 'Ctrl';

/** A catalog key of the 'app' namespace (help.groups, help.actions): the overlay shows them in the UI language. */
type GroupId = keyof typeof en.help.groups;
type ActionId = keyof typeof en.help.actions;

export interface ShortcutGroup {
  id: GroupId;
  title: string;
  /** Each shortcut: one or more alternative key combinations (each a list of keys pressed together). */
  shortcuts: { keys: string[][]; action: string; id: ActionId; desktopOnly?: boolean }[];
}

/** A command's line in the catalog: Alt+1…9 (selectConnection1…9) is one line. */
const actionId = (command: string): ActionId => command.replace(/\d+$/, '') as ActionId;

/**
 * The commands' keys, from the list the desktop app's native menu is built from
 * (shared/app-commands.ts): the menu and this list cannot disagree. Keys only the native menu
 * takes (the browser keeps Ctrl+1… for its tabs) say so.
 */
export const COMMAND_SHORTCUTS: readonly ShortcutGroup['shortcuts'][number][] = shortcutRows(MOD).map((row) => ({
  keys: row.keys,
  action: row.desktopOnly ? `${row.action} (desktop app menu)` : row.action,
  id: actionId(row.commands[0] ?? ''),
  desktopOnly: row.desktopOnly,
}));

/** Every keyboard shortcut of the workbench, as the help overlay lists them. Keep in step with the handlers. */
export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  { id: 'anywhere', title: 'Anywhere', shortcuts: [...COMMAND_SHORTCUTS, { keys: [['Esc']], action: 'Close a dialog or this list', id: 'close' }] },
  {
    id: 'publish',
    title: 'Publish',
    shortcuts: [{ keys: [[MOD, 'Enter']], action: 'Publish the message (in the topic field or the payload editor)', id: 'publish' }],
  },
  {
    id: 'messageDetail',
    title: 'Message detail',
    shortcuts: [
      { keys: [[MOD, 'Click']], action: 'Plot the number clicked in the payload (a plain click offers to)', id: 'plot' },
      { keys: [['Esc']], action: 'Take back the offer to plot a number', id: 'cancelPlot' },
    ],
  },
  {
    id: 'topicTree',
    title: 'Topic tree',
    shortcuts: [
      { keys: [['↑'], ['↓']], action: 'Previous or next topic', id: 'previousNext' },
      { keys: [['→'], ['←']], action: 'Expand, or collapse (then go to the parent)', id: 'expandCollapse' },
      { keys: [['Home'], ['End']], action: 'First or last topic', id: 'firstLast' },
      { keys: [['PgUp'], ['PgDn']], action: 'A page up or down', id: 'page' },
      { keys: [['Enter']], action: "Show the topic's last message", id: 'lastMessage' },
      { keys: [['*']], action: 'Expand every topic', id: 'expandAll' },
      { keys: [['Delete']], action: 'Clear the retained messages at and below the topic (asks first)', id: 'clearRetained' },
    ],
  },
];
