// Downloads from a real host: History exports and payloads handed over once, over an
// authenticated URL, streamed from the file with bounded memory (main/host/download-route.ts).
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { createHistory } from '../../main/core/history/create-history';
import { type RunningHost, startHost } from '../../main/host/host-server';
import type { ExportProgressEvent, Result } from '../../shared/contract';
import { message } from '../support/history-fixtures';

const ROWS = 540;
// A real collector call, so what is measured is what the host still holds, not garbage.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const PAYLOAD_CHARS = 100_000;
let dataDir: string;
let rendererDir: string;
let core: WorkbenchCore;
let host: RunningHost;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-downloads-'));
  rendererDir = mkdtempSync(join(tmpdir(), 'wb-renderer-'));
  // 54 MB of History rows, written before the workbench opens the database.
  const history = await createHistory({ path: join(dataDir, 'history.db') });
  for (let i = 0; i < ROWS; i++) {
    history.append('c1', message({ text: `${String(i).padStart(6, '0')}${'x'.repeat(PAYLOAD_CHARS)}`, timestamp: 1_700_000_000_000 + i, topic: `big/${i}` }));
  }
  await history.flush();
  await history.close();
  core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir, secretsProtection: 'test' });
  host = await startHost({ core, rendererDir, port: 0 });
}, 120_000);

afterAll(async () => {
  await host.close();
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(rendererDir, { recursive: true, force: true });
});

