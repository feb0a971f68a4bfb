// The desktop app's updates (main/electron/updates.ts) without Electron: electron-updater's part is
// a recording fake whose checks and downloads the test answers, the clock is moved by hand, and the
// settings are a real file in a temporary data folder. The same module behind a real core's
// dispatcher shows the contract's validation and the `updates.state` events; a core without it
// (browser mode) answers DESKTOP_ONLY.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_UPDATE_SETTINGS, RELEASE_NOTES_MAX, type UpdateState } from '../../shared/contract';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { UPDATES_DESKTOP_ONLY } from '../../main/core/services/updates-service';
import {
  CHECK_INTERVAL_MS,
  FIRST_CHECK_DELAY_MS,
  type ReleaseInfo,
  type Updater,
  createUpdateSettingsFile,
  createUpdates,
  electronUpdaterModule,
  releaseNotesText,
} from '../../main/electron/updates';
import { RecordingUpdater, settle } from '../support/recording-updater';
import { type TestClock, createTestClock } from '../support/test-clock';

const release: ReleaseInfo = {
  version: '0.2.0',
  releaseName: 'MQTT Workbench 0.2.0',
  releaseNotes: '<h2>New</h2><ul><li>Updates from GitHub releases</li><li>ARM builds &amp; more</li></ul>',
  releaseDate: '2026-12-08T10:00:00.000Z',
};

let dir: string;
let clock: TestClock;
let updater: RecordingUpdater;
let states: UpdateState[];
let loads: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-updates-'));
  clock = createTestClock();
  updater = new RecordingUpdater();
  states = [];
  loads = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const settingsPath = () => join(dir, 'updates.json');
function start(loadUpdater: (() => Promise<Updater>) | null = async () => (loads++, updater)) {
  return createUpdates({
    currentVersion: '0.1.0',
    loadUpdater,
    unsupportedReason: 'This is a development build; updates come with the installed app.',
    settings: createUpdateSettingsFile(settingsPath()),
    clock,
    emit: (state) => states.push(state),
  });
}

describe('nothing is checked until the user allows it', () => {
  it('starts with automatic checks unanswered ("ask") and checks nothing, however long it runs; the updater is not even loaded', async () => {
    const updates = start();
    expect(await updates.handlers['updates.settings']({})).toEqual({ autoCheck: 'ask', allowMetered: false });
    expect(DEFAULT_UPDATE_SETTINGS).toEqual({ autoCheck: 'ask', allowMetered: false });
    clock.advance(7 * 24 * 60 * 60_000);
    await settle();
    expect(updater.calls).toEqual([]);
    expect(loads).toBe(0);
    expect(await updates.handlers['updates.state']({})).toEqual({ status: 'idle', currentVersion: '0.1.0' });
    await updates.close();
  });

  it('answered "no": still nothing on its own, and the answer is kept in the data folder', async () => {
    const updates = start();
    await updates.handlers['updates.setSettings']({ autoCheck: 'off' });
    expect(JSON.parse(readFileSync(settingsPath(), 'utf8'))).toEqual({ autoCheck: 'off', allowMetered: false });
    clock.advance(CHECK_INTERVAL_MS * 4);
    await settle();
    expect(updater.calls).toEqual([]);
    await updates.close();
    // The next launch reads it.
    const again = start();
    expect(await again.handlers['updates.settings']({})).toEqual({ autoCheck: 'off', allowMetered: false });
    await again.close();
  });
});

