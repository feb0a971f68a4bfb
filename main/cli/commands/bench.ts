/**
 * `mqtt-workbench bench pub|sub|conn`: load a broker and measure it. The load generator is
 * main/cli/bench/ (plain sockets and pre-encoded packets, not the engine): it must cost the broker's
 * rate as little as possible, and each report prints its own CPU per message beside the rate.
 */
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import type { BenchTarget } from '../bench/bench-connection';
import { createProgressPrinter, fmt, formatConn, formatPub, formatSub } from '../bench/report';
import type { SubBenchResult } from '../bench/run-sub';
import { CliFailure, EXIT, addConnectionFlags, integerFlag, type ConnectionFlags } from '../cli-flags';

const BENCH_EXIT_CODES = `
Exit codes:
  0  success: everything sent was acknowledged / received as asked, every client connected
  1  the run finished with a shortfall: messages unacknowledged or refused, --count not received,
     some clients failed to connect or lost their connection
  2  usage error (unknown flag, bad value)
  3  could not connect: no client reached the broker (refused, unreachable, timed out, bad credentials)`;

interface CommonFlags extends ConnectionFlags {
  json?: boolean;
  quiet?: boolean;
  concurrency: string;
}

function secondsFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 86_400) throw new CliFailure(`${name} must be a number of seconds above 0, up to 86400 (got ${value})`, EXIT.usage);
  return seconds;
}

/** The broker to load. The connection code and the load generators are loaded when a run starts, not for --help (issue 19). */
async function target(flags: ConnectionFlags): Promise<{ target: BenchTarget; clientIdPrefix: string }> {
  const [{ resolveConnection }, { benchTarget }] = await Promise.all([import('../cli-connection'), import('../bench/bench-connection')]);
  const { options } = resolveConnection(flags);
  const resolved = benchTarget(options);
  if (typeof resolved === 'string') throw new CliFailure(resolved, EXIT.usage);
  return { target: resolved, clientIdPrefix: flags.clientId ?? `mqtt-workbench-bench-${randomBytes(3).toString('hex')}` };
}

