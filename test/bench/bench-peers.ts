/**
 * The peers the engine and history benches measure against, on loopback (beside test/support's
 * private mosquitto): mosquitto_sub counting what it receives, and publisher processes writing
 * pre-encoded PUBLISH packets at full speed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { requireProgram } from '../support/mosquitto';

/** Publisher processes a bench runs at once. */
export const PUBLISHERS = 10;

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
  const child = spawn(requireProgram('mosquitto_sub', 'mosquitto-clients'), ['-h', '127.0.0.1', '-p', String(port), '-t', 'bench/#', '-q', String(qos), '-V', '5'], {
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

