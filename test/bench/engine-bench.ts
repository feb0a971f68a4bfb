/**
 * Engine ingest figures: `npm run bench -- engine [--quick] [--soak-only] [--soak-minutes N]
 * [--soak-rate MSG_PER_S] [--heap-snapshots DIR]`.
 * A private mosquitto on loopback; 10 raw publisher processes publish at full rate; the workbench
 * engine (decoded and batched, exactly as the host receives it) and mosquitto_sub subscribe to the
 * same topics in the same run. Printed: messages/s each took in and the ratio (target >= 0.8x), then
 * the engine's memory over a sustained run with History on, fed at the QoS 0 ingest rate just
 * measured (target: heap within 10 MB of its 1-minute value). --soak-only measures that rate at a
 * quarter scale and runs only the soak. The heap is read after a full GC: heapUsed read without one
 * swings by 100 MB with garbage not yet swept (the old soak's "+40 MB" was that), while the snapshots
 * at 1 min and at the end (--heap-snapshots) show no constructor growing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { MqttMessage } from '../../shared/contract';
import { createWorkbenchCore } from '../../main/core/create-core';
import { type Mosquitto, startMosquitto } from '../support/mosquitto';
import { PUBLISHERS, fmt, newCounter, publish, rate, startMosquittoSub, tick } from './bench-peers';

const RATE_PUBLISHER = join(__dirname, 'rate-publisher.cjs');

function arg(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

/** Returns the engine's rate (msg/s). */
async function scenario(port: number, qos: 0 | 1, payloadBytes: number, total: number, children: ChildProcess[]): Promise<number> {
  const core = createWorkbenchCore({ version: 'bench', shell: 'browser' });
  const engine = newCounter();
  core.events.subscribe((channel, payload) => {
    if (channel === 'messages.batch') tick(engine, (payload as { messages: MqttMessage[] }).messages.length);
  });
  const connected = await core.dispatcher.handle('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, clientId: `engine-bench-${qos}-${payloadBytes}` });
  if (!connected.ok) throw new Error(connected.error.message);
  const connectionId = (connected.value as { connectionId: string }).connectionId;
  await core.dispatcher.handle('messages.subscribe', { connectionId, filter: 'bench/#', qos });
  const firstChild = children.length;
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
  // mosquitto_sub and the publishers stop here, so they take no CPU from the scenarios after this one.
  for (const child of children.splice(firstChild)) if (child.exitCode === null) child.kill('SIGKILL');
  await core.close();
  return ours;
}

/** Forces a full collection, so a sample is the heap that is still referenced, not garbage yet to be swept. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

interface SoakOptions {
  minutes: number;
  /** Messages per second fed, all publishers together. */
  rate: number;
  /** Writes a heap snapshot here at one minute and at the end (compare them by constructor). */
  snapshotDir?: string;
}

/**
 * Memory over a sustained run, History on: PUBLISHERS rate-publisher processes started once, each
 * publishing its share of `rate` for the whole run on 10 topics of its own (64 B payloads), to the
 * engine subscribed at QoS 0 with a data folder (so every message is also stored). Every 30 s: the
 * heap after a full GC (what is still referenced), the heap total, RSS and the rate of the last
 * period; at the end the heap's drift from its 1-minute sample (target: within 10 MB).
 */
