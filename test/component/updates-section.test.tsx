// @vitest-environment happy-dom
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { createUpdateSettingsFile, createUpdates } from '../../main/electron/updates';
import { type EventChannel, createWorkbenchApi } from '../../shared/contract';
import { UpdatesButton, UpdatesPanel, UpdatesPrompt } from '../../renderer/features/updates';
import { setApi } from '../../renderer/stores/api';
import { useUiStore } from '../../renderer/stores/ui-store';
import { useUpdatesStore } from '../../renderer/stores/updates-store';
import { i18n } from '../../renderer/ui/i18n';
import { RecordingUpdater, settle } from '../support/recording-updater';
import { createTestClock } from '../support/test-clock';

// The Updates section against a real core (its dispatcher and event hub as the transport). In the
// desktop case the core's updates domain is main/electron/updates.ts over a recording stand-in for
// electron-updater (which needs the Electron binary); in browser mode it is the core's own answer.
let core: WorkbenchCore;
let dir: string;
let updater: RecordingUpdater;

function connect(shell: 'electron' | 'browser') {
  dir = mkdtempSync(join(tmpdir(), 'wb-updates-ui-'));
  updater = new RecordingUpdater();
  core = createWorkbenchCore({
    version: '0.1.0',
    shell,
    secretsProtection: 'test',
    ...(shell === 'electron'
      ? {
          updates: (emit) =>
            createUpdates({
              currentVersion: '0.1.0',
              loadUpdater: async () => updater,
              unsupportedReason: 'n/a',
              settings: createUpdateSettingsFile(join(dir, 'updates.json')),
              clock: createTestClock(),
              emit,
            }),
        }
      : {}),
  });
  const api = createWorkbenchApi({
    invoke: (channel, input) => core.dispatcher.handle(channel, input),
    on: (channel: EventChannel, listener) => core.events.subscribe((emitted, payload) => emitted === channel && listener(payload)),
  });
  setApi(api);
  // What the event feed does with this event (renderer/stores/event-feed.ts).
  api.on('updates.state', (state) => useUpdatesStore.getState().setState(state));
  act(() => useUiStore.setState({ hostLink: { state: 'open' } }));
}

function renderSection() {
  return render(
    <>
      <UpdatesButton />
      <UpdatesPrompt />
      <UpdatesPanel />
    </>,
  );
}

beforeEach(() => {
  useUpdatesStore.setState(useUpdatesStore.getInitialState(), true);
});

