// The desktop window's remembered size and position (main/electron/window-state.ts) and its
// recovery from a crashed page (main/electron/crash-recovery.ts), with real files and plain
// event emitters standing in for BrowserWindow and WebContents.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type GoneDetails, recoverFromCrashes } from '../../main/electron/crash-recovery';
import { type Rect, cascade, placeWindow, readWindowState, readWindowStates, trackWindowState, writeWindowState } from '../../main/electron/window-state';
import { bringForward, createWindowSet, menuCommandTarget } from '../../main/electron/windows';
import { MENU_COMMANDS, type WindowTarget } from '../../shared/contract/app';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { RecoveryBanner } from '../../renderer/app/recovered-notice';
import { recoveryMessage, useRecoveryStore } from '../../renderer/stores/recovery-store';

const DEFAULTS = { width: 1280, height: 800, minWidth: 800, minHeight: 500 };
const LAPTOP: Rect = { x: 0, y: 0, width: 1440, height: 875 };
const MONITOR_RIGHT: Rect = { x: 1440, y: 0, width: 2560, height: 1400 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-window-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('window state file', () => {
  it('round-trips through JSON in the data folder, creating the folder', () => {
    const path = join(dir, 'nested', 'window-state.json');
    writeWindowState(path, { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
    expect(readWindowState(path)).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
  });

  it('ignores a missing, damaged or foreign file (the window opens at the default size)', () => {
    const path = join(dir, 'window-state.json');
    expect(readWindowState(path)).toBeNull();
    for (const content of ['{"bounds":', '{"bounds":{"x":0,"y":0,"width":-5,"height":10},"maximized":false}', '{"bounds":{"x":"0"},"maximized":1}', 'null']) {
      writeFileSync(path, content);
      expect(readWindowState(path), content).toBeNull();
    }
    expect(placeWindow(null, { workAreas: [LAPTOP], primaryWorkArea: LAPTOP }, DEFAULTS)).toEqual({ width: 1280, height: 800, maximized: false });
  });
});

describe('each kind of window', () => {
  it('remembers each kind on its own: moving History does not move the main window', () => {
    const path = join(dir, 'window-state.json');
    writeWindowState(path, { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
    writeWindowState(path, { bounds: { x: 300, y: 200, width: 800, height: 500 }, maximized: false }, 'history');
    writeWindowState(path, { bounds: { x: 60, y: 70, width: 900, height: 600 }, maximized: false }, 'connection');
    expect(readWindowState(path)).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true });
    expect(readWindowState(path, 'history')).toEqual({ bounds: { x: 300, y: 200, width: 800, height: 500 }, maximized: false });
    expect(readWindowState(path, 'broker')).toBeNull();
    expect(Object.keys(readWindowStates(path)).sort()).toEqual(['connection', 'history', 'main']);
  });

  it('reads a file from before kinds as the main window\'s, and skips a damaged kind only', () => {
    const path = join(dir, 'window-state.json');
    writeFileSync(path, JSON.stringify({ bounds: { x: 1, y: 2, width: 900, height: 600 }, maximized: false }));
    expect(readWindowStates(path)).toEqual({ main: { bounds: { x: 1, y: 2, width: 900, height: 600 }, maximized: false } });
    writeFileSync(path, JSON.stringify({ main: { bounds: { x: 1 } }, broker: { bounds: { x: 5, y: 5, width: 700, height: 500 }, maximized: false } }));
    expect(readWindowStates(path)).toEqual({ broker: { bounds: { x: 5, y: 5, width: 700, height: 500 }, maximized: false } });
  });

  it('tracks a kind into its own entry', () => {
    const path = join(dir, 'window-state.json');
    writeWindowState(path, { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false });
    const window = new FakeWindow();
    trackWindowState(window, path, { kind: 'broker' });
    window.emit('close');
    expect(readWindowState(path, 'broker')).toEqual({ bounds: window.bounds, maximized: false });
    expect(readWindowState(path)).toEqual({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false });
  });

  it('opens a second window of a kind a step down and right of the first, never off the display', () => {
    const at = { x: 100, y: 100, width: 800, height: 600, maximized: false };
    expect(cascade(at, [], [LAPTOP])).toEqual(at);
    expect(cascade(at, [{ x: 100, y: 100, width: 800, height: 600 }], [LAPTOP])).toMatchObject({ x: 124, y: 124 });
    expect(cascade(at, [{ x: 100, y: 100, width: 1, height: 1 }, { x: 124, y: 124, width: 1, height: 1 }], [LAPTOP])).toMatchObject({ x: 148, y: 148 });
    // Centred (no x/y): the OS places it.
    expect(cascade({ width: 800, height: 600, maximized: false }, [{ x: 0, y: 0, width: 1, height: 1 }], [LAPTOP])).toEqual({ width: 800, height: 600, maximized: false });
  });
});

describe('the set of windows', () => {
  class ShellWindow extends EventEmitter {
    minimized = false;
    focused = 0;
    destroyed = false;
    constructor(readonly target: WindowTarget) {
      super();
    }
    isDestroyed = () => this.destroyed;
    isMinimized = () => this.minimized;
    restore = () => (this.minimized = false);
    show = () => undefined;
    focus = () => (this.focused += 1);
  }

  it('opens one window per view, brings it forward when asked again, and forgets it once closed', () => {
    const created: ShellWindow[] = [];
    const windows = createWindowSet((target) => {
      const window = new ShellWindow(target);
      created.push(window);
      return window;
    });
    const main = windows.open({ kind: 'main' });
    const history = windows.open({ kind: 'history' });
    history.minimized = true;
    expect(windows.open({ kind: 'history' })).toBe(history);
    expect(history).toMatchObject({ minimized: false, focused: 1 });
    const c1 = windows.open({ kind: 'connection', connectionId: 'c1' });
    expect(windows.open({ kind: 'connection', connectionId: 'c2' })).not.toBe(c1);
    expect(created).toHaveLength(4);
    expect(windows.main()).toBe(main);
    expect(windows.targetOf(c1)).toEqual({ kind: 'connection', connectionId: 'c1' });
    expect(windows.targetOf({})).toBeUndefined();

    main.destroyed = true;
    main.emit('closed');
    expect(windows.main()).toBeUndefined();
    expect(windows.all()).toHaveLength(3);
    expect(windows.open({ kind: 'main' })).not.toBe(main);
  });

  it('brings forward a minimised window restored, and leaves a destroyed one alone', () => {
    const window = new ShellWindow({ kind: 'main' });
    window.minimized = true;
    bringForward(window);
    expect(window).toMatchObject({ minimized: false, focused: 1 });
    window.destroyed = true;
    bringForward(window);
    expect(window.focused).toBe(1);
  });

  it('routes every menu command: the shell opens History and Broker windows, views go to the main window', () => {
    const routes = Object.fromEntries(MENU_COMMANDS.map((command) => [command, menuCommandTarget(command)]));
    expect(routes).toMatchObject({
      openHistoryWindow: 'shell',
      openBrokerWindow: 'shell',
      openConnectionWindow: 'focused',
      newConnection: 'focused',
      showShortcuts: 'focused',
      showHistory: 'main',
      toggleInspector: 'main',
      selectConnection4: 'main',
    });
  });
});

describe('placing the window', () => {
  const twoScreens = { workAreas: [LAPTOP, MONITOR_RIGHT], primaryWorkArea: LAPTOP };
  const laptopOnly = { workAreas: [LAPTOP], primaryWorkArea: LAPTOP };

  it('restores size, position and maximised state on a display that is still connected', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1800, height: 1100 }, maximized: true };
    expect(placeWindow(saved, twoScreens, DEFAULTS)).toEqual({ x: 1600, y: 100, width: 1800, height: 1100, maximized: true });
  });

  it('keeps a window that hangs partly off the edge, as long as its title bar can be grabbed', () => {
    const saved = { bounds: { x: 1200, y: 600, width: 1000, height: 700 }, maximized: false };
    expect(placeWindow(saved, laptopOnly, DEFAULTS)).toMatchObject({ x: 1200, y: 600 });
  });

  it('centres the window on the primary display when its monitor was unplugged, shrunk to fit', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1800, height: 1100 }, maximized: false };
    expect(placeWindow(saved, laptopOnly, DEFAULTS)).toEqual({ width: 1440, height: 875, maximized: false });
  });

  it('centres a window left just a sliver on screen', () => {
    const saved = { bounds: { x: 1420, y: 100, width: 1000, height: 700 }, maximized: false };
    expect(placeWindow(saved, laptopOnly, DEFAULTS)).toEqual({ width: 1000, height: 700, maximized: false });
  });
});

