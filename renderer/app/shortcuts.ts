import { useEffect } from 'react';
import { useConnectionsStore } from '../stores/connections-store';
import { useUiStore } from '../stores/ui-store';

/** How a shortcut reads on this platform: ⌘ on macOS, Ctrl elsewhere. */
export const MOD = /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl';

export interface ShortcutGroup {
  title: string;
  /** Each shortcut: one or more alternative key combinations (each a list of keys pressed together). */
  shortcuts: { keys: string[][]; action: string }[];
}

/** Every keyboard shortcut of the workbench, as the help overlay lists them. Keep in step with the handlers. */
export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Anywhere',
    shortcuts: [
      { keys: [[MOD, 'K']], action: 'New connection' },
      { keys: [['Alt', '1…9']], action: 'Switch to the 1st…9th open connection' },
      { keys: [['Alt', 'P']], action: 'Show or hide the packet inspector' },
      { keys: [['Alt', 'T']], action: 'Show or hide the Topics panel' },
      { keys: [[MOD, '1…3']], action: 'Workbench, History or Broker view (desktop app menu)' },
      { keys: [['?'], ['F1']], action: 'Show this list of shortcuts' },
      { keys: [['Esc']], action: 'Close a dialog or this list' },
    ],
  },
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

/** Typing in a field must not trigger single-key shortcuts such as `?`. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.closest('.monaco-editor') !== null;
}

/**
 * Keys that work anywhere: Ctrl/Cmd+K new connection, Alt+1..9 select an open connection,
 * Alt+P show or hide the packet inspector, ? or F1 the shortcuts overlay.
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const ui = useUiStore.getState();
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        ui.openEditor({ mode: 'new' });
      } else if (event.altKey && /^[1-9]$/.test(event.key)) {
        const id = useConnectionsStore.getState().order[Number(event.key) - 1];
        if (id) {
          event.preventDefault();
          useConnectionsStore.getState().select(id);
        }
      } else if (event.altKey && event.key.toLowerCase() === 'p') {
        event.preventDefault();
        ui.setInspectorOpen(!ui.inspectorOpen);
      } else if (event.key === 'F1' || (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !isEditable(event.target))) {
        event.preventDefault();
        ui.setHelpOpen(!ui.helpOpen);
      } else if (event.key === 'Escape' && ui.helpOpen) {
        event.preventDefault();
        ui.setHelpOpen(false);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
