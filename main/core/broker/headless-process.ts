import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import type { Broker } from './create-broker';

/**
 * The headless broker's V8 heap (issue 19, memory per idle connection). A connect storm makes every
 * new connection's objects survive a scavenge, and V8 answers by doubling the young generation up to
 * its maximum (8 -> 32 MB committed for 10,000 connects, ~2.4 KiB per connection that stays committed
 * while the connections sit idle). With a growth factor of 1 the semi-spaces keep their initial size:
 * what survives goes to old space (where it ends up anyway) and the broker's short-lived garbage
 * (packets, buffers) still dies young. Read by V8 at each resize, so it applies after start too
 * (unlike --max-semi-space-size, which only a node flag can set). Measured: fan-in/fan-out/latency
 * unchanged within noise (see the broker bench).
 */
export function tuneHeadlessHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** What the bench asks the broker process over its IPC channel (`--stats-ipc`). */
export interface ProcessStats {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** V8 heap spaces: committed (`size`) and live (`used`) bytes. */
  spaces: Record<string, { size: number; used: number }>;
  connections: number;
}

export function processStats(broker: Broker): ProcessStats {
  const memory = process.memoryUsage();
  const spaces: ProcessStats['spaces'] = {};
  for (const space of getHeapSpaceStatistics()) spaces[space.space_name] = { size: space.space_size, used: space.space_used_size };
  return {
    rss: memory.rss,
    heapTotal: memory.heapTotal,
    heapUsed: memory.heapUsed,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    spaces,
    connections: broker.stats().connections,
  };
}

/**
 * Answers `{ type: 'broker-stats', id }` on the process's IPC channel with `{ type: 'broker-stats', id, stats }`
 * (the bench's memory breakdown). The channel does not keep the process alive.
 */
export function answerStatsOverIpc(broker: Broker): void {
  if (!process.send || !process.channel) return;
  process.channel.unref();
  process.on('message', (message: unknown) => {
    const request = message as { type?: unknown; id?: unknown } | null;
    if (request?.type !== 'broker-stats') return;
    process.send?.({ type: 'broker-stats', id: request.id, stats: processStats(broker) });
  });
}