class FakeWindow extends EventEmitter {
  bounds: Rect = { x: 5, y: 6, width: 900, height: 650 };
  maximized = false;
  minimized = false;
  getNormalBounds = () => this.bounds;
  isMaximized = () => this.maximized;
  isMinimized = () => this.minimized;
  isFullScreen = () => false;
}

describe('tracking the window', () => {
  it('saves shortly after a move or resize, and at once on close', async () => {
    const path = join(dir, 'window-state.json');
    const window = new FakeWindow();
    trackWindowState(window, path, { delayMs: 10 });
    window.emit('move');
    window.emit('resize');
    expect(existsSync(path)).toBe(false);
    await vi.waitFor(() => expect(readWindowState(path)).toEqual({ bounds: window.bounds, maximized: false }));

    window.maximized = true;
    window.bounds = { x: 50, y: 60, width: 1000, height: 700 };
    window.emit('close');
    expect(readWindowState(path)).toEqual({ bounds: { x: 50, y: 60, width: 1000, height: 700 }, maximized: true });
  });

  it('does not remember a minimised window (it would reopen minimised, or off-screen on Windows)', () => {
    const path = join(dir, 'window-state.json');
    const window = new FakeWindow();
    trackWindowState(window, path);
    window.minimized = true;
    window.emit('close');
    expect(existsSync(path)).toBe(false);
  });
});

