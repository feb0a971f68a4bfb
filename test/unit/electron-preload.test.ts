// The preload, built in memory with the project's own electron-vite config, then run against a
// fake 'electron' module: proves it is one CommonJS file that requires nothing but 'electron',
// and that the page gets the contract's transport and nothing more.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from 'electron-vite';
import { type Rolldown, build } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_CHANNELS,
  type EventChannel,
  REQUEST_CHANNELS,
  type RequestChannel,
  type TransportClient,
  createWorkbenchApi,
  encodeEventFrame,
} from '../../shared/contract';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

type Handler = (event: unknown, ...args: unknown[]) => void;

/** A stand-in for the sandboxed preload's `require('electron')`. */
function fakeElectron(invokeImpl: (channel: string, ...args: unknown[]) => Promise<unknown>) {
  const exposed = new Map<string, unknown>();
  const listeners = new Map<string, Set<Handler>>();
  const electron = {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: invokeImpl,
      on(channel: string, handler: Handler) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(handler);
      },
      removeListener(channel: string, handler: Handler) {
        listeners.get(channel)?.delete(handler);
      },
    },
  };
  const emit = (channel: string, ...args: unknown[]) => {
    const event = { sender: 'the IpcRendererEvent, which must never reach the page' };
    for (const handler of listeners.get(channel) ?? []) handler(event, ...args);
  };
  return { electron, exposed, listeners, emit };
}

let chunks: Rolldown.OutputChunk[];
let assets: Rolldown.OutputAsset[];
let code: string;

/** Runs the bundle as Electron's sandboxed loader would: CommonJS, with only `require`. */
function runPreload(fake: ReturnType<typeof fakeElectron>): void {
  const required: string[] = [];
  const requireFn = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`the sandboxed preload cannot require '${name}'`);
    return fake.electron;
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)(requireFn, module, module.exports);
  expect(required).toEqual(['electron']);
}

beforeAll(async () => {
  const { config } = await resolveConfig({ root: ROOT, logLevel: 'silent' }, 'build', 'production');
  if (!config?.preload) throw new Error('electron.vite.config.ts has no preload build');
  const preload = config.preload;
  const result = await build({ ...preload, configFile: false, logLevel: 'silent', build: { ...preload.build, write: false } });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const files = outputs.flatMap((output) => output.output);
  chunks = files.filter((file): file is Rolldown.OutputChunk => file.type === 'chunk');
  assets = files.filter((file): file is Rolldown.OutputAsset => file.type === 'asset');
  code = chunks[0]?.code ?? '';
}, 60_000);

