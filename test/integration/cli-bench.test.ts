/**
 * `mqtt-workbench bench pub|sub|conn` (the built CLI, as a user runs it) against mosquitto and our
 * headless broker: counts, acknowledgements, latency figures, exit codes. No speed is asserted here:
 * speed is `npm run bench -- cli`'s.
 */
import { describe, expect, it } from 'vitest';
import type { ConnBenchResult } from '../../main/cli/bench/run-conn';
import type { PubBenchResult } from '../../main/cli/bench/run-pub';
import type { SubBenchResult } from '../../main/cli/bench/run-sub';
import { runCli, startCli } from '../support/cli-process';
import { useBuiltBroker } from '../support/built-broker';
import { useMosquitto } from '../support/fixtures';

const mosquitto = useMosquitto({ extraConfig: ['max_queued_messages 100000'] });
const secured = useMosquitto({ auth: { username: 'bench-user', password: 'bench-secret' } });
const ours = useBuiltBroker();

const brokers = [
  { name: 'mosquitto', port: () => String(mosquitto.port) },
  { name: 'our broker', port: () => String(ours.port) },
];

function expectOrderedPercentiles(summary: { min: number; p50: number; p95: number; p99: number; max: number } | undefined): void {
  expect(summary).toBeDefined();
  const { min, p50, p95, p99, max } = summary!;
  expect(min).toBeGreaterThanOrEqual(0);
  expect(p50).toBeGreaterThanOrEqual(min);
  expect(p95).toBeGreaterThanOrEqual(p50);
  expect(p99).toBeGreaterThanOrEqual(p95);
  expect(max).toBeGreaterThanOrEqual(p99);
}

