/**
 * `bench sub`'s engine: N subscribers on plain sockets, reading PUBLISH packets in place. A payload
 * stamped by `bench pub` (wire.ts: send time, sequence, run, client) gives the end-to-end latency
 * and, from gaps in each publisher's sequence, the messages lost between a subscriber's first and
 * last one. Memory is per publisher stream and a fixed histogram, never per message.
 */
import type { BenchSocket, BenchTarget } from './bench-connection';
import { connectAll } from './connect-all';
import { type CpuFigures, startCpu } from './cpu';
import { type LatencySummary, createHistogram } from './histogram';
import { DISCONNECT, PACKET, PINGREQ, type Stamp, ackPacket, createFrameReader, decodePacket, encodeSubscribe, nowMs, readStamp } from './wire';

export interface SubBenchOptions {
  target: BenchTarget;
  clients: number;
  clientIdPrefix: string;
  /** Topic filter template: %i is the subscriber's index, %c its client id. */
  topic: string;
  qos: 0 | 1 | 2;
  /** Stop once every subscriber received this many. */
  count?: number;
  durationMs?: number;
  /** Stop when nothing arrived for this long after the first message. */
  idleMs?: number;
  connectConcurrency: number;
  onReady?: (subscribed: number) => void;
  onProgress?: (progress: SubProgress) => void;
  /** How often onProgress is called (default 1000 ms). */
  progressMs?: number;
  signal?: AbortSignal;
}

export interface SubProgress {
  elapsedMs: number;
  received: number;
  recentRate: number;
}

export interface SubBenchResult {
  kind: 'sub';
  target: string;
  protocolVersion: number;
  qos: 0 | 1 | 2;
  topic: string;
  clients: { requested: number; connected: number; subscribed: number; failed: number; failures: Record<string, number>; firstError?: string; lost: number };
  /** Over all subscribers. */
  received: number;
  /** Messages that carried a bench stamp (the latency is theirs). */
  stamped: number;
  /** With --count: count × subscribers. */
  expected?: number;
  /** Gaps in the publishers' sequences, summed over subscribers. */
  lost: number;
  /** Stamped messages that came after a later one of the same publisher (or again, at QoS 1). */
  outOfOrder: number;
  /** From the first message received to the last. */
  elapsedSeconds: number;
  rate: number;
  /** Send (stamp) to receipt, milliseconds. */
  latency?: LatencySummary;
  /** Why the run ended: count, duration, idle or stopped. */
  ended: string;
  cpu: CpuFigures;
}

interface Stream {
  received: number;
  min: number;
  max: number;
  outOfOrder: number;
}

