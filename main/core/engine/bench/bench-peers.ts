/**
 * The peers the engine and history benches measure against, started on loopback: a private
 * mosquitto, mosquitto_sub counting what it receives, and publisher processes writing pre-encoded
 * PUBLISH packets at full speed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Publisher processes a bench runs at once. */
export const PUBLISHERS = 10;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export function which(name: string): string {
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

/** A private mosquitto on a free loopback port, with `settings` (mosquitto.conf lines) added. */
export async function startMosquitto(children: ChildProcess[], settings: string[]): Promise<{ port: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'engine-bench-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  writeFileSync(join(dir, 'mosquitto.conf'), [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest none', ...settings, ''].join('\n'));
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

export interface Counter {
  count: number;
  first: number;
  last: number;
}
export const newCounter = (): Counter => ({ count: 0, first: 0, last: 0 });
export function tick(counter: Counter, n: number): void {
  const now = performance.now();
  if (counter.count === 0) counter.first = now;
  counter.count += n;
  counter.last = now;
}
export const rate = (c: Counter) => (c.count > 1 ? Math.round(c.count / ((c.last - c.first) / 1000 || 1)) : 0);
export const fmt = (n: number) => n.toLocaleString('en-US');

/** mosquitto_sub in its own process, counting messages by the newlines it prints. */
export function startMosquittoSub(port: number, qos: number, children: ChildProcess[]): Counter {
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
export function publish(port: number, qos: number, perPublisher: number, payloadBytes: number, children: ChildProcess[]): Promise<void> {
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