describe('automatic updates, once allowed', () => {
  it('checks a minute after being allowed, downloads in the background with progress, and installs on "Restart to update"', async () => {
    const updates = start();
    await updates.handlers['updates.setSettings']({ autoCheck: 'on' });
    clock.advance(FIRST_CHECK_DELAY_MS - 1);
    await settle();
    expect(updater.calls).toEqual([]);
    clock.advance(1);
    await settle();
    expect(updater.calls).toEqual(['checkForUpdates']);
    // electron-updater is told not to download on its own, and to install at quit.
    expect(updater.autoDownload).toBe(false);
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(states.at(-1)).toMatchObject({ status: 'checking' });

    updater.checks[0]!.resolve({ isUpdateAvailable: true, updateInfo: release });
    await settle();
    expect(updater.calls).toEqual(['checkForUpdates', 'downloadUpdate']);
    const found = states.find((state) => state.status === 'available')!;
    expect(found).toMatchObject({ version: '0.2.0', releaseName: 'MQTT Workbench 0.2.0', releaseDate: release.releaseDate, lastCheckedAt: clock.now() });
    expect(found.releaseNotes).toBe('New\n\n• Updates from GitHub releases\n• ARM builds & more');
    expect(states.at(-1)).toMatchObject({ status: 'downloading', version: '0.2.0' });

    updater.progress({ percent: 42.5, transferred: 425, total: 1000, bytesPerSecond: 100 });
    expect(states.at(-1)).toMatchObject({ status: 'downloading', progress: { percent: 42.5, transferred: 425, total: 1000 } });
    updater.downloads[0]!.resolve(['/tmp/update.zip']);
    await settle();
    const downloaded = await updates.handlers['updates.state']({});
    expect(downloaded).toMatchObject({ status: 'downloaded', version: '0.2.0' });
    expect(downloaded.progress).toBeUndefined();

    // Later checks do not start over an update waiting for the restart.
    clock.advance(CHECK_INTERVAL_MS);
    await settle();
    expect(updater.calls.filter((call) => call === 'checkForUpdates')).toHaveLength(1);

    await updates.handlers['updates.restartToUpdate']({});
    expect(updater.calls.at(-1)).toBe('quitAndInstall true true');
    await updates.close();
  });

  it('checks again every six hours, saying when it last checked', async () => {
    writeFileSync(settingsPath(), JSON.stringify({ autoCheck: 'on', allowMetered: false }));
    const updates = start();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    updater.checks[0]!.resolve({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } });
    await settle();
    expect(await updates.handlers['updates.state']({})).toEqual({ status: 'not-available', currentVersion: '0.1.0', lastCheckedAt: clock.now() });
    clock.advance(CHECK_INTERVAL_MS - 1);
    await settle();
    expect(updater.calls).toEqual(['checkForUpdates']);
    clock.advance(1);
    await settle();
    expect(updater.calls).toEqual(['checkForUpdates', 'checkForUpdates']);
    // Turning automatic checks off stops the next one.
    updater.checks[1]!.resolve({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } });
    await settle();
    await updates.handlers['updates.setSettings']({ autoCheck: 'off' });
    clock.advance(CHECK_INTERVAL_MS * 3);
    await settle();
    expect(updater.calls).toHaveLength(2);
    await updates.close();
  });

  it('says why a check or a download failed, in one line, and checks again later', async () => {
    writeFileSync(settingsPath(), JSON.stringify({ autoCheck: 'on', allowMetered: false }));
    const updates = start();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    updater.checks[0]!.reject(new Error('net::ERR_INTERNET_DISCONNECTED\n    at SimpleURLLoaderWrapper.<anonymous>'));
    await settle();
    expect(await updates.handlers['updates.state']({})).toMatchObject({ status: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' });
    clock.advance(CHECK_INTERVAL_MS);
    await settle();
    updater.checks[1]!.resolve({ isUpdateAvailable: true, updateInfo: release });
    await settle();
    updater.downloads[0]!.reject(new Error('sha512 checksum mismatch'));
    await settle();
    expect(await updates.handlers['updates.state']({})).toMatchObject({ status: 'error', message: 'sha512 checksum mismatch', version: '0.2.0' });
    await updates.close();
  });
});

