import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { type Socket, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createWorkbenchCore } from '../../main/core/create-core';
import type { HostLimits } from '../../main/host/host-limits';
import { startHost } from '../../main/host/host-server';
import type { ConnectionSummary } from '../../shared/contract';
import { decodeMessageBatchFrame } from '../../shared/message-batch-frame';
import { type ServerFrame, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';
import { type HostProcess, startHostProcess } from '../support/host-process';
import { type Mosquitto, startMosquitto } from '../support/mosquitto';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A page's socket as the UI opens it (token and Origin), counting what it is sent. */
async function openUiSocket(port: number, token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${WIRE_PATH}?token=${encodeURIComponent(token)}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const state = { received: 0, dropped: 0, droppedEvents: 0, sawEnd: false, statuses: [] as string[] };
  const waiting = new Map<number, (frame: Extract<ServerFrame, { type: 'response' }>) => void>();
  const watchers = new Set<() => void>();
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      for (const message of decodeMessageBatchFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).messages) {
        if (!message.topic.startsWith('fire/')) continue;
        state.received++;
        if (message.topic === 'fire/end') state.sawEnd = true;
      }
    } else {
      const frame = decodeFrame(data.toString()) as ServerFrame;
      if (frame.type === 'response') waiting.get(frame.id)?.(frame);
      else if (frame.channel === 'messages.dropped') {
        state.dropped += (frame.payload as { count: number }).count;
        state.droppedEvents++;
      } else if (frame.channel === 'connections.status') state.statuses.push((frame.payload as { status: string }).status);
    }
    for (const watcher of watchers) watcher();
  });
  let nextId = 1;
  cleanups.push(() => ws.terminate());
  return {
    ws,
    state,
    /** Resolves once `condition` holds, checked after every frame this socket gets. */
    until(condition: () => boolean): Promise<void> {
      if (condition()) return Promise.resolve();
      return new Promise((resolve) => {
        const watcher = () => {
          if (!condition()) return;
          watchers.delete(watcher);
          resolve();
        };
        watchers.add(watcher);
      });
    },
    async call(channel: string, input: unknown): Promise<unknown> {
      const id = nextId++;
      const response = new Promise<Extract<ServerFrame, { type: 'response' }>>((resolve) => waiting.set(id, resolve));
      ws.send(encodeFrame({ type: 'request', id, channel, input } as never));
      const { result } = await response;
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
  };
}

/** Resident memory of a process, from /proc (Linux). */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) / 1024;
}

const PAUSED_SOCKETS = 3;
/** 1 KiB messages: ~100 MB through each socket, 3 paused sockets would hold ~300 MB without the bound. */
const MESSAGES = 100_000;
/**
 * Published but not yet seen by the reading page: the firehose runs as fast as a reading page takes
 * it, and never faster, so mosquitto's queue for the host (1000 by default) never overflows and
 * every message published reaches the host.
 */
const WINDOW = 800;

