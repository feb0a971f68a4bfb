/**
 * Each kind of window's size, position and maximised state (the main window, History, the Broker
 * view, a connection's), remembered across launches in a small JSON file in the data folder. A saved position is used only while it is still on a connected display
 * (a monitor unplugged since would otherwise leave the window off-screen); otherwise the window
 * opens centred on the primary display, at the saved size if that fits. No 'electron' import:
 * displays and the window come in as parameters, so Vitest runs this.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { WINDOW_KINDS, type WindowKind } from '../../shared/contract/app';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The normal (not maximised) bounds, so un-maximising returns to them. */
  bounds: Rect;
  maximized: boolean;
}

/** Where and how big to open the window; no x/y means centred. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface PlacementDefaults {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/** How much of the window must lie on a display to count as "on" it: enough to grab its title bar. */
const MIN_VISIBLE = { width: 100, height: 50 };

function isRect(value: unknown): value is Rect {
  if (typeof value !== 'object' || value === null) return false;
  const rect = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((key) => Number.isFinite(rect[key])) && (rect.width as number) > 0 && (rect.height as number) > 0;
}

function parseState(value: unknown): WindowState | null {
  if (typeof value !== 'object' || value === null) return null;
  const state = value as Record<string, unknown>;
  if (!isRect(state.bounds) || typeof state.maximized !== 'boolean') return null;
  const { x, y, width, height } = state.bounds;
  return { bounds: { x, y, width, height }, maximized: state.maximized };
}

/** Every kind's saved state. A file from before kinds (one `{ bounds, maximized }`) is the main window's. */
export function readWindowStates(path: string): Partial<Record<WindowKind, WindowState>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return {};
  }
  const single = parseState(parsed);
  if (single) return { main: single };
  const states: Partial<Record<WindowKind, WindowState>> = {};
  if (typeof parsed !== 'object' || parsed === null) return states;
  for (const kind of WINDOW_KINDS) {
    const state = parseState((parsed as Record<string, unknown>)[kind]);
    if (state) states[kind] = state;
  }
  return states;
}

/** The saved state of one kind, or null when there is none or it is not ours (a damaged file is ignored, not fatal). */
export function readWindowState(path: string, kind: WindowKind = 'main'): WindowState | null {
  return readWindowStates(path)[kind] ?? null;
}

/**
 * Sets one kind's state, keeping the others'. Written to a temporary file and renamed, so a crash
 * mid-write never leaves half a file.
 */
export function writeWindowState(path: string, state: WindowState, kind: WindowKind = 'main'): void {
  const states = { ...readWindowStates(path), [kind]: state };
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(states)}\n`);
  renameSync(temporary, path);
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** True when enough of `bounds` lies within one display's work area to be seen and moved. */
export function isOnSomeDisplay(bounds: Rect, workAreas: readonly Rect[]): boolean {
  return workAreas.some((area) => {
    const visible = overlap(bounds, area);
    return visible.width >= Math.min(MIN_VISIBLE.width, bounds.width) && visible.height >= Math.min(MIN_VISIBLE.height, bounds.height);
  });
}

/**
 * Where to open the window: the saved bounds if they are still on a connected display; else
 * centred (no x/y) on the primary display at the saved size, shrunk to fit its work area.
 */
export function placeWindow(
  saved: WindowState | null,
  display: { workAreas: readonly Rect[]; primaryWorkArea: Rect },
  defaults: PlacementDefaults,
): WindowPlacement {
  if (!saved) return { width: defaults.width, height: defaults.height, maximized: false };
  if (isOnSomeDisplay(saved.bounds, display.workAreas)) return { ...saved.bounds, maximized: saved.maximized };
  const fit = (size: number, min: number, max: number) => Math.max(min, Math.min(size, max));
  return {
    width: fit(saved.bounds.width, defaults.minWidth, display.primaryWorkArea.width),
    height: fit(saved.bounds.height, defaults.minHeight, display.primaryWorkArea.height),
    maximized: saved.maximized,
  };
}

/** How far a window opens from another at the same place, so the new one does not hide the first. */
const CASCADE_STEP = 24;

/**
 * A placement moved down and right while another open window sits exactly there (a second
 * connection window, say), kept on the display it is on.
 */
export function cascade(placement: WindowPlacement, occupied: readonly Rect[], workAreas: readonly Rect[]): WindowPlacement {
  if (placement.x === undefined || placement.y === undefined) return placement;
  let { x, y } = placement;
  for (let step = 0; step < 20 && occupied.some((rect) => rect.x === x && rect.y === y); step++) {
    const moved = { x: x + CASCADE_STEP, y: y + CASCADE_STEP, width: placement.width, height: placement.height };
    if (!isOnSomeDisplay(moved, workAreas)) break;
    ({ x, y } = moved);
  }
  return { ...placement, x, y };
}

/** The parts of BrowserWindow the tracker reads. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isMinimized(): boolean;
  isFullScreen(): boolean;
}

/** Saves the state a moment after each move or resize, and for certain when the window closes. */
export function trackWindowState(
  window: TrackedWindow,
  path: string,
  options: { kind?: WindowKind; delayMs?: number; onError?: (error: unknown) => void } = {},
): void {
  const delay = options.delayMs ?? 500;
  const onError = options.onError ?? ((error: unknown) => console.warn('Could not save the window state:', error));
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    // Minimised or full-screen bounds are not where the user wants the window next time.
    if (window.isMinimized() || window.isFullScreen()) return;
    try {
      writeWindowState(path, { bounds: window.getNormalBounds(), maximized: window.isMaximized() }, options.kind ?? 'main');
    } catch (error) {
      onError(error);
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) window.on(event, later);
  window.on('close', save);
}