/** SIGINT/SIGTERM stop the run and still print what it measured; a second one exits at once. */
function stopOnSignal(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

function noConnection(failed: number, firstError: string | undefined): never {
  throw new CliFailure(`Could not connect: ${firstError ?? 'no client connected'}${failed > 1 ? ` (all ${failed} clients failed)` : ''}`, EXIT.noConnection);
}

function print(json: boolean | undefined, result: object, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${text}\n`);
}

const commonOptions = (command: Command): Command =>
  command
    .option('--concurrency <n>', 'CONNECTs in flight at once while connecting', '50')
    .option('--json', 'print the result as JSON (progress still goes to stderr)')
    .option('--quiet', 'no live counters on stderr');

interface PubFlags extends CommonFlags {
  clients: string;
  count?: string;
  duration?: string;
  rate: string;
  qos: string;
  size: string;
  topic: string;
  retain?: boolean;
  inflight: string;
  ackTimeout: string;
  subscribe?: boolean;
}

/** The filter one subscriber needs for a topic template: each level naming %i or %c becomes +. */
export function filterOf(template: string): string {
  return template
    .split('/')
    .map((level) => (level.includes('%i') || level.includes('%c') ? '+' : level))
    .join('/');
}

function createBenchPub(): Command {
  const command = new Command('pub').description('Publish as fast as the broker takes it (or at --rate) from many clients; report the broker\'s rate, ack latency and losses');
  addConnectionFlags(command)
    .option('-c, --clients <n>', 'publishing clients', '10')
    .option('-n, --count <n>', 'messages in all, shared over the clients')
    .option('-d, --duration <seconds>', 'publish for this long (default 10 s when no --count)')
    .option('-R, --rate <msg/s>', 'messages per second over all clients; 0 = as fast as the broker takes them (TCP backpressure and the QoS window)', '0')
    .addOption(new Option('-q, --qos <qos>', 'QoS').choices(['0', '1', '2']).default('0'))
    .option('-s, --size <bytes>', 'payload size; from 24 B each payload carries a send time and sequence for bench sub', '64')
    .option('-t, --topic <template>', 'topic; %i is the client\'s index, %c its client id', 'mqtt-workbench/bench/%i')
    .option('-r, --retain', 'publish retained')
    .option('--inflight <n>', 'unacknowledged QoS 1/2 messages per client (never above the broker\'s Receive Maximum)', '1000')
    .option('--ack-timeout <ms>', 'after the last publish, how long to wait for the outstanding acknowledgements', '10000')
    .option('--subscribe', 'also subscribe (one client, same QoS) and report what was received and the end-to-end latency: sent vs acknowledged vs received');
  return commonOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  mqtt-workbench bench pub -c 10 -n 1000000                 # a million QoS 0 messages, flat out
  mqtt-workbench bench pub -q 1 -d 30 -s 256 --json           # 30 s of QoS 1, JSON result
  mqtt-workbench bench pub -c 100 -R 5000 -t 'fleet/%i/telemetry' -d 60
  mqtt-workbench bench pub --profile "Plant broker" -V 311 -q 2 -n 100000
  mqtt-workbench bench pub -q 1 -n 200000 --subscribe         # sent vs acknowledged vs received
The rate printed is the broker's: QoS 0 until it answered a PINGREQ sent after the last PUBLISH (so it
had read them all), QoS 1/2 until the last PUBACK/PUBCOMP. "bench CPU" is this process's own CPU time
per message (process.cpuUsage), so a load generator at its limit shows (with --subscribe it includes
the subscriber's).
${BENCH_EXIT_CODES}`,
    )
    .action(async (flags: PubFlags) => {
      const clients = integerFlag(flags.clients, '--clients', 1, 100_000)!;
      const count = integerFlag(flags.count, '--count', 1, Number.MAX_SAFE_INTEGER);
      let duration = secondsFlag(flags.duration, '--duration');
      if (count !== undefined && duration !== undefined) throw new CliFailure('Give --count or --duration, not both', EXIT.usage);
      if (count === undefined && duration === undefined) duration = 10;
      const rate = integerFlag(flags.rate, '--rate', 0, 1_000_000_000)!;
      const size = integerFlag(flags.size, '--size', 0, 100 * 1024 * 1024)!;
      const inflight = integerFlag(flags.inflight, '--inflight', 1, 65_535)!;
      const ackTimeout = integerFlag(flags.ackTimeout, '--ack-timeout', 0, 3_600_000)!;
      const concurrency = integerFlag(flags.concurrency, '--concurrency', 1, 10_000)!;
      const { target: resolved, clientIdPrefix } = await target(flags);
      const qos = Number(flags.qos) as 0 | 1 | 2;
      const progress = createProgressPrinter(!flags.quiet);
      const stop = stopOnSignal();
      // --subscribe: one subscriber in place before the first PUBLISH, stopped once it has caught up.
      const subscriberStop = new AbortController();
      let received = 0;
      let receivedChangedAt = 0;
      let subscriber: Promise<SubBenchResult> | undefined;
      if (flags.subscribe) {
        let ready: () => void = () => {};
        const subscribed = new Promise<void>((resolve) => (ready = resolve));
        const { runSubBench } = await import('../bench/run-sub');
        subscriber = runSubBench({
          target: resolved,
          clients: 1,
          clientIdPrefix: `${clientIdPrefix}-sub`,
          topic: filterOf(flags.topic),
          qos,
          connectConcurrency: 1,
          signal: subscriberStop.signal,
          progressMs: 100,
          onReady: ready,
          onProgress: (p) => {
            if (p.received !== received) receivedChangedAt = Date.now();
            received = p.received;
          },
        });
        await Promise.race([subscribed, subscriber]);
      }
      try {
        const { runPubBench } = await import('../bench/run-pub');
        const result = await runPubBench({
          target: resolved,
          clients,
          clientIdPrefix,
          topic: flags.topic,
          qos,
          retain: Boolean(flags.retain),
          payloadBytes: size,
          ...(count !== undefined ? { count } : {}),
          ...(duration !== undefined ? { durationMs: duration * 1000 } : {}),
          rate,
          inflight,
          connectConcurrency: concurrency,
          drainTimeoutMs: ackTimeout,
          signal: stop.signal,
          onProgress: (p) => progress.line(`${(p.elapsedMs / 1000).toFixed(0)} s  ${count !== undefined ? `${Math.floor((p.sent * 100) / count)} %  ` : ''}sent ${fmt(p.sent)}${flags.qos === '0' ? '' : `  acknowledged ${fmt(p.acknowledged)}`}${flags.subscribe ? `  received ${fmt(received)}` : ''}  ${fmt(p.recentRate)} msg/s`),
        });
        let subResult: SubBenchResult | undefined;
        if (subscriber) {
          // Caught up: everything sent arrived, or nothing new for a second, or the ack timeout passed.
          const ended = Date.now();
          receivedChangedAt = Math.max(receivedChangedAt, ended);
          while (received < result.sent && Date.now() - receivedChangedAt < 1000 && Date.now() - ended < ackTimeout) await new Promise((resolve) => setTimeout(resolve, 50));
          subscriberStop.abort();
          subResult = await subscriber;
        }
        progress.done();
        if (result.clients.connected === 0) noConnection(result.clients.failed, result.clients.firstError);
        print(flags.json, subResult ? { ...result, subscriber: subResult } : result, formatPub(result) + (subResult ? `\nreceived by one subscriber (--subscribe):\n${formatSub(subResult)}` : ''));
        const complete = result.unacknowledged === 0 && result.refused === 0 && result.clients.failed === 0 && result.clients.lost === 0 && (count === undefined || result.sent === count || stop.signal.aborted);
        // At QoS 1/2 the subscriber must have every acknowledged message; QoS 0 losses are reported only.
        const delivered = !subResult || (subResult.clients.subscribed === 1 && (qos === 0 || subResult.received >= result.acknowledged));
        if (!complete || !delivered) process.exitCode = EXIT.failed;
      } finally {
        subscriberStop.abort();
        stop.release();
      }
    });
}

