/**
 * `bench pub`'s engine: each client writes pre-encoded PUBLISH packets in batches as fast as its
 * socket takes them (TCP backpressure: a full socket waits for 'drain'), at QoS 1/2 within a window
 * of unacknowledged packets no larger than the broker's Receive Maximum [MQTT-3.3.4-7]. A rate
 * limit releases whole batches of due messages from one timer per client, never a timer per
 * message. The end is confirmed by the broker: QoS 0 by a PINGRESP after the last PUBLISH (the
 * broker answers in order, so it has read them all), QoS 1/2 by the last PUBACK/PUBCOMP.
 */
import type { BenchSocket, BenchTarget } from './bench-connection';
import { connectAll } from './connect-all';
import { type CpuFigures, startCpu } from './cpu';
import { type Histogram, type LatencySummary, createHistogram } from './histogram';
import { PACKET, PINGREQ, DISCONNECT, STAMP_BYTES, ackPacket, createFrameReader, nowMs, publishTemplate, writeStamp } from './wire';

export interface PubBenchOptions {
  target: BenchTarget;
  clients: number;
  /** Client ids are `${clientIdPrefix}-${index}`. */
  clientIdPrefix: string;
  /** Topic template: %i is the client's index, %c its client id. */
  topic: string;
  qos: 0 | 1 | 2;
  retain: boolean;
  payloadBytes: number;
  /** Total messages over all clients; or run for durationMs. */
  count?: number;
  durationMs?: number;
  /** Total messages per second over all clients; 0 = as fast as the broker takes them. */
  rate: number;
  /** Unacknowledged QoS 1/2 PUBLISHes per client (lowered to the broker's Receive Maximum). */
  inflight: number;
  /** CONNECTs in flight at once while the clients connect. */
  connectConcurrency: number;
  /** After the last publish, how long to wait for outstanding acknowledgements. */
  drainTimeoutMs: number;
  onProgress?: (progress: PubProgress) => void;
  /** Aborting stops sending; what was sent is still confirmed and reported. */
  signal?: AbortSignal;
}

export interface PubProgress {
  elapsedMs: number;
  sent: number;
  acknowledged: number;
  /** Messages per second over the last interval. */
  recentRate: number;
}

export interface PubBenchResult {
  kind: 'pub';
  target: string;
  protocolVersion: number;
  qos: 0 | 1 | 2;
  payloadBytes: number;
  clients: { requested: number; connected: number; failed: number; failures: Record<string, number>; firstError?: string; lost: number };
  /** Per client, the window actually used (after the broker's Receive Maximum). */
  inflight?: number;
  sent: number;
  /** QoS 0: confirmed read by the broker (PINGRESP after the last PUBLISH); QoS 1/2: PUBACK/PUBCOMP with success. */
  acknowledged: number;
  /** QoS 1/2 acknowledged with a failure reason code. */
  refused: number;
  /** Sent but never acknowledged (connection lost, or the drain timeout passed). */
  unacknowledged: number;
  /** From the first PUBLISH to the broker's last confirmation. */
  elapsedSeconds: number;
  /** The broker's rate: acknowledged messages per second. */
  rate: number;
  /** Publish to PUBACK (QoS 1) or PUBCOMP (QoS 2), milliseconds. */
  ackLatency?: LatencySummary;
  connectSeconds: number;
  cpu: CpuFigures;
}

const BATCH_BYTES = 64 * 1024;
const MAX_BATCH = 1024;
/** Batches one client writes before letting the event loop read acknowledgements and other sockets. */
const BATCHES_PER_TURN = 8;

interface Publisher {
  sent: number;
  acknowledged: number;
  refused: number;
  inflight: number;
  lost: boolean;
  confirmedAt: number;
  done: Promise<void>;
  pump(): void;
}