async function benchJson<T>(args: string[]): Promise<T> {
  const result = await runCli(['bench', ...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

describe.each(brokers)('mqtt-workbench bench against $name', ({ port }) => {
  it('bench pub --count N: N sent; QoS 0 all read by the broker, QoS 1 and 2 (3.1.1) all acknowledged with ack latency', async () => {
    const qos0 = await benchJson<PubBenchResult>(['pub', '-p', port(), '-c', '3', '-n', '3000', '-q', '0']);
    expect(qos0).toMatchObject({ kind: 'pub', qos: 0, sent: 3000, acknowledged: 3000, unacknowledged: 0, clients: { requested: 3, connected: 3, failed: 0, lost: 0 } });
    expect(qos0.cpu.perMessageUs).toBeGreaterThan(0);
    const qos1 = await benchJson<PubBenchResult>(['pub', '-p', port(), '-c', '2', '-n', '3001', '-q', '1', '--inflight', '50']);
    expect(qos1).toMatchObject({ qos: 1, sent: 3001, acknowledged: 3001, refused: 0, unacknowledged: 0 });
    expect(qos1.inflight).toBeLessThanOrEqual(50);
    expect(qos1.ackLatency?.count).toBe(3001);
    expectOrderedPercentiles(qos1.ackLatency);
    const qos2 = await benchJson<PubBenchResult>(['pub', '-p', port(), '-c', '2', '-n', '1000', '-q', '2', '-V', '311', '-s', '200']);
    expect(qos2).toMatchObject({ qos: 2, protocolVersion: 4, payloadBytes: 200, sent: 1000, acknowledged: 1000, unacknowledged: 0 });
    expect(qos2.ackLatency?.count).toBe(1000);
  });

  it('bench sub receives every message bench pub sends, with end-to-end latency and no gap in the sequences', async () => {
    const sub = startCli(['bench', 'sub', '-p', port(), '-c', '2', '-t', 'subbench/#', '-q', '1', '-n', '2000', '--json']);
    await sub.waitForLine(/^Subscribed 2 clients to subbench\/#$/, 'stderr');
    const pub = await runCli(['bench', 'pub', '-p', port(), '-c', '4', '-t', 'subbench/%i', '-n', '2000', '-q', '1']);
    expect(pub.code, pub.stderr).toBe(0);
    const done = await sub.done;
    expect(done.code, done.stderr).toBe(0);
    const result = JSON.parse(done.stdout) as SubBenchResult;
    expect(result).toMatchObject({ kind: 'sub', qos: 1, received: 4000, stamped: 4000, expected: 4000, lost: 0, ended: 'count', clients: { subscribed: 2, failed: 0 } });
    expect(result.latency?.count).toBe(4000);
    expectOrderedPercentiles(result.latency);
  });

  it('bench pub --subscribe reports sent vs acknowledged vs received from one command', async () => {
    const result = await benchJson<PubBenchResult & { subscriber: SubBenchResult }>(['pub', '-p', port(), '-c', '3', '-t', 'both/%i/data', '-n', '1500', '-q', '1', '--subscribe']);
    expect(result).toMatchObject({ sent: 1500, acknowledged: 1500, subscriber: { topic: 'both/+/data', qos: 1, received: 1500, stamped: 1500, lost: 0, clients: { subscribed: 1 } } });
    expectOrderedPercentiles(result.subscriber.latency);
  });

  it('bench conn opens N connections and times each CONNACK', async () => {
    const result = await benchJson<ConnBenchResult>(['conn', '-p', port(), '-c', '60', '--concurrency', '7']);
    expect(result).toMatchObject({ kind: 'conn', requested: 60, concurrency: 7, connected: 60, failed: 0, failures: {} });
    expect(result.connack?.count).toBe(60);
    expectOrderedPercentiles(result.connack);
  });
});

describe('mqtt-workbench bench: output, limits and exit codes', () => {
  const port = () => String(mosquitto.port);

  it('readable output by default; piped live counters are plain lines on stderr; --rate bounds what is sent', async () => {
    const result = await runCli(['bench', 'pub', '-p', port(), '-c', '2', '-d', '1.5', '-R', '2000', '-q', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^bench pub → mqtt:\/\/127\.0\.0\.1:\d+ \(MQTT 5\), QoS 1, 64 B payload/);
    expect(result.stdout).toMatch(/throughput: [\d,]+ msg\/s the broker took, .* bench CPU [\d.]+ µs\/msg/);
    expect(result.stdout).toMatch(/ack latency, PUBLISH to PUBACK \(ms\): p50 [\d.]+ {2}p95 [\d.]+ {2}p99 [\d.]+ {2}max [\d.]+/);
    const sent = Number(/sent ([\d,]+)/.exec(result.stdout)![1]!.replaceAll(',', ''));
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThanOrEqual(3000); // 2000 msg/s for 1.5 s, never more
    expect(result.stderr).not.toContain('\r');
    expect(result.stderr).toMatch(/^1 s {2}sent [\d,]+ {2}acknowledged [\d,]+ {2}[\d,]+ msg\/s$/m);
  });

  it('large payloads (many TCP chunks per packet) arrive whole, stamped, at QoS 2', async () => {
    const result = await benchJson<PubBenchResult & { subscriber: SubBenchResult }>(['pub', '-p', port(), '-c', '2', '-n', '20', '-s', '300000', '-q', '2', '--subscribe']);
    expect(result).toMatchObject({ payloadBytes: 300000, sent: 20, acknowledged: 20, subscriber: { received: 20, stamped: 20, lost: 0 } });
  });

  it('exit 3 with a clear message when nothing can be reached or the credentials are wrong', async () => {
    for (const command of ['pub', 'sub', 'conn']) {
      const refused = await runCli(['bench', command, '-p', '1', '-c', '2', '--quiet']);
      expect(refused.code, refused.stderr).toBe(3);
      expect(refused.stderr).toMatch(/^Could not connect: connect ECONNREFUSED 127\.0\.0\.1:1 \(all 2 clients failed\)$/m);
      expect(refused.stdout).toBe('');
    }
    const denied = await runCli(['bench', 'pub', '-p', String(secured.port), '-u', 'bench-user', '-P', 'wrong', '-n', '10', '-V', '311']);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/Could not connect: the broker refused the connection \(CONNACK (bad user name or password|not authorized)\)/);
    const allowed = await benchJson<PubBenchResult>(['pub', '-p', String(secured.port), '-u', 'bench-user', '-P', 'bench-secret', '-n', '10', '-q', '1']);
    expect(allowed.acknowledged).toBe(10);
  });

  it('exit 2 on bad arguments, before connecting', async () => {
    const bad = [
      ['pub', '-c', '0'],
      ['pub', '-n', '10', '-d', '5'],
      ['pub', '-q', '3'],
      ['pub', '-n', 'many'],
      ['pub', '--protocol', 'ws'],
      ['sub', '--duration', '-1'],
      ['conn', '--concurrency', '0'],
      ['conn', '--no-such-flag'],
      ['nope'],
    ];
    for (const args of bad) {
      const result = await runCli(['bench', ...args, '-p', '1']);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr).not.toMatch(/Could not connect/);
    }
  });

  it('--help of each subcommand shows examples and the exit codes', async () => {
    for (const command of [['bench'], ['bench', 'pub'], ['bench', 'sub'], ['bench', 'conn']]) {
      const help = await runCli([...command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:\n {2}mqtt-workbench bench /);
      expect(help.stdout).toMatch(/3 {2}could not connect/);
    }
    expect((await runCli(['--help'])).stdout).toMatch(/bench/);
  });
});
