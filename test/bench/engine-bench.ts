/**
 * Engine ingest figures: `npm run bench -- engine [--quick] [--soak-seconds N]`.
 * A private mosquitto on loopback; 10 mosquitto_pub processes publish at full rate; the workbench
 * engine (decoded and batched, exactly as the host receives it) and mosquitto_sub subscribe to the
 * same topics in the same run. Printed: messages/s each took in and the ratio (target >= 0.8x), then
 * the engine's memory over a sustained run (target: flat).
 */
import type { ChildProcess } from 'node:child_process';
import type { MqttMessage } from '../../shared/contract';
import { createWorkbenchCore } from '../../main/core/create-core';
import { type Mosquitto, startMosquitto } from '../support/mosquitto';
import { PUBLISHERS, fmt, newCounter, publish, rate, startMosquittoSub, tick } from './bench-peers';

function arg(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
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
    const scale = quick ? 0.25 : 1;
    await scenario(port, 0, 64, 500_000 * scale, children);
    await scenario(port, 1, 64, 200_000 * scale, children);
    await scenario(port, 0, 4096, 100_000 * scale, children);
    await scenario(port, 1, 4096, 50_000 * scale, children);
    console.log('memory over a sustained run:');
    await soak(port, soakSeconds, children);
  } finally {
    stopAll();
    await mosquitto?.stop();
  }
}
