import { describe, expect, it } from 'vitest';
import { usernamePasswordAuth } from '../../main/core/broker/auth';
import { connect311, frame, RawClient, type ReceivedPacket, str } from '../support/raw-mqtt-client';
import { useBrokerFixture } from '../support/broker-fixture';
import { createTestClock } from '../support/test-clock';

// Section 7 of the conformance checklist: what MQTT 3.1.1 and 3.1 clients get on the same port.

const fx = useBrokerFixture({ auth: { authorizePublish: (_c, t) => !t.startsWith('deny/') } }, { idPrefix: 'l', version: 4 });
const { id, brokerWith, client } = fx;

async function connack(packet: Record<string, unknown>, version: 3 | 4 = 4, port = fx.tb.port): Promise<{ c: RawClient; ack: ReceivedPacket }> {
  const c = await RawClient.open(port, version);
  c.sendPacket({ cmd: 'connect', clientId: id(), ...packet });
  return { c, ack: await c.expect('connack') };
}

async function closedSilently(c: RawClient): Promise<void> {
  expect(await c.expectClose()).toEqual([]);
}

describe('7. MQTT 3.1.1 and 3.1', () => {
  it('(no ID) the version comes from CONNECT and packets are encoded for it for the whole connection', async () => {
    const v3 = await client({}, 3);
    const v4 = await client({}, 4);
    const v5 = await client({}, 5);
    for (const c of [v3, v4, v5]) await c.subscribe('ver/a', 1);
    const p = await client({}, 5);
    p.sendPacket({ cmd: 'publish', topic: 'ver/a', payload: 'x', qos: 1, messageId: 1, properties: { contentType: 'text/plain', userProperties: { a: 'b' } } });
    const [g3, g4, g5] = await Promise.all([v3.expect('publish'), v4.expect('publish'), v5.expect('publish')]);
    // 3.1/3.1.1: topic, id, payload, nothing else
    expect([...g3!.raw]).toEqual([0x32, 0x0a, 0x00, 0x05, ...Buffer.from('ver/a'), 0x00, g3!.messageId as number, 0x78]);
    expect(g4!.raw.length).toBe(g3!.raw.length);
    expect((g5!.properties as Record<string, unknown>).contentType).toBe('text/plain');
  });

  it('[3.1.1 MQTT-3.1.2-1] [3.1.1 MQTT-3.1.2-2] a wrong protocol name closes; an unsupported level → CONNACK 0x01, then close', async () => {
    const a = await RawClient.open(fx.tb.port, 4);
    a.send(connect311(id(), { name: 'MQTS' }));
    await closedSilently(a);
    const b = await RawClient.open(fx.tb.port, 4);
    b.send(connect311(id(), { level: 7 }));
    expect((await b.expectClose()).map((p) => [...p.raw])).toEqual([[0x20, 0x02, 0x00, 0x01]]);
  });

  it('[3.1.1 MQTT-3.1.4-1] [3.1.1 MQTT-3.2.0-1] a malformed CONNECT closes with no CONNACK; otherwise CONNACK is the first packet', async () => {
    const a = await RawClient.open(fx.tb.port, 4);
    a.send(connect311(id(), { flags: 0x01 }));
    await closedSilently(a);
    const { ack } = await connack({});
    expect(ack.returnCode).toBe(0);
  });

  it('(no ID) 3.1.1 has no properties and no AUTH; acks are exactly a 2-byte id; DISCONNECT has Remaining Length 0', async () => {
    const c = await client();
    c.publish('l/a', 'x', 1, { messageId: 3 });
    expect([...(await c.expect('puback')).raw]).toEqual([0x40, 0x02, 0x00, 0x03]);
    c.publish('l/a', 'x', 2, { messageId: 4 });
    expect([...(await c.expect('pubrec')).raw]).toEqual([0x50, 0x02, 0x00, 0x04]);
    c.sendPacket({ cmd: 'pubrel', messageId: 4 });
    expect([...(await c.expect('pubcomp')).raw]).toEqual([0x70, 0x02, 0x00, 0x04]);
    c.send([0x40, 0x03, 0x00, 0x01, 0x00]); // a PUBACK with a reason code is malformed here
    await closedSilently(c);
    const d = await client();
    d.send([0xe0, 0x01, 0x00]);
    await closedSilently(d);
    const e = await client();
    e.send([0xf0, 0x00]);
    await closedSilently(e);
  });

  it('[3.1.1 MQTT-3.2.2-4] [3.1.1 MQTT-3.2.2-5] [3.1.1 MQTT-3.2.2-6] CONNACK return codes 0x00-0x05; non-zero → Session Present 0 and close', async () => {
    const b = await brokerWith({ auth: usernamePasswordAuth({ u: 'p' }) });
    const { c, ack } = await connack({ username: 'u', password: Buffer.from('bad') }, 4, b.port);
    expect([ack.returnCode, ack.sessionPresent, ack.raw.length]).toEqual([4, false, 4]);
    await c.expectClose();
  });

  it('[3.1.1 MQTT-3.1.3-8] [3.1.1 MQTT-3.1.3-9] an empty ClientID with CleanSession 0, or a refused ClientID → CONNACK 0x02', async () => {
    const a = await RawClient.open(fx.tb.port, 4);
    a.send(connect311('', { flags: 0x00 }));
    expect((await a.expectClose()).map((p) => p.returnCode)).toEqual([2]);
    const b = await brokerWith({ maxClientIdLength: 5 });
    const { c, ack } = await connack({ clientId: 'toolong' }, 4, b.port);
    expect(ack.returnCode).toBe(2);
    await c.expectClose();
  });

  it('[3.1.1 MQTT-3.1.3-6] an empty ClientID with CleanSession 1 is accepted with a server-made ID', async () => {
    const { ack } = await connack({ clientId: '', clean: true });
    expect(ack.returnCode).toBe(0);
  });

  it('[3.1.1 MQTT-3.1.2-22] Password without User Name → close; bad credentials 0x04, not authorized 0x05, unavailable 0x03', async () => {
    const a = await RawClient.open(fx.tb.port, 4);
    a.send(connect311(id(), { flags: 0x42, payload: str('pw') }));
    await closedSilently(a);
    const b = await brokerWith({
      maxConnections: 2,
      auth: { authenticate: (c) => (c.username === 'no' ? { ok: false, reason: 'not-authorized' } : c.username === 'bad' ? { ok: false, reason: 'bad-credentials' } : { ok: true }) },
    });
    expect((await connack({ username: 'bad', password: Buffer.from('x') }, 4, b.port)).ack.returnCode).toBe(4);
    expect((await connack({ username: 'no', password: Buffer.from('x') }, 4, b.port)).ack.returnCode).toBe(5);
    await client({}, 4, b.port);
    await client({}, 4, b.port);
    expect((await connack({}, 4, b.port)).ack.returnCode).toBe(3);
  });

  it('[3.1.1 MQTT-3.1.2-4] [3.1.1 MQTT-3.1.2-5] [3.1.1 MQTT-3.1.2-6] CleanSession 0 keeps the session with QoS 1/2 queued; CleanSession 1 discards and is never reused', async () => {
    const sid = id('cs');
    const a = await client({ clientId: sid, clean: false });
    await a.subscribe('cs4/a', 2);
    await a.disconnect();
    const p = await client();
    p.publish('cs4/a', 'q1', 1, { messageId: 1 });
    p.publish('cs4/a', 'q2', 2, { messageId: 2 });
    p.publish('cs4/a', 'q0', 0);
    await p.ping();
    const { c, ack } = await connack({ clientId: sid, clean: false });
    expect(ack.sessionPresent).toBe(true);
    expect((await c.publishes(2)).map((x) => String(x.payload))).toEqual(['q1', 'q2']);
    const { c: c2, ack: ack2 } = await connack({ clientId: sid, clean: true });
    expect(ack2.sessionPresent).toBe(false);
    await c2.disconnect();
    const { ack: ack3 } = await connack({ clientId: sid, clean: false });
    expect(ack3.sessionPresent).toBe(false);
  });

  it('[3.1.1 MQTT-3.2.2-1] [3.1.1 MQTT-3.2.2-2] [3.1.1 MQTT-3.2.2-3] Session Present 0 for CleanSession 1; otherwise 1 exactly when state exists', async () => {
    const sid = id('sp');
    expect((await connack({ clientId: sid, clean: false })).ack.sessionPresent).toBe(false);
    expect((await connack({ clientId: sid, clean: false })).ack.sessionPresent).toBe(true);
    expect((await connack({ clientId: sid, clean: true })).ack.sessionPresent).toBe(false);
  });

  it('[3.1.1 MQTT-3.1.2-8] [3.1.1 MQTT-3.1.2-10] [3.1.1 MQTT-3.14.4-3] the Will goes at once when the connection ends without DISCONNECT; any DISCONNECT drops it', async () => {
    const w = await client();
    await w.subscribe('lw/+', 0);
    const a = await client({ will: { topic: 'lw/drop', payload: 'x' } });
    a.end();
    const got = await w.expect('publish');
    expect([got.topic, got.raw.length]).toEqual(['lw/drop', 2 + 2 + 7 + 1]);
    const b = await client({ will: { topic: 'lw/clean', payload: 'x' } });
    await b.disconnect();
    await w.expectNothing();
  });

  it('[3.1.1 MQTT-3.1.2-24] the 1.5 x keep alive timeout applies (no Server Keep Alive)', async () => {
    // on a clock the test moves, looked at every 10 ms (a quarter of the CONNECT timeout)
    const clock = createTestClock();
    const b = await brokerWith({ now: clock.now, connectTimeoutMs: 40 });
    const probe = await client({ keepalive: 1 }, 4, b.port); // idle from 0
    clock.advance(300);
    const c = await client({ keepalive: 1 }, 4, b.port); // idle from 0.3 s
    clock.advance(1200);
    await closedSilently(probe); // the broker looked at the time: 1.5 s idle is too long...
    await c.ping(); // ...1.2 s is not
    clock.advance(1500);
    await closedSilently(c); // and without a DISCONNECT (3.1.1 has none to send)
  });

  it('[3.1.1 MQTT-3.1.4-2] takeover: the old connection with the same ClientID is closed without a packet', async () => {
    const sid = id('tk');
    const old = await client({ clientId: sid });
    await client({ clientId: sid });
    await closedSilently(old);
  });

  it('[3.1.1 MQTT-3.3.1-8] [3.1.1 MQTT-3.3.1-9] RETAIN 1 only on messages sent because of a new subscription; live forwarding uses RETAIN 0', async () => {
    const p = await client();
    p.publish('lr/a', 'stored', 0, { retain: true });
    const c = await client();
    await c.subscribe('lr/a', 0);
    expect((await c.expect('publish')).retain).toBe(true);
    p.publish('lr/a', 'live', 0, { retain: true });
    expect((await c.expect('publish')).retain).toBe(false);
  });

  it('[3.1.1 MQTT-3.3.1-7] [3.1.1 MQTT-3.3.1-10] [3.1.1 MQTT-3.3.1-11] [3.1.1 MQTT-3.3.1-12] retained store rules as in v5', async () => {
    const p = await client();
    p.publish('lrs/a', 'one', 0, { retain: true });
    p.publish('lrs/a', 'two', 0, { retain: true });
    p.publish('lrs/a', 'live', 0);
    p.publish('lrs/b', 'x', 0, { retain: true });
    p.publish('lrs/b', '', 0, { retain: true });
    await p.ping();
    const c = await client();
    await c.subscribe('lrs/+', 0);
    expect(String((await c.expect('publish')).payload)).toBe('two');
    await c.expectNothing();
  });

  it('[3.1.1 MQTT-3.8.4-3] re-subscribing an identical filter replaces it and always resends the retained messages', async () => {
    const p = await client();
    p.publish('lre/a', 'r', 0, { retain: true });
    const c = await client();
    await c.subscribe('lre/a', 0);
    await c.expect('publish');
    await c.subscribe('lre/a', 1);
    expect((await c.expect('publish')).retain).toBe(true);
  });

  it('[3.1.1 MQTT-3.8.3-4] requested-QoS byte with bits 2-7 set, or QoS 3 → malformed, close', async () => {
    for (const options of [0x04, 0x80, 0x03]) {
      const c = await client();
      c.send(frame(0x82, [0x00, 0x01, ...str('a'), options]));
      await closedSilently(c);
    }
  });

  it('[3.1.1 MQTT-3.8.3-2] [3.1.1 MQTT-3.9.3-2] SUBACK codes are only 0x00/0x01/0x02/0x80; wildcards unsupported → 0x80', async () => {
    const b = await brokerWith({ wildcardSubscriptionAvailable: false });
    const c = await client({}, 4, b.port);
    c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 2 }, { topic: 'a/+', qos: 1 }, { topic: 'b/#', qos: 0 }] });
    expect((await c.expect('suback')).granted).toEqual([2, 0x80, 0x80]);
  });

  it('[3.1.1 MQTT-3.8.4-5] [3.1.1 MQTT-3.8.4-6] one return code per filter; delivery at min(published, granted)', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'lm/0', qos: 0 }, { topic: 'lm/2', qos: 2 }] });
    expect((await c.expect('suback')).granted).toEqual([0, 2]);
    const p = await client();
    p.publish('lm/0', 'a', 2, { messageId: 1 });
    p.publish('lm/2', 'b', 1, { messageId: 2 });
    expect((await c.publishes(2)).map((x) => x.qos)).toEqual([0, 1]);
  });

  it('[3.1.1 MQTT-3.3.5-2] no negative acks: a PUBLISH the client may not send gets a normal ack and is dropped', async () => {
    const w = await client();
    await w.subscribe('deny/#', 0);
    const c = await client();
    c.publish('deny/x', 'no', 2, { messageId: 9 });
    expect([...(await c.expect('pubrec')).raw]).toEqual([0x50, 0x02, 0x00, 0x09]);
    c.sendPacket({ cmd: 'pubrel', messageId: 9 });
    await c.expect('pubcomp');
    await w.expectNothing();
  });

  it('[3.1.1 MQTT-4.8.0-1] [3.1.1 MQTT-4.8.0-2] [3.1.1 MQTT-1.5.3-1] [3.1.1 MQTT-1.5.3-2] violations, bad UTF-8, U+0000 → close with no error packet', async () => {
    for (const bytes of [
      frame(0x30, [...str([0xc0, 0xaf]), 0x78]),
      frame(0x30, [...str([0x61, 0x00]), 0x78]),
      Buffer.from([0xd0, 0x00]),
      Buffer.from([0x60, 0x02, 0x00, 0x01]),
    ]) {
      const c = await client();
      c.send(bytes);
      await closedSilently(c);
    }
  });

  it('[3.1.1 MQTT-4.7.1-1] [3.1.1 MQTT-4.7.1-2] [3.1.1 MQTT-4.7.1-3] [3.1.1 MQTT-4.7.2-1] [3.1.1 MQTT-4.7.3-1] to [3.1.1 MQTT-4.7.3-4] topic rules as in v5', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'lt/#', qos: 0 }, { topic: '+/ltx', qos: 0 }] });
    expect((await c.expect('suback')).granted).toEqual([0, 0]);
    // a filter breaking the wildcard rules makes the SUBSCRIBE malformed: close ([3.1.1 MQTT-4.8.0-1])
    const bad = await client();
    bad.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#/b', qos: 0 }] });
    await closedSilently(bad);
    const p = await client();
    p.publish('$app/ltx', 'no');
    p.publish('LT/Case', 'no');
    p.publish('lt/Case', 'yes');
    expect((await c.expect('publish')).topic).toBe('lt/Case');
    p.publish('lt/+', 'x');
    await closedSilently(p);
    c.end();
  });

  it('[3.1.1 MQTT-4.4.0-1] unacked PUBLISH and PUBREL are resent on a CleanSession 0 reconnect', async () => {
    const sid = id('rs');
    const a = await client({ clientId: sid, clean: false });
    await a.subscribe('lrs4/a', 2);
    const p = await client();
    p.publish('lrs4/a', '1', 2, { messageId: 1 });
    p.publish('lrs4/a', '2', 1, { messageId: 2 });
    const [m1, m2] = await a.publishes(2, { ack: false });
    a.sendPacket({ cmd: 'pubrec', messageId: m1!.messageId });
    await a.expect('pubrel');
    a.end();
    const { c } = await connack({ clientId: sid, clean: false });
    expect((await c.expect('pubrel')).messageId).toBe(m1!.messageId);
    const again = await c.expect('publish');
    expect([again.messageId, again.dup]).toEqual([m2!.messageId, true]);
  });

  it('(no ID) a v5 message to a 3.1.1 subscriber loses its properties but obeys Message Expiry; a 3.1.1 message reaches v5 with none', async () => {
    const sid = id('x4');
    const clock = createTestClock();
    const b = await brokerWith({ now: clock.now });
    const a = await client({ clientId: sid, clean: false }, 4, b.port);
    await a.subscribe('lx/a', 1);
    await a.disconnect();
    const p5 = await client({}, 5, b.port);
    p5.send(frame(0x32, [...str('lx/a'), 0x00, 0x01, 0x05, 0x02, 0, 0, 0, 1, 0x65]));
    p5.publish('lx/a', 'keep', 1, { messageId: 2 });
    await p5.ping();
    clock.advance(1200); // past the 1 s Message Expiry of the first
    const { c } = await connack({ clientId: sid, clean: false }, 4, b.port);
    expect((await c.publishes(1)).map((x) => String(x.payload))).toEqual(['keep']);
    await c.expectNothing();
    const v5 = await client({}, 5, b.port);
    await v5.subscribe('lx/b', 0);
    c.publish('lx/b', 'plain');
    const got = await v5.expect('publish');
    expect(got.properties).toBeUndefined();
  });

  it('(no ID, 3.1) MQIsdp ClientIDs must be 1-23 characters: empty or longer → CONNACK 0x02', async () => {
    for (const clientId of ['', 'a'.repeat(24)]) {
      const c = await RawClient.open(fx.tb.port, 3);
      c.send(connect311(clientId, { name: 'MQIsdp', level: 3 }));
      expect((await c.expectClose()).map((p) => [...p.raw])).toEqual([[0x20, 0x02, 0x00, 0x02]]);
    }
    const ok = await RawClient.open(fx.tb.port, 3);
    ok.send(connect311('a'.repeat(23), { name: 'MQIsdp', level: 3 }));
    expect([...(await ok.expect('connack')).raw]).toEqual([0x20, 0x02, 0x00, 0x00]);
  });

  it('(no ID, 3.1) CONNACK byte 1 is 0 (no Session Present); SUBACK has no failure code (an invalid filter closes)', async () => {
    const sid = id('v3');
    const a = await client({ clientId: sid, clean: false }, 3);
    await a.disconnect();
    const c = await RawClient.open(fx.tb.port, 3);
    c.sendPacket({ cmd: 'connect', clientId: sid, clean: false });
    expect([...(await c.expect('connack')).raw]).toEqual([0x20, 0x02, 0x00, 0x00]);
    c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#/b', qos: 0 }] });
    await closedSilently(c);
  });
});
