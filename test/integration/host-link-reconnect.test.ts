/**
 * The page's link to its host (renderer/bridge/websocket-client.ts) against a real host on a real
 * port: it retries within its bounds while the host is away, is back by itself when a host with the
 * same token listens on the same port again, tells a wrong token from a missing host, and takes a
 * new token at once. The browser's WebSocket is `ws` sending the page's Origin, as Chromium does.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WsWebSocket from 'ws';
import type { HostLink, TokenVerdict } from '../../renderer/bridge/host-link';
import { createWebSocketClient } from '../../renderer/bridge/websocket-client';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { type RunningHost, startHost } from '../../main/host/host-server';
import { TOKEN_CHECK_PATH, TOKEN_HEADER, TOKEN_PARAM, WIRE_PATH } from '../../shared/wire';

const MIN_DELAY = 40;
const MAX_DELAY = 160;
let rendererDir: string;
let core: WorkbenchCore;
let host: RunningHost | undefined;
let port = 0;

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'wb-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>wb</title>');
  core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test' });
  host = await startHost({ core, rendererDir, port: 0, token: 'a'.repeat(32) });
  port = host.port;
  // The page's WebSocket: a real one, with the Origin a browser sends from the host's own page.
  vi.stubGlobal(
    'WebSocket',
    class extends WsWebSocket {
      constructor(url: string) {
        super(url, { headers: { Origin: `http://127.0.0.1:${port}` } });
      }
    },
  );
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await host?.close();
  await core.close();
  rmSync(rendererDir, { recursive: true, force: true });
});

/** What the page's fetch does (renderer/bridge/index.ts), with Node's http. */
function checkToken(token: string): Promise<TokenVerdict> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: TOKEN_CHECK_PATH, headers: { [TOKEN_HEADER]: token } }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 'valid' : res.statusCode === 401 ? 'wrong' : 'unknown');
    });
    req.on('error', () => resolve('unreachable'));
    req.end();
  });
}

function linkRecorder() {
  const links: { at: number; link: HostLink }[] = [];
  return {
    links,
    onLink: (link: HostLink) => links.push({ at: Date.now(), link }),
    last: () => links.at(-1)?.link,
  };
}

describe('the page link to its host', { timeout: 30_000 }, () => {
  it('retries within its bounds while the host is away and is back by itself when it returns on the same port and token', async () => {
    const recorder = linkRecorder();
    const client = createWebSocketClient({
      token: 'a'.repeat(32),
      socketUrl: (token) => `ws://127.0.0.1:${port}${WIRE_PATH}?${TOKEN_PARAM}=${token}`,
      checkToken,
      onLink: recorder.onLink,
      minDelayMs: MIN_DELAY,
      maxDelayMs: MAX_DELAY,
    });
    try {
      await vi.waitFor(() => expect(recorder.last()).toEqual({ state: 'open' }));
      expect((await client.invoke('connections.list', {})).ok).toBe(true);

      await host!.close();
      await vi.waitFor(() => expect(recorder.links.filter(({ link }) => link.state === 'closed').length).toBeGreaterThanOrEqual(8), { timeout: 5000 });
      const failed = await client.invoke('connections.list', {});
      // The page's own English for logs; empty params: another language says the code's sentence (the banner says why).
      expect(failed).toEqual({ ok: false, error: { code: 'CONNECTION_CLOSED', message: 'Lost the connection to the workbench host: not connected', params: {} } });
      const closed = recorder.links.filter(({ link }) => link.state === 'closed');
      // Why, as a kind the banner words in the UI language: it had been reached, so it stopped.
      expect(closed[0]!.link).toEqual({ state: 'closed', reason: { kind: 'stopped' }, wasOpen: true, attempt: 1 });
      expect(closed.map(({ link }) => (link as { attempt: number }).attempt)).toEqual(closed.map((_, i) => i + 1));
      // Backing off from MIN_DELAY, never waiting longer than MAX_DELAY (timers are late, never early;
      // a loaded machine adds to each gap, but unbounded doubling would be at 5 s by the 8th).
      const gaps = closed.slice(1).map(({ at }, i) => at - closed[i]!.at);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_DELAY - 5);
      expect(Math.max(...gaps)).toBeLessThan(MAX_DELAY + 600);
      expect(gaps.at(-1)!).toBeGreaterThanOrEqual(MAX_DELAY - 5);

      host = await startHost({ core, rendererDir, port, token: 'a'.repeat(32) });
      await vi.waitFor(() => expect(recorder.last()).toEqual({ state: 'open' }), { timeout: 5000 });
      expect((await client.invoke('connections.list', {})).ok).toBe(true);
    } finally {
      client.close();
    }
  });

  it('says wrong-token (not closed) for a token of another launch, takes the right one at once, and retries at once when asked', async () => {
    const recorder = linkRecorder();
    const client = createWebSocketClient({
      token: 'b'.repeat(32),
      socketUrl: (token) => `ws://127.0.0.1:${port}${WIRE_PATH}?${TOKEN_PARAM}=${token}`,
      checkToken,
      onLink: recorder.onLink,
      // Long: the new token must not wait for the next retry.
      minDelayMs: 60_000,
      maxDelayMs: 60_000,
    });
    try {
      await vi.waitFor(() => expect(recorder.last()).toEqual({ state: 'wrong-token', attempt: 1 }));
      client.setToken('a'.repeat(32));
      await vi.waitFor(() => expect(recorder.last()).toEqual({ state: 'open' }), { timeout: 3000 });
      expect((await client.invoke('connections.list', {})).ok).toBe(true);

      // Away again, with a minute to the next retry: retryNow (the tab shown again) does not wait for it.
      await host!.close();
      await vi.waitFor(() => expect(recorder.last()).toMatchObject({ state: 'closed', wasOpen: true }));
      host = await startHost({ core, rendererDir, port, token: 'a'.repeat(32) });
      client.retryNow();
      await vi.waitFor(() => expect(recorder.last()).toEqual({ state: 'open' }), { timeout: 3000 });

      client.setToken(null);
      await vi.waitFor(() => expect(recorder.last()).toEqual({ state: 'no-token' }));
      expect((await client.invoke('connections.list', {})).ok).toBe(false);
    } finally {
      client.close();
    }
  });
});
