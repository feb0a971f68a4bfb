import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, sleep, startTestBroker, type TestBroker } from '../support/raw-mqtt-client';

// Robustness: backlog for a subscriber that stopped reading, everyone leaving at once, limits.

const generate = mqttPacket.generate as unknown as (packet: object, opts: { protocolVersion: number }) => Buffer;

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ maxQueuedMessages: 500, maxInflight: 200, maxOutgoingBufferBytes: 4 * 1024 * 1024, maxTopicLevels: 16, maxConnections: 50 });
});
afterAll(async () => {
  await tb.stop();
});

async function waitFor(probe: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('robustness: backlog and limits', () => {
  it('a subscriber that stops reading: bounded memory, counted drops, others unaffected; then everyone leaves at once and the broker serves new clients', async () => {
    const slow = await RawClient.connected(tb.port, { clientId: 'slow' });
    await slow.subscribe('bl/#', 1);
    slow.socket.pause(); // stops reading: its TCP window fills, then our buffer
    const fast = await RawClient.connected(tb.port, { clientId: 'fast' });
    await fast.subscribe('bl/#', 0);
    let received = 0;
    fast.socket.on('data', () => undefined);
    const countFast = () => {
      received += fast.packets.filter((p) => p.cmd === 'publish').length;
      fast.packets.length = 0;
      return received;
    };
    const publishers = await Promise.all([0, 1, 2, 3].map((i) => RawClient.connected(tb.port, { clientId: `pub${i}` })));
    const payload = Buffer.alloc(512, 0x61);
    const perPublisher = 2500;
    publishers.forEach((p, i) => {
      const frames: Buffer[] = [];
      for (let m = 0; m < perPublisher; m++) {
        frames.push(generate({ cmd: 'publish', topic: `bl/${i}`, payload, qos: m % 2, messageId: (m % 60000) + 1 }, { protocolVersion: 5 }));
      }
      // in chunks of about 100 kB so no single burst exceeds a healthy client's buffer
      for (let at = 0; at < frames.length; at += 200) p.send(Buffer.concat(frames.slice(at, at + 200)));
    });
    await waitFor(() => countFast() >= 4 * perPublisher, 'the fast subscriber to get everything', 20_000).catch((e) => { throw new Error(`${e.message}: ${received} ${JSON.stringify(tb.broker.stats())}`); });
    expect(received).toBe(4 * perPublisher);
    const stats = tb.broker.stats();
    // the slow one holds at most its window plus its bounded queue; the rest was dropped and counted
    const slowSession = tb.broker.sessions().find((s) => s.clientId === 'slow')!;
    expect(slowSession.inflight).toBeLessThanOrEqual(200);
    expect(slowSession.queued).toBeLessThanOrEqual(500);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(slowSession.dropped).toBe(stats.dropped);
    expect(tb.broker.sessions().find((s) => s.clientId === 'fast')!.dropped).toBe(0);

    // everyone disconnects at once
    for (const c of [slow, fast, ...publishers]) c.end();
    await waitFor(() => tb.broker.stats().connections === 0, 'all connections to close');
    const after = tb.broker.stats();
    expect([after.sessions, after.queued, after.inflight, after.subscriptions]).toEqual([0, 0, 0, 0]);

    // and new clients are served
    const sub = await RawClient.connected(tb.port, { clientId: 'after-sub' });
    await sub.subscribe('after/#', 1);
    const pub = await RawClient.connected(tb.port, { clientId: 'after-pub' });
    pub.publish('after/x', 'ok', 1);
    expect(String((await sub.publishes(1))[0]!.payload)).toBe('ok');
    sub.end();
    pub.end();
  }, 60_000);

  it('max topic levels: a deeper topic name → DISC 0x90, a deeper filter → SUBACK 0x8F', async () => {
    const c = await RawClient.connected(tb.port, { clientId: 'levels' });
    expect((await c.subscribe('a/'.repeat(16) + 'b', 0)).granted).toEqual([0x8f]);
    c.publish('a/'.repeat(16) + 'b', 'x');
    await c.expectDisconnect(0x90);
  });

  it('max connections: beyond the limit CONNECT gets CONNACK 0x97 (3.1.1: 0x03)', async () => {
    const clients = await Promise.all(Array.from({ length: 50 }, (_, i) => RawClient.connected(tb.port, { clientId: `mc${i}` })));
    const over = await RawClient.open(tb.port, 5);
    over.sendPacket({ cmd: 'connect', clientId: 'over' });
    expect((await over.expect('connack')).reasonCode).toBe(0x97);
    for (const c of clients) c.end();
    await waitFor(() => tb.broker.stats().connections === 0, 'connections to close');
  });
});

describe('robustness: what one client can make the broker hold is bounded', () => {
  it('subscriptions per session (SUBACK 0x97 / 0x80), retained topics (not stored, counted), sessions (CONNACK 0x97 / 0x03)', async () => {
    const b = await startTestBroker({ maxSubscriptionsPerSession: 3, maxRetainedMessages: 2, maxSessions: 3 });
    try {
      const c = await RawClient.connected(b.port, { clientId: 'many' });
      c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: ['a', 'b', 'c', 'd'].map((topic) => ({ topic, qos: 0 })) });
      expect((await c.expect('suback')).granted).toEqual([0, 0, 0, 0x97]);
      c.sendPacket({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'a', qos: 1 }] });
      expect((await c.expect('suback')).granted).toEqual([1]); // replacing is always possible
      const c4 = await RawClient.connected(b.port, { clientId: 'many4' }, 4);
      c4.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: ['a', 'b', 'c', 'd'].map((topic) => ({ topic, qos: 0 })) });
      expect((await c4.expect('suback')).granted).toEqual([0, 0, 0, 0x80]);
      for (const t of ['r/1', 'r/2', 'r/3']) c.publish(t, 'x', 0, { retain: true });
      c.publish('r/1', 'replaced', 0, { retain: true });
      await c.ping();
      expect(b.broker.retained().map((r) => r.topic).sort()).toEqual(['r/1', 'r/2']);
      expect(b.broker.stats().retainedRejected).toBe(1);
      await RawClient.connected(b.port, { clientId: 'third' });
      const over = await RawClient.open(b.port, 5);
      over.sendPacket({ cmd: 'connect', clientId: 'fourth' });
      expect((await over.expect('connack')).reasonCode).toBe(0x97);
      const over4 = await RawClient.open(b.port, 4);
      over4.sendPacket({ cmd: 'connect', clientId: 'fifth', protocolVersion: 4 });
      expect((await over4.expect('connack')).returnCode).toBe(3);
      // an existing session is still resumable
      const again = await RawClient.open(b.port, 5);
      again.sendPacket({ cmd: 'connect', clientId: 'many', clean: false });
      expect((await again.expect('connack')).reasonCode).toBe(0);
    } finally {
      await b.stop();
    }
  });
});
