import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

/** Connections accepted since the last collection that make a connect storm worth one. */
const STORM_CONNECTIONS = 1000;
/** How often the headless broker looks whether a storm has ended (no connection accepted in a whole period). */
const STORM_CHECK_MS = 1000;

/**
 * One full collection when a connect storm has ended (issue 19, memory per idle connection). Every
 * connection's setup leaves garbage (Node's socket and stream setup, the CONNECT packet, promises)
 * that is still referenced when the small young generation is scavenged, so it is promoted; V8 frees
 * it only at the next full collection, which a broker that then sits idle may not see for minutes
 * (its memory reducer runs when it judges the heap idle, seconds to never). Measured at 10,000 idle
 * connections: ~1.1 KiB of the 3.8 KiB per connection was that garbage (the bare Node `net` floor in
 * the bench shows the same ~0.9 KiB). So once STORM_CONNECTIONS have been accepted and then none for
 * STORM_CHECK_MS, the broker collects once (a pause of tens of ms at 10,000 connections, while no
 * one is connecting). The timer does not keep the process alive. Headless only: the Broker view shares
 * the Electron main process, whose heap is the app's.
 */
export function collectAfterConnectStorms(broker: Broker): void {
  const collect = fullCollection();
  if (!collect) return;
  let collectedAt = broker.connectionsAccepted();
  let seen = collectedAt;
  const timer = setInterval(() => {
    const accepted = broker.connectionsAccepted();
    if (accepted === seen && accepted - collectedAt >= STORM_CONNECTIONS) {
      collectedAt = accepted;
      collect();
    }
    seen = accepted;
  }, STORM_CHECK_MS);
  timer.unref();
}

let collector: (() => void) | null | undefined;

/** V8's full collection, exposed once (null if this V8 will not expose it). */
function fullCollection(): (() => void) | null {
  if (collector === undefined) {
    setFlagsFromString('--expose-gc');
    // the collector function V8 puts in a context made after the flag (the main context has none)
    const gc: unknown = runInNewContext('gc');
    // with compaction: freed in place, the storm's garbage leaves its pages fragmented and committed
    // (measured at 10,000 idle connections: 2.2 KiB of old space committed per connection for 1.5 live)
    collector =
      typeof gc === 'function'
        ? () => {
            setFlagsFromString('--compact-on-every-full-gc');
            try {
              (gc as () => void)();
            } finally {
              setFlagsFromString('--no-compact-on-every-full-gc');
            }
          }
        : null;
  }
  return collector;
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
 * Answers `{ type: 'broker-stats', id, collect? }` on the process's IPC channel with
 * `{ type: 'broker-stats', id, stats }` (the bench's memory breakdown). `collect` asks for a full
 * collection first: the bench's idle reading, so that idle and loaded are both read with no garbage
 * from start-up in them. The channel does not keep the process alive.
 */
export function answerStatsOverIpc(broker: Broker): void {
  if (!process.send || !process.channel) return;
  process.channel.unref();
  process.on('message', (message: unknown) => {
    const request = message as { type?: unknown; id?: unknown; collect?: unknown } | null;
    if (request?.type !== 'broker-stats') return;
    if (request.collect === true) fullCollection()?.();
    process.send?.({ type: 'broker-stats', id: request.id, stats: processStats(broker) });
  });
}
