/**
 * The desktop side of downloads: where browser mode downloads GET /download/<id>, the desktop asks
 * the user where to save through the OS save dialog and copies the minted download there, then can
 * show it in its folder. Thin like the IPC transport: Electron's dialog, shell, ipcMain and the
 * window come in as parameters (tested against small fakes); the renderer names only a download
 * id or the id of a file this shell saved, never a path.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Downloads } from '../core/downloads/downloads';
import { IPC_SAVE_DOWNLOAD_CHANNEL, IPC_SHOW_IN_FOLDER_CHANNEL } from './ipc-channels';
import type { InvokeEventLike, IpcMainLike } from './ipc-transport';
import { isAllowedSender } from './security';

/** What the renderer gets back from a save (window.workbenchDesktop.saveDownload). */
export type SaveOutcome = { saved: true; savedId: string; fileName: string } | { saved: false; reason: 'cancelled' | 'gone' | 'failed'; message?: string };

export interface SaveDialogLike {
  showSaveDialog(window: unknown, options: { defaultPath: string; title?: string }): Promise<{ canceled: boolean; filePath?: string }>;
}

export interface ShellLike {
  showItemInFolder(path: string): void;
}

export interface SaveDialogOptions {
  ipcMain: IpcMainLike;
  /**
   * The workbench window a sender (a webContents) belongs to, the dialog's parent; undefined for
   * any other sender (or null), which is refused (the same check as the contract's IPC).
   */
  windowOf: (sender: unknown) => unknown;
  dialog: SaveDialogLike;
  shell: ShellLike;
  downloads: Downloads;
  /** Where the dialog starts (app.getPath('downloads')). */
  defaultFolder: string;
  onRefused?: (reason: string) => void;
}

export function attachSaveDialog(options: SaveDialogOptions): { dispose(): void } {
  const { ipcMain, dialog, shell, downloads } = options;
  const onRefused = options.onRefused ?? ((reason: string) => console.warn(`IPC refused: ${reason}`));
  /** Files this shell saved in this run: the only ones it shows in their folder. */
  const saved = new Map<string, string>();

  /** The sender's window, when the request comes from a workbench window's own page. */
  const check = (event: InvokeEventLike, channel: string): unknown => {
    const frame = event.senderFrame;
    const window = options.windowOf(event.sender);
    if (window === undefined || window === null || !frame || frame.parent !== null || !isAllowedSender({ url: frame.url, isMainFrame: true })) {
      onRefused(`${channel} from a sender that is not the workbench window`);
      throw new Error('Refused: this frame may not use the workbench API');
    }
    return window;
  };

  ipcMain.handle(IPC_SAVE_DOWNLOAD_CHANNEL, async (event, downloadId): Promise<SaveOutcome> => {
    const window = check(event, IPC_SAVE_DOWNLOAD_CHANNEL);
    const described = typeof downloadId === 'string' ? downloads.describe(downloadId) : null;
    if (!described) return { saved: false, reason: 'gone' };
    const choice = await dialog.showSaveDialog(window, { title: 'Save as', defaultPath: join(options.defaultFolder, described.fileName) });
    // Spent only once a place is chosen: a cancelled dialog leaves the download to try again.
    if (choice.canceled || !choice.filePath) return { saved: false, reason: 'cancelled' };
    const download = downloads.take(downloadId as string);
    if (!download) return { saved: false, reason: 'gone' };
    try {
      await pipeline(download.open(), createWriteStream(choice.filePath));
    } catch (error) {
      return { saved: false, reason: 'failed', message: (error as Error).message };
    } finally {
      await download.release();
    }
    const savedId = randomBytes(16).toString('base64url');
    saved.set(savedId, choice.filePath);
    return { saved: true, savedId, fileName: basename(choice.filePath) };
  });

  ipcMain.handle(IPC_SHOW_IN_FOLDER_CHANNEL, async (event, savedId) => {
    check(event, IPC_SHOW_IN_FOLDER_CHANNEL);
    const path = typeof savedId === 'string' ? saved.get(savedId) : undefined;
    if (!path) return false;
    shell.showItemInFolder(path);
    return true;
  });

  return {
    dispose() {
      ipcMain.removeHandler(IPC_SAVE_DOWNLOAD_CHANNEL);
      ipcMain.removeHandler(IPC_SHOW_IN_FOLDER_CHANNEL);
    },
  };
}