export async function runPubBench(options: PubBenchOptions): Promise<PubBenchResult> {
  const run = (Math.random() * 0x1_0000_0000) >>> 0;
  const latency = options.qos > 0 ? createHistogram() : undefined;
  const connectStart = nowMs();
  const tally = await connectAll(options.target, options.clients, options.connectConcurrency, (i) => `${options.clientIdPrefix}-${i}`, undefined, () => options.signal?.aborted ?? false);
  const connectSeconds = (nowMs() - connectStart) / 1000;
  const base = {
    kind: 'pub' as const,
    target: `${options.target.protocol}://${options.target.host}:${options.target.port}`,
    protocolVersion: options.target.version,
    qos: options.qos,
    payloadBytes: options.payloadBytes,
  };
  const clients = { requested: options.clients, connected: tally.sockets.length, failed: tally.failed, failures: tally.failures, ...(tally.firstError ? { firstError: tally.firstError } : {}), lost: 0 };
  if (tally.sockets.length === 0) {
    return { ...base, clients, sent: 0, acknowledged: 0, refused: 0, unacknowledged: 0, elapsedSeconds: 0, rate: 0, connectSeconds, cpu: startCpu()(0, 0) };
  }

  // Quotas over the clients that connected: the total asked for is still sent.
  const n = tally.sockets.length;
  const quotas = tally.sockets.map((_, k) => (options.count === undefined ? Infinity : Math.floor(options.count / n) + (k < options.count % n ? 1 : 0)));
  const perClientRate = options.rate > 0 ? options.rate / n : 0;
  const cpu = startCpu();
  const start = nowMs();
  const deadline = options.durationMs !== undefined ? start + options.durationMs : Infinity;
  const publishers = tally.sockets.map((socket, k) => createPublisher(socket, tally.indexes[k]!, quotas[k]!, { ...options, run, start, deadline, perClientRate, latency }));
  let window: number | undefined;
  if (options.qos > 0) window = Math.min(...tally.sockets.map((s) => Math.min(options.inflight, s.receiveMaximum ?? 65_535)));

  let lastSent = 0;
  let lastAt = start;
  const progress = options.onProgress
    ? setInterval(() => {
        const now = nowMs();
        const sent = publishers.reduce((sum, p) => sum + p.sent, 0);
        const acknowledged = publishers.reduce((sum, p) => sum + p.acknowledged, 0);
        options.onProgress!({ elapsedMs: now - start, sent, acknowledged, recentRate: ((sent - lastSent) * 1000) / (now - lastAt || 1) });
        lastSent = sent;
        lastAt = now;
      }, 1000)
    : undefined;
  for (const p of publishers) p.pump();
  await Promise.all(publishers.map((p) => p.done));
  if (progress) clearInterval(progress);

  const end = Math.max(...publishers.map((p) => p.confirmedAt), start);
  const sent = publishers.reduce((sum, p) => sum + p.sent, 0);
  const acknowledged = publishers.reduce((sum, p) => sum + p.acknowledged, 0);
  const refused = publishers.reduce((sum, p) => sum + p.refused, 0);
  const elapsedMs = end - start;
  clients.lost = publishers.filter((p) => p.lost).length;
  const ackLatency = latency?.summary();
  return {
    ...base,
    clients,
    ...(window !== undefined ? { inflight: window } : {}),
    sent,
    acknowledged,
    refused,
    unacknowledged: sent - acknowledged - refused,
    elapsedSeconds: elapsedMs / 1000,
    rate: elapsedMs > 0 ? acknowledged / (elapsedMs / 1000) : 0,
    ...(ackLatency ? { ackLatency } : {}),
    connectSeconds,
    cpu: cpu(sent, nowMs() - start),
  };
}

interface PublisherContext extends PubBenchOptions {
  run: number;
  start: number;
  deadline: number;
  perClientRate: number;
  latency: Histogram | undefined;
}

