/**
 * Engine ingest figures: `npm run bench -- engine [--quick] [--soak-seconds N]`.
 * A private mosquitto on loopback; 10 mosquitto_pub processes publish at full rate; the workbench
 * engine (decoded and batched, exactly as the host receives it) and mosquitto_sub subscribe to the
 * same topics in the same run. Printed: messages/s each took in and the ratio (target >= 0.8x), then
 * the engine's memory over a sustained run (target: flat).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttMessage } from '../../../../shared/contract';
import { createWorkbenchCore } from '../../create-core';

const PUBLISHERS = 10;

function arg(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin'])) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(`${name} is needed for this bench: apt-get install mosquitto mosquitto-clients`);
}

async function startMosquitto(children: ChildProcess[]): Promise<{ port: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  // Queues large enough that neither subscriber is cut off by mosquitto's per-client limits.
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'max_queued_messages 1000000', 'max_inflight_messages 1000', 'log_dest none', ''].join('\n'),
  );
  const child = spawn(which('mosquitto'), ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (up) return { port, dir };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('mosquitto did not start');
}

interface Counter {
  count: number;
  first: number;
  last: number;
}
const newCounter = (): Counter => ({ count: 0, first: 0, last: 0 });
function tick(counter: Counter, n: number): void {
  const now = performance.now();
  if (counter.count === 0) counter.first = now;
  counter.count += n;
  counter.last = now;
}
const rate = (c: Counter) => (c.count > 1 ? Math.round(c.count / ((c.last - c.first) / 1000 || 1)) : 0);
const fmt = (n: number) => n.toLocaleString('en-US');

/** mosquitto_sub in its own process, counting messages by the newlines it prints. */
function startMosquittoSub(port: number, qos: number, children: ChildProcess[]): Counter {
  const counter = newCounter();
  const child = spawn(which('mosquitto_sub'), ['-h', '127.0.0.1', '-p', String(port), '-t', 'bench/#', '-q', String(qos), '-V', '5'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(child);
  child.stdout!.on('data', (chunk: Buffer) => {
    let lines = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    if (lines > 0) tick(counter, lines);
  });
  return counter;
}

const RAW_PUBLISHER = join(__dirname, 'raw-publisher.cjs');

/** PUBLISHERS processes, each writing `perPublisher` pre-encoded PUBLISH packets at full speed. */
function publish(port: number, qos: number, perPublisher: number, payloadBytes: number, children: ChildProcess[]): Promise<void> {
  return Promise.all(
    Array.from({ length: PUBLISHERS }, (_, i) => {
      const child = spawn(process.execPath, [RAW_PUBLISHER, String(port), `bench/${i}`, String(qos), String(perPublisher), String(payloadBytes)], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      return new Promise<void>((resolve) => child.once('exit', () => resolve()));
    }),
  ).then(() => undefined);
}

async function scenario(port: number, qos: 0 | 1, payloadBytes: number, total: number, children: ChildProcess[]): Promise<void> {
  const core = createWorkbenchCore({ version: 'bench', shell: 'browser' });
  const engine = newCounter();
  core.events.subscribe((channel, payload) => {
    if (channel === 'messages.batch') tick(engine, (payload as { messages: MqttMessage[] }).messages.length);
  });
  const connected = await core.dispatcher.handle('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, clientId: `engine-bench-${qos}-${payloadBytes}` });
  if (!connected.ok) throw new Error(connected.error.message);
  const connectionId = (connected.value as { connectionId: string }).connectionId;
  await core.dispatcher.handle('messages.subscribe', { connectionId, filter: 'bench/#', qos });
  const sub = startMosquittoSub(port, qos, children);
  await new Promise((r) => setTimeout(r, 500)); // mosquitto_sub has no ready signal
  const started = performance.now();
  await publish(port, qos, Math.floor(total / PUBLISHERS), payloadBytes, children);
  const expected = Math.floor(total / PUBLISHERS) * PUBLISHERS;
  const deadline = performance.now() + 30_000;
  while ((engine.count < expected || sub.count < expected) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - started) / 1000;
  const ours = rate(engine);
  const peer = rate(sub);
  console.log(
    `  QoS ${qos}, ${String(payloadBytes).padStart(4)} B: engine ${fmt(ours).padStart(9)} msg/s (${fmt(engine.count)}/${fmt(expected)}) | mosquitto_sub ${fmt(peer).padStart(9)} msg/s (${fmt(sub.count)}/${fmt(expected)}) | ratio ${(ours / (peer || 1)).toFixed(2)}x  [${seconds.toFixed(1)} s]`,
  );
  await core.close();
}

async function soak(port: number, seconds: number, children: ChildProcess[]): Promise<void> {
  const core = createWorkbenchCore({ version: 'bench', shell: 'browser' });
  const engine = newCounter();
  core.events.subscribe((channel, payload) => {
    if (channel === 'messages.batch') tick(engine, (payload as { messages: MqttMessage[] }).messages.length);
  });
  const connected = await core.dispatcher.handle('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port });
  if (!connected.ok) throw new Error(connected.error.message);
  await core.dispatcher.handle('messages.subscribe', { connectionId: (connected.value as { connectionId: string }).connectionId, filter: 'bench/#', qos: 0 });
  const samples: string[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const heaps: number[] = [];
  const sampler = setInterval(() => {
    const { heapUsed, rss } = process.memoryUsage();
    heaps.push(heapUsed);
    samples.push(`${Math.round((performance.now() - start) / 1000)}s heap ${(heapUsed / 1e6).toFixed(0)} MB rss ${(rss / 1e6).toFixed(0)} MB`);
  }, 5000);
  while (performance.now() < end) await publish(port, 0, 50_000, 64, children);
  clearInterval(sampler);
  console.log(`  ${seconds} s at full rate, QoS 0, 64 B: ${fmt(engine.count)} messages, ${fmt(rate(engine))} msg/s`);
  console.log(`  memory: ${samples.join(' | ')}`);
  // The first sample is warm-up (JIT, buffers); after it, heap should not trend upwards.
  const growth = heaps.length > 2 ? (heaps.at(-1)! - heaps[1]!) / 1e6 : 0;
  console.log(`  heap change from the 10 s sample to the end: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (target: flat)`);
  await core.close();
}

export async function runEngineBench(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const soakSeconds = arg(args, 'soak-seconds', quick ? 10 : 30);
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  const { port, dir } = await startMosquitto(children);
  try {
    console.log(`ingest: ${PUBLISHERS} publisher processes at full rate -> mosquitto 2 -> the engine and mosquitto_sub, same run`);
    const scale = quick ? 0.25 : 1;
    await scenario(port, 0, 64, 500_000 * scale, children);
    await scenario(port, 1, 64, 200_000 * scale, children);
    await scenario(port, 0, 4096, 100_000 * scale, children);
    await scenario(port, 1, 4096, 50_000 * scale, children);
    console.log('memory over a sustained run:');
    await soak(port, soakSeconds, children);
  } finally {
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
