// The desktop window's remembered size and position (main/electron/window-state.ts) and its
// recovery from a crashed page (main/electron/crash-recovery.ts), with real files and plain
// event emitters standing in for BrowserWindow and WebContents.
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type GoneDetails, recoverFromCrashes } from '../../main/electron/crash-recovery';
import { type Rect, placeWindow, readWindowState, trackWindowState, writeWindowState } from '../../main/electron/window-state';
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
