/**
 * The desktop app's windows: the main one (the whole workbench) and those opened for one view
 * (History, the Broker view, a connection). All are served by the one core; this keeps track of
 * which window shows what, so asking again for a view brings its window forward instead of
 * opening a second, and says which window a menu command is for. No 'electron' import: the
 * windows come in through `create`, so Vitest runs this.
 */
import type { MenuCommand, WindowTarget } from '../../shared/contract/app';
import { sameWindowTarget } from '../../shared/window-url';

/** The parts of BrowserWindow this reads. */
export interface ShellWindow {
  once(event: 'closed', listener: () => void): unknown;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** Shows a window in front: restored if minimised, then focused (a second launch, a view asked for again). */
export function bringForward(window: ShellWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

export interface WindowSet<W extends ShellWindow> {
  /** The window showing `target`, brought forward; a new one when none does. */
  open(target: WindowTarget): W;
  /** The main window, if one is open. */
  main(): W | undefined;
  /** What an open window shows; undefined for a window that is not ours. */
  targetOf(window: unknown): WindowTarget | undefined;
  all(): W[];
}

export function createWindowSet<W extends ShellWindow>(create: (target: WindowTarget) => W): WindowSet<W> {
  const windows = new Map<W, WindowTarget>();
  const find = (target: WindowTarget) => [...windows].find(([window, shown]) => !window.isDestroyed() && sameWindowTarget(shown, target))?.[0];
  return {
    open(target) {
      const existing = find(target);
      if (existing) {
        bringForward(existing);
        return existing;
      }
      const window = create(target);
      windows.set(window, target);
      window.once('closed', () => windows.delete(window));
      return window;
    },
    main: () => find({ kind: 'main' }),
    targetOf: (window) => windows.get(window as W),
    all: () => [...windows.keys()],
  };
}

/**
 * Where a menu command goes. 'shell': the desktop app does it itself (a window for History or the
 * Broker view). 'focused': the window in front does it (its own dialog, its own connection, its
 * own shortcut list). 'main': the whole workbench does it (switching its views or its connection
 * tabs), and comes to the front.
 */
export function menuCommandTarget(command: MenuCommand): 'shell' | 'focused' | 'main' {
  switch (command) {
    case 'openHistoryWindow':
    case 'openBrokerWindow':
      return 'shell';
    case 'newConnection':
    case 'toggleTopics':
    case 'openConnectionWindow':
    case 'showShortcuts':
      return 'focused';
    default:
      return 'main';
  }
}

/** The window a command opens, for the 'shell' ones. */
export function shellCommandWindow(command: MenuCommand): WindowTarget | undefined {
  if (command === 'openHistoryWindow') return { kind: 'history' };
  if (command === 'openBrokerWindow') return { kind: 'broker' };
  return undefined;
}
