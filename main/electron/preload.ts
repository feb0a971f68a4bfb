/**
 * The preload: hands the page one `window.workbench` transport (the contract's TransportClient:
 * `invoke` and `on`, both checked against the contract's channels), and nothing else; the page
 * builds its WorkbenchApi on it (renderer/bridge). Binary events (messages.batch) reach the page
 * as the frame's bytes and are decoded there: decoding here would make contextBridge copy every
 * message object into the page again. Runs sandboxed, so it is bundled to one CommonJS file that
 * requires only 'electron' (check out/preload/index.js); it must import nothing that needs Node.
 */
import '../../shared/zod-jitless';
import { type IpcRendererEvent, contextBridge, ipcRenderer } from 'electron';
import { type EventChannel, type RequestChannel, type Result, type TransportClient, fail, isEventChannel, isRequestChannel } from '../../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, IPC_SAVE_DOWNLOAD_CHANNEL, IPC_SHOW_IN_FOLDER_CHANNEL } from './ipc-channels';

async function invoke(channel: RequestChannel, input: unknown): Promise<Result<unknown>> {
  if (!isRequestChannel(channel)) return fail('UNKNOWN_CHANNEL', `Unknown request channel: ${String(channel).slice(0, 100)}`, undefined, { reason: 'unknownChannel', channel: String(channel).slice(0, 100) });
  try {
    return (await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, channel, input)) as Result<unknown>;
  } catch (error) {
    // The API answers with a Result and never rejects, whichever transport is underneath.
    return fail('INTERNAL', error instanceof Error ? error.message : String(error));
  }
}

function on(channel: EventChannel, listener: (payload: unknown) => void): () => void {
  if (!isEventChannel(channel)) throw new TypeError(`Unknown event channel: ${String(channel).slice(0, 100)}`);
  if (typeof listener !== 'function') throw new TypeError('listener must be a function');
  // The page gets the payload only, never the IpcRendererEvent (it would expose ipcRenderer).
  const handler = (_event: IpcRendererEvent, eventChannel: unknown, payload: unknown) => {
    if (eventChannel === channel) listener(payload);
  };
  ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
  return () => {
    ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  };
}

contextBridge.exposeInMainWorld('workbench', { invoke, on } satisfies TransportClient);

// The desktop's save dialog and "Show in folder" for minted downloads (main/electron/save-dialog.ts):
// ids in, never paths.
contextBridge.exposeInMainWorld('workbenchDesktop', {
  saveDownload: (downloadId: string): Promise<unknown> => ipcRenderer.invoke(IPC_SAVE_DOWNLOAD_CHANNEL, String(downloadId).slice(0, 100)),
  showInFolder: (savedId: string): Promise<unknown> => ipcRenderer.invoke(IPC_SHOW_IN_FOLDER_CHANNEL, String(savedId).slice(0, 100)),
});