describe('host limits: pages that stop reading', () => {
  it('keeps the host under a memory bound while UI sockets stop reading during a firehose, tells each how many it missed, and a reading socket loses nothing', async () => {
    const broker: Mosquitto = await startMosquitto();
    cleanups.push(() => broker.stop());
    const host: HostProcess = await startHostProcess();
    cleanups.push(() => host.stop());

    const reader = await openUiSocket(host.port, host.token);
    const paused = await Promise.all(Array.from({ length: PAUSED_SOCKETS }, () => openUiSocket(host.port, host.token)));
    const { connectionId } = (await reader.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5 })) as {
      connectionId: string;
    };
    await reader.call('messages.subscribe', { connectionId, filter: 'fire/#', qos: 1 });
    for (const socket of paused) socket.ws.pause();

    const before = rssMb(host.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb(host.pid))), 100);
    cleanups.push(() => clearInterval(sampler));

    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 5 });
    cleanups.push(() => publisher.endAsync(true));
    const payload = Buffer.alloc(1024, 0x78);
    let sent = 0;
    let atHalf = 0;
    const started = performance.now();
    while (sent < MESSAGES) {
      await reader.until(() => sent - reader.state.received <= WINDOW / 2);
      if (!atHalf && sent >= MESSAGES / 2) atHalf = rssMb(host.pid);
      for (const end = Math.min(MESSAGES, sent + WINDOW / 2); sent < end; sent++) publisher.publish('fire/load', payload, { qos: 1 });
    }
    // A last message on its own topic: once the reader has it, the firehose is over for the host.
    publisher.publish('fire/end', 'end', { qos: 1 });
    await reader.until(() => reader.state.sawEnd);
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, rssMb(host.pid));
    const atEnd = rssMb(host.pid);
    const figures = `${MESSAGES} messages of 1 KiB in ${seconds.toFixed(1)} s; host RSS: ${before.toFixed(0)} MB before, ${atHalf.toFixed(0)} MB halfway, ${atEnd.toFixed(0)} MB at the end, peak ${peak.toFixed(0)} MB`;
    console.info(figures);

    // Control frames are never dropped: a status event and a response sent while the sockets are
    // still paused reach them once they read again.
    await reader.call('connections.disconnect', { connectionId });
    const answers = paused.map((socket) => socket.call('connections.list', {}));
    for (const socket of paused) socket.ws.resume();
    expect(await Promise.all(answers)).toEqual(paused.map(() => []));
    await Promise.all(paused.map((socket) => socket.until(() => socket.state.statuses.includes('disconnected'))));
    await Promise.all(paused.map((socket) => socket.until(() => socket.state.received + socket.state.dropped >= reader.state.received)));
    clearInterval(sampler);
    const drained = rssMb(host.pid);

    console.info(
      `${figures}; ${drained.toFixed(0)} MB once the paused sockets read again; ` +
        `reader got ${reader.state.received}; paused sockets got ${paused.map((s) => `${s.state.received} + ${s.state.dropped} dropped`).join(', ')}`,
    );
    // Every message the host got reached the reading socket, in full.
    expect(reader.state.received).toBe(MESSAGES + 1);
    expect(reader.state.droppedEvents).toBe(0);
    for (const socket of paused) {
      expect(socket.state.dropped).toBeGreaterThan(0);
      expect(socket.state.received + socket.state.dropped).toBe(reader.state.received);
    }
    // What paused pages cost does not grow with the firehose: the second half of it (50 MB through
    // every socket) adds less than the 64 MB all sockets may hold together. Unbounded, each paused
    // page's queue would grow by those 50 MB.
    expect(peak - atHalf, figures).toBeLessThan(64);
    // And in all: the 64 MB, plus what any firehose costs the host (history, its heap, SQLite's cache).
    // Measured 168-177 MB before the codec rules (issue 16), 277-309 MB while every History worker
    // loaded the codec libraries at start (+16 MB per worker), and 165-215 MB since they load only for a
    // query that carries codec rules (codec-engines-loader.ts).
    expect(peak - before, figures).toBeLessThan(300);
  }, 180_000);
});

