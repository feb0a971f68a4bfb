// The IPC transport against a real core, with ipcMain and webContents replaced by small fakes
// (the transport takes them as parameters, so no Electron is needed).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { createWorkbenchApi, decodeEventFrame } from '../../shared/contract';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../main/electron/ipc-channels';
import {
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type IpcTransport,
  attachIpcTransport,
  createIpcTransports,
} from '../../main/electron/ipc-transport';

type Listener = (event: InvokeEventLike, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    removeHandler(channel) {
      handlers.delete(channel);
    },
  };
  return {
    ipcMain,
    handlers,
    async invoke(event: InvokeEventLike, ...args: unknown[]): Promise<unknown> {
      const handler = handlers.get(IPC_INVOKE_CHANNEL);
      if (!handler) throw new Error('no handler');
      return handler(event, ...args);
    },
  };
}

function fakeWebContents() {
  const sent: unknown[][] = [];
  let destroyed = false;
  return {
    sent,
    destroy: () => (destroyed = true),
    send: (channel: string, ...args: unknown[]) => sent.push([channel, ...args]),
    isDestroyed: () => destroyed,
  };
}

const mainFrame = (url = 'app://workbench/index.html'): FrameLike => ({ url, parent: null });

describe('Electron IPC transport', () => {
  let core: WorkbenchCore;
  let ipc: ReturnType<typeof fakeIpcMain>;
  let contents: ReturnType<typeof fakeWebContents>;
  let refused: string[];
  let transport: IpcTransport;

  beforeEach(() => {
    core = createWorkbenchCore({ version: '9.9.9', shell: 'electron', secretsProtection: 'test' });
    ipc = fakeIpcMain();
    contents = fakeWebContents();
    refused = [];
    transport = attachIpcTransport({
      ipcMain: ipc.ipcMain,
      webContents: contents,
      core,
      onRefused: (reason) => refused.push(reason),
    });
  });
  afterEach(async () => {
    transport.dispose();
    await core.close();
  });

  it('answers a contract request from our window through the dispatcher', async () => {
    const result = await ipc.invoke({ sender: contents, senderFrame: mainFrame() }, 'app.info', {});
    expect(result).toEqual({ ok: true, value: { version: '9.9.9', shell: 'electron', secretsProtection: 'test', secretsProtectionInfo: { kind: 'memory' } } });
  });

  it('answers bad input and unknown channels with a failed Result, never a throw', async () => {
    const event = { sender: contents, senderFrame: mainFrame() };
    expect(await ipc.invoke(event, 'app.info', { extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await ipc.invoke(event, 'fs.readFile', '/etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL' },
    });
    expect(await ipc.invoke(event, 'messages.publish', { connectionId: 'nope', topic: 'a', payload: new Uint8Array([1]) }))
      .toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
  });

  it.each([
    ['a subframe of our page', { sender: 'self', senderFrame: { url: 'app://workbench/index.html', parent: mainFrame() } }],
    ['a frame on another origin', { sender: 'self', senderFrame: mainFrame('https://evil.example/') }],
    ['a file:// page', { sender: 'self', senderFrame: mainFrame('file:///tmp/x.html') }],
    ['a destroyed frame', { sender: 'self', senderFrame: null }],
    ['another webContents, even on our origin', { sender: 'other', senderFrame: mainFrame() }],
  ])('refuses %s before the dispatcher sees it', async (_name, shape) => {
    const event: InvokeEventLike = { sender: shape.sender === 'self' ? contents : {}, senderFrame: shape.senderFrame };
    await expect(ipc.invoke(event, 'app.info', {})).rejects.toThrow(/Refused/);
    expect(refused).toHaveLength(1);
  });

  it('forwards a message batch as one binary frame that the page decodes to the same batch, bytes exact', () => {
    const payload = new Uint8Array([0, 1, 2, 255]);
    const messages = [
      { connectionId: 'c1', direction: 'in' as const, topic: 't', payload, qos: 0 as const, retain: false, dup: false, timestamp: 1, id: 0 },
      { connectionId: 'c1', direction: 'out' as const, topic: 'u/v', payload: new Uint8Array(0), qos: 2 as const, retain: true, dup: false, timestamp: 2, id: 1, properties: { contentType: 'x' } },
    ];
    core.events.emit('messages.batch', { messages });
    expect(contents.sent).toHaveLength(1);
    const [ipcChannel, channel, sent] = contents.sent[0]!;
    expect(ipcChannel).toBe(IPC_EVENT_CHANNEL);
    expect(channel).toBe('messages.batch');
    // One typed array, not an array of objects: structured clone (what Electron IPC uses) copies it as bytes.
    expect(sent).toBeInstanceOf(Uint8Array);
    const cloned = structuredClone(sent) as Uint8Array;
    expect(decodeEventFrame('messages.batch', cloned).messages).toEqual(messages);
    // What the page's API (createWorkbenchApi over the preload's transport) hands a listener.
    const received: unknown[] = [];
    const api = createWorkbenchApi({ invoke: async () => ({ ok: true, value: null }), on: (_channel, listener) => (listener(cloned.buffer), () => undefined) });
    api.on('messages.batch', (batch) => received.push(batch));
    expect(received).toEqual([{ messages }]);
  });

  it('forwards other events as they are (structured clone)', () => {
    core.events.emit('messages.dropped', { count: 3 });
    expect(contents.sent).toEqual([[IPC_EVENT_CHANNEL, 'messages.dropped', { count: 3 }]]);
  });

  it('sends nothing to a destroyed window', () => {
    contents.destroy();
    core.events.emit('messages.batch', { messages: [] });
    expect(contents.sent).toHaveLength(0);
  });

  it('removes the handler and stops events on dispose, and a new window can attach', () => {
    transport.dispose();
    expect(ipc.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
    core.events.emit('messages.batch', { messages: [] });
    expect(contents.sent).toHaveLength(0);
    transport.dispose(); // idempotent

    const next = fakeWebContents();
    transport = attachIpcTransport({ ipcMain: ipc.ipcMain, webContents: next, core });
    expect(ipc.handlers.has(IPC_INVOKE_CHANNEL)).toBe(true);
  });
});

describe('Electron IPC transport with several windows', () => {
  it('serves every attached window from one core, sends a window its own events, and refuses a detached one', async () => {
    const core = createWorkbenchCore({ version: '9.9.9', shell: 'electron', secretsProtection: 'test' });
    const ipc = fakeIpcMain();
    const refused: string[] = [];
    const transports = createIpcTransports({ ipcMain: ipc.ipcMain, core, onRefused: (reason) => refused.push(reason) });
    const [main, history] = [fakeWebContents(), fakeWebContents()];
    const mainLine = transports.attach(main);
    const historyLine = transports.attach(history);
    try {
      for (const contents of [main, history]) {
        expect(await ipc.invoke({ sender: contents, senderFrame: mainFrame('app://workbench/index.html#window=history') }, 'app.info', {})).toMatchObject({ ok: true });
      }
      // The core's events reach every window; a window's own event only that window.
      core.events.emit('app.recovered', { reason: 'crashed', exitCode: 1 });
      expect(main.sent).toHaveLength(1);
      expect(history.sent).toHaveLength(1);
      historyLine.send('app.menuCommand', { command: 'showShortcuts' });
      expect(history.sent[1]).toEqual([IPC_EVENT_CHANNEL, 'app.menuCommand', { command: 'showShortcuts' }]);
      expect(main.sent).toHaveLength(1);

      historyLine.dispose();
      await expect(ipc.invoke({ sender: history, senderFrame: mainFrame() }, 'app.info', {})).rejects.toThrow(/Refused/);
      expect(refused).toEqual([expect.stringContaining('another webContents')]);
      core.events.emit('app.recovered', { reason: 'crashed', exitCode: 1 });
      historyLine.send('app.menuCommand', { command: 'showShortcuts' });
      expect(history.sent).toHaveLength(2);
      expect(main.sent).toHaveLength(2);
      expect(await ipc.invoke({ sender: main, senderFrame: mainFrame() }, 'app.info', {})).toMatchObject({ ok: true });
    } finally {
      mainLine.dispose();
      transports.dispose();
      await core.close();
    }
    expect(ipc.handlers.has(IPC_INVOKE_CHANNEL)).toBe(false);
  });
});
