import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { type RunningHost, startHost } from '../../main/host/host-server';
import { decodeMessageBatchFrame } from '../../shared/message-batch-frame';
import { type ServerFrame, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';

const MAX_FRAME = 64 * 1024;
let host: RunningHost;
let rendererDir: string;
const core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test' });

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'wb-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>wb</title>');
  host = await startHost({ core, rendererDir, port: 0, maxFrameBytes: MAX_FRAME });
});

afterAll(async () => {
  await host.close();
  await core.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

function origin(): string {
  return `http://127.0.0.1:${host.port}`;
}

/** Opens the contract socket; resolves with the socket, or rejects with the HTTP status. */
function openSocket(token: string | null, headers: Record<string, string> = { Origin: origin() }, port = host.port): Promise<WebSocket> {
  const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${WIRE_PATH}${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextResponse(ws: WebSocket): Promise<Extract<ServerFrame, { type: 'response' }>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData, isBinary: boolean) => {
      if (isBinary) return; // message batches (shared/message-batch-frame.ts)
      const frame = decodeFrame(data.toString()) as ServerFrame;
      if (frame.type === 'response') {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
  });
}

function httpGet(path: string, port = host.port): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser-mode host', () => {
  it('prints a loopback URL carrying the token in the fragment', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${host.token}`);
    expect(host.token.length).toBeGreaterThanOrEqual(32);
    expect((host.server.address() as { address: string }).address).toBe('127.0.0.1');
  });

  it('serves the built UI with a strict CSP header', async () => {
    const response = await httpGet('/');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>wb</title>');
    expect(String(response.headers['content-security-policy'])).toContain("script-src 'self'");
  });

  it.each(['/../package.json', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/a%00b'])(
    'never serves a file outside the renderer folder: %s',
    async (path) => {
      const response = await httpGet(path);
      expect(response.status).toBe(404);
    },
  );

  it('refuses a socket without a token', async () => {
    await expect(openSocket(null)).rejects.toThrow('HTTP 401');
  });

  it('refuses a socket with a wrong token', async () => {
    await expect(openSocket('x'.repeat(host.token.length))).rejects.toThrow('HTTP 401');
  });

  it('refuses a socket from a foreign Origin, even with the token', async () => {
    await expect(openSocket(host.token, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket(host.token, {})).rejects.toThrow('HTTP 403');
  });

  it('answers a valid request with the token and our Origin', async () => {
    const ws = await openSocket(host.token);
    ws.send(encodeFrame({ type: 'request', id: 1, channel: 'app.info', input: {} }));
    const response = await nextResponse(ws);
    expect(response).toEqual({ type: 'response', id: 1, result: { ok: true, value: { version: 'test', shell: 'browser', secretsProtection: 'test', secretsProtectionInfo: { kind: 'memory' } } } });
    ws.close();
  });

  it('sends message batches as binary frames that decode to the same messages, other events as JSON text', async () => {
    const ws = await openSocket(host.token);
    const frames: { data: Buffer; isBinary: boolean }[] = [];
    ws.on('message', (data: Buffer, isBinary: boolean) => frames.push({ data, isBinary }));
    const batch = [
      { connectionId: 'c9', direction: 'in' as const, topic: 'a/b', payload: Buffer.from([0, 255, 7]), qos: 1 as const, retain: true, dup: false, timestamp: 1_700_000_000_000, id: 3 },
      { connectionId: 'c9', direction: 'out' as const, topic: 'big', payload: Buffer.alloc(4096, 0x61), qos: 0 as const, retain: false, dup: false, timestamp: 1_700_000_000_001, id: 4, payloadSize: 500_000 },
    ];
    core.events.emit('messages.batch', { messages: batch });
    core.events.emit('broker.changed', { kind: 'client' });
    await vi.waitFor(() => expect(frames).toHaveLength(2));
    expect(frames[0]!.isBinary).toBe(true);
    const { messages } = decodeMessageBatchFrame(new Uint8Array(frames[0]!.data));
    expect(messages.map((m) => ({ ...m, payload: Buffer.from(m.payload) }))).toEqual(batch);
    expect(frames[1]!.isBinary).toBe(false);
    expect(decodeFrame(frames[1]!.data.toString())).toEqual({ type: 'event', channel: 'broker.changed', payload: { kind: 'client' } });
    ws.close();
  });

  it('answers garbage with BAD_FRAME and INVALID_REQUEST while it keeps serving other clients', async () => {
    const bad = await openSocket(host.token);
    const good = await openSocket(host.token);
    bad.send('{this is not json');
    expect((await nextResponse(bad)).result).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    bad.send(JSON.stringify({ type: 'request', id: 'x' }));
    expect((await nextResponse(bad)).result).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });
    bad.send(encodeFrame({ type: 'request', id: 7, channel: 'connections.connect', input: { host: 42 } }));
    const invalid = await nextResponse(bad);
    expect(invalid.id).toBe(7);
    expect(invalid.result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    bad.send(JSON.stringify({ type: 'request', id: 8, channel: 'messages.publish', input: { payload: { $bytes: '@@@' } } }));
    expect((await nextResponse(bad)).result).toMatchObject({ ok: false, error: { code: 'BAD_FRAME' } });

    good.send(encodeFrame({ type: 'request', id: 2, channel: 'connections.list', input: {} }));
    expect(await nextResponse(good)).toEqual({ type: 'response', id: 2, result: { ok: true, value: [] } });
    bad.close();
    good.close();
  });

  it('refuses an oversized frame by closing that socket (1009) and keeps serving', async () => {
    const ws = await openSocket(host.token);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('x'.repeat(MAX_FRAME + 1));
    expect(await closed).toBe(1009);
    const other = await openSocket(host.token);
    other.send(encodeFrame({ type: 'request', id: 3, channel: 'connections.list', input: {} }));
    expect((await nextResponse(other)).result.ok).toBe(true);
    other.close();
  });
});

describe('a host whose core is still being created (issue 19: the page is served first)', () => {
  it('serves the page at once, keeps refusing a wrong token or Origin, and answers requests sent meanwhile in order once the core is ready', async () => {
    let provide!: (ready: WorkbenchCore) => void;
    const early = await startHost({ core: new Promise<WorkbenchCore>((resolve) => (provide = resolve)), rendererDir, port: 0 });
    const own = { Origin: `http://127.0.0.1:${early.port}` };
    try {
      expect((await httpGet('/', early.port)).body).toContain('<title>wb</title>');
      await expect(openSocket('x'.repeat(early.token.length), own, early.port)).rejects.toThrow('HTTP 401');
      await expect(openSocket(early.token, { Origin: 'http://evil.example' }, early.port)).rejects.toThrow('HTTP 403');

      const ws = await openSocket(early.token, own, early.port);
      const answered: Array<Extract<ServerFrame, { type: 'response' }>> = [];
      ws.on('message', (data, isBinary) => {
        if (!isBinary) answered.push(decodeFrame(data.toString()) as Extract<ServerFrame, { type: 'response' }>);
      });
      ws.send(encodeFrame({ type: 'request', id: 1, channel: 'app.info', input: {} }));
      ws.send(encodeFrame({ type: 'request', id: 2, channel: 'connections.list', input: {} }));
      // Served while the requests wait: nothing can answer them before the core exists.
      expect((await httpGet('/', early.port)).status).toBe(200);
      expect(answered).toEqual([]);

      provide(core);
      await vi.waitFor(() => expect(answered).toHaveLength(2));
      expect(answered).toEqual([
        { type: 'response', id: 1, result: { ok: true, value: { version: 'test', shell: 'browser', secretsProtection: 'test', secretsProtectionInfo: { kind: 'memory' } } } },
        { type: 'response', id: 2, result: { ok: true, value: [] } },
      ]);
      ws.close();
    } finally {
      await early.close();
    }
  });
});

describe('a host given a function that makes its core', () => {
  it('makes the core once, when the page needs it, and answers the page from it', async () => {
    let made = 0;
    const lazy = await startHost({ core: async () => (made++, core), rendererDir, port: 0 });
    try {
      expect((await httpGet('/', lazy.port)).status).toBe(200);
      const ws = await openSocket(lazy.token, { Origin: `http://127.0.0.1:${lazy.port}` }, lazy.port);
      ws.send(encodeFrame({ type: 'request', id: 4, channel: 'connections.list', input: {} }));
      expect(await nextResponse(ws)).toEqual({ type: 'response', id: 4, result: { ok: true, value: [] } });
      expect(made).toBe(1);
      ws.close();
    } finally {
      await lazy.close();
    }
  });
});
