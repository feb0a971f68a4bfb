/**
 * The Electron IPC transport: a thin adapter from two IPC channels onto the core's dispatcher and
 * event hub (the WebSocket transport is the other adapter). It takes ipcMain and the window's
 * webContents as parameters, shaped minimally, so it runs under Vitest without Electron.
 */
import { type EventChannel, type EventPayload, encodeEventFrame, isBinaryEventChannel } from '../../shared/contract';
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

/** One window on the transport: the core's events reach it, and events meant for it alone. */
export interface AttachedWindow {
  /** An event for this window only (a menu command, "your page was reloaded"), encoded as the hub's are. */
  send<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  dispose(): void;
}

/** The transport for every window of the app: one IPC handler, one core, each window attached. */
export interface IpcTransports {
  attach(webContents: WebContentsLike): AttachedWindow;
  dispose(): void;
}

function senderInfo(frame: FrameLike | null): SenderInfo | null {
  return frame ? { url: frame.url, isMainFrame: frame.parent === null } : null;
}

/**
 * Every workbench window (the main one, and those opened for one view) talks to the same core
 * through one handler; a request is answered only for an attached window's own page.
 */
export function createIpcTransports(options: Omit<IpcTransportOptions, 'webContents'>): IpcTransports {
  const { ipcMain, core } = options;
  const onRefused = options.onRefused ?? ((reason: string) => console.warn(`IPC refused: ${reason}`));
  const attached = new Set<unknown>();

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, channel, input) => {
    const frame = senderInfo(event.senderFrame);
    const ours = attached.has(event.sender);
    if (!ours || !isAllowedSender(frame)) {
      const where = frame ? `${frame.isMainFrame ? 'main frame' : 'subframe'} ${frame.url.slice(0, 200)}` : 'no frame';
      onRefused(`${IPC_INVOKE_CHANNEL} from ${ours ? 'a workbench window' : 'another webContents'}, ${where}`);
      // Thrown, not answered: an untrusted frame learns nothing about the contract.
      throw new Error('Refused: this frame may not use the workbench API');
    }
    // The dispatcher validates channel and input against the contract and never throws.
    return core.dispatcher.handle(channel, input);
  });

  const deliver = (webContents: WebContentsLike, channel: EventChannel, payload: unknown) => {
    if (webContents.isDestroyed()) return;
    // The firehose crosses as one frame (the contract's binary events), which the page decodes:
    // a structured clone of every message object costs more on both ends (npm run bench -- ipc).
    // Other payloads are cloned; their bytes are Uint8Arrays, carried as bytes, never as strings.
    const body = isBinaryEventChannel(channel) ? encodeEventFrame(channel, payload as EventPayload<typeof channel>) : payload;
    webContents.send(IPC_EVENT_CHANNEL, channel, body);
  };

  const windows = new Set<AttachedWindow>();
  let disposed = false;
  return {
    attach(webContents) {
      attached.add(webContents);
      const unsubscribe = core.events.subscribe((channel, payload) => deliver(webContents, channel, payload));
      let detached = false;
      const window: AttachedWindow = {
        send: (channel, payload) => {
          if (!detached) deliver(webContents, channel, payload);
        },
        dispose() {
          if (detached) return;
          detached = true;
          unsubscribe();
          attached.delete(webContents);
          windows.delete(window);
        },
      };
      windows.add(window);
      return window;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const window of [...windows]) window.dispose();
      ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
    },
  };
}

/** The transport for a single window (the handler goes when it does). */
export function attachIpcTransport(options: IpcTransportOptions): IpcTransport {
  const transports = createIpcTransports(options);
  transports.attach(options.webContents);
  return { dispose: () => transports.dispose() };
}