async function soak(port: number, { minutes, rate: targetRate, snapshotDir }: SoakOptions, children: ChildProcess[]): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'engine-soak-'));
  const core = createWorkbenchCore({ version: 'bench', shell: 'browser', dataDir });
  const engine = newCounter();
  let dropped = 0;
  core.events.subscribe((channel, payload) => {
    if (channel === 'messages.batch') tick(engine, (payload as { messages: MqttMessage[] }).messages.length);
    else if (channel === 'history.backpressure') dropped += (payload as { dropped?: number }).dropped ?? 0;
  });
  const connected = await core.dispatcher.handle('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, clientId: 'engine-soak' });
  if (!connected.ok) throw new Error(connected.error.message);
  const subscribed = await core.dispatcher.handle('messages.subscribe', { connectionId: (connected.value as { connectionId: string }).connectionId, filter: 'bench/#', qos: 0 });
  if (!subscribed.ok) throw new Error(subscribed.error.message);

  const seconds = minutes * 60;
  const perPublisher = Math.max(1, Math.round(targetRate / PUBLISHERS));
  console.log(`  ${minutes} min, History on (${dataDir}), ${PUBLISHERS} publishers started once at ${fmt(perPublisher)} msg/s each (${fmt(perPublisher * PUBLISHERS)} msg/s), QoS 0 to the engine, 64 B`);
  const publishers = Array.from({ length: PUBLISHERS }, (_, i) => {
    const options = { port, topics: 10, rate: perPublisher, seconds, size: 64, prefix: `bench/p${i}` };
    const child = spawn(process.execPath, [RATE_PUBLISHER, JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    return new Promise<void>((resolve) => child.once('exit', () => resolve()));
  });

  const start = performance.now();
  const samples: { at: number; heap: number }[] = [];
  let lastCount = 0;
  let lastAt = start;
  const sample = (label?: string) => {
    const now = performance.now();
    const before = process.memoryUsage().heapUsed;
    collectGarbage();
    const { heapUsed, heapTotal, rss, external } = process.memoryUsage();
    const periodRate = Math.round((engine.count - lastCount) / ((now - lastAt) / 1000 || 1));
    lastCount = engine.count;
    lastAt = now;
    samples.push({ at: now - start, heap: heapUsed });
    console.log(
      `  ${(label ?? clock(now - start)).padStart(5)}  heap used ${MB(heapUsed).padStart(9)} (before GC ${MB(before).padStart(9)})  heap total ${MB(heapTotal).padStart(9)}  rss ${MB(rss).padStart(9)}  external ${MB(external).padStart(8)}  rate ${fmt(periodRate).padStart(7)} msg/s  total ${fmt(engine.count)}${dropped ? `  History dropped ${fmt(dropped)}` : ''}`,
    );
    if (snapshotDir && Math.abs(now - start - 60_000) < 15_000) console.log(`  heap snapshot: ${writeHeapSnapshot(join(snapshotDir, 'soak-1min.heapsnapshot'))}`);
  };
  const sampler = setInterval(sample, 30_000);
  const allSent = Promise.all(publishers);
  await Promise.race([allSent, new Promise((r) => setTimeout(r, seconds * 1000 + 60_000))]);
  // What mosquitto still queues for the engine arrives, then the last sample.
  let settled = -1;
  while (settled !== engine.count) {
    settled = engine.count;
    await new Promise((r) => setTimeout(r, 1000));
  }
  clearInterval(sampler);
  sample('end');
  if (snapshotDir) console.log(`  heap snapshot: ${writeHeapSnapshot(join(snapshotDir, 'soak-end.heapsnapshot'))}`);
  const elapsed = (performance.now() - start) / 1000;
  console.log(`  ${fmt(engine.count)} messages in ${elapsed.toFixed(0)} s: ${fmt(rate(engine))} msg/s sustained (fed ${fmt(perPublisher * PUBLISHERS)} msg/s)`);
  const reference = samples.find((s) => s.at >= 55_000 && s.at < 90_000) ?? samples[0];
  const last = samples.at(-1)!;
  if (reference && reference !== last) {
    const drift = (last.heap - reference.heap) / 1e6;
    console.log(
      `  heap drift from ${clock(reference.at)} to the end: ${drift >= 0 ? '+' : ''}${drift.toFixed(1)} MB (target: within 10 MB of the 1-minute value)${Math.abs(drift) <= 10 ? '' : '  OVER'}`,
    );
  }
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
}

export async function runEngineBench(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const soakOnly = args.includes('--soak-only');
  const soakMinutes = arg(args, 'soak-minutes', quick ? 1 : 2);
  const soakRate = arg(args, 'soak-rate', 0);
  const snapshotIndex = args.indexOf('--heap-snapshots');
  const snapshotDir = snapshotIndex >= 0 ? args[snapshotIndex + 1] : undefined;
  const children: ChildProcess[] = [];
  const stopAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  let mosquitto: Mosquitto | undefined;
  process.once('SIGINT', () => {
    stopAll();
    void (mosquitto?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  // Queues large enough that neither subscriber is cut off by mosquitto's per-client limits.
  mosquitto = await startMosquitto({ extraConfig: ['max_queued_messages 1000000', 'max_inflight_messages 1000'] });
  const { port } = mosquitto;
  try {
    console.log(`ingest: ${PUBLISHERS} publisher processes at full rate -> mosquitto 2 -> the engine and mosquitto_sub, same run`);
    const scale = quick || soakOnly ? 0.25 : 1;
    // The soak is fed at the rate the engine takes QoS 0, 64 B messages in (unless --soak-rate says).
    const ingestRate = soakRate > 0 ? soakRate : await scenario(port, 0, 64, 500_000 * scale, children);
    if (!soakOnly) {
      await scenario(port, 1, 64, 200_000 * scale, children);
      await scenario(port, 0, 4096, 100_000 * scale, children);
      await scenario(port, 1, 4096, 50_000 * scale, children);
    }
    console.log('memory over a sustained run:');
    await soak(port, { minutes: soakMinutes, rate: ingestRate, ...(snapshotDir ? { snapshotDir } : {}) }, children);
  } finally {
    stopAll();
    await mosquitto?.stop();
  }
}