class FakeContents extends EventEmitter {
  reloads = 0;
  destroyed = false;
  reload() {
    this.reloads += 1;
  }
  isDestroyed() {
    return this.destroyed;
  }
}

describe('recovering from a crashed page', () => {
  function setup() {
    const contents = new FakeContents();
    const recovered: GoneDetails[] = [];
    const gaveUp: GoneDetails[] = [];
    const logs: string[] = [];
    let now = 0;
    recoverFromCrashes(contents, {
      onRecovered: (details) => recovered.push(details),
      onGiveUp: (details) => gaveUp.push(details),
      log: (message) => logs.push(message),
      now: () => now,
    });
    return { contents, recovered, gaveUp, logs, advance: (ms: number) => (now += ms) };
  }

  it('logs the crash, reloads the page and tells the new page once it has loaded', () => {
    const { contents, recovered, logs } = setup();
    contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 137 });
    expect(logs).toEqual([expect.stringContaining('oom, exit code 137')]);
    expect(contents.reloads).toBe(1);
    expect(recovered).toEqual([]);
    contents.emit('did-finish-load');
    expect(recovered).toEqual([{ reason: 'oom', exitCode: 137 }]);
  });

  it('ignores a clean exit (the window closing) and a destroyed window', () => {
    const { contents, recovered } = setup();
    contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    contents.destroyed = true;
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(contents.reloads).toBe(0);
    expect(recovered).toEqual([]);
  });

  it('stops reloading a page that crashes again and again, and reloads again later', () => {
    const { contents, gaveUp, advance } = setup();
    for (let crash = 0; crash < 4; crash += 1) {
      contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 });
      advance(1000);
    }
    expect(contents.reloads).toBe(3);
    expect(gaveUp).toEqual([{ reason: 'crashed', exitCode: 11 }]);
    advance(60_000);
    contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 11 });
    expect(contents.reloads).toBe(4);
  });
});

describe('the recovered notice in the page', () => {
  it('is kept from app.recovered until dismissed, and says nothing stored was lost', () => {
    useRecoveryStore.getState().setRecovered({ reason: 'oom', exitCode: 137 });
    const details = useRecoveryStore.getState().recovered!;
    const html = renderToStaticMarkup(createElement(RecoveryBanner, { details, onDismiss: () => {} }));
    expect(html).toMatch(/role="status" data-testid="recovered-notice".*ran out of memory and was reloaded.*message history are intact/);
    expect(html).toContain('data-testid="recovered-notice-dismiss"');
    expect(recoveryMessage({ reason: 'crashed', exitCode: 11 })).toMatch(/stopped \(crashed\)/);
    useRecoveryStore.getState().dismiss();
    expect(useRecoveryStore.getState().recovered).toBeNull();
  });
});