function startInProcessHost(limits: Partial<HostLimits>) {
  const rendererDir = mkdtempSync(join(tmpdir(), 'wb-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>wb</title>');
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test' });
  cleanups.push(async () => {
    await core.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });
  return startHost({ core, rendererDir, port: 0, limits }).then((host) => {
    cleanups.push(() => host.close());
    return { host, core };
  });
}

describe('host limits: responses and events', () => {
  it('never drops them: a page holding too many unsent is closed (it reconnects and resyncs), a reading page gets every one', async () => {
    const { host, core } = await startInProcessHost({ maxSocketControlBytes: 1024 * 1024 });
    const reader = await openUiSocket(host.port, host.token);
    const stalled = await openUiSocket(host.port, host.token);
    stalled.ws.pause();
    const closed = new Promise<number>((resolve) => stalled.ws.once('close', (code) => resolve(code)));
    const summary: ConnectionSummary = {
      connectionId: 'c1',
      name: 'x'.repeat(100_000),
      connectionKey: 'endpoint:x',
      status: 'connected',
      url: 'mqtt://127.0.0.1:1',
      protocolVersion: 5,
      requestedVersion: 5,
      clientId: 'c',
      reconnectAttempts: 0,
      problems: [],
      problemCount: 0,
      hiddenDollarMessages: 0,
      subscriptions: [],
    };
    const EVENTS = 1000; // 100 MB: more than the kernel's socket buffers take (tcp_rmem may allow 32 MB)
    // One at a time, as the reading page takes them (this process is also the pages: a burst in one
    // tick would leave the reader no turn to read).
    for (let i = 1; i <= EVENTS; i++) {
      core.events.emit('connections.status', summary);
      await reader.until(() => reader.state.statuses.length === i);
    }
    stalled.ws.resume();
    // Terminated, not closed politely: a close frame would have queued behind the rest.
    expect(await closed).toBe(1006);
    expect(stalled.state.statuses.length).toBeLessThan(EVENTS);
  });
});

describe('host limits: connections without a token', () => {
  const startGuardedHost = (idleTimeoutMs: number) => startInProcessHost({ maxUnauthenticatedConnections: 64, idleTimeoutMs }).then(({ host }) => host);

  it('keeps at most 64 idle connections without a token, lets the real UI in past 500 of them, and closes idle ones after the timeout', async () => {
    const IDLE_MS = 3000;
    const host = await startGuardedHost(IDLE_MS);
    const idle: { socket: Socket; openedAt: number; closedAt?: number }[] = [];
    let closed = 0;
    const closeWatchers = new Set<() => void>();
    const untilClosed = (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (closed < count) return;
          closeWatchers.delete(check);
          resolve();
        };
        closeWatchers.add(check);
        check();
      });
    await Promise.all(
      Array.from(
        { length: 500 },
        () =>
          new Promise<void>((resolve, reject) => {
            const entry: (typeof idle)[number] = { socket: tcpConnect(host.port, '127.0.0.1'), openedAt: 0 };
            idle.push(entry);
            entry.socket.once('connect', () => {
              entry.openedAt = performance.now();
              resolve();
            });
            entry.socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
            entry.socket.once('close', () => {
              entry.closedAt = performance.now();
              closed++;
              for (const watcher of closeWatchers) watcher();
            });
          }),
      ),
    );
    cleanups.push(() => idle.forEach((entry) => entry.socket.destroy()));
    // The host let go of all but 64 at once (the ones idle longest went first).
    await untilClosed(500 - 64);
    const stillOpen = idle.filter((entry) => entry.closedAt === undefined);
    expect(stillOpen).toHaveLength(64);

    // The real UI still gets in, and is answered.
    const ui = await openUiSocket(host.port, host.token);
    expect(await ui.call('app.info', {})).toMatchObject({ version: 'test', shell: 'browser' });
    // So does the page itself (a plain HTTP request, also without a token).
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: host.port, path: '/', method: 'GET' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);

    // A slow sender that never finishes its headers is idle too.
    const slow = tcpConnect(host.port, '127.0.0.1');
    slow.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const slowClosed = new Promise<void>((resolve) => slow.once('close', () => resolve()));
    slow.on('error', () => {});

    // The rest are closed once idle for the timeout, not before.
    await untilClosed(500);
    await slowClosed;
    // (The UI's socket, the page request and the slow sender each took the place of one of them.)
    const timedOut = stillOpen.filter((entry) => entry.closedAt! - entry.openedAt >= IDLE_MS - 50);
    expect(timedOut.length).toBeGreaterThanOrEqual(64 - 3);
    // The authenticated socket is not subject to it.
    expect(ui.ws.readyState).toBe(WebSocket.OPEN);
    expect(await ui.call('connections.list', {})).toEqual([]);
  }, 60_000);
});