interface SubFlags extends CommonFlags {
  clients: string;
  count?: string;
  duration?: string;
  idle?: string;
  qos: string;
  topic: string;
}

function createBenchSub(): Command {
  const command = new Command('sub').description('Subscribe with many clients; report the received rate, end-to-end latency of bench pub\'s messages and gaps in their sequence');
  addConnectionFlags(command)
    .option('-c, --clients <n>', 'subscribing clients (each receives every message)', '1')
    .option('-t, --topic <filter>', 'topic filter; %i is the subscriber\'s index, %c its client id', 'mqtt-workbench/bench/#')
    .addOption(new Option('-q, --qos <qos>', 'QoS of the subscription').choices(['0', '1', '2']).default('0'))
    .option('-n, --count <n>', 'stop once every subscriber received this many')
    .option('-d, --duration <seconds>', 'stop after this long')
    .option('--idle <seconds>', 'stop when nothing arrived for this long after the first message');
  return commonOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  mqtt-workbench bench sub -c 5 -n 100000 &                 # then, elsewhere:
  mqtt-workbench bench pub -n 100000
  mqtt-workbench bench sub -t 'fleet/+/telemetry' -q 1 --idle 5 --json
Runs until --count, --duration, --idle, or Ctrl-C (which still prints the result). "Subscribed ..."
on stderr says when the subscriptions are in place. Latency is measured on messages stamped by
\`bench pub\` (payload >= 24 B): its send time against this host's clock, so both on one host or with
synchronised clocks.
${BENCH_EXIT_CODES}`,
    )
    .action(async (flags: SubFlags) => {
      const clients = integerFlag(flags.clients, '--clients', 1, 100_000)!;
      const count = integerFlag(flags.count, '--count', 1, Number.MAX_SAFE_INTEGER);
      const duration = secondsFlag(flags.duration, '--duration');
      const idle = secondsFlag(flags.idle, '--idle');
      const concurrency = integerFlag(flags.concurrency, '--concurrency', 1, 10_000)!;
      const { target: resolved, clientIdPrefix } = await target(flags);
      const progress = createProgressPrinter(!flags.quiet);
      const stop = stopOnSignal();
      try {
        const { runSubBench } = await import('../bench/run-sub');
        const result = await runSubBench({
          target: resolved,
          clients,
          clientIdPrefix,
          topic: flags.topic,
          qos: Number(flags.qos) as 0 | 1 | 2,
          ...(count !== undefined ? { count } : {}),
          ...(duration !== undefined ? { durationMs: duration * 1000 } : {}),
          ...(idle !== undefined ? { idleMs: idle * 1000 } : {}),
          connectConcurrency: concurrency,
          signal: stop.signal,
          onReady: (n) => process.stderr.write(`Subscribed ${n} client${n === 1 ? '' : 's'} to ${flags.topic}\n`),
          onProgress: (p) => progress.line(`${(p.elapsedMs / 1000).toFixed(0)} s  received ${fmt(p.received)}${count !== undefined ? ` of ${fmt(count * clients)}` : ''}  ${fmt(p.recentRate)} msg/s`),
        });
        progress.done();
        if (result.clients.connected === 0) noConnection(result.clients.failed, result.clients.firstError);
        print(flags.json, result, formatSub(result));
        const complete = result.clients.failed === 0 && result.clients.lost === 0 && (count === undefined || result.ended === 'count');
        if (!complete) process.exitCode = EXIT.failed;
      } finally {
        stop.release();
      }
    });
}