afterEach(async () => {
  cleanup();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Updates section, desktop app', () => {
  it('asks once on first launch; the answer is kept and the question does not come back', async () => {
    connect('electron');
    const user = userEvent.setup();
    const view = renderSection();
    await screen.findByTestId('updates-ask');
    expect(screen.getByTestId('updates-ask').textContent).toContain('Check for updates automatically?');
    await user.click(screen.getByTestId('updates-ask-yes'));
    await waitFor(() => expect(screen.queryByTestId('updates-ask')).toBeNull());
    expect(JSON.parse(readFileSync(join(dir, 'updates.json'), 'utf8'))).toEqual({ autoCheck: 'on', allowMetered: false });
    // A new page (a reload) finds the answer and does not ask again.
    view.unmount();
    useUpdatesStore.setState(useUpdatesStore.getInitialState(), true);
    renderSection();
    await screen.findByTestId('updates-button');
    expect(screen.queryByTestId('updates-ask')).toBeNull();
    expect(updater.calls).toEqual([]); // nothing checked yet: the first automatic check waits a minute
  });

  it('checks on "Check now", shows what is new, downloads in the background, and offers "Restart to update"', async () => {
    connect('electron');
    const user = userEvent.setup();
    renderSection();
    await user.click(await screen.findByTestId('updates-button'));
    expect(screen.getByTestId('updates-status').textContent).toBe('Not checked yet.');
    await user.click(screen.getByTestId('updates-check'));
    await waitFor(() => expect(updater.checks).toHaveLength(1));
    expect(screen.getByTestId('updates-status').textContent).toBe('Checking GitHub releases…');
    await act(async () => {
      updater.checks[0]!.resolve({ isUpdateAvailable: true, updateInfo: { version: '0.2.0', releaseNotes: '<ul><li>ARM64 builds</li></ul>', releaseDate: '2026-12-08' } });
      await settle();
    });
    await waitFor(() => expect(screen.getByTestId('updates-status').textContent).toBe('Version 0.2.0 is available.'));
    expect(screen.getByTestId('updates-notes').textContent).toBe('• ARM64 builds');
    // Automatic checks are not on ("ask"): the download waits for the button.
    expect(updater.calls).toEqual(['checkForUpdates']);
    await user.click(screen.getByTestId('updates-download'));
    await waitFor(() => expect(screen.queryByTestId('updates-progress')).not.toBeNull());
    act(() => updater.progress({ percent: 61.2, transferred: 612, total: 1000, bytesPerSecond: 50 }));
    await waitFor(() => expect(screen.getByTestId('updates-status').textContent).toBe('Downloading version 0.2.0… 61%'));
    await act(async () => {
      updater.downloads[0]!.resolve([]);
      await settle();
    });
    await waitFor(() => expect(screen.getByTestId('updates-ready').textContent).toContain('Version 0.2.0 is ready.'));
    expect(screen.getByTestId('updates-button').textContent).toBe('Update ready');
    await user.click(screen.getByTestId('updates-restart'));
    await waitFor(() => expect(updater.calls.at(-1)).toBe('quitAndInstall true true'));
  });

  it('on a metered connection, says so and checks only on "Check anyway"', async () => {
    connect('electron');
    const user = userEvent.setup();
    renderSection();
    await user.click(await screen.findByTestId('updates-button'));
    // What the page reports when navigator.connection says cellular (meteredFromConnection).
    await core.dispatcher.handle('updates.reportNetwork', { metered: true });
    await user.click(screen.getByTestId('updates-check'));
    await screen.findByTestId('updates-metered');
    expect(updater.calls).toEqual([]);
    expect(screen.getByTestId('updates-check').textContent).toBe('Check anyway');
    await user.click(screen.getByTestId('updates-check'));
    await waitFor(() => expect(updater.calls).toEqual(['checkForUpdates']));
    // The setting, for automatic checks and downloads.
    await user.click(screen.getByTestId('updates-metered-allowed'));
    await waitFor(() => expect(JSON.parse(readFileSync(join(dir, 'updates.json'), 'utf8'))).toMatchObject({ allowMetered: true }));
  });
});

describe('Updates section, in the chosen language', () => {
  it('reads Simplified Chinese from the app catalog', async () => {
    connect('electron');
    await act(async () => {
      await i18n.changeLanguage('zh-CN');
    });
    try {
      renderSection();
      expect((await screen.findByTestId('updates-button')).textContent).toBe('更新');
      expect(screen.getByTestId('updates-ask-yes').textContent).toBe('是');
    } finally {
      await act(async () => {
        await i18n.changeLanguage('en');
      });
    }
  });
});

describe('Updates section, browser mode', () => {
  it('shows nothing: the core answers that updates are not available in browser mode', async () => {
    connect('browser');
    renderSection();
    await waitFor(() => expect(useUpdatesStore.getState().available).toBe(false));
    expect(screen.queryByTestId('updates-button')).toBeNull();
    expect(screen.queryByTestId('updates-ask')).toBeNull();
    expect(await core.dispatcher.handle('updates.state', {})).toMatchObject({ ok: false, error: { code: 'DESKTOP_ONLY' } });
  });
});

describe('what the page can tell about the connection', () => {
  it('reads Data Saver and cellular as metered, Wi-Fi and Ethernet as not, anything else as unknown', async () => {
    const { meteredFromConnection } = await import('../../renderer/stores/updates-store');
    expect(meteredFromConnection(undefined)).toBeNull();
    expect(meteredFromConnection({ saveData: true, type: 'wifi' })).toBe(true);
    expect(meteredFromConnection({ type: 'cellular' })).toBe(true);
    expect(meteredFromConnection({ type: 'wifi' })).toBe(false);
    expect(meteredFromConnection({ type: 'ethernet', saveData: false })).toBe(false);
    expect(meteredFromConnection({ saveData: false })).toBeNull();
    expect(meteredFromConnection({ type: 'unknown' })).toBeNull();
  });
});