function createPublisher(bench: BenchSocket, index: number, quota: number, context: PublisherContext): Publisher {
  const { socket } = bench;
  const { qos } = context;
  const topic = context.topic.replaceAll('%i', String(index)).replaceAll('%c', bench.clientId);
  const template = publishTemplate(topic, qos, context.retain, context.payloadBytes, bench.version);
  const length = template.bytes.length;
  const stamped = context.payloadBytes >= STAMP_BYTES;
  const maxBatch = Math.max(1, Math.min(MAX_BATCH, Math.floor(BATCH_BYTES / length)));
  const window = Math.min(context.inflight, bench.receiveMaximum ?? 65_535);
  // Acknowledgements refill the window a batch at a time, not one write per PUBACK.
  const refill = Math.max(1, Math.min(maxBatch, Math.floor(window / 4)));
  // Packet ids 1..window from a free stack, with each one's send time: the window bounds both, so a
  // client holds a few kilobytes whatever the run's length (never a record per message).
  const inUse = qos > 0 ? new Uint8Array(window + 1) : undefined;
  const sentAt = qos > 0 ? new Float64Array(window + 1) : undefined;
  const free = qos > 0 ? Uint16Array.from({ length: window }, (_, k) => window - k) : undefined;
  let freeCount = qos > 0 ? window : 0;
  let remaining = quota;
  let sequence = 0;
  let waitingDrain = false;
  let scheduled = false;
  let sendingDone = false;
  let pingsSent = 0;
  let pingsAnswered = 0;
  let finalPing = -1;
  let finished = false;
  let drainTimer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  const keepalive = context.target.keepalive > 0 ? setInterval(() => ping(), (context.target.keepalive * 1000) / 2) : undefined;

  const self: Publisher = { sent: 0, acknowledged: 0, refused: 0, inflight: 0, lost: false, confirmedAt: 0, done, pump };

  function ping() {
    if (!socket.writable) return;
    socket.write(PINGREQ);
    pingsSent++;
  }

  function end(lost: boolean) {
    if (finished) return;
    finished = true;
    self.lost = lost;
    if (keepalive) clearInterval(keepalive);
    if (drainTimer) clearTimeout(drainTimer);
    if (!lost) socket.end(DISCONNECT);
    else socket.destroy();
    finish();
  }

  function confirmIfDone(now: number) {
    if (!sendingDone || finished) return;
    if (qos === 0 ? finalPing >= 0 && pingsAnswered >= finalPing : self.inflight === 0) {
      if (qos === 0) {
        self.confirmedAt = now;
        self.acknowledged = self.sent;
      }
      end(false);
    }
  }

  function stopSending() {
    if (sendingDone) return;
    sendingDone = true;
    drainTimer = setTimeout(() => end(false), context.drainTimeoutMs);
    if (qos === 0) {
      ping();
      finalPing = pingsSent;
    } else confirmIfDone(nowMs());
  }

  function pump() {
    scheduled = false;
    if (waitingDrain || sendingDone || finished) return;
    for (let turn = 0; turn < BATCHES_PER_TURN; turn++) {
      const now = nowMs();
      if (remaining <= 0 || now >= context.deadline || context.signal?.aborted) return stopSending();
      let batch = Math.min(remaining, maxBatch);
      if (qos > 0) batch = Math.min(batch, window - self.inflight);
      if (batch <= 0) return; // the window is full: an acknowledgement pumps again
      if (context.perClientRate > 0) {
        const due = Math.floor((context.perClientRate * (now - context.start)) / 1000) - self.sent;
        if (due <= 0) {
          // Wake when the next message is due (one timer per client, releasing a batch).
          const wait = ((self.sent + 1) * 1000) / context.perClientRate - (now - context.start);
          scheduled = true;
          setTimeout(pump, Math.max(1, Math.min(wait, context.deadline - now)));
          return;
        }
        batch = Math.min(batch, due);
      }
      const buffer = Buffer.allocUnsafe(batch * length);
      for (let k = 0, at = 0; k < batch; k++, at += length) {
        template.bytes.copy(buffer, at);
        if (qos > 0) {
          const id = free![--freeCount]!;
          inUse![id] = 1;
          sentAt![id] = now;
          buffer.writeUInt16BE(id, at + template.packetIdAt);
        }
        if (stamped) writeStamp(buffer, at + template.payloadAt, now, sequence++, context.run, index);
      }
      self.sent += batch;
      self.inflight += qos > 0 ? batch : 0;
      remaining -= batch;
      if (!socket.write(buffer)) {
        waitingDrain = true;
        socket.once('drain', () => {
          waitingDrain = false;
          pump();
        });
        return;
      }
    }
    scheduled = true;
    setImmediate(pump);
  }

  let replies: Buffer[] = [];
  let chunkNow = 0;
  const acknowledge = (packetId: number, reason: number) => {
    if (packetId > window || !inUse![packetId]) return;
    inUse![packetId] = 0;
    free![freeCount++] = packetId;
    self.inflight--;
    if (reason >= 0x80) self.refused++;
    else {
      self.acknowledged++;
      context.latency?.record(chunkNow - sentAt![packetId]!);
    }
    self.confirmedAt = chunkNow;
  };
  const read = createFrameReader((buffer, type, _flags, bodyAt, end) => {
    switch (type) {
      case PACKET.puback:
      case PACKET.pubcomp:
        acknowledge(buffer.readUInt16BE(bodyAt), end - bodyAt > 2 ? buffer[bodyAt + 2]! : 0);
        break;
      case PACKET.pubrec: {
        const id = buffer.readUInt16BE(bodyAt);
        const reason = end - bodyAt > 2 ? buffer[bodyAt + 2]! : 0;
        if (reason >= 0x80) acknowledge(id, reason); // refused: no PUBREL follows, the id is free again
        else replies.push(ackPacket(PACKET.pubrel, id));
        break;
      }
      case PACKET.pingresp:
        pingsAnswered++;
        break;
      default:
        break;
    }
  });
  socket.on('data', (chunk: Buffer) => {
    chunkNow = nowMs();
    read(chunk);
    if (replies.length > 0) {
      socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies));
      replies = [];
    }
    if (qos === 0) {
      if (sendingDone) confirmIfDone(chunkNow);
      return;
    }
    if (sendingDone) confirmIfDone(chunkNow);
    else if (!scheduled && !waitingDrain && window - self.inflight >= Math.min(refill, remaining)) pump();
  });
  socket.once('close', () => {
    if (!finished) end(true);
  });
  self.confirmedAt = context.start;
  // The end of a --duration run or an abort stops sending even while waiting for acks or 'drain'.
  const stop = () => {
    if (!sendingDone && !finished) stopSending();
  };
  const deadlineTimer = Number.isFinite(context.deadline) ? setTimeout(stop, context.deadline - nowMs()) : undefined;
  context.signal?.addEventListener('abort', stop, { once: true });
  void done.then(() => {
    if (deadlineTimer) clearTimeout(deadlineTimer);
    context.signal?.removeEventListener('abort', stop);
  });
  return self;
}
