import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { LeanClient, encodePublish } from '../support/lean-mqtt-client';
import type { BrokerOptions } from '../../main/core/broker/options';
import { RawClient, sleep, startTestBroker, type TestBroker } from '../support/raw-mqtt-client';
import { createTestClock } from '../support/test-clock';

// Flow control towards publishers (issue #5): QoS 1/2 fan-in loses nothing because the broker stops
// reading publishers while a subscriber's queue is above its high-water mark; a subscriber that
// stops reading is declared a slow consumer after a bounded time, so it cannot stall the others;
// one that reads slowly paces the publishers instead.

const brokers: TestBroker[] = [];
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const b of brokers.splice(0)) await b.stop();
});

async function broker(options: BrokerOptions = {}): Promise<TestBroker> {
  const b = await startTestBroker(options);
  brokers.push(b);
  return b;
}

async function waitFor(probe: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** 64-byte payloads carrying the publisher index and a sequence number. */
function payload(publisher: number, seq: number): Buffer {
  const out = Buffer.alloc(64, 0x61);
  out.writeUInt32BE(publisher, 0);
  out.writeUInt32BE(seq, 4);
  return out;
}

/**
 * One QoS 1 PUBLISH after another, written at once without waiting for any PUBACK (MQTT 3.1.1 has no
 * Receive Maximum): the fastest a publisher can go. Returns the PUBACK count.
 */
async function floodPublisher(port: number, clientId: string, topic: string, index: number, count: number): Promise<{ acked: () => number; client: LeanClient }> {
  let acked = 0;
  const client = await LeanClient.open(port, clientId, { onPuback: () => acked++ });
  closers.push(() => client.socket.destroy());
  const frames: Buffer[] = [];
  for (let seq = 0; seq < count; seq++) {
    const { bytes, idOffset } = encodePublish(topic, payload(index, seq), 1);
    bytes.writeUInt16BE((seq % 65535) + 1, idOffset);
    frames.push(bytes);
  }
  client.socket.write(Buffer.concat(frames));
  return { acked: () => acked, client };
}

/** A subscriber that acknowledges every QoS 1 delivery and checks order per publisher. */
async function orderedSubscriber(port: number, clientId: string, filter: string, publishers: number) {
  const next = new Array<number>(publishers).fill(0);
  const problems: string[] = [];
  let received = 0;
  let lastAt = 0;
  let maxGap = 0;
  const client = await LeanClient.open(port, clientId, {
    onPublish(frame, start) {
      const from = frame.readUInt32BE(start);
      const seq = frame.readUInt32BE(start + 4);
      if (seq !== next[from] && problems.length < 5) problems.push(`publisher ${from}: got ${seq}, expected ${next[from]}`);
      next[from] = seq + 1;
      received++;
      const now = performance.now();
      if (lastAt) maxGap = Math.max(maxGap, now - lastAt);
      lastAt = now;
    },
  });
  closers.push(() => client.socket.destroy());
  await client.subscribe(filter, 1);
  return { received: () => received, problems, maxGap: () => maxGap };
}

describe('flow control: QoS 1/2 fan-in without loss', () => {
  it('10 publishers at full rate -> 1 QoS 1 subscriber: every message delivered once, in per-publisher order, nothing dropped', async () => {
    const b = await broker(); // default limits: maxQueuedMessages 1000, maxInflight 1000
    const publishers = 10;
    const perPublisher = 4000;
    const sub = await orderedSubscriber(b.port, 'fan-sub', 'fan/+', publishers);
    const pubs = await Promise.all(Array.from({ length: publishers }, (_, i) => floodPublisher(b.port, `fan-pub-${i}`, `fan/${i}`, i, perPublisher)));
    await waitFor(() => sub.received() >= publishers * perPublisher, `${publishers * perPublisher} deliveries (got ${sub.received()})`, 30_000);
    await waitFor(() => pubs.every((p) => p.acked() === perPublisher), 'every PUBACK', 5000);
    await sleep(100);
    expect(sub.problems).toEqual([]);
    expect(sub.received()).toBe(publishers * perPublisher);
    const stats = b.broker.stats();
    expect(stats.dropped).toBe(0);
    // the publishers were faster than one subscriber: the broker paused them instead of dropping
    expect(stats.flowPauses).toBeGreaterThan(0);
    expect(stats.pausedPublishers).toBe(0);
    expect(stats.queued).toBe(0);
  }, 60_000);

  it('QoS 2 with mqtt.js and small limits: publishers are paused, every message arrives exactly once, in order', async () => {
    const b = await broker({ maxQueuedMessages: 20, maxInflight: 5 });
    const publishers = 4;
    const perPublisher = 300;
    const seen = new Map<string, number>();
    const problems: string[] = [];
    const sub: MqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: 'q2-sub', protocolVersion: 5, reconnectPeriod: 0 });
    closers.push(() => sub.end(true));
    let received = 0;
    sub.on('message', (topic, message) => {
      const seq = Number(message.toString());
      const expected = seen.get(topic) ?? 0;
      if (seq !== expected && problems.length < 5) problems.push(`${topic}: got ${seq}, expected ${expected}`);
      seen.set(topic, seq + 1);
      received++;
    });
    await sub.subscribeAsync('q2/+', { qos: 2 });
    const pubs = await Promise.all(
      Array.from({ length: publishers }, (_, i) => mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: `q2-pub-${i}`, protocolVersion: 5, reconnectPeriod: 0 })),
    );
    for (const p of pubs) closers.push(() => p.end(true));
    await Promise.all(pubs.map((p, i) => Promise.all(Array.from({ length: perPublisher }, (_, seq) => p.publishAsync(`q2/${i}`, String(seq), { qos: 2 })))));
    await waitFor(() => received >= publishers * perPublisher, `${publishers * perPublisher} deliveries (got ${received})`, 30_000);
    await sleep(100);
    expect(problems).toEqual([]);
    expect(received).toBe(publishers * perPublisher);
    expect(b.broker.stats().dropped).toBe(0);
    expect(b.broker.stats().flowPauses).toBeGreaterThan(0);
  }, 60_000);
});

