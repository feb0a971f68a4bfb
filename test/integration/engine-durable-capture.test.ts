import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { useMosquitto } from '../support/fixtures';

/**
 * Durable capture, tested the way a crash happens: the workbench (a real core in its own process,
 * History in a data folder) is killed with SIGKILL while QoS 1 messages stream in. With durable
 * capture nothing the broker was told is received is lost: every message is in History after a
 * restart, since only committed messages were acknowledged and the persistent session kept the rest.
 */
// mosquitto queues at most 1,000 messages for an offline session by default and drops the rest.
const mosquitto = useMosquitto({ extraConfig: ['max_queued_messages 100000'] });
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-durable-'));
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
});

const TOTAL = 3000;

function startClient(durable: boolean): { child: ChildProcess; received: () => number; ready: Promise<void>; exited: Promise<void> } {
  const child = spawn(
    process.execPath,
    ['-r', './main/core/history/ts-worker-bootstrap.cjs', 'test/support/durable-capture-client.ts', dataDir, String(mosquitto.port), durable ? '1' : '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let received = 0;
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line === 'ready') resolve();
        const match = /^received (\d+)$/.exec(line);
        if (match) received = Number(match[1]);
      }
    });
    void exited.then(() => reject(new Error(`the client exited: ${stderr}`)));
  });
  return { child, received: () => received, ready, exited };
}

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function storedSequenceNumbers(): Set<number> {
  const db = new Database(join(dataDir, 'history.db'), { readonly: true });
  try {
    const rows = db.prepare("SELECT payload FROM messages WHERE direction = 0").all() as { payload: Buffer }[];
    return new Set(rows.map((row) => Number(row.payload.toString())));
  } finally {
    db.close();
  }
}

it('durable capture: SIGKILL while QoS 1 messages stream in loses none of them; after a restart History holds every one', async () => {
  const first = startClient(true);
  await first.ready;
  const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { clientId: 'durable-publisher', protocolVersion: 5 });
  let published = 0;
  const publishing = (async () => {
    while (published < TOTAL) {
      const batch = [];
      for (let i = 0; i < 50 && published < TOTAL; i++) batch.push(publisher.publishAsync('durable/seq', String(published++), { qos: 1 }));
      await Promise.all(batch);
    }
  })();
  // Killed mid-stream, with messages received but not all committed.
  await waitUntil(() => first.received() >= 500, 'the first 500 messages');
  first.child.kill('SIGKILL');
  await first.exited;
  const receivedBeforeKill = first.received();
  expect(receivedBeforeKill).toBeLessThan(TOTAL);

  await publishing;
  await publisher.endAsync();
  // The same session again: the broker delivers what was never acknowledged, and what it queued.
  const second = startClient(true);
  await second.ready;
  await waitUntil(() => storedCount() >= TOTAL, `all ${TOTAL} messages in History`, 30_000).catch((error: Error) => {
    const stored = storedSequenceNumbers();
    const missing = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !stored.has(i));
    throw new Error(`${error.message}: ${stored.size} stored, received before the kill ${receivedBeforeKill}, after ${second.received()}; missing ${missing.length}: ${missing.slice(0, 20).join(',')}`);
  });
  second.child.kill('SIGTERM');
  await second.exited;
  const stored = storedSequenceNumbers();
  const missing = Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !stored.has(i));
  expect(missing).toEqual([]);
}, 120_000);

function storedCount(): number {
  try {
    return storedSequenceNumbers().size;
  } catch {
    return 0; // the database is being created
  }
}
