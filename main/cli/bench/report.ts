/** How `bench` prints: one readable block at the end (or --json), and live counters while it runs. */
import type { ConnBenchResult } from './run-conn';
import type { LatencySummary } from './histogram';
import type { PubBenchResult } from './run-pub';
import type { SubBenchResult } from './run-sub';

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const version = (v: number): string => ({ 3: '3.1', 4: '3.1.1', 5: '5' })[v] ?? String(v);

function latencyLine(label: string, summary: LatencySummary | undefined): string {
  if (!summary) return `${label}: none measured`;
  return `${label} (ms): p50 ${ms(summary.p50)}  p95 ${ms(summary.p95)}  p99 ${ms(summary.p99)}  max ${ms(summary.max)}  (min ${ms(summary.min)}, mean ${ms(summary.mean)}, ${fmt(summary.count)} samples)`;
}

function clientLine(clients: { requested: number; connected: number; failed: number; failures: Record<string, number>; firstError?: string; lost: number }): string {
  const failures = Object.entries(clients.failures).map(([kind, n]) => `${kind} ×${n}`).join(', ');
  return `clients: ${clients.connected}/${clients.requested} connected${clients.failed ? `, ${clients.failed} failed (${failures}${clients.firstError ? `; first: ${clients.firstError}` : ''})` : ''}${clients.lost ? `, ${clients.lost} lost during the run` : ''}`;
}

export function formatPub(result: PubBenchResult): string {
  const acknowledged = result.qos === 0 ? 'read by the broker (PINGRESP after the last)' : 'acknowledged';
  return [
    `bench pub → ${result.target} (MQTT ${version(result.protocolVersion)}), QoS ${result.qos}, ${result.payloadBytes} B payload${result.inflight !== undefined ? `, ${result.inflight} in flight per client` : ''}`,
    clientLine(result.clients),
    `throughput: ${fmt(result.rate)} msg/s the broker took, over ${result.elapsedSeconds.toFixed(2)} s  |  bench CPU ${result.cpu.perMessageUs.toFixed(2)} µs/msg (${result.cpu.percentOfCore.toFixed(0)} % of a core)`,
    `messages: sent ${fmt(result.sent)}, ${acknowledged} ${fmt(result.acknowledged)}${result.refused ? `, refused ${fmt(result.refused)}` : ''}, unacknowledged ${fmt(result.unacknowledged)}`,
    ...(result.qos > 0 ? [latencyLine(`ack latency, PUBLISH to ${result.qos === 1 ? 'PUBACK' : 'PUBCOMP'}`, result.ackLatency)] : []),
  ].join('\n');
}

export function formatSub(result: SubBenchResult): string {
  return [
    `bench sub ← ${result.target} (MQTT ${version(result.protocolVersion)}), ${result.topic}, QoS ${result.qos}; ended: ${result.ended}`,
    `${clientLine(result.clients)}, ${result.clients.subscribed} subscribed`,
    `throughput: ${fmt(result.rate)} msg/s received, over ${result.elapsedSeconds.toFixed(2)} s  |  bench CPU ${result.cpu.perMessageUs.toFixed(2)} µs/msg (${result.cpu.percentOfCore.toFixed(0)} % of a core)`,
    `messages: received ${fmt(result.received)}${result.expected !== undefined ? ` of ${fmt(result.expected)} expected` : ''} (${fmt(result.stamped)} stamped by bench pub), lost in sequence ${fmt(result.lost)}, out of order or repeated ${fmt(result.outOfOrder)}`,
    result.stamped > 0 ? latencyLine('end-to-end latency', result.latency) : 'end-to-end latency: no stamped messages (publish with `mqtt-workbench bench pub`, payload >= 24 B)',
  ].join('\n');
}

export function formatConn(result: ConnBenchResult): string {
  const failures = Object.entries(result.failures).map(([kind, n]) => `${kind} ×${n}`).join(', ');
  return [
    `bench conn → ${result.target} (MQTT ${version(result.protocolVersion)}), ${fmt(result.requested)} connections, ${result.concurrency} at once`,
    `connections: ${fmt(result.connected)} acknowledged, ${fmt(result.failed)} failed${result.failed ? ` (${failures}${result.firstError ? `; first: ${result.firstError}` : ''})` : ''}`,
    `rate: ${fmt(result.rate)} connections/s over ${result.elapsedSeconds.toFixed(2)} s  |  bench CPU ${(result.cpu.perMessageUs / 1000).toFixed(3)} ms/connection`,
    latencyLine('time to CONNACK', result.connack),
  ].join('\n');
}

/** Live counters: one rewritten line on a terminal, a plain line a second when stderr is piped. */
export function createProgressPrinter(enabled: boolean): { line(text: string): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  let shown = false;
  return {
    line(text) {
      if (!enabled) return;
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text}`);
        shown = true;
      } else process.stderr.write(`${text}\n`);
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}