describe('preload bundle', () => {
  it('is one CommonJS file, index.js, that requires nothing but electron', () => {
    expect(chunks.map((chunk) => chunk.fileName)).toEqual(['index.js']);
    expect(assets).toEqual([]);
    const chunk = chunks[0]!;
    expect(chunk.imports).toEqual(['electron']);
    expect(chunk.dynamicImports).toEqual([]);
    expect([...code.matchAll(/\brequire\(\s*(["'`])([^"'`]*)\1\s*\)/g)].map((match) => match[2])).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\bimport\(/);
  });

  it('bundles zod and the contract in (no node_modules lookup at runtime)', () => {
    expect(code).not.toMatch(/require\(["']zod["']\)/);
    expect(code).toContain('workbench:invoke');
  });
});

describe('preload behaviour', () => {
  it('exposes window.workbench, the contract transport (invoke and on only), and window.workbenchDesktop with the save dialog', () => {
    const fake = fakeElectron(async () => ({ ok: true, value: null }));
    runPreload(fake);
    expect([...fake.exposed.keys()]).toEqual(['workbench', 'workbenchDesktop']);
    expect(Object.keys(fake.exposed.get('workbenchDesktop') as object).sort()).toEqual(['saveDownload', 'showInFolder']);
    expect(Object.keys(fake.exposed.get('workbench') as object).sort()).toEqual(['invoke', 'on']);
  });

  it('gives the page an API with exactly the contract channels once it builds one on the transport', () => {
    const fake = fakeElectron(async () => ({ ok: true, value: null }));
    runPreload(fake);
    const api = createWorkbenchApi(fake.exposed.get('workbench') as TransportClient) as unknown as Record<string, unknown>;
    const methods = Object.entries(api).flatMap(([domain, value]) =>
      typeof value === 'function' ? [domain] : Object.keys(value as object).map((name) => `${domain}.${name}`),
    );
    expect(methods.sort()).toEqual([...REQUEST_CHANNELS, 'on'].sort());
  });

  it('workbenchDesktop passes ids (strings, bounded) to its two channels', async () => {
    const calls: unknown[][] = [];
    const fake = fakeElectron(async (...args) => {
      calls.push(args);
      return { saved: false, reason: 'cancelled' };
    });
    runPreload(fake);
    const desktop = fake.exposed.get('workbenchDesktop') as { saveDownload(id: unknown): Promise<unknown>; showInFolder(id: unknown): Promise<unknown> };
    await desktop.saveDownload('abc');
    await desktop.showInFolder({ path: '/etc/passwd' });
    expect(calls).toEqual([
      ['workbench:save-download', 'abc'],
      ['workbench:show-in-folder', '[object Object]'],
    ]);
  });

  it('invokes over the one IPC channel with the contract channel name and the input', async () => {
    const calls: unknown[][] = [];
    const fake = fakeElectron(async (...args) => {
      calls.push(args);
      return { ok: true, value: { version: '1', shell: 'electron', secretsProtection: 'x' } };
    });
    runPreload(fake);
    const api = createWorkbenchApi(fake.exposed.get('workbench') as TransportClient);
    expect(await api.app.info({})).toEqual({ ok: true, value: { version: '1', shell: 'electron', secretsProtection: 'x' } });
    expect(calls).toEqual([['workbench:invoke', 'app.info', {}]]);
  });

  it('turns a refused or failed IPC call into a failed Result instead of a rejection', async () => {
    const fake = fakeElectron(async () => {
      throw new Error("Error invoking remote method 'workbench:invoke': Error: Refused");
    });
    runPreload(fake);
    const transport = fake.exposed.get('workbench') as TransportClient;
    await expect(transport.invoke('connections.list', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    await expect(transport.invoke('no.such' as RequestChannel, {})).resolves.toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const api = createWorkbenchApi(transport);
    await expect(api.connections.list({})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('delivers only its own event channel, only the payload, and stops on dispose', () => {
    const fake = fakeElectron(async () => null);
    runPreload(fake);
    const transport = fake.exposed.get('workbench') as TransportClient;
    const received: unknown[][] = [];
    const dispose = transport.on('connections.status', (...args) => received.push(args));
    const payload = { connectionId: 'c1', status: 'connected' };
    fake.emit('workbench:event', 'messages.dropped', { count: 1 });
    fake.emit('workbench:event', 'connections.status', payload);
    expect(received).toEqual([[payload]]);
    dispose();
    fake.emit('workbench:event', 'connections.status', payload);
    expect(received).toHaveLength(1);
    expect(fake.listeners.get('workbench:event')?.size ?? 0).toBe(0);
  });

  it('passes a message batch through as the frame, which the page decodes (once for all its listeners)', () => {
    const fake = fakeElectron(async () => null);
    runPreload(fake);
    const api = createWorkbenchApi(fake.exposed.get('workbench') as TransportClient);
    expect(EVENT_CHANNELS).toContain('messages.batch');
    const messages = [{ connectionId: 'c1', direction: 'in' as const, topic: 'a/b', payload: new Uint8Array([1, 2]), qos: 1 as const, retain: false, dup: false, timestamp: 5, id: 7 }];
    const first: unknown[] = [];
    const second: unknown[] = [];
    api.on('messages.batch', (batch) => first.push(batch));
    api.on('messages.batch', (batch) => second.push(batch));
    fake.emit('workbench:event', 'messages.batch', encodeEventFrame('messages.batch', { messages }));
    expect(first).toEqual([{ messages }]);
    expect(second[0]).toBe(first[0]);
    // A frame that does not decode is dropped, as a broken JSON frame is on the WebSocket.
    fake.emit('workbench:event', 'messages.batch', new Uint8Array([1, 2, 3]));
    fake.emit('workbench:event', 'messages.batch', { messages });
    expect(first).toHaveLength(1);
  });

  it('refuses an event channel that is not in the contract', () => {
    const fake = fakeElectron(async () => null);
    runPreload(fake);
    const transport = fake.exposed.get('workbench') as TransportClient;
    expect(() => transport.on('ipc:anything' as EventChannel, () => {})).toThrow(/Unknown event channel/);
    expect(fake.listeners.get('workbench:event')?.size ?? 0).toBe(0);
  });
});
