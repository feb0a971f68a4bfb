/**
 * The browser-mode address survives restarts (issue 14): the token is kept per data folder in a
 * 0600 file, `--new-token` rotates it, and a page can tell a wrong token from a host that is not
 * running through GET /api/token-check. Real host processes on a real port and data folder.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createWorkbenchCore } from '../../main/core/create-core';
import { startHost } from '../../main/host/host-server';
import { HOST_TOKEN_FILE, loadHostToken } from '../../main/host/host-token';
import { type ServerFrame, TOKEN_CHECK_PATH, TOKEN_HEADER, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';
import { type HostProcess, startHostProcess } from '../support/host-process';

const TIMEOUT = 60_000;
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});
function tempFolder(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
}

interface Answer {
  status: number;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const checkToken = (port: number, token: string, headers: Record<string, string> = {}) => get(port, TOKEN_CHECK_PATH, { [TOKEN_HEADER]: token, ...headers });

/** Opens the contract socket as the page does and makes one request; rejects with the HTTP status of a refused upgrade. */
async function roundTrip(port: number, token: string): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${WIRE_PATH}?token=${encodeURIComponent(token)}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  try {
    const response = new Promise<ServerFrame>((resolve) => {
      ws.on('message', (data, isBinary) => {
        if (!isBinary) resolve(decodeFrame(data.toString()) as ServerFrame);
      });
    });
    ws.send(encodeFrame({ type: 'request', id: 1, channel: 'connections.list', input: {} }));
    return ((await response) as Extract<ServerFrame, { type: 'response' }>).result;
  } finally {
    ws.close();
  }
}

describe('the host token file', () => {
  it('is created 0600 when missing, read back as it is, and replaced on rotate or when damaged', () => {
    const dataDir = join(tempFolder('wb-token-'), 'not-yet-made');
    const first = loadHostToken(dataDir);
    const path = join(dataDir, HOST_TOKEN_FILE);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadHostToken(dataDir)).toBe(first);

    const rotated = loadHostToken(dataDir, { rotate: true });
    expect(rotated).not.toBe(first);
    expect(readFileSync(path, 'utf8').trim()).toBe(rotated);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    // Loosened by hand: tightened again, same token.
    writeFileSync(path, `${rotated}\n`, { mode: 0o644 });
    expect(loadHostToken(dataDir)).toBe(rotated);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    // Not a token (an empty file, a stray edit): a new one, never an empty or short token.
    writeFileSync(path, 'short');
    const fresh = loadHostToken(dataDir);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe('GET /api/token-check', () => {
  it('tells a wrong token from the right one and says nothing else; same origin only; rate-limited', async () => {
    const rendererDir = tempFolder('wb-renderer-');
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>wb</title>');
    const core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test' });
    const host = await startHost({ core, rendererDir, port: 0, limits: { tokenCheckBurst: 6, tokenChecksPerSecond: 0.001 } });
    try {
      expect(await checkToken(host.port, host.token)).toEqual({ status: 200, body: '{"valid":true}' });
      expect(await checkToken(host.port, `${host.token.slice(0, -1)}x`)).toEqual({ status: 401, body: '{"valid":false}' });
      expect(await get(host.port, TOKEN_CHECK_PATH)).toEqual({ status: 401, body: '{"valid":false}' });
      // Another site's page (the browser names its origin) learns nothing, even with the token.
      expect((await checkToken(host.port, host.token, { Origin: 'http://evil.example' })).status).toBe(403);
      expect((await checkToken(host.port, host.token, { 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
      expect((await checkToken(host.port, host.token, { Origin: `http://127.0.0.1:${host.port}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
      // The burst of 6 is spent (refused ones above did not count): refused until it refills.
      expect((await checkToken(host.port, host.token)).status).toBe(200);
      expect((await checkToken(host.port, host.token)).status).toBe(200);
      expect(await checkToken(host.port, host.token)).toEqual({ status: 429, body: '' });
    } finally {
      await host.close();
      await core.close();
    }
  });
});

describe('a real host restarted on the same data folder', { timeout: TIMEOUT }, () => {
  let host: HostProcess | undefined;
  afterAll(async () => {
    await host?.stop();
  });

  it('keeps its URL across a restart, refuses it after --new-token, and never serves the token file', async () => {
    host = await startHostProcess();
    const { url, port, token, dataDir } = host;
    const path = join(dataDir, HOST_TOKEN_FILE);
    expect(readFileSync(path, 'utf8').trim()).toBe(token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await roundTrip(port, token)).toEqual({ ok: true, value: [] });
    for (const probe of [`/${HOST_TOKEN_FILE}`, `/../${HOST_TOKEN_FILE}`, `/..%2f${HOST_TOKEN_FILE}`, `/%2e%2e/${HOST_TOKEN_FILE}`]) {
      const answer = await get(port, probe);
      expect(answer.status, probe).toBe(404);
      expect(answer.body).not.toContain(token);
    }

    // The line after the ready line may come in a later chunk.
    await vi.waitFor(() => expect(host!.output()).toContain('The same address works after a restart with this data folder'));
    host = await host.restart();
    expect(host.url).toBe(url);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await roundTrip(port, token)).toEqual({ ok: true, value: [] });
    expect((await checkToken(port, token)).status).toBe(200);

    host = await host.restart({ args: ['--new-token'] });
    expect(host.port).toBe(port);
    expect(host.token).not.toBe(token);
    await vi.waitFor(() => expect(host!.output()).toContain('addresses from earlier launches no longer work'));
    expect(readFileSync(path, 'utf8').trim()).toBe(host.token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(roundTrip(port, token)).rejects.toThrow('HTTP 401');
    expect(await checkToken(port, token)).toEqual({ status: 401, body: '{"valid":false}' });
    expect(await roundTrip(port, host.token)).toEqual({ ok: true, value: [] });

    // The rotated token is the one kept from then on.
    const rotated = host.token;
    host = await host.restart();
    expect(host.token).toBe(rotated);
  });
});
