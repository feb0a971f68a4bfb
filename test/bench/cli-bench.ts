/**
 * `npm run bench -- cli [--quick]`: the command line's `bench pub` against a plain mqtt.js load loop
 * (test/bench/mqttjs-publisher.cjs: publish, honoring backpressure), each in its own process, the
 * same clients, messages and payload, against one private mosquitto on loopback, in the same run.
 * Printed per QoS: the broker's rate each drove, each one's own CPU per message, how busy mosquitto
 * was meanwhile (near 100 % of a core: the broker, not the generator, was the limit), and the ratios
 * ours/plain (rate: higher is better; CPU: lower is better). The run alternates the two and keeps
 * each one's best, so a busy moment on a shared machine does not decide the ratio.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { PubBenchResult } from '../../main/cli/bench/run-pub';
import { freePort } from '../support/free-port';
import { requireProgram, waitForPort } from '../support/mosquitto';
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
  /** Seconds from the first PUBLISH to the broker's last confirmation. */
  seconds: number;
  /** mosquitto's CPU over that time, in percent of one core: near 100 means the broker was the limit. */
  brokerBusy: number;
}

interface Broker {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** mosquitto spawned here (not by test/support) for its PID: its CPU time shows who was the limit. */
async function startBroker(): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), 'cli-bench-'));
  chmodSync(dir, 0o755); // mosquitto started as root drops to its own user
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, ['allow_anonymous true', 'persistence false', `max_inflight_messages ${WINDOW}`, 'max_queued_messages 1000000', `listener ${port} 127.0.0.1`, ''].join('\n'));
  chmodSync(config, 0o644);
  const child = spawn(requireProgram('mosquitto', 'mosquitto'), ['-c', config], { stdio: ['ignore', 'ignore', 'ignore'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await waitForPort(port, 10_000);
  return {
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s on Linux)
}

/** Runs one load generator and adds mosquitto's busy share over its measured seconds. */
async function measured(broker: Broker, load: () => Promise<Omit<Figures, 'brokerBusy'>>): Promise<Figures> {
  const before = cpuSeconds(broker.pid);
  const figures = await load();
  return { ...figures, brokerBusy: ((cpuSeconds(broker.pid) - before) / (figures.seconds || 1)) * 100 };
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

async function ours(port: number, qos: 0 | 1, count: number): Promise<Omit<Figures, 'brokerBusy'>> {
  const out = await run(RUN_BUILT, ['mqtt-workbench', 'bench', 'pub', '-p', String(port), '-c', String(CLIENTS), '-n', String(count), '-q', String(qos), '-s', String(PAYLOAD), '--inflight', String(WINDOW), '--json', '--quiet']);
  const result = JSON.parse(out) as PubBenchResult;
  return { rate: result.rate, cpuUsPerMessage: result.cpu.perMessageUs, sent: result.sent, acknowledged: result.acknowledged, seconds: result.elapsedSeconds };
}

async function plain(port: number, qos: 0 | 1, count: number): Promise<Omit<Figures, 'brokerBusy'>> {
  const out = await run(PLAIN, [JSON.stringify({ port, clients: CLIENTS, count, qos, size: PAYLOAD, window: WINDOW })]);
  const result = JSON.parse(out) as { sent: number; acknowledged: number; elapsedMs: number; cpuUs: number };
  return { rate: result.acknowledged / (result.elapsedMs / 1000), cpuUsPerMessage: result.cpuUs / result.sent, sent: result.sent, acknowledged: result.acknowledged, seconds: result.elapsedMs / 1000 };
}

const best = (runs: Figures[]): Figures => runs.reduce((a, b) => (b.rate > a.rate ? b : a));
const line = (name: string, f: Figures) =>
  `${name} ${fmt(Math.round(f.rate)).padStart(9)} msg/s, ${f.cpuUsPerMessage.toFixed(2).padStart(5)} µs CPU/msg (${fmt(f.acknowledged)}/${fmt(f.sent)} acked; mosquitto busy ${f.brokerBusy.toFixed(0)} % of a core)`;

export async function runCliBench(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const rounds = quick ? 1 : 2;
  let mosquitto: Broker | undefined;
  process.once('SIGINT', () => void (mosquitto?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
  mosquitto = await startBroker();
  const broker = mosquitto;
  try {
    console.log(`bench pub (ours, the built CLI) vs a plain mqtt.js publish loop honoring backpressure: ${CLIENTS} clients, ${PAYLOAD} B, mosquitto on loopback, same run (best of ${rounds}); load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (a busy share below 100 % on a loaded machine is the share the scheduler gave it)`);
    for (const [qos, count] of [
      [0, quick ? 200_000 : 1_000_000],
      [1, quick ? 100_000 : 300_000],
    ] as const) {
      const mine: Figures[] = [];
      const theirs: Figures[] = [];
      for (let round = 0; round < rounds; round++) {
        mine.push(await measured(broker, () => ours(broker.port, qos, count)));
        theirs.push(await measured(broker, () => plain(broker.port, qos, count)));
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
