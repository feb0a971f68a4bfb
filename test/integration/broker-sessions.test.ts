import { describe, expect, it } from 'vitest';
import { RawClient, type ReceivedPacket, str, frame, varint } from '../support/raw-mqtt-client';
import { useBrokerFixture } from '../support/broker-fixture';
import { createTestClock } from '../support/test-clock';

// Section 6 of the conformance checklist: session state, expiry, takeover, offline queues, resume.

const fx = useBrokerFixture({}, { idPrefix: 'ss' });
const { id, brokerWith, client } = fx;

async function reconnect(clientId: string, packet: Record<string, unknown> = {}, port = fx.tb.port, version: 3 | 4 | 5 = 5): Promise<{ c: RawClient; connack: ReceivedPacket }> {
  const c = await RawClient.open(port, version);
  c.sendPacket({ cmd: 'connect', clientId, clean: false, ...(version === 5 ? { properties: { sessionExpiryInterval: 60 } } : {}), ...packet });
  const connack = await c.expect('connack');
  return { c, connack };
}

function props(p: ReceivedPacket): Record<string, unknown> {
  return (p.properties ?? {}) as Record<string, unknown>;
}

const keep = { properties: { sessionExpiryInterval: 60 } };

/** A broker whose timers run on a clock the test moves: a Session Expiry passes without waiting. */
async function timedBroker() {
  const clock = createTestClock();
  return { clock, b: await brokerWith({ ...clock.options }) };
}