interface ConnFlags extends CommonFlags {
  clients: string;
}

function createBenchConn(): Command {
  const command = new Command('conn').description('Open many connections; report the connection rate, time to CONNACK and failures');
  addConnectionFlags(command).option('-c, --clients <n>', 'connections to open (all held until the last is acknowledged)', '100');
  return commonOptions(command)
    .addHelpText(
      'after',
      `
Examples:
  mqtt-workbench bench conn -c 1000 --concurrency 100
  mqtt-workbench bench conn -h broker.example -p 8883 --cafile ca.pem -c 200 --json
${BENCH_EXIT_CODES}`,
    )
    .action(async (flags: ConnFlags) => {
      const clients = integerFlag(flags.clients, '--clients', 1, 1_000_000)!;
      const concurrency = integerFlag(flags.concurrency, '--concurrency', 1, 10_000)!;
      const { target: resolved, clientIdPrefix } = await target(flags);
      const progress = createProgressPrinter(!flags.quiet);
      const stop = stopOnSignal();
      try {
        const { runConnBench } = await import('../bench/run-conn');
        const result = await runConnBench({
          target: resolved,
          count: clients,
          concurrency,
          clientIdPrefix,
          signal: stop.signal,
          onProgress: (p) => progress.line(`${(p.elapsedMs / 1000).toFixed(0)} s  connected ${fmt(p.connected)} of ${fmt(clients)}`),
        });
        progress.done();
        if (result.connected === 0) noConnection(result.failed, result.firstError);
        print(flags.json, result, formatConn(result));
        if (result.failed > 0) process.exitCode = EXIT.failed;
      } finally {
        stop.release();
      }
    });
}

export function createBenchCommand(): Command {
  return new Command('bench')
    .description('Load a broker and measure it: publish throughput (pub), receive rate and latency (sub), connection rate (conn)')
    .addCommand(createBenchPub())
    .addCommand(createBenchSub())
    .addCommand(createBenchConn())
    .addHelpText(
      'after',
      `
Examples:
  mqtt-workbench bench pub -c 10 -n 1000000 -q 1
  mqtt-workbench bench sub -c 5 -n 100000
  mqtt-workbench bench conn -c 1000 --concurrency 100
${BENCH_EXIT_CODES}`,
    );
}