async function call<T>(channel: string, input: unknown): Promise<T> {
  const result = (await core.dispatcher.handle(channel, input)) as Result<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/** Exports for a download and mints its download id. */
async function exportForDownload(query: object = {}): Promise<{ downloadId: string; fileName: string; bytes: number; path: string }> {
  const done = new Promise<ExportProgressEvent>((resolve) => {
    const off = core.events.subscribe((channel, payload) => {
      const progress = payload as ExportProgressEvent;
      if (channel === 'history.exportProgress' && progress.state !== 'running') {
        off();
        resolve(progress);
      }
    });
  });
  const { exportId, path } = await call<{ exportId: string; path: string }>('history.export', { format: 'ndjson', query, delivery: 'download' });
  expect((await done).state).toBe('done');
  const ticket = await call<{ downloadId: string; fileName: string; bytes: number }>('history.download', { exportId });
  return { ...ticket, path };
}

interface Got {
  status: number;
  headers: IncomingMessage['headers'];
  bytes: number;
  sha256: string;
  body: string;
}

/** GETs a path, hashing the body as it streams in (never holding it, unless `keepBody`). */
function get(path: string, headers: Record<string, string> = {}, keepBody = false, onChunk?: () => void): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, headers }, (response) => {
      const hash = createHash('sha256');
      let bytes = 0;
      const kept: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.byteLength;
        hash.update(chunk);
        if (keepBody) kept.push(chunk);
        onChunk?.();
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes, sha256: hash.digest('hex'), body: Buffer.concat(kept).toString('utf8') }),
      );
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function fileSha256(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

const url = (id: string, token: string | null = host.token) => `/download/${id}${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;

describe('host downloads', () => {
  it('streams a 50 MB History export once, with the token, with bounded memory, then removes the host file', async () => {
    const ticket = await exportForDownload();
    expect(ticket.bytes).toBeGreaterThan(50 * 1024 * 1024);
    expect(ticket.downloadId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const expected = await fileSha256(ticket.path);

    // Without the token, or with a wrong one: refused, and the id is not spent.
    expect((await get(url(ticket.downloadId, null))).status).toBe(401);
    expect((await get(url(ticket.downloadId, `${host.token}x`))).status).toBe(401);
    // From another origin (a page elsewhere that learned the id): refused.
    expect((await get(url(ticket.downloadId), { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(url(ticket.downloadId), { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);

    gc();
    const base = process.memoryUsage();
    let peak = 0;
    let chunks = 0;
    const got = await get(url(ticket.downloadId), { 'Sec-Fetch-Site': 'same-origin' }, false, () => {
      if (++chunks % 40 !== 0) return;
      gc();
      const now = process.memoryUsage();
      peak = Math.max(peak, now.arrayBuffers - base.arrayBuffers + (now.heapUsed - base.heapUsed));
    });
    expect(got.status).toBe(200);
    expect(got.bytes).toBe(ticket.bytes);
    expect(got.headers['content-length']).toBe(String(ticket.bytes));
    expect(got.sha256).toBe(expected);
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="history-[\d-]+\.ndjson"; filename\*=UTF-8''history-[\d-]+\.ndjson$/);
    expect(got.headers['cache-control']).toBe('no-store');
    // Streamed, not buffered: the host (this process) never held anything like the 52 MB at once.
    expect(chunks).toBeGreaterThan(100);
    expect(peak).toBeLessThan(12 * 1024 * 1024);

    // Single use: the second request is refused, and the host's copy is gone.
    expect((await get(url(ticket.downloadId))).status).toBe(404);
    await expect.poll(() => existsSync(ticket.path)).toBe(false);
  }, 120_000);

  it('the rows arrive as NDJSON, one record per stored message', async () => {
    const ticket = await exportForDownload({ topicFilter: 'big/1' });
    const got = await get(url(ticket.downloadId), {}, true);
    const lines = got.body.trim().split('\n').map((line) => JSON.parse(line) as { topic: string; payload: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ topic: 'big/1' });
    expect(lines[0]!.payload).toBe(`000001${'x'.repeat(PAYLOAD_CHARS)}`);
  });

  it('refuses unknown, malformed and traversal ids, and other methods', async () => {
    const ticket = await exportForDownload({ topicFilter: 'big/2' });
    for (const id of ['nope', '..%2F..%2Fhistory.db', '../history.db', 'A'.repeat(43)]) {
      expect((await get(url(id))).status).toBe(404);
    }
    const posted = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: host.port, path: url(ticket.downloadId), method: 'POST' }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(posted).toBe(405);
    // None of that spent it.
    expect((await get(url(ticket.downloadId))).status).toBe(200);
  });

  it('mints one download per export, and names files safely', async () => {
    const done = new Promise<string>((resolve) => {
      const off = core.events.subscribe((channel, payload) => {
        const progress = payload as ExportProgressEvent;
        if (channel === 'history.exportProgress' && progress.state === 'done') {
          off();
          resolve(progress.exportId);
        }
      });
    });
    const { exportId } = await call<{ exportId: string }>('history.export', { format: 'csv', query: { topicFilter: 'big/3' }, delivery: 'download', fileName: 'my report (1).csv' });
    expect(await done).toBe(exportId);
    const ticket = await call<{ downloadId: string; fileName: string }>('history.download', { exportId });
    expect(ticket.fileName).toBe('my report (1).csv');
    await expect(call('history.download', { exportId })).rejects.toThrow(/NOT_FOUND/);
    const got = await get(url(ticket.downloadId));
    expect(got.headers['content-disposition']).toBe(`attachment; filename="my report (1).csv"; filename*=UTF-8''my%20report%20(1).csv`);
    // A file name with a path in it, or only dots, never reaches history.export.
    for (const fileName of ['../escape.csv', '..', 'a/b.csv']) {
      await expect(call('history.export', { format: 'csv', delivery: 'download', fileName })).rejects.toThrow(/INVALID_REQUEST/);
    }
  });

  it('hands over the whole of a big live payload (the UI only got a preview) once, byte for byte', async () => {
    const { tcpPort } = await call<{ tcpPort: number }>('broker.start', { port: 0 });
    const { connectionId } = await call<{ connectionId: string }>('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: tcpPort, protocolVersion: 5 });
    await call('messages.subscribe', { connectionId, filter: 'blob/#', qos: 1 });
    const big = Uint8Array.from({ length: 900_000 }, (_, i) => (i * 7) % 256);
    const live = new Promise<{ id: number; payloadSize?: number }>((resolve) => {
      const off = core.events.subscribe((channel, payload) => {
        if (channel !== 'messages.batch') return;
        const found = (payload as { messages: { id: number; topic: string; direction: string; payloadSize?: number }[] }).messages.find(
          (m) => m.topic === 'blob/one' && m.direction === 'in',
        );
        if (found) {
          off();
          resolve(found);
        }
      });
    });
    await call('messages.publish', { connectionId, topic: 'blob/one', payload: big, qos: 1 });
    const message = await live;
    expect(message.payloadSize).toBe(big.byteLength);
    const ticket = await call<{ downloadId: string; fileName: string; bytes: number }>('messages.downloadPayload', { connectionId, id: message.id, fileName: 'blob_one.bin' });
    expect(ticket).toMatchObject({ fileName: 'blob_one.bin', bytes: big.byteLength });
    expect((await get(url(ticket.downloadId, 'wrong'))).status).toBe(401);
    const got = await get(url(ticket.downloadId));
    expect(got.status).toBe(200);
    expect(got.sha256).toBe(createHash('sha256').update(big).digest('hex'));
    expect(got.headers['content-disposition']).toContain('filename="blob_one.bin"');
    expect((await get(url(ticket.downloadId))).status).toBe(404);
    await call('connections.disconnect', { connectionId });
    await call('broker.stop', {});
  });
});