export async function runSubBench(options: SubBenchOptions): Promise<SubBenchResult> {
  const latency = createHistogram();
  let received = 0;
  let stamped = 0;
  let first = 0;
  let last = 0;
  const subscribed: BenchSocket[] = [];
  const subackFailures: Record<string, number> = {};
  let subackFailed = 0;
  const streams: Map<number, Map<number, Stream>>[] = [];
  const perClient: number[] = [];
  const timers: NodeJS.Timeout[] = [];
  let lostConnections = 0;
  let stop: (why: string) => void = () => {};
  const ended = new Promise<string>((resolve) => (stop = resolve));
  let running = true;
  let ready = false;
  /** Subscribers done with --count (a failed one counts as done). */
  let satisfied = 0;
  const checkCount = () => {
    if (ready && options.count !== undefined && satisfied >= perClient.length) stop('count');
  };

  const cpu = startCpu();
  const stamp: Stamp = { sentAtMs: 0, sequence: 0, run: 0, client: 0 };
  const attach = (bench: BenchSocket, index: number): Promise<boolean> => {
    const { socket, version } = bench;
    const slot = streams.length;
    streams.push(new Map());
    perClient.push(0);
    let replies: Buffer[] = [];
    let chunkNow = 0;
    let onSuback: (ok: boolean) => void = () => {};
    const subacked = new Promise<boolean>((resolve) => (onSuback = resolve));
    const read = createFrameReader((buffer, type, flags, bodyAt, end, start) => {
      if (type === PACKET.publish) {
        if (!running) return;
        const qos = (flags >> 1) & 3;
        let at = bodyAt + 2 + buffer.readUInt16BE(bodyAt);
        if (qos > 0) {
          const id = buffer.readUInt16BE(at);
          at += 2;
          replies.push(ackPacket(qos === 1 ? PACKET.puback : PACKET.pubrec, id));
        }
        if (version === 5) {
          let length = 0;
          let multiplier = 1;
          let byte = 0;
          do {
            byte = buffer[at++]!;
            length += (byte & 0x7f) * multiplier;
            multiplier *= 128;
          } while (byte & 0x80);
          at += length;
        }
        received++;
        if (++perClient[slot]! === options.count) satisfied++;
        if (first === 0) first = chunkNow;
        last = chunkNow;
        if (readStamp(buffer, at, end, stamp)) {
          stamped++;
          latency.record(chunkNow - stamp.sentAtMs);
          const byRun = streams[slot]!;
          let byClient = byRun.get(stamp.run);
          if (!byClient) byRun.set(stamp.run, (byClient = new Map()));
          const stream = byClient.get(stamp.client);
          if (!stream) byClient.set(stamp.client, { received: 1, min: stamp.sequence, max: stamp.sequence, outOfOrder: 0 });
          else {
            stream.received++;
            if (stamp.sequence < stream.max) stream.outOfOrder++;
            else stream.max = stamp.sequence;
            if (stamp.sequence < stream.min) stream.min = stamp.sequence;
          }
        }
      } else if (type === PACKET.pubrel) {
        replies.push(ackPacket(PACKET.pubcomp, buffer.readUInt16BE(bodyAt)));
      } else if (type === PACKET.suback) {
        const packet = decodePacket(buffer, start, end, version) as { granted?: (number | { qos: number })[] } | undefined;
        const code = packet?.granted?.[0];
        const value = typeof code === 'number' ? code : (code?.qos ?? 0x80);
        if (value >= 0x80) {
          subackFailed++;
          const kind = `suback 0x${value.toString(16)}`;
          subackFailures[kind] = (subackFailures[kind] ?? 0) + 1;
        }
        onSuback(value < 0x80);
      }
    });
    socket.on('data', (chunk: Buffer) => {
      chunkNow = nowMs();
      read(chunk);
      if (replies.length > 0) {
        socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies));
        replies = [];
      }
      checkCount();
    });
    socket.once('close', () => {
      onSuback(false);
      if (!running || !subscribed.includes(bench)) return;
      lostConnections++;
      if (ready && lostConnections >= subscribed.length) stop('connections lost');
    });
    if (bench.socket.writable && options.target.keepalive > 0) timers.push(setInterval(() => socket.writable && socket.write(PINGREQ), (options.target.keepalive * 1000) / 2));
    const topic = options.topic.replaceAll('%i', String(index)).replaceAll('%c', bench.clientId);
    socket.write(encodeSubscribe(topic, options.qos, version));
    return subacked;
  };

  const pending: Promise<void>[] = [];
  const tally = await connectAll(
    options.target,
    options.clients,
    options.connectConcurrency,
    (i) => `${options.clientIdPrefix}-${i}`,
    (bench, index) => {
      pending.push(
        attach(bench, index).then((ok) => {
          if (ok) subscribed.push(bench);
          else bench.socket.destroy();
        }),
      );
    },
    () => options.signal?.aborted ?? false,
  );
  await Promise.all(pending);
  // Subscribers that failed their SUBACK no longer count toward --count.
  tally.sockets.forEach((bench, k) => {
    if (!subscribed.includes(bench) && (options.count === undefined || perClient[k]! < options.count)) satisfied++;
  });

  const base = {
    kind: 'sub' as const,
    target: `${options.target.protocol}://${options.target.host}:${options.target.port}`,
    protocolVersion: options.target.version,
    qos: options.qos,
    topic: options.topic,
  };
  const clients = () => ({
    requested: options.clients,
    connected: tally.sockets.length,
    subscribed: subscribed.length,
    failed: tally.failed + subackFailed,
    failures: { ...tally.failures, ...subackFailures },
    ...(tally.firstError ? { firstError: tally.firstError } : {}),
    lost: lostConnections,
  });

  let why = 'stopped';
  if (subscribed.length > 0 && !options.signal?.aborted) {
    options.onReady?.(subscribed.length);
    const started = nowMs();
    if (options.durationMs !== undefined) timers.push(setTimeout(() => stop('duration'), options.durationMs));
    if (options.idleMs !== undefined) timers.push(setInterval(() => first > 0 && nowMs() - last >= options.idleMs! && stop('idle'), Math.min(250, options.idleMs)));
    options.signal?.addEventListener('abort', () => stop('stopped'), { once: true });
    let lastReceived = 0;
    let lastAt = started;
    if (options.onProgress) {
      timers.push(
        setInterval(() => {
          const now = nowMs();
          options.onProgress!({ elapsedMs: now - started, received, recentRate: ((received - lastReceived) * 1000) / (now - lastAt || 1) });
          lastReceived = received;
          lastAt = now;
        }, options.progressMs ?? 1000),
      );
    }
    ready = true;
    checkCount();
    if (lostConnections >= subscribed.length) stop('connections lost');
    why = await ended;
  }
  running = false;
  for (const timer of timers) clearInterval(timer);
  for (const bench of tally.sockets) {
    if (bench.socket.writable) bench.socket.end(DISCONNECT);
    else bench.socket.destroy();
  }

  let lost = 0;
  let outOfOrder = 0;
  for (const byRun of streams)
    for (const byClient of byRun.values())
      for (const stream of byClient.values()) {
        lost += Math.max(0, stream.max - stream.min + 1 - stream.received);
        outOfOrder += stream.outOfOrder;
      }
  const elapsedMs = last - first;
  const summary = latency.summary();
  return {
    ...base,
    clients: clients(),
    received,
    stamped,
    ...(options.count !== undefined ? { expected: options.count * subscribed.length } : {}),
    lost,
    outOfOrder,
    elapsedSeconds: elapsedMs / 1000,
    rate: elapsedMs > 0 ? received / (elapsedMs / 1000) : 0,
    ...(summary ? { latency: summary } : {}),
    ended: why,
    cpu: cpu(received, elapsedMs),
  };
}
