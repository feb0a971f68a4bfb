/**
 * What durable capture costs (`npm run bench -- history`): QoS 1 messages from publisher processes
 * through mosquitto into the workbench, with History in a data folder, with durable capture off and
 * on, beside mosquitto_sub in the same run. Durable capture acknowledges a message only once History
 * committed it, so the broker's in-flight window bounds the rate: measured at mosquitto's default
 * max_inflight_messages (20) and at 1000.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttMessage } from '../../shared/contract';
import { createWorkbenchCore } from '../../main/core/create-core';
import { startMosquitto } from '../support/mosquitto';
import { PUBLISHERS, fmt, newCounter, publish, rate, startMosquittoSub, tick } from './bench-peers';

const TOTAL = 40_000;

/** Messages/s from the first to the last one History committed (received and stored). */
async function ingest(port: number, durable: boolean, total: number, children: ChildProcess[]): Promise<{ ours: number; peer: number; stored: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'durable-bench-'));
  const core = createWorkbenchCore({ version: 'bench', shell: 'browser', dataDir, secretsProtection: 'bench' });
  const received = newCounter();
  core.events.subscribe((channel, payload) => {
    if (channel === 'messages.batch') tick(received, (payload as { messages: MqttMessage[] }).messages.length);
  });
  try {
    const connected = await core.dispatcher.handle('connections.connect', {
      protocol: 'mqtt',
      host: '127.0.0.1',
      port,
      protocolVersion: 5,
      clientId: `durable-bench-${durable ? 'on' : 'off'}`,
      clean: false,
      properties: { sessionExpiryInterval: 600 },
      durableCapture: durable,
    });
    if (!connected.ok) throw new Error(connected.error.message);
    const connectionId = (connected.value as { connectionId: string }).connectionId;
    await core.dispatcher.handle('messages.subscribe', { connectionId, filter: 'bench/#', qos: 1 });
    const sub = startMosquittoSub(port, 1, children);
    await new Promise((r) => setTimeout(r, 500)); // mosquitto_sub has no ready signal
    await publish(port, 1, Math.floor(total / PUBLISHERS), 64, children);
    const expected = Math.floor(total / PUBLISHERS) * PUBLISHERS;
    const deadline = performance.now() + 120_000;
    while ((received.count < expected || sub.count < expected) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // History commits a batch at most 50 ms after its last message: poll until it holds them all.
    let stored = 0;
    for (const until = performance.now() + 5000; stored < expected && performance.now() < until; await new Promise((r) => setTimeout(r, 50))) {
      const count = await core.dispatcher.handle('history.count', { upTo: expected * 2 });
      stored = count.ok ? (count.value as { count: number }).count : -1;
    }
    return { ours: rate(received), peer: rate(sub), stored };
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runDurableCaptureBench(children: ChildProcess[], total = TOTAL): Promise<void> {
  console.log(`durable capture: ${fmt(total)} QoS 1 messages of 64 B from ${PUBLISHERS} publishers -> mosquitto -> the workbench (History on disk) and mosquitto_sub, same run`);
  for (const window of [20, 1000]) {
    const mosquitto = await startMosquitto({ extraConfig: ['max_queued_messages 1000000', `max_inflight_messages ${window}`] });
    const { port } = mosquitto;
    try {
      const off = await ingest(port, false, total, children);
      const on = await ingest(port, true, total, children);
      const line = (name: string, r: { ours: number; peer: number; stored: number }) =>
        `${name} ${fmt(r.ours).padStart(7)} msg/s (stored ${fmt(r.stored)}) | mosquitto_sub ${fmt(r.peer).padStart(7)} msg/s | ratio ${(r.ours / (r.peer || 1)).toFixed(2)}x`;
      console.log(`  max_inflight_messages ${String(window).padStart(4)}: ${line('off', off)}`);
      console.log(`  max_inflight_messages ${String(window).padStart(4)}: ${line('on ', on)} | durable/off ${(on.ours / (off.ours || 1)).toFixed(2)}x`);
    } finally {
      await mosquitto.stop();
    }
  }
}