describe.concurrent('6. Sessions', () => {
  it('(no ID) the session holds: existence, subscriptions with options and ids, unacked and queued QoS 1/2, incoming QoS 2, the Will, the expiry', async () => {
    const sid = id('state');
    const c = await client({ clientId: sid, ...keep, will: { topic: 'st/will', payload: 'w', properties: { willDelayInterval: 30 } } });
    c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'st/a', qos: 2, nl: true, rap: true, rh: 1 }], properties: { subscriptionIdentifier: 9 } });
    await c.expect('suback');
    c.publish('st/in', 'x', 2, { messageId: 50 });
    await c.expect('pubrec');
    const p = await client();
    p.publish('st/a', 'unacked', 1, { messageId: 1 });
    await c.expect('publish');
    const lost = fx.tb.lost(sid);
    c.end();
    await lost;
    p.publish('st/a', 'queued', 2, { messageId: 2 });
    await p.ping();
    const info = fx.tb.broker.sessions().find((s) => s.clientId === sid)!;
    expect(info.connected).toBe(false);
    expect(info.expiryInterval).toBe(60);
    expect(info.subscriptions).toEqual([{ filter: 'st/a', qos: 2, subscriptionId: 9 }]);
    expect([info.inflight, info.queued]).toEqual([1, 1]);
    const { c: back, connack } = await reconnect(sid);
    expect(connack.sessionPresent).toBe(true);
    const resent = await back.expect('publish');
    expect([String(resent.payload), resent.dup, props(resent).subscriptionIdentifier]).toEqual(['unacked', true, 9]);
    back.ack(resent);
    const queued = await back.expect('publish');
    expect([String(queued.payload), queued.qos]).toEqual(['queued', 2]);
    back.publish('st/in', 'x', 2, { messageId: 50, dup: true });
    expect((await back.expect('pubrec')).messageId).toBe(50);
  });

  it('[MQTT-3.1.2-23] [MQTT-4.1.0-2] a disconnected session lives exactly its Session Expiry Interval, counted from the close', async () => {
    const { clock, b: tb } = await timedBroker();
    const sid = id('life');
    const a = await client({ clientId: sid, properties: { sessionExpiryInterval: 1 } }, 5, tb.port);
    await a.disconnect();
    clock.advance(999); // within the interval: resumed
    const { c: b, connack } = await reconnect(sid, { properties: { sessionExpiryInterval: 1 } }, tb.port);
    expect(connack.sessionPresent).toBe(true);
    const lost = tb.lost(sid);
    await b.disconnect();
    await lost;
    // counted from this close, not the first: still there 999 ms on, gone at 1000 ms
    clock.advance(999);
    expect(tb.broker.sessions().some((s) => s.clientId === sid)).toBe(true);
    const ended = tb.sessionEnded(sid);
    clock.advance(1);
    await ended;
    const { connack: gone } = await reconnect(sid, { properties: { sessionExpiryInterval: 1 } }, tb.port);
    expect(gone.sessionPresent).toBe(false);
  });

  it('(no ID) a very long Session Expiry Interval (beyond timer limits) keeps the session', async () => {
    const sid = id('long');
    const a = await client({ clientId: sid, properties: { sessionExpiryInterval: 0xfffffffe }, will: { topic: 'long/will', payload: 'w', properties: { willDelayInterval: 0xfffffff0 } } });
    const w = await client();
    await w.subscribe('long/will', 0);
    const lost = fx.tb.lost(sid);
    a.end();
    await lost;
    const { connack } = await reconnect(sid, { properties: { sessionExpiryInterval: 0xfffffffe } });
    expect(connack.sessionPresent).toBe(true);
    await w.expectNothing();
  });

  it('[MQTT-3.1.4-3] takeover: the old v5 connection gets DISC 0x8E; Clean Start 0 continues (Session Present 1), Clean Start 1 discards', async () => {
    const sid = id('tk');
    const a = await client({ clientId: sid, ...keep });
    await a.subscribe('tk/a', 1);
    const { c: b, connack } = await reconnect(sid);
    expect(connack.sessionPresent).toBe(true);
    await a.expectDisconnect(0x8e);
    const p = await client();
    p.publish('tk/a', 'x', 1);
    await b.publishes(1);
    const c = await RawClient.connected(fx.tb.port, { clientId: sid, clean: true, ...keep });
    await b.expectDisconnect(0x8e);
    p.publish('tk/a', 'y', 1, { messageId: 2 });
    await p.ping();
    await c.expectNothing();
  });

  it('[MQTT-4.5.0-1] [MQTT-3.3.2-5] offline QoS 1/2 messages are queued and delivered in order after CONNACK; expired ones never', async () => {
    const sid = id('q');
    const clock = createTestClock();
    const b = await brokerWith({ now: clock.now });
    const a = await client({ clientId: sid, ...keep }, 5, b.port);
    await a.subscribe('oq/#', 2);
    await a.disconnect();
    const p = await client({}, 5, b.port);
    p.publish('oq/a', '1', 1, { messageId: 1 });
    p.send(frame(0x32, [...str('oq/a'), 0x00, 0x02, ...varint(5), 0x02, 0, 0, 0, 1, ...Buffer.from('exp')]));
    p.publish('oq/b', '2', 2, { messageId: 3 });
    p.publish('oq/a', '3', 1, { messageId: 4 });
    p.publish('oq/a', 'zero', 0);
    await p.ping();
    clock.advance(1200); // past the 1 s Message Expiry of 'exp'
    const { c } = await reconnect(sid, {}, b.port);
    const got = await c.publishes(3);
    expect(got.map((x) => String(x.payload))).toEqual(['1', '2', '3']);
    if (c.packets.length === 0) await c.expect('pubrel').then((rel) => c.packets.unshift(rel));
    expect(c.packets.splice(0).map((x) => x.cmd)).toEqual(['pubrel']);
    await c.expectNothing();
  });

  it('(MAY, no ID) QoS 0 for offline sessions: not queued by default; queued when configured, with the queue limit counted', async () => {
    const b = await brokerWith({ queueQos0Offline: true, maxQueuedMessages: 3 });
    const sid = id('q0');
    const a = await client({ clientId: sid, ...keep }, 5, b.port);
    await a.subscribe('q0/a', 0);
    await a.disconnect();
    const p = await client({}, 5, b.port);
    for (let i = 1; i <= 5; i++) p.publish('q0/a', `${i}`);
    await p.ping();
    expect(b.broker.stats().droppedQueueFull).toBe(2);
    expect(b.broker.sessions().find((s) => s.clientId === sid)!.dropped).toBe(2);
    const { c } = await reconnect(sid, {}, b.port);
    expect((await c.publishes(3)).map((x) => String(x.payload))).toEqual(['1', '2', '3']);
    // default broker: not queued
    const sid2 = id('q0d');
    const d = await client({ clientId: sid2, ...keep });
    await d.subscribe('q0d/a', 0);
    await d.disconnect();
    const p2 = await client();
    p2.publish('q0d/a', 'lost');
    await p2.ping();
    const { c: back } = await reconnect(sid2);
    await back.expectNothing();
  });

  it('[MQTT-4.4.0-1] on resume we first resend unacked PUBLISH (DUP 1, same ids) and PUBREL, in original order', async () => {
    const sid = id('rs');
    const a = await client({ clientId: sid, ...keep });
    await a.subscribe('rs/a', 2);
    const p = await client();
    p.publish('rs/a', 'one', 2, { messageId: 1 });
    p.publish('rs/a', 'two', 1, { messageId: 2 });
    p.publish('rs/a', 'three', 2, { messageId: 3 });
    const [m1, m2, m3] = await a.publishes(3, { ack: false });
    a.sendPacket({ cmd: 'pubrec', messageId: m1!.messageId });
    await a.expect('pubrel');
    a.end();
    const { c } = await reconnect(sid);
    const first = await c.expect('pubrel');
    expect(first.messageId).toBe(m1!.messageId);
    const second = await c.expect('publish');
    const third = await c.expect('publish');
    expect([second.messageId, second.dup, third.messageId, third.dup]).toEqual([m2!.messageId, true, m3!.messageId, true]);
  });

  it('(no ID; [MQTT-4.3.3-10]) on resume incoming QoS 2 state is kept: a resent PUBLISH gets PUBREC without a second delivery, a resent PUBREL gets PUBCOMP', async () => {
    const w = await client();
    await w.subscribe('iq/a', 0);
    const sid = id('iq');
    const a = await client({ clientId: sid, ...keep });
    a.publish('iq/a', 'once', 2, { messageId: 7 });
    await a.expect('pubrec');
    a.end();
    await w.expect('publish');
    const { c } = await reconnect(sid);
    c.publish('iq/a', 'once', 2, { messageId: 7, dup: true });
    expect((await c.expect('pubrec')).messageId).toBe(7);
    c.sendPacket({ cmd: 'pubrel', messageId: 7 });
    expect((await c.expect('pubcomp')).reasonCode ?? 0).toBe(0);
    await w.expectNothing();
  });

  it('(no ID) resent and queued messages respect the new Receive Maximum and Maximum Packet Size', async () => {
    const sid = id('rl');
    const a = await client({ clientId: sid, ...keep });
    await a.subscribe('rl/a', 1);
    await a.disconnect();
    const p = await client();
    p.publish('rl/a', Buffer.alloc(200, 0x61), 1, { messageId: 1 });
    for (let i = 2; i <= 5; i++) p.publish('rl/a', `${i}`, 1, { messageId: i });
    await p.ping();
    const { c } = await reconnect(sid, { properties: { sessionExpiryInterval: 60, receiveMaximum: 2, maximumPacketSize: 100 } });
    const got = await c.publishes(2, { ack: false });
    expect(got.map((x) => String(x.payload))).toEqual(['2', '3']);
    await c.expectNothing();
    c.ack(got[0]!);
    expect(String((await c.expect('publish')).payload)).toBe('4');
  });

  it('(no ID) when a session ends (expiry or Clean Start 1 on takeover) its Will is published if not already', async () => {
    const { clock, b: tb } = await timedBroker();
    const w = await client({}, 5, tb.port);
    await w.subscribe('se/+', 0);
    const a = await client({ properties: { sessionExpiryInterval: 1 }, will: { topic: 'se/exp', payload: 'e', properties: { willDelayInterval: 100 } } }, 5, tb.port);
    const lost = tb.lost(a.clientId);
    a.end();
    await lost;
    clock.advance(1000); // the session's end, long before the Will Delay
    expect((await w.expect('publish')).topic).toBe('se/exp');
    const sid = id('se');
    // takeover: the old connection is still open when Clean Start 1 ends its session (an offline
    // session reconnected within the Will Delay is another case: [MQTT-3.1.2-8], no Will)
    const b = await client({ clientId: sid, ...keep, will: { topic: 'se/clean', payload: 'c', properties: { willDelayInterval: 100 } } }, 5, tb.port);
    await RawClient.connected(tb.port, { clientId: sid, clean: true });
    expect((await w.expect('publish')).topic).toBe('se/clean');
    await b.expectDisconnect(0x8e);
  });

  it('(no ID) Subscription Identifiers disappear with the session; retained messages stay', async () => {
    const { clock, b: tb } = await timedBroker();
    const sid = id('sd');
    const a = await client({ clientId: sid, properties: { sessionExpiryInterval: 1 } }, 5, tb.port);
    a.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'sd/a', qos: 0 }], properties: { subscriptionIdentifier: 4 } });
    await a.expect('suback');
    a.publish('sd/a', 'r', 0, { retain: true });
    await a.expect('publish');
    const lost = tb.lost(sid);
    await a.disconnect();
    await lost;
    const ended = tb.sessionEnded(sid);
    clock.advance(1000); // its 1 s expiry
    await ended;
    expect(tb.broker.sessions().some((s) => s.clientId === sid)).toBe(false);
    const b = await client({ clientId: sid }, 5, tb.port);
    await b.subscribe('sd/a', 0);
    const got = await b.expect('publish');
    expect([String(got.payload), props(got).subscriptionIdentifier]).toEqual(['r', undefined]);
  });

  it('(no ID) 3.1.1 mapping: CleanSession 0 = a session that never expires (cap allowed); CleanSession 1 = expiry 0', async () => {
    const sid = id('m4');
    const a = await client({ clientId: sid, clean: false }, 4);
    await a.subscribe('m4/a', 1);
    await a.disconnect();
    expect(fx.tb.broker.sessions().find((s) => s.clientId === sid)!.expiryInterval).toBe(0xffffffff);
    const { connack } = await reconnect(sid, { clean: false }, fx.tb.port, 4);
    expect(connack.sessionPresent).toBe(true);
    const capped = await brokerWith({ maxSessionExpiryInterval: 1 });
    const c = await client({ clientId: sid, clean: false }, 4, capped.port);
    await c.disconnect();
    expect(capped.broker.sessions().find((s) => s.clientId === sid)!.expiryInterval).toBe(1);
    const sid2 = id('m4c');
    const d = await client({ clientId: sid2, clean: true }, 4);
    await d.disconnect();
    expect(fx.tb.broker.sessions().some((s) => s.clientId === sid2)).toBe(false);
  });
});