describe('"Check now" and "Download", the user\'s own requests', () => {
  it('checks when asked even with automatic checks off, and downloads only on "Download"', async () => {
    const updates = start();
    await updates.handlers['updates.setSettings']({ autoCheck: 'off' });
    const checking = updates.handlers['updates.check']({ onMetered: false });
    await settle();
    updater.checks[0]!.resolve({ isUpdateAvailable: true, updateInfo: release });
    expect(await checking).toMatchObject({ status: 'available', version: '0.2.0' });
    expect(updater.calls).toEqual(['checkForUpdates']);
    // The request answers at once; the download goes on in the background.
    expect(await updates.handlers['updates.download']({ onMetered: false })).toMatchObject({ status: 'downloading' });
    expect(updater.calls).toEqual(['checkForUpdates', 'downloadUpdate']);
    await updates.close();
  });

  it('refuses "Download" with nothing found and "Restart to update" with nothing downloaded (NOT_FOUND)', async () => {
    const updates = start();
    await expect(updates.handlers['updates.download']({ onMetered: false })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(updates.handlers['updates.restartToUpdate']({})).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(updater.calls).toEqual([]);
    await updates.close();
  });
});

describe('metered connections', () => {
  it('holds back automatic checks on a metered connection until it is not metered, or the user allows it', async () => {
    writeFileSync(settingsPath(), JSON.stringify({ autoCheck: 'on', allowMetered: false }));
    const updates = start();
    await updates.handlers['updates.reportNetwork']({ metered: true });
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(updater.calls).toEqual([]);
    expect(await updates.handlers['updates.state']({})).toMatchObject({ status: 'idle', heldBack: 'metered' });

    // The user's own check is held back too, until they confirm it.
    expect(await updates.handlers['updates.check']({ onMetered: false })).toMatchObject({ heldBack: 'metered' });
    expect(updater.calls).toEqual([]);

    // Off the metered connection: held back no longer, and the automatic check follows.
    await updates.handlers['updates.reportNetwork']({ metered: false });
    expect((await updates.handlers['updates.state']({})).heldBack).toBeUndefined();
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(updater.calls).toEqual(['checkForUpdates']);
    await updates.close();
  });

  it('checks and downloads on a metered connection when the user confirms, or allows it in the settings', async () => {
    const updates = start();
    await updates.handlers['updates.reportNetwork']({ metered: true });
    const checking = updates.handlers['updates.check']({ onMetered: true });
    await settle();
    updater.checks[0]!.resolve({ isUpdateAvailable: true, updateInfo: release });
    expect(await checking).toMatchObject({ status: 'available' });
    expect(await updates.handlers['updates.download']({ onMetered: false })).toMatchObject({ status: 'available', heldBack: 'metered' });
    expect(updater.calls).toEqual(['checkForUpdates']);
    await updates.handlers['updates.setSettings']({ allowMetered: true });
    expect(await updates.handlers['updates.download']({ onMetered: false })).toMatchObject({ status: 'downloading' });
    expect(updater.calls).toEqual(['checkForUpdates', 'downloadUpdate']);
    await updates.close();
  });

  it('with automatic updates on, a "Check anyway" on a metered connection does not download: that is asked again', async () => {
    writeFileSync(settingsPath(), JSON.stringify({ autoCheck: 'on', allowMetered: false }));
    const updates = start();
    await updates.handlers['updates.reportNetwork']({ metered: true });
    const checking = updates.handlers['updates.check']({ onMetered: true });
    await settle();
    updater.checks[0]!.resolve({ isUpdateAvailable: true, updateInfo: release });
    expect(await checking).toMatchObject({ status: 'available', heldBack: 'metered' });
    expect(updater.calls).toEqual(['checkForUpdates']);
    expect(await updates.handlers['updates.download']({ onMetered: true })).toMatchObject({ status: 'downloading' });
    await updates.close();
  });

  it('takes a connection the page cannot judge (null) as not metered', async () => {
    writeFileSync(settingsPath(), JSON.stringify({ autoCheck: 'on', allowMetered: false }));
    const updates = start();
    await updates.handlers['updates.reportNetwork']({ metered: null });
    clock.advance(FIRST_CHECK_DELAY_MS);
    await settle();
    expect(updater.calls).toEqual(['checkForUpdates']);
    await updates.close();
  });
});

describe('where this build cannot update itself', () => {
  it('a development build: unsupported from the start, and never loads electron-updater', async () => {
    writeFileSync(settingsPath(), JSON.stringify({ autoCheck: 'on', allowMetered: true }));
    const updates = start(null);
    expect(await updates.handlers['updates.state']({})).toEqual({
      status: 'unsupported',
      currentVersion: '0.1.0',
      message: 'This is a development build; updates come with the installed app.',
    });
    clock.advance(CHECK_INTERVAL_MS);
    expect(await updates.handlers['updates.check']({ onMetered: false })).toMatchObject({ status: 'unsupported' });
    expect(updater.calls).toEqual([]);
    await updates.close();
  });

  it('an installation electron-updater cannot update (a Linux build not run as AppImage, deb or rpm): unsupported at the first check', async () => {
    updater.active = false;
    const updates = start();
    expect(await updates.handlers['updates.check']({ onMetered: false })).toMatchObject({ status: 'unsupported', message: expect.stringContaining('development build') });
    expect(updater.calls).toEqual([]);
    await updates.close();
  });
});

describe('release notes as text', () => {
  it('turns GitHub\'s HTML into plain text, drops scripts, and keeps notes of several versions apart', () => {
    expect(releaseNotesText('<p>Fixes <b>reconnect</b>&nbsp;&lt;3&#33; &#x1F680;</p><script>alert(1)</script>')).toBe('Fixes reconnect <3! 🚀');
    expect(
      releaseNotesText([
        { version: '0.3.0', note: '<p>Three</p>' },
        { version: '0.2.0', note: null },
      ]),
    ).toBe('0.3.0\nThree\n\n0.2.0');
    expect(releaseNotesText(null)).toBeUndefined();
    expect(releaseNotesText('<p> </p>')).toBeUndefined();
    const long = releaseNotesText('x'.repeat(RELEASE_NOTES_MAX + 50))!;
    expect(long).toHaveLength(RELEASE_NOTES_MAX);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('the settings file', () => {
  it('sets a damaged file aside and asks again (the defaults)', async () => {
    writeFileSync(settingsPath(), '{"autoCheck":"always"}');
    const store = createUpdateSettingsFile(settingsPath());
    expect(store.read()).toEqual(DEFAULT_UPDATE_SETTINGS);
    expect(existsSync(`${settingsPath()}.damaged`)).toBe(true);
  });
});

describe('behind the contract', () => {
  let core: WorkbenchCore;
  afterEach(() => core.close());

  it('in the desktop app: validated requests, and every change of state as an updates.state event', async () => {
    core = createWorkbenchCore({
      version: '0.1.0',
      shell: 'electron',
      secretsProtection: 'test',
      updates: (emit) =>
        createUpdates({
          currentVersion: '0.1.0',
          loadUpdater: async () => updater,
          unsupportedReason: 'n/a',
          settings: createUpdateSettingsFile(settingsPath()),
          clock,
          emit,
        }),
    });
    const events: unknown[] = [];
    core.events.subscribe((channel, payload) => {
      if (channel === 'updates.state') events.push(payload);
    });
    expect(await core.dispatcher.handle('updates.setSettings', { autoCheck: 'sometimes' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await core.dispatcher.handle('updates.setSettings', { autoCheck: 'on', extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await core.dispatcher.handle('updates.reportNetwork', { metered: 'yes' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(await core.dispatcher.handle('updates.setSettings', { allowMetered: true })).toEqual({ ok: true, value: { autoCheck: 'ask', allowMetered: true } });
    const checking = core.dispatcher.handle('updates.check', {}); // onMetered defaults to false
    await settle();
    updater.checks[0]!.resolve({ isUpdateAvailable: false, updateInfo: { version: '0.1.0' } });
    expect(await checking).toMatchObject({ ok: true, value: { status: 'not-available' } });
    expect(events).toEqual([
      { status: 'checking', currentVersion: '0.1.0' },
      { status: 'not-available', currentVersion: '0.1.0', lastCheckedAt: clock.now() },
    ]);
  });

  it('in browser mode: every updates request answers DESKTOP_ONLY, "not available in browser mode"', async () => {
    core = createWorkbenchCore({ version: '0.1.0', shell: 'browser', secretsProtection: 'test' });
    const requests: [string, unknown][] = [
      ['updates.state', {}],
      ['updates.settings', {}],
      ['updates.setSettings', { autoCheck: 'on' }],
      ['updates.reportNetwork', { metered: null }],
      ['updates.check', {}],
      ['updates.download', {}],
      ['updates.restartToUpdate', {}],
    ];
    for (const [channel, input] of requests) {
      expect(await core.dispatcher.handle(channel, input), channel).toEqual({ ok: false, error: { code: 'DESKTOP_ONLY', message: UPDATES_DESKTOP_ONLY, params: { reason: 'updatesDesktopOnly' } } });
    }
    expect(UPDATES_DESKTOP_ONLY).toMatch(/not available in browser mode/);
  });
});

describe('electron-updater as the desktop app loads it', () => {
  it('finds autoUpdater on the module\'s exports (Node\'s import() does not list that getter as a named export)', async () => {
    const module = await electronUpdaterModule();
    // Not read: reading it would construct the updater, which needs Electron.
    expect(typeof Object.getOwnPropertyDescriptor(module, 'autoUpdater')?.get).toBe('function');
  });
});