describe('flow control: a subscriber that reads slowly', () => {
  it('paces the publisher instead of being declared slow while it keeps taking messages: nothing dropped, in order', async () => {
    const b = await broker({ maxQueuedMessages: 100, maxInflight: 10, slowConsumerTimeoutMs: 300 });
    // Takes one message every 20 ms (as the workbench does while its history catches up): draining
    // from the high-water mark to the low one takes ~500 ms, longer than the timeout.
    const received: number[] = [];
    const slow = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.port}`, { clientId: 'slow-reader', protocolVersion: 4 });
    closers.push(() => slow.end(true));
    slow.handleMessage = (packet, callback) => {
      received.push((packet.payload as Buffer).readUInt32BE(4));
      setTimeout(callback, 20);
    };
    await slow.subscribeAsync('slow/#', { qos: 1 });
    const total = 200;
    const pub = await floodPublisher(b.port, 'slow-pub', 'slow/a', 0, total);
    await waitFor(() => received.length >= total, `every message at the slow reader (got ${received.length})`, 20_000);
    await waitFor(() => pub.acked() === total, 'every PUBACK', 5000);
    expect(received).toEqual(Array.from({ length: total }, (_, i) => i));
    const session = b.broker.sessions().find((s) => s.clientId === 'slow-reader')!;
    expect(session.slowConsumer).toBe(false);
    expect(session.dropped).toBe(0);
    expect(b.broker.stats().slowConsumers).toBe(0);
    expect(b.broker.stats().flowPauses).toBeGreaterThan(0);
  }, 30_000);
});

describe('flow control: a subscriber that stops reading', () => {
  it('does not block another subscriber beyond slowConsumerTimeoutMs; it is declared slow, its memory stays bounded and its drops are counted', async () => {
    const b = await broker({ maxQueuedMessages: 200, maxInflight: 50, slowConsumerTimeoutMs: 300 });
    const stalled = await RawClient.connected(b.port, { clientId: 'stalled' });
    closers.push(() => stalled.end());
    await stalled.subscribe('st/#', 1);
    stalled.socket.pause(); // reads nothing more, acknowledges nothing
    const healthy = await orderedSubscriber(b.port, 'healthy', 'st/#', 1);
    const total = 5000;
    const pub = await floodPublisher(b.port, 'st-pub', 'st/a', 0, total);
    const started = performance.now();
    await waitFor(() => healthy.received() >= total, `the healthy subscriber's ${total} messages (got ${healthy.received()})`, 20_000);
    const took = performance.now() - started;
    await waitFor(() => pub.acked() === total, 'every PUBACK', 5000);
    expect(healthy.problems).toEqual([]);
    // paused at most once for the stalled one, about 300 ms; the margin is for a loaded machine
    expect(healthy.maxGap()).toBeLessThan(2000);
    expect(took).toBeLessThan(10_000);

    const stats = b.broker.stats();
    const session = b.broker.sessions().find((s) => s.clientId === 'stalled')!;
    expect(session.slowConsumer).toBe(true);
    expect(session.inflight).toBeLessThanOrEqual(50);
    expect(session.queued).toBeLessThanOrEqual(200);
    // everything it did not hold was dropped for it and counted as a slow consumer's
    expect(session.inflight + session.queued + session.dropped).toBe(total);
    expect(stats.droppedSlowConsumer).toBe(session.dropped);
    expect(stats.slowConsumers).toBe(1);
    expect(stats.pausedPublishers).toBe(0);
    expect(b.broker.sessions().find((s) => s.clientId === 'healthy')!.dropped).toBe(0);
  }, 30_000);

  it('an offline session keeps the maxQueuedMessages limit: publishers are not paused for it, the excess is counted as queue full', async () => {
    const b = await broker({ maxQueuedMessages: 100, slowConsumerTimeoutMs: 60_000 });
    const away = await RawClient.connected(b.port, { clientId: 'away', clean: false, properties: { sessionExpiryInterval: 600 } });
    await away.subscribe('off/#', 1);
    await away.disconnect();
    await waitFor(() => b.broker.sessions().some((s) => s.clientId === 'away' && !s.connected), 'the session to go offline', 3000);
    const total = 1000;
    const pub = await floodPublisher(b.port, 'off-pub', 'off/a', 0, total);
    await waitFor(() => pub.acked() === total, 'every PUBACK (the publisher is never paused for an offline session)', 5000);
    const session = b.broker.sessions().find((s) => s.clientId === 'away')!;
    expect(session.queued).toBe(100);
    expect(session.dropped).toBe(900);
    expect(b.broker.stats().droppedQueueFull).toBe(900);
    expect(b.broker.stats().flowPauses).toBe(0);
  });

  it('[MQTT-3.1.2-22] a publisher paused by flow control is not timed out by its keep alive (its PINGREQs are what we do not read); it resumes when the subscriber goes', async () => {
    // on a clock the test moves, looked at every 10 ms (a quarter of the CONNECT timeout)
    const clock = createTestClock();
    const b = await broker({ maxQueuedMessages: 20, maxInflight: 5, slowConsumerTimeoutMs: 60_000, now: clock.now, connectTimeoutMs: 40 });
    const stalled = await RawClient.connected(b.port, { clientId: 'ka-stalled' });
    await stalled.subscribe('ka/#', 1);
    stalled.socket.pause();
    const pub = await RawClient.connected(b.port, { clientId: 'ka-pub', keepalive: 1 });
    closers.push(() => pub.end());
    // idle with the same keep alive: its DISCONNECT says the broker has looked at the time
    const probe = await RawClient.connected(b.port, { clientId: 'ka-probe', keepalive: 1 });
    closers.push(() => probe.end());
    for (let i = 1; i <= 200; i++) pub.publish('ka/x', String(i), 1, { messageId: i });
    await waitFor(() => b.broker.stats().pausedPublishers === 1, 'the publisher to be paused', 5000);
    clock.advance(2500); // well past 1.5 x its keep alive of 1 s
    await probe.expectDisconnect(0x8d);
    expect(b.broker.sessions().find((s) => s.clientId === 'ka-pub')?.connected).toBe(true);
    expect(pub.isClosed).toBe(false);
    stalled.end(); // the subscriber goes: nothing holds the publisher any more
    await waitFor(() => pub.packets.filter((p) => p.cmd === 'puback').length === 200, 'all 200 PUBACKs', 5000);
    expect(b.broker.stats().pausedPublishers).toBe(0);
    expect(b.broker.stats().slowConsumers).toBe(0);
  }, 20_000);
});
