import { shortcutRows } from '../../shared/app-commands';

/** How a shortcut reads on this platform: ⌘ on macOS, Ctrl elsewhere. */
// Typed by shape: unit tests compile this list without the DOM's types.
export const MOD = /Mac|iPhone|iPad/.test((globalThis as { navigator?: { platform?: string } }).navigator?.platform ?? '') ? '⌘' : 'Ctrl';

export interface ShortcutGroup {
  title: string;
  /** Each shortcut: one or more alternative key combinations (each a list of keys pressed together). */
  shortcuts: { keys: string[][]; action: string }[];
}

/**
 * The commands' keys, from the list the desktop app's native menu is built from
 * (shared/app-commands.ts): the menu and this list cannot disagree. Keys only the native menu
 * takes (the browser keeps Ctrl+1… for its tabs) say so.
 */
export const COMMAND_SHORTCUTS: readonly ShortcutGroup['shortcuts'][number][] = shortcutRows(MOD).map((row) => ({
  keys: row.keys,
  action: row.desktopOnly ? `${row.action} (desktop app menu)` : row.action,
}));

/** Every keyboard shortcut of the workbench, as the help overlay lists them. Keep in step with the handlers. */
export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  { title: 'Anywhere', shortcuts: [...COMMAND_SHORTCUTS, { keys: [['Esc']], action: 'Close a dialog or this list' }] },
  {
    title: 'Publish',
    shortcuts: [{ keys: [[MOD, 'Enter']], action: 'Publish the message (in the topic field or the payload editor)' }],
  },
  {
    title: 'Message detail',
    shortcuts: [
      { keys: [[MOD, 'Click']], action: 'Plot the number clicked in the payload (a plain click offers to)' },
      { keys: [['Esc']], action: 'Take back the offer to plot a number' },
    ],
  },
  {
    title: 'Topic tree',
    shortcuts: [
      { keys: [['↑'], ['↓']], action: 'Previous or next topic' },
      { keys: [['→'], ['←']], action: 'Expand, or collapse (then go to the parent)' },
      { keys: [['Home'], ['End']], action: 'First or last topic' },
      { keys: [['PgUp'], ['PgDn']], action: 'A page up or down' },
      { keys: [['Enter']], action: "Show the topic's last message" },
      { keys: [['*']], action: 'Expand every topic' },
      { keys: [['Delete']], action: 'Clear the retained messages at and below the topic (asks first)' },
    ],
  },
];
