// The desktop save dialog and "Show in folder" (main/electron/save-dialog.ts) against a real core's
// downloads and a recording fake of Electron's ipcMain, dialog and shell: the dialog proposes the
// download's name in the Downloads folder, the bytes land where the user picked, a cancel spends
// nothing, only the workbench window may ask, and only files this shell saved are shown.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { IPC_SAVE_DOWNLOAD_CHANNEL, IPC_SHOW_IN_FOLDER_CHANNEL } from '../../main/electron/ipc-channels';
import type { InvokeEventLike, IpcMainLike } from '../../main/electron/ipc-transport';
import { type SaveOutcome, attachSaveDialog } from '../../main/electron/save-dialog';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

function recordingElectron() {
  const calls: unknown[][] = [];
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      calls.push(['ipcMain.handle', channel]);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => {
      calls.push(['ipcMain.removeHandler', channel]);
      handlers.delete(channel);
    },
  };
  let answer: { canceled: boolean; filePath?: string } = { canceled: true };
  const dialog = {
    showSaveDialog: async (window: unknown, options: { defaultPath: string; title?: string }) => {
      calls.push(['dialog.showSaveDialog', window, options]);
      return answer;
    },
  };
  const shell = { showItemInFolder: (path: string) => calls.push(['shell.showItemInFolder', path]) };
  return { calls, handlers, ipcMain, dialog, shell, answerWith: (next: typeof answer) => (answer = next) };
}

const webContents = { id: 'the window' };
const window = { id: 'BrowserWindow' };
const fromWindow: InvokeEventLike = { sender: webContents, senderFrame: { url: 'app://workbench/index.html', parent: null } };

describe('Electron save dialog', () => {
  let core: WorkbenchCore;
  let folder: string;
  let fake: ReturnType<typeof recordingElectron>;
  let refused: string[];
  let dispose: () => void;

  beforeEach(() => {
    core = createWorkbenchCore({ version: 'test', shell: 'electron', secretsProtection: 'test' });
    folder = mkdtempSync(join(tmpdir(), 'wb-save-'));
    fake = recordingElectron();
    refused = [];
    ({ dispose } = attachSaveDialog({
      ipcMain: fake.ipcMain,
      windowOf: (sender) => (sender === webContents ? window : undefined),
      dialog: fake.dialog,
      shell: fake.shell,
      downloads: core.downloads,
      defaultFolder: '/home/user/Downloads',
      onRefused: (reason) => refused.push(reason),
    }));
  });

  afterEach(async () => {
    dispose();
    await core.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const invoke = (channel: string, event: InvokeEventLike, ...args: unknown[]) => fake.handlers.get(channel)!(event, ...args);

  it('proposes the name in the Downloads folder, writes the bytes where the user picked, then shows that file in its folder', async () => {
    const id = core.downloads.mintBytes(new Uint8Array([1, 2, 3, 250]), 'sensors_temp.bin');
    const target = join(folder, 'picked.bin');
    fake.answerWith({ canceled: false, filePath: target });
    const outcome = (await invoke(IPC_SAVE_DOWNLOAD_CHANNEL, fromWindow, id)) as SaveOutcome;
    expect(outcome).toMatchObject({ saved: true, fileName: 'picked.bin' });
    expect([...readFileSync(target)]).toEqual([1, 2, 3, 250]);
    expect(fake.calls).toContainEqual(['dialog.showSaveDialog', window, { title: 'Save as', defaultPath: join('/home/user/Downloads', 'sensors_temp.bin') }]);
    // Spent: the same id saves nothing a second time.
    expect(await invoke(IPC_SAVE_DOWNLOAD_CHANNEL, fromWindow, id)).toEqual({ saved: false, reason: 'gone' });

    expect(await invoke(IPC_SHOW_IN_FOLDER_CHANNEL, fromWindow, (outcome as { savedId: string }).savedId)).toBe(true);
    expect(fake.calls.at(-1)).toEqual(['shell.showItemInFolder', target]);
    // Never a path from the page: an unknown id (or a path) shows nothing.
    expect(await invoke(IPC_SHOW_IN_FOLDER_CHANNEL, fromWindow, target)).toBe(false);
    expect(fake.calls.filter(([name]) => name === 'shell.showItemInFolder')).toHaveLength(1);
  });

  it('a cancelled dialog writes nothing and leaves the download to save later', async () => {
    const id = core.downloads.mintBytes(new Uint8Array([9]), 'a.bin');
    fake.answerWith({ canceled: true });
    expect(await invoke(IPC_SAVE_DOWNLOAD_CHANNEL, fromWindow, id)).toEqual({ saved: false, reason: 'cancelled' });
    expect(core.downloads.describe(id)).toEqual({ fileName: 'a.bin', bytes: 1 });
    const target = join(folder, 'later.bin');
    fake.answerWith({ canceled: false, filePath: target });
    expect(await invoke(IPC_SAVE_DOWNLOAD_CHANNEL, fromWindow, id)).toMatchObject({ saved: true });
    expect(existsSync(target)).toBe(true);
  });

  it('refuses other webContents and subframes, and an unknown id opens no dialog', async () => {
    const id = core.downloads.mintBytes(new Uint8Array([9]), 'a.bin');
    await expect(invoke(IPC_SAVE_DOWNLOAD_CHANNEL, { sender: {}, senderFrame: fromWindow.senderFrame }, id)).rejects.toThrow(/Refused/);
    await expect(
      invoke(IPC_SAVE_DOWNLOAD_CHANNEL, { sender: webContents, senderFrame: { url: 'app://workbench/index.html', parent: fromWindow.senderFrame } }, id),
    ).rejects.toThrow(/Refused/);
    await expect(invoke(IPC_SHOW_IN_FOLDER_CHANNEL, { sender: webContents, senderFrame: { url: 'https://evil.example/', parent: null } }, 'x')).rejects.toThrow(/Refused/);
    expect(refused).toHaveLength(3);
    expect(await invoke(IPC_SAVE_DOWNLOAD_CHANNEL, fromWindow, 'unknown')).toEqual({ saved: false, reason: 'gone' });
    expect(fake.calls.some(([name]) => name === 'dialog.showSaveDialog')).toBe(false);
    // Still spendable: none of that took it.
    expect(core.downloads.describe(id)).not.toBeNull();
  });

  it('saves a finished History export made for a download, and removes the workbench copy', async () => {
    // No data folder in this core, so the export path is exercised with a minted file instead.
    const source = join(folder, 'export.ndjson');
    writeFileSync(source, '{"a":1}\n');
    const id = core.downloads.mintFile(source, { fileName: 'export.ndjson', bytes: 8 }, { removeAfter: true });
    fake.answerWith({ canceled: false, filePath: join(folder, 'mine.ndjson') });
    expect(await invoke(IPC_SAVE_DOWNLOAD_CHANNEL, fromWindow, id)).toMatchObject({ saved: true, fileName: 'mine.ndjson' });
    expect(readFileSync(join(folder, 'mine.ndjson'), 'utf8')).toBe('{"a":1}\n');
    expect(existsSync(source)).toBe(false);
  });

  it('dispose removes both handlers', () => {
    dispose();
    expect(fake.handlers.size).toBe(0);
  });
});
