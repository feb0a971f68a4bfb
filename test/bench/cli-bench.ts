/**
 * `npm run bench -- cli [--quick]`: the command line's `bench pub` against a plain mqtt.js load loop
 * (test/bench/mqttjs-publisher.cjs: publish, honoring backpressure), each in its own process, the
 * same clients, messages and payload, against one private mosquitto on loopback, in the same run.
 * Printed per QoS: the broker's rate each drove, each one's own CPU per message, and the ratios
 * ours/plain (rate: higher is better; CPU: lower is better). The run alternates the two and keeps
 * each one's best, so a busy moment on a shared machine does not decide the ratio.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { PubBenchResult } from '../../main/cli/bench/run-pub';
import { type Mosquitto, startMosquitto } from '../support/mosquitto';
import { fmt } from './bench-peers';

const ROOT = resolve(__dirname, '../..');
const RUN_BUILT = join(ROOT, 'main', 'cli', 'run-built.mjs');
const PLAIN = join(__dirname, 'mqttjs-publisher.cjs');
const CLIENTS = 4;
const PAYLOAD = 64;
/** The QoS 1 window of both: mosquitto's max_inflight_messages below, its Receive Maximum. */
const WINDOW = 1000;

interface Figures {
  rate: number;
  cpuUsPerMessage: number;
  sent: number;
  acknowledged: number;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [command, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolvePromise(stdout) : reject(new Error(`${command} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

async function ours(port: number, qos: 0 | 1, count: number): Promise<Figures> {
  const out = await run(RUN_BUILT, ['mqtt-workbench', 'bench', 'pub', '-p', String(port), '-c', String(CLIENTS), '-n', String(count), '-q', String(qos), '-s', String(PAYLOAD), '--inflight', String(WINDOW), '--json', '--quiet']);
  const result = JSON.parse(out) as PubBenchResult;
  return { rate: result.rate, cpuUsPerMessage: result.cpu.perMessageUs, sent: result.sent, acknowledged: result.acknowledged };
}

async function plain(port: number, qos: 0 | 1, count: number): Promise<Figures> {
  const out = await run(PLAIN, [JSON.stringify({ port, clients: CLIENTS, count, qos, size: PAYLOAD, window: WINDOW })]);
  const result = JSON.parse(out) as { sent: number; acknowledged: number; elapsedMs: number; cpuUs: number };
  return { rate: result.acknowledged / (result.elapsedMs / 1000), cpuUsPerMessage: result.cpuUs / result.sent, sent: result.sent, acknowledged: result.acknowledged };
}

const best = (runs: Figures[]): Figures => runs.reduce((a, b) => (b.rate > a.rate ? b : a));
const line = (name: string, f: Figures) => `${name} ${fmt(Math.round(f.rate)).padStart(9)} msg/s, ${f.cpuUsPerMessage.toFixed(2).padStart(5)} µs CPU/msg (${fmt(f.acknowledged)}/${fmt(f.sent)} acked)`;

export async function runCliBench(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const rounds = quick ? 1 : 2;
  let mosquitto: Mosquitto | undefined;
  process.once('SIGINT', () => void (mosquitto?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
  mosquitto = await startMosquitto({ extraConfig: [`max_inflight_messages ${WINDOW}`, 'max_queued_messages 1000000'] });
  try {
    console.log(`bench pub (ours, the built CLI) vs a plain mqtt.js publish loop honoring backpressure: ${CLIENTS} clients, ${PAYLOAD} B, mosquitto on loopback, same run (best of ${rounds})`);
    for (const [qos, count] of [
      [0, quick ? 200_000 : 1_000_000],
      [1, quick ? 100_000 : 300_000],
    ] as const) {
      const mine: Figures[] = [];
      const theirs: Figures[] = [];
      for (let round = 0; round < rounds; round++) {
        mine.push(await ours(mosquitto.port, qos, count));
        theirs.push(await plain(mosquitto.port, qos, count));
      }
      const a = best(mine);
      const b = best(theirs);
      console.log(
        `  QoS ${qos}, ${fmt(count)} msgs: ${line('bench pub', a)} | ${line('mqtt.js loop', b)} | rate ratio ${(a.rate / (b.rate || 1)).toFixed(2)}x, CPU/msg ratio ${(a.cpuUsPerMessage / (b.cpuUsPerMessage || 1)).toFixed(2)}x`,
      );
    }
  } finally {
    await mosquitto.stop();
  }
}
