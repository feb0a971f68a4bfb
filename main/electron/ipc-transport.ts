/**
 * The Electron IPC transport: a thin adapter from two IPC channels onto the core's dispatcher and
 * event hub (the WebSocket transport is the other adapter). It takes ipcMain and the window's
 * webContents as parameters, shaped minimally, so it runs under Vitest without Electron.
 */
import { type EventPayload, encodeEventFrame, isBinaryEventChannel } from '../../shared/contract';
import type { WorkbenchCore } from '../core/create-core';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from './ipc-channels';
import { type SenderInfo, isAllowedSender } from './security';

/** The parts of Electron's WebFrameMain the sender check reads. */
export interface FrameLike {
  readonly url: string;
  readonly parent: FrameLike | null;
}

/** The parts of Electron's IpcMainInvokeEvent the transport reads. */
export interface InvokeEventLike {
  readonly sender: unknown;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface IpcTransportOptions {
  ipcMain: IpcMainLike;
  /** The one window allowed to use the contract. */
  webContents: WebContentsLike;
  core: Pick<WorkbenchCore, 'dispatcher' | 'events'>;
  /** Where refused senders are reported; console.warn unless a test listens. */
  onRefused?: (reason: string) => void;
}

export interface IpcTransport {
  dispose(): void;
}

function senderInfo(frame: FrameLike | null): SenderInfo | null {
  return frame ? { url: frame.url, isMainFrame: frame.parent === null } : null;
}

export function attachIpcTransport(options: IpcTransportOptions): IpcTransport {
  const { ipcMain, webContents, core } = options;
  const onRefused = options.onRefused ?? ((reason: string) => console.warn(`IPC refused: ${reason}`));

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, channel, input) => {
    const frame = senderInfo(event.senderFrame);
    if (event.sender !== webContents || !isAllowedSender(frame)) {
      const where = frame ? `${frame.isMainFrame ? 'main frame' : 'subframe'} ${frame.url.slice(0, 200)}` : 'no frame';
      onRefused(`${IPC_INVOKE_CHANNEL} from ${event.sender === webContents ? 'the workbench window' : 'another webContents'}, ${where}`);
      // Thrown, not answered: an untrusted frame learns nothing about the contract.
      throw new Error('Refused: this frame may not use the workbench API');
    }
    // The dispatcher validates channel and input against the contract and never throws.
    return core.dispatcher.handle(channel, input);
  });

  const unsubscribe = core.events.subscribe((channel, payload) => {
    if (webContents.isDestroyed()) return;
    // The firehose crosses as one frame (the contract's binary events), which the page decodes:
    // a structured clone of every message object costs more on both ends (npm run bench -- ipc).
    // Other payloads are cloned; their bytes are Uint8Arrays, carried as bytes, never as strings.
    const body = isBinaryEventChannel(channel) ? encodeEventFrame(channel, payload as EventPayload<typeof channel>) : payload;
    webContents.send(IPC_EVENT_CHANNEL, channel, body);
  });

  let disposed = false;
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      unsubscribe();
      ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    },
  };
}
