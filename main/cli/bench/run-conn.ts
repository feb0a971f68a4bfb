/**
 * `bench conn`'s engine: N connections with a bounded number of CONNECTs in flight, each timed from
 * the TCP connect to its CONNACK; all are held open until the last has answered (so the broker holds
 * N at once), then closed with DISCONNECT.
 */
import type { BenchTarget } from './bench-connection';
import { connectAll } from './connect-all';
import { type CpuFigures, startCpu } from './cpu';
import { type LatencySummary, createHistogram } from './histogram';
import { DISCONNECT, nowMs } from './wire';

export interface ConnBenchOptions {
  target: BenchTarget;
  count: number;
  concurrency: number;
  clientIdPrefix: string;
  onProgress?: (progress: { elapsedMs: number; connected: number }) => void;
  signal?: AbortSignal;
}

export interface ConnBenchResult {
  kind: 'conn';
  target: string;
  protocolVersion: number;
  requested: number;
  concurrency: number;
  connected: number;
  failed: number;
  failures: Record<string, number>;
  firstError?: string;
  elapsedSeconds: number;
  /** Connections acknowledged per second. */
  rate: number;
  /** TCP connect to CONNACK, milliseconds. */
  connack?: LatencySummary;
  cpu: CpuFigures;
}

export async function runConnBench(options: ConnBenchOptions): Promise<ConnBenchResult> {
  const histogram = createHistogram();
  const cpu = startCpu();
  const start = nowMs();
  let connected = 0;
  let lastAt = start;
  const progress = options.onProgress ? setInterval(() => options.onProgress!({ elapsedMs: nowMs() - start, connected }), 1000) : undefined;
  const tally = await connectAll(
    options.target,
    options.count,
    options.concurrency,
    (i) => `${options.clientIdPrefix}-${i}`,
    (bench) => {
      connected++;
      lastAt = nowMs();
      histogram.record(bench.connackMs);
      // Errors after the CONNACK (the broker dropping held connections) are ignored: the figure is the CONNACK.
    },
    () => options.signal?.aborted ?? false,
  );
  if (progress) clearInterval(progress);
  const elapsedMs = lastAt - start;
  const cpuFigures = cpu(tally.sockets.length, nowMs() - start);
  await Promise.all(
    tally.sockets.map(
      ({ socket }) =>
        new Promise<void>((resolve) => {
          if (!socket.writable) {
            socket.destroy();
            return resolve();
          }
          socket.once('close', () => resolve());
          socket.end(DISCONNECT);
          // A broker that keeps the socket open after DISCONNECT is not waited for.
          setTimeout(() => socket.destroy(), 2000).unref();
        }),
    ),
  );
  const connack = histogram.summary();
  return {
    kind: 'conn',
    target: `${options.target.protocol}://${options.target.host}:${options.target.port}`,
    protocolVersion: options.target.version,
    requested: options.count,
    concurrency: options.concurrency,
    connected: tally.sockets.length,
    failed: tally.failed,
    failures: tally.failures,
    ...(tally.firstError ? { firstError: tally.firstError } : {}),
    elapsedSeconds: elapsedMs / 1000,
    rate: elapsedMs > 0 ? tally.sockets.length / (elapsedMs / 1000) : 0,
    ...(connack ? { connack } : {}),
    cpu: cpuFigures,
  };
}
