import { describe, expect, it } from 'vitest';
import { frame, RawClient, type ReceivedPacket, str, varint } from '../support/raw-mqtt-client';
import { createTestClock } from '../support/test-clock';
import { useBrokerFixture } from '../support/broker-fixture';

// Section 3 of the conformance checklist: PUBLISH and QoS flows, retained messages, forwarded
// properties, topic aliases, flow control and Maximum Packet Size.

const fx = useBrokerFixture({ auth: { authorizePublish: (_c, topic) => !topic.startsWith('deny/') } }, { idPrefix: 'p' });
const { id, brokerWith, client } = fx;

/** A broker of its own whose clock (time and timers) the test moves: expiries pass without waiting for them. */
async function clockedBroker() {
  const clock = createTestClock();
  const broker = await brokerWith({ ...clock.options });
  return { clock, port: broker.port, client: (packet: Record<string, unknown> = {}) => client(packet, 5, broker.port) };
}

async function subscriber(filter: string, qos: 0 | 1 | 2 = 2, packet: Record<string, unknown> = {}, options: Record<string, unknown> = {}): Promise<RawClient> {
  const c = await client(packet);
  await c.subscribe(filter, qos, options);
  return c;
}

function props(p: ReceivedPacket): Record<string, unknown> {
  return (p.properties ?? {}) as Record<string, unknown>;
}

/** A v5 PUBLISH with raw property bytes. */
function rawPublish(topic: string, propBytes: number[], payload: string | Buffer, qos = 0, packetId = 1, retain = false): Buffer {
  const idField = qos > 0 ? [packetId >> 8, packetId & 0xff] : [];
  const body = Buffer.from(typeof payload === 'string' ? Buffer.from(payload) : payload);
  return frame(0x30 | (qos << 1) | (retain ? 1 : 0), [...str(topic), ...idField, ...varint(propBytes.length), ...propBytes, ...body]);
}

describe('3. Incoming PUBLISH validation', () => {
  it('[MQTT-3.3.2-1] [MQTT-4.7.3-2] the Topic Name must be UTF-8 without U+0000 → DISC 0x81', async () => {
    for (const topic of [[0x61, 0x00], [0xc0, 0xaf]]) {
      const c = await client();
      c.send(frame(0x30, [...str(topic), 0x00, 0x78]));
      await c.expectDisconnect(0x81);
    }
  });

  it('[MQTT-3.3.2-2] [MQTT-4.7.0-1] a Topic Name with + or # → DISC 0x90, never delivered (3.1.1: close)', async () => {
    const w = await subscriber('#', 0);
    for (const topic of ['a/+', 'a/#', '+', 'a+b']) {
      const c = await client();
      c.publish(topic, 'x');
      await c.expectDisconnect(0x90);
      const c4 = await client({}, 4);
      c4.publish(topic, 'x');
      expect(await c4.expectClose()).toEqual([]);
    }
    await w.expectNothing();
    w.end();
  });

  it('(no ID; [MQTT-4.7.3-1]) a zero-length Topic Name without a Topic Alias → DISC 0x82', async () => {
    const c = await client();
    c.send(rawPublish('', [], 'x'));
    await c.expectDisconnect(0x82);
  });

  it('[MQTT-3.3.4-6] a client PUBLISH carrying a Subscription Identifier → DISC 0x82', async () => {
    const c = await client();
    c.send(rawPublish('a', [0x0b, 0x01], 'x'));
    await c.expectDisconnect(0x82);
  });

  it('[MQTT-3.3.2-13] [MQTT-3.3.2-14] a Response Topic with wildcards (or bad UTF-8) → DISC 0x82, not forwarded', async () => {
    const w = await subscriber('rt/#', 0);
    const c = await client();
    c.send(rawPublish('rt/a', [0x08, ...str('reply/#')], 'x'));
    await c.expectDisconnect(0x82);
    const d = await client();
    d.send(rawPublish('rt/a', [0x08, ...str([0xc0, 0xaf])], 'x'));
    await d.expectDisconnect(0x81);
    await w.expectNothing();
  });

  it('(MAY, no ID) Payload Format Indicator 1 with a payload that is not UTF-8 → PUBACK/PUBREC 0x99', async () => {
    const w = await subscriber('pfi/#', 0);
    const c = await client();
    c.send(rawPublish('pfi/a', [0x01, 0x01], Buffer.from([0xff, 0xfe]), 1, 7));
    expect((await c.expect('puback')).reasonCode).toBe(0x99);
    c.send(rawPublish('pfi/a', [0x01, 0x01], Buffer.from([0xff, 0xfe]), 2, 8));
    expect((await c.expect('pubrec')).reasonCode).toBe(0x99);
    await w.expectNothing();
  });

  it('(SHOULD, no ID) clients may not publish into $SYS: PUBACK 0x87 and not delivered', async () => {
    const w = await subscriber('$SYS/#', 0);
    const c = await client();
    c.publish('$SYS/broker/x', 'fake', 1);
    expect((await c.expect('puback')).reasonCode).toBe(0x87);
    await w.expectNothing();
  });
});

describe.concurrent('3. Incoming QoS 1 and QoS 2', () => {
  it('[MQTT-3.3.4-1] QoS 0 gets nothing, QoS 1 PUBACK, QoS 2 PUBREC', async () => {
    await subscriber('q/a', 2);
    const c = await client();
    c.publish('q/a', 'x', 0);
    await c.expectNothing();
    c.publish('q/a', 'x', 1, { messageId: 11 });
    expect((await c.expect('puback')).messageId).toBe(11);
    c.publish('q/a', 'x', 2, { messageId: 12 });
    expect((await c.expect('pubrec')).messageId).toBe(12);
  });

  it('[MQTT-4.3.2-4] [MQTT-4.3.2-5] PUBACK carries the id; a later PUBLISH reusing it (even DUP 1) is a new message', async () => {
    const w = await subscriber('q1/a', 1);
    const c = await client();
    c.publish('q1/a', 'one', 1, { messageId: 5 });
    expect((await c.expect('puback')).messageId).toBe(5);
    c.publish('q1/a', 'two', 1, { messageId: 5, dup: true });
    expect((await c.expect('puback')).messageId).toBe(5);
    expect((await w.publishes(2)).map((p) => String(p.payload))).toEqual(['one', 'two']);
  });

  it('[MQTT-4.3.3-8] [MQTT-4.3.3-10] PUBREC carries the id; a repeat before PUBREL gets PUBREC again and is delivered once', async () => {
    const w = await subscriber('q2/a', 0);
    const c = await client();
    c.publish('q2/a', 'once', 2, { messageId: 9 });
    expect((await c.expect('pubrec')).messageId).toBe(9);
    c.publish('q2/a', 'once', 2, { messageId: 9, dup: true });
    expect((await c.expect('pubrec')).messageId).toBe(9);
    await w.expect('publish');
    await w.expectNothing();
  });

  it('[MQTT-4.3.3-11] PUBREL → PUBCOMP with the same id; an unknown id → PUBCOMP 0x92', async () => {
    const c = await client();
    c.publish('q2/b', 'x', 2, { messageId: 21 });
    await c.expect('pubrec');
    c.sendPacket({ cmd: 'pubrel', messageId: 21 });
    const comp = await c.expect('pubcomp');
    expect([comp.messageId, comp.reasonCode ?? 0]).toEqual([21, 0]);
    c.sendPacket({ cmd: 'pubrel', messageId: 22 });
    expect((await c.expect('pubcomp')).reasonCode).toBe(0x92);
  });

  it('[MQTT-4.3.3-12] [MQTT-4.3.3-9] after PUBCOMP, or after our PUBREC >= 0x80, the same id is a new message', async () => {
    const w = await subscriber('q2/c', 0);
    const c = await client();
    c.publish('q2/c', 'a', 2, { messageId: 30 });
    await c.expect('pubrec');
    c.sendPacket({ cmd: 'pubrel', messageId: 30 });
    await c.expect('pubcomp');
    c.publish('q2/c', 'b', 2, { messageId: 30 });
    await c.expect('pubrec');
    expect((await w.publishes(2)).map((p) => String(p.payload))).toEqual(['a', 'b']);
    // refused with 0x87: the id is free at once
    c.publish('deny/x', 'r', 2, { messageId: 31 });
    expect((await c.expect('pubrec')).reasonCode).toBe(0x87);
    c.publish('q2/c', 'c', 2, { messageId: 31 });
    expect((await c.expect('pubrec')).reasonCode).toBe(0);
    expect(String((await w.expect('publish')).payload)).toBe('c');
  });

  it('[MQTT-4.3.3-13] the QoS 2 exchange is finished even if the message expired meanwhile', async () => {
    const { clock, client } = await clockedBroker();
    const c = await client();
    c.send(rawPublish('q2/exp', [0x02, 0, 0, 0, 1], 'x', 2, 40));
    await c.expect('pubrec');
    clock.advance(1200);
    c.sendPacket({ cmd: 'pubrel', messageId: 40 });
    expect((await c.expect('pubcomp')).reasonCode ?? 0).toBe(0);
  });

  it('[MQTT-3.4.2-1] [MQTT-3.5.2-1] [MQTT-3.6.2-1] [MQTT-3.7.2-1] our acknowledgement codes come from the allowed sets', async () => {
    const pubackCodes = new Set([0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]);
    const c = await client();
    const seen: number[] = [];
    c.publish('nobody/here', 'x', 1, { messageId: 1 });
    seen.push(Number((await c.expect('puback')).reasonCode ?? 0));
    c.publish('deny/a', 'x', 1, { messageId: 2 });
    seen.push(Number((await c.expect('puback')).reasonCode ?? 0));
    c.publish('deny/a', 'x', 2, { messageId: 3 });
    seen.push(Number((await c.expect('pubrec')).reasonCode ?? 0));
    for (const code of seen) expect(pubackCodes.has(code)).toBe(true);
    c.sendPacket({ cmd: 'pubrel', messageId: 99 });
    expect([0x00, 0x92]).toContain((await c.expect('pubcomp')).reasonCode);
  });

  it('(MAY, no ID) a message with no matching subscriber is acknowledged with 0x10', async () => {
    const c = await client();
    c.publish('unmatched/x', 'x', 1);
    expect((await c.expect('puback')).reasonCode).toBe(0x10);
    c.publish('unmatched/x', 'x', 2, { messageId: 2 });
    expect((await c.expect('pubrec')).reasonCode).toBe(0x10);
  });

  it('(no ID) a PUBLISH the client may not send → PUBACK/PUBREC 0x87 (v5); 3.1.1 gets a normal ack and the message is dropped', async () => {
    const w = await subscriber('deny/#', 0);
    const c = await client();
    c.publish('deny/a', 'x', 1);
    expect((await c.expect('puback')).reasonCode).toBe(0x87);
    const c4 = await client({}, 4);
    c4.publish('deny/a', 'x', 1, { messageId: 3 });
    expect([...(await c4.expect('puback')).raw]).toEqual([0x40, 0x02, 0x00, 0x03]);
    await w.expectNothing();
  });

  it('(no ID) a Will the client may not publish (authorization, $SYS) is not published', async () => {
    const w = await subscriber('deny/#', 0);
    const sys = await subscriber('$SYS/#', 0);
    const a = await client({ will: { topic: 'deny/will', payload: 'no' } });
    const b = await client({ will: { topic: '$SYS/will', payload: 'no' } });
    const lost = Promise.all([fx.tb.lost(a.clientId), fx.tb.lost(b.clientId)]);
    a.end();
    b.end();
    await lost; // a Will without delay would have gone out in the same turn
    await w.expectNothing();
    await sys.expectNothing();
  });

  it('[MQTT-4.5.0-1] once owned, a message is queued for every matching session, including disconnected ones', async () => {
    const offlineId = id('off');
    const off = await client({ clientId: offlineId, properties: { sessionExpiryInterval: 30 } });
    await off.subscribe('own/a', 1);
    await off.disconnect();
    const online = await subscriber('own/a', 1);
    const c = await client();
    c.publish('own/a', 'both', 1);
    await c.expect('puback');
    await online.publishes(1);
    const back = await RawClient.open(fx.tb.port, 5);
    back.sendPacket({ cmd: 'connect', clientId: offlineId, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect((await back.expect('connack')).sessionPresent).toBe(true);
    expect(String((await back.publishes(1))[0]!.payload)).toBe('both');
  });
});

describe.concurrent('3. Outgoing delivery', () => {
  it('[MQTT-3.3.2-3] the topic a subscriber receives matches its filter', async () => {
    const w = await subscriber('od/+/x', 0);
    const c = await client();
    c.publish('od/1/x', 'a');
    c.publish('od/2/y', 'b');
    c.publish('od/3/x', 'c');
    expect((await w.publishes(2)).map((p) => p.topic)).toEqual(['od/1/x', 'od/3/x']);
  });

  it('[MQTT-3.8.4-8] delivery QoS = min(published, granted), all 9 cases', async () => {
    const subs = await Promise.all(([0, 1, 2] as const).map((q) => subscriber(`min/${q}`, q)));
    const c = await client();
    let mid = 1;
    for (const granted of [0, 1, 2] as const) {
      for (const published of [0, 1, 2] as const) {
        c.publish(`min/${granted}`, `${published}`, published, { messageId: mid++ });
        const got = await subs[granted]!.expect('publish');
        expect(got.qos).toBe(Math.min(published, granted));
        subs[granted]!.ack(got);
        if (got.qos === 2) subs[granted]!.sendPacket({ cmd: 'pubcomp', messageId: (await subs[granted]!.expect('pubrel')).messageId });
      }
    }
  });

  it('[MQTT-3.3.4-2] overlapping subscriptions: one copy at the highest granted QoS', async () => {
    const w = await client();
    await w.subscribe('ov/#', 0);
    await w.subscribe('ov/+', 2);
    await w.subscribe('ov/a', 1);
    const c = await client();
    c.publish('ov/a', 'x', 2);
    const got = await w.expect('publish');
    expect(got.qos).toBe(2);
    w.ack(got);
    await w.expect('pubrel');
    await w.expectNothing();
  });

  it('[MQTT-3.3.4-3] [MQTT-3.3.4-4] [MQTT-3.3.4-5] Subscription Identifiers: the single copy carries every matching id; none without ids', async () => {
    const w = await client();
    w.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'sid/#', qos: 0 }], properties: { subscriptionIdentifier: 7 } });
    await w.expect('suback');
    w.sendPacket({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'sid/+', qos: 0 }], properties: { subscriptionIdentifier: 300 } });
    await w.expect('suback');
    w.sendPacket({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'sid/a', qos: 0 }] });
    await w.expect('suback');
    const plain = await subscriber('sid/a', 0);
    const c = await client();
    c.publish('sid/a', 'x');
    const got = await w.expect('publish');
    const ids = props(got).subscriptionIdentifier;
    expect((Array.isArray(ids) ? ids : [ids]).sort((a, b) => a - b)).toEqual([7, 300]);
    await w.expectNothing();
    expect(props(await plain.expect('publish')).subscriptionIdentifier).toBeUndefined();
  });

  it('[MQTT-4.3.1-1] [MQTT-3.3.1-2] an outgoing QoS 0 PUBLISH has DUP 0 and no Packet Identifier', async () => {
    const w = await subscriber('dup0/a', 0);
    const c = await client();
    c.publish('dup0/a', 'x', 1, { dup: true });
    const got = await w.expect('publish');
    expect(got.raw[0]).toBe(0x30);
    expect(got.messageId).toBeUndefined();
  });

  it('[MQTT-4.3.2-1] [MQTT-4.3.2-2] [MQTT-4.3.2-3] an outgoing QoS 1 PUBLISH has an unused id and DUP 0, and is kept until PUBACK', async () => {
    const sid = id('k1');
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await w.subscribe('k1/a', 1);
    const c = await client();
    c.publish('k1/a', 'keep', 1);
    const got = await w.expect('publish');
    expect([got.dup, got.qos]).toEqual([false, 1]);
    w.end(); // no PUBACK: it is kept and resent on resume
    const back = await RawClient.open(fx.tb.port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    const again = await back.expect('publish');
    expect([again.dup, again.messageId, String(again.payload)]).toEqual([true, got.messageId, 'keep']);
    back.ack(again);
    await back.disconnect();
    const third = await RawClient.open(fx.tb.port, 5);
    third.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await third.expect('connack');
    await third.expectNothing();
  });

  it('[MQTT-4.3.3-1] [MQTT-4.3.3-2] [MQTT-4.3.3-3] an outgoing QoS 2 PUBLISH has an unused id and DUP 0, and is kept until PUBREC', async () => {
    const sid = id('k2');
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await w.subscribe('k2/a', 2);
    const c = await client();
    c.publish('k2/a', 'two', 2);
    const got = await w.expect('publish');
    expect([got.dup, got.qos]).toEqual([false, 2]);
    w.end();
    const back = await RawClient.open(fx.tb.port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    const again = await back.expect('publish');
    expect([again.dup, again.messageId]).toEqual([true, got.messageId]);
  });

  it('[MQTT-4.3.3-4] a PUBREC below 0x80 → PUBREL with the same id', async () => {
    const w = await subscriber('k3/a', 2);
    const c = await client();
    c.publish('k3/a', 'x', 2);
    const got = await w.expect('publish');
    w.sendPacket({ cmd: 'pubrec', messageId: got.messageId, reasonCode: 0x10 });
    expect((await w.expect('pubrel')).messageId).toBe(got.messageId);
  });

  it('[MQTT-4.3.3-5] [MQTT-4.3.3-6] [MQTT-4.3.3-7] the PUBREL is kept until PUBCOMP; the PUBLISH is never sent again', async () => {
    const sid = id('k4');
    const { clock, port, client } = await clockedBroker();
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await w.subscribe('k4/a', 2);
    const c = await client();
    c.send(rawPublish('k4/a', [0x02, 0, 0, 0, 1], 'x', 2, 1));
    const got = await w.expect('publish');
    w.sendPacket({ cmd: 'pubrec', messageId: got.messageId });
    await w.expect('pubrel');
    w.end();
    clock.advance(1100); // the message has expired: the PUBREL still goes
    const back = await RawClient.open(port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    expect((await back.expect('pubrel')).messageId).toBe(got.messageId);
    back.sendPacket({ cmd: 'pubcomp', messageId: got.messageId });
    await back.expectNothing();
  });

  it('[MQTT-4.4.0-2] a PUBACK/PUBREC >= 0x80 ends the message: never resent', async () => {
    const sid = id('k5');
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await w.subscribe('k5/a', 2);
    const c = await client();
    c.publish('k5/a', 'x', 1, { messageId: 1 });
    c.publish('k5/a', 'y', 2, { messageId: 2 });
    const [m1, m2] = await w.publishes(2, { ack: false });
    w.sendPacket({ cmd: 'puback', messageId: m1!.messageId, reasonCode: 0x80 });
    w.sendPacket({ cmd: 'pubrec', messageId: m2!.messageId, reasonCode: 0x80 });
    await w.expectNothing();
    w.end();
    const back = await RawClient.open(fx.tb.port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    await back.expectNothing();
  });

  it('[MQTT-3.3.1-3] the outgoing DUP depends only on our own retransmission', async () => {
    const w = await subscriber('dupf/a', 1);
    const c = await client();
    c.publish('dupf/a', 'x', 1, { dup: true });
    expect((await w.expect('publish')).dup).toBe(false);
  });

  it('[MQTT-3.3.1-1] [MQTT-4.4.0-1] no timer-based resend on a live v5 connection; resends on resume use DUP 1 and the same ids', async () => {
    const b = await clockedBroker();
    const w = await b.client();
    await w.subscribe('nr/a', 1);
    const c = await b.client();
    c.publish('nr/a', 'x', 1);
    await w.expect('publish');
    // every broker timer runs on options.timers: a minute of the broker's clock passes, unacknowledged, and nothing is resent
    b.clock.advance(60_000);
    await w.expectNothing();
  });

  it('(no ID) a PUBACK/PUBCOMP for an unknown id is ignored and frees nothing else', async () => {
    const w = await client({ properties: { receiveMaximum: 1 } });
    await w.subscribe('unk/a', 1);
    const c = await client();
    c.publish('unk/a', '1', 1, { messageId: 1 });
    c.publish('unk/a', '2', 1, { messageId: 2 });
    const first = await w.expect('publish');
    w.sendPacket({ cmd: 'puback', messageId: (first.messageId as number) + 100 });
    w.sendPacket({ cmd: 'pubcomp', messageId: first.messageId });
    await c.ping(); // both PUBLISHes handled
    await w.expectNothing();
    w.sendPacket({ cmd: 'puback', messageId: first.messageId });
    expect(String((await w.expect('publish')).payload)).toBe('2');
  });
});

describe('3. Flow control', () => {
  it('[MQTT-3.3.4-9] [MQTT-4.9.0-1] [MQTT-4.9.0-2] unacknowledged QoS>0 to a client never exceed its Receive Maximum', async () => {
    const w = await client({ properties: { receiveMaximum: 2 } });
    await w.subscribe('rm/a', 1);
    const c = await client();
    for (let i = 1; i <= 5; i++) c.publish('rm/a', `${i}`, 1, { messageId: i });
    const first = await w.publishes(2, { ack: false });
    await c.ping(); // all five handled
    await w.expectNothing();
    w.ack(first[0]!);
    expect(String((await w.expect('publish')).payload)).toBe('3');
    await w.expectNothing();
  });

  it('(no ID) the quota grows back on PUBACK, PUBCOMP and PUBREC >= 0x80; QoS 0 still flows at quota 0', async () => {
    const w = await client({ properties: { receiveMaximum: 1 } });
    await w.subscribe('quota/#', 2);
    const c = await client();
    c.publish('quota/a', 'q2', 2, { messageId: 1 });
    c.publish('quota/a', 'q1', 1, { messageId: 2 });
    c.publish('quota/a', 'q2b', 2, { messageId: 3 });
    const m1 = await w.expect('publish');
    c.publish('quota/b', 'zero', 0);
    expect(String((await w.expect('publish')).payload)).toBe('zero');
    w.sendPacket({ cmd: 'pubrec', messageId: m1.messageId });
    await w.expect('pubrel');
    await w.expectNothing();
    w.sendPacket({ cmd: 'pubcomp', messageId: m1.messageId });
    const m2 = await w.expect('publish');
    expect(String(m2.payload)).toBe('q1');
    w.sendPacket({ cmd: 'puback', messageId: m2.messageId });
    const m3 = await w.expect('publish');
    w.sendPacket({ cmd: 'pubrec', messageId: m3.messageId, reasonCode: 0x80 });
    c.publish('quota/a', 'after', 1, { messageId: 4 });
    expect(String((await w.expect('publish')).payload)).toBe('after');
  });

  it('[MQTT-4.9.0-3] [MQTT-3.3.4-10] at quota 0 PINGRESP, SUBACK, UNSUBACK and PUBACK still go out at once', async () => {
    const w = await client({ properties: { receiveMaximum: 1 } });
    await w.subscribe('q0/a', 1);
    const c = await client();
    c.publish('q0/a', '1', 1, { messageId: 1 });
    c.publish('q0/a', '2', 1, { messageId: 2 });
    await w.expect('publish');
    w.sendPacket({ cmd: 'pingreq' });
    await w.expect('pingresp');
    await w.subscribe('q0/b', 0);
    w.sendPacket({ cmd: 'unsubscribe', messageId: 9, unsubscriptions: ['q0/b'] });
    await w.expect('unsuback');
    w.publish('q0/z', 'x', 1, { messageId: 5 });
    await w.expect('puback');
  });

  it('(no ID) the quota is per connection: a new connection starts with its own Receive Maximum', async () => {
    const sid = id('rq');
    const a = await client({ clientId: sid, properties: { receiveMaximum: 1, sessionExpiryInterval: 30 } });
    await a.subscribe('rq/a', 1);
    const c = await client();
    for (let i = 1; i <= 4; i++) c.publish('rq/a', `${i}`, 1, { messageId: i });
    await a.expect('publish');
    a.end();
    const b = await RawClient.open(fx.tb.port, 5);
    b.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { receiveMaximum: 3, sessionExpiryInterval: 30 } });
    await b.expect('connack');
    const got = await b.publishes(3, { ack: false });
    expect(got.map((p) => String(p.payload))).toEqual(['1', '2', '3']);
    await c.ping(); // all four handled
    await b.expectNothing();
  });
});

describe('3. Message ordering', () => {
  it('[MQTT-4.6.0-5] [MQTT-4.6.0-6] 100 QoS 1 messages arrive in order, live and through an offline queue', async () => {
    const sid = id('ord');
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await w.subscribe('ord/a', 1);
    const c = await client();
    for (let i = 1; i <= 100; i++) c.publish('ord/a', `${i}`, 1, { messageId: i });
    expect((await w.publishes(100)).map((p) => Number(p.payload))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await w.disconnect();
    for (let i = 1; i <= 100; i++) c.publish('ord/a', `${i}`, 1, { messageId: i });
    for (let i = 0; i < 100; i++) await c.expect('puback');
    const back = await RawClient.open(fx.tb.port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    expect((await back.publishes(100)).map((p) => Number(p.payload))).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});

describe.concurrent('3. Retained messages', () => {
  it('[MQTT-3.3.1-5] RETAIN 1 replaces the retained message (payload, QoS, properties)', async () => {
    const c = await client();
    c.publish('ret/rep', 'old', 0, { retain: true });
    c.send(rawPublish('ret/rep', [0x03, ...str('text/new')], 'new', 1, 3, true));
    await c.expect('puback');
    const w = await client();
    await w.subscribe('ret/rep', 2);
    const got = await w.expect('publish');
    expect([String(got.payload), got.qos, props(got).contentType, got.retain]).toEqual(['new', 1, 'text/new', true]);
  });

  it('[MQTT-3.3.1-6] [MQTT-3.3.1-7] RETAIN 1 with an empty payload is delivered as usual and deletes; it is never stored', async () => {
    const c = await client();
    c.publish('ret/del', 'x', 0, { retain: true });
    const live = await subscriber('ret/del', 0);
    await live.expect('publish');
    c.publish('ret/del', '', 0, { retain: true });
    expect(((await live.expect('publish')).payload as Buffer).length).toBe(0);
    const late = await subscriber('ret/del', 0);
    await late.expectNothing();
  });

  it('[MQTT-3.3.1-8] a PUBLISH with RETAIN 0 never stores, replaces or deletes a retained message', async () => {
    const c = await client();
    c.publish('ret0/keep', 'kept', 0, { retain: true });
    c.publish('ret0/keep', 'live', 0);
    c.publish('ret0/keep', '', 0);
    c.publish('ret0/none', 'x', 0);
    await c.ping();
    const w = await subscriber('ret0/+', 0);
    const got = await w.expect('publish');
    expect([got.topic, String(got.payload)]).toEqual(['ret0/keep', 'kept']);
    await w.expectNothing();
  });

  it('(no ID) retained messages sent because of a new subscription have RETAIN 1', async () => {
    const c = await client();
    c.publish('ret/flag', 'x', 1, { retain: true });
    await c.expect('puback');
    const w = await subscriber('ret/flag', 1);
    expect((await w.expect('publish')).retain).toBe(true);
  });

  it('[MQTT-3.3.1-12] [MQTT-3.3.1-13] live forwarding: Retain As Published 0 → RETAIN 0; 1 → the publisher flag', async () => {
    const rap0 = await subscriber('rap/a', 0, {}, { rap: false });
    const rap1 = await subscriber('rap/a', 0, {}, { rap: true });
    const v4 = await RawClient.connected(fx.tb.port, { clientId: id() }, 4);
    await v4.subscribe('rap/a', 0);
    const c = await client();
    c.publish('rap/a', 'x', 0, { retain: true });
    expect((await rap0.expect('publish')).retain).toBe(false);
    expect((await rap1.expect('publish')).retain).toBe(true);
    expect((await v4.expect('publish')).retain).toBe(false);
  });

  it('(no ID) a retained message is dropped once its expiry passes; sent later it carries the reduced expiry', async () => {
    const { clock, client } = await clockedBroker();
    const c = await client();
    c.send(rawPublish('retx/exp1', [0x02, 0, 0, 0, 1], 'short', 0, 1, true));
    c.send(rawPublish('retx/exp10', [0x02, 0, 0, 0, 10], 'long', 0, 1, true));
    await c.ping();
    clock.advance(1300);
    const w = await client();
    await w.subscribe('retx/+', 0);
    const got = await w.expect('publish');
    expect(got.topic).toBe('retx/exp10');
    expect(props(got).messageExpiryInterval).toBeLessThanOrEqual(9);
    await w.expectNothing();
  });

  it('(no ID; [3.1.1 MQTT-3.1.2-7]) retained messages are not session state: they survive session end and Clean Start', async () => {
    const sid = id('rs');
    const c = await client({ clientId: sid });
    c.publish('ret/survive', 'x', 0, { retain: true });
    await c.disconnect();
    const again = await client({ clientId: sid, clean: true });
    await again.subscribe('ret/survive', 0);
    expect(String((await again.expect('publish')).payload)).toBe('x');
  });
});

describe.concurrent('3. Properties forwarded to subscribers', () => {
  it('[MQTT-3.3.2-4] [MQTT-3.3.2-19] [MQTT-3.3.2-20] Payload Format Indicator and Content Type are forwarded unchanged', async () => {
    const w = await subscriber('fwd/pfi', 0);
    const c = await client();
    c.send(rawPublish('fwd/pfi', [0x01, 0x01, 0x03, ...str('application/json; charset=ütf')], '{}'));
    const got = await w.expect('publish');
    expect([props(got).payloadFormatIndicator, props(got).contentType]).toEqual([true, 'application/json; charset=ütf']);
  });

  it('[MQTT-3.3.2-5] a copy whose Message Expiry passes before delivery is deleted', async () => {
    const sid = id('ex');
    const { clock, port, client } = await clockedBroker();
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await w.subscribe('exp/a', 1);
    await w.disconnect();
    const c = await client();
    c.send(rawPublish('exp/a', [0x02, 0, 0, 0, 1], 'gone', 1, 1));
    c.send(rawPublish('exp/a', [], 'stays', 1, 2));
    await c.ping();
    clock.advance(1300);
    const back = await RawClient.open(port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    expect((await back.publishes(1)).map((p) => String(p.payload))).toEqual(['stays']);
    await back.expectNothing();
  });

  it('[MQTT-3.3.2-6] the forwarded expiry is the original minus the time held; no expiry → no property', async () => {
    const sid = id('ex');
    const { clock, port, client } = await clockedBroker();
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await w.subscribe('exp/b', 1);
    await w.disconnect();
    const c = await client();
    c.send(rawPublish('exp/b', [0x02, 0, 0, 0, 10], 'ten', 1, 1));
    c.send(rawPublish('exp/b', [], 'none', 1, 2));
    await c.ping();
    clock.advance(1100);
    const back = await RawClient.open(port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    const [ten, none] = await back.publishes(2);
    expect(props(ten!).messageExpiryInterval).toBeLessThanOrEqual(9);
    expect(props(none!).messageExpiryInterval).toBeUndefined();
  });

  it('[MQTT-3.3.2-15] [MQTT-3.3.2-16] Response Topic is forwarded unchanged, Correlation Data byte for byte', async () => {
    const w = await subscriber('rr/req', 0);
    const c = await client();
    const correlation = [0x00, 0xff, 0x10, 0x80];
    c.send(rawPublish('rr/req', [0x08, ...str('rr/resp/ü'), 0x09, ...str(correlation)], 'q'));
    const got = await w.expect('publish');
    expect(props(got).responseTopic).toBe('rr/resp/ü');
    expect([...(props(got).correlationData as Buffer)]).toEqual(correlation);
  });

  it('[MQTT-3.3.2-17] [MQTT-3.3.2-18] every User Property is forwarded in order, repeated names included', async () => {
    const w = await subscriber('up/a', 0);
    const c = await client();
    const userProps = [0x26, ...str('a'), ...str('1'), 0x26, ...str('b'), ...str('2'), 0x26, ...str('a'), ...str('3'), 0x26, ...str('10'), ...str('x'), 0x26, ...str('2'), ...str('y')];
    c.send(rawPublish('up/a', userProps, 'p'));
    const got = await w.expect('publish');
    expect(got.raw.includes(Buffer.from(userProps))).toBe(true);
  });

  it("(no ID) the publisher's Topic Alias is never forwarded", async () => {
    const plain = await subscriber('alias/fwd', 0);
    const w = await subscriber('alias/fwd', 0, { properties: { topicAliasMaximum: 10 } });
    const c = await client();
    c.send(rawPublish('alias/fwd', [0x23, 0x00, 0x05], 'x'));
    expect(props(await plain.expect('publish')).topicAlias).toBeUndefined();
    // the subscriber that allows aliases gets one of ours (1), not the publisher's (5)
    const got = await w.expect('publish');
    expect([got.topic, props(got).topicAlias]).toEqual(['alias/fwd', 1]);
  });
});

describe('3. Topic Alias, client to server', () => {
  it('[MQTT-3.3.2-12] every alias from 1 to our Topic Alias Maximum is accepted', async () => {
    const w = await subscriber('ta/#', 0);
    const c = await RawClient.open(fx.tb.port, 5);
    c.sendPacket({ cmd: 'connect', clientId: id() });
    const max = props(await c.expect('connack')).topicAliasMaximum as number;
    expect(max).toBeGreaterThan(0);
    for (let alias = 1; alias <= max; alias++) c.send(rawPublish(`ta/${alias}`, [0x23, 0x00, alias], 'x'));
    for (let alias = 1; alias <= max; alias++) c.send(rawPublish('', [0x23, 0x00, alias], 'y'));
    const got = await w.publishes(2 * max);
    expect(got.slice(max).map((p) => p.topic)).toEqual(Array.from({ length: max }, (_, i) => `ta/${i + 1}`));
  });

  it('(no ID; [MQTT-3.3.2-8] [MQTT-3.3.2-9] [MQTT-3.2.2-17] [MQTT-3.2.2-18]) alias 0 or above our maximum → DISC 0x94', async () => {
    const zero = await client();
    zero.send(rawPublish('t', [0x23, 0x00, 0x00], 'x'));
    await zero.expectDisconnect(0x94);
    const above = await client();
    above.send(rawPublish('t', [0x23, 0x00, 0x0b], 'x'));
    await above.expectDisconnect(0x94);
    const none = await brokerWith({ topicAliasMaximum: 0 });
    const c = await client({}, 5, none.port);
    c.send(rawPublish('t', [0x23, 0x00, 0x01], 'x'));
    await c.expectDisconnect(0x94);
  });

  it('(no ID) alias + topic sets or replaces the mapping; alias + empty topic uses it; an unknown alias → DISC 0x82', async () => {
    const w = await subscriber('tb/#', 0);
    const c = await client();
    c.send(rawPublish('tb/one', [0x23, 0x00, 0x02], '1'));
    c.send(rawPublish('', [0x23, 0x00, 0x02], '2'));
    c.send(rawPublish('tb/two', [0x23, 0x00, 0x02], '3'));
    c.send(rawPublish('', [0x23, 0x00, 0x02], '4'));
    expect((await w.publishes(4)).map((p) => p.topic)).toEqual(['tb/one', 'tb/one', 'tb/two', 'tb/two']);
    c.send(rawPublish('', [0x23, 0x00, 0x03], '5'));
    await c.expectDisconnect(0x82);
  });

  it('[MQTT-3.3.2-7] alias mappings do not survive a reconnect', async () => {
    const sid = id('tr');
    const a = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    a.send(rawPublish('tr/a', [0x23, 0x00, 0x01], 'x'));
    await a.disconnect();
    const b = await client({ clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    b.send(rawPublish('', [0x23, 0x00, 0x01], 'x'));
    await b.expectDisconnect(0x82);
  });
});

describe('3. Topic Alias, server to client', () => {
  it('[MQTT-3.1.2-26] [MQTT-3.1.2-27] [MQTT-3.3.2-11] [MQTT-3.3.2-8] no aliases without a client Topic Alias Maximum; otherwise never 0 or above it', async () => {
    const without = await subscriber('tsa/+', 0);
    const withMax = await subscriber('tsa/+', 0, { properties: { topicAliasMaximum: 2 } });
    const c = await client();
    const topics = ['tsa/a', 'tsa/b', 'tsa/c', 'tsa/a', 'tsa/b', 'tsa/c'];
    for (const t of topics) c.publish(t, t);
    for (const p of await without.publishes(6)) expect(props(p).topicAlias).toBeUndefined();
    const got = await withMax.publishes(6);
    // first use: topic + new alias; later: alias with an empty topic; no alias left for the third topic
    expect(got.map((p) => [p.topic, props(p).topicAlias])).toEqual([
      ['tsa/a', 1],
      ['tsa/b', 2],
      ['tsa/c', undefined],
      ['', 1],
      ['', 2],
      ['tsa/c', undefined],
    ]);
    expect(got.map((p) => String(p.payload))).toEqual(topics);
  });

  it('(no ID) server aliases start fresh on each connection: resends carry the full topic', async () => {
    const sid = id('tf');
    const w = await client({ clientId: sid, properties: { sessionExpiryInterval: 30, topicAliasMaximum: 5 } });
    await w.subscribe('tf/a', 1);
    const c = await client();
    c.publish('tf/a', 'x', 1);
    await w.expect('publish');
    w.end();
    const back = await RawClient.open(fx.tb.port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30, topicAliasMaximum: 5 } });
    await back.expect('connack');
    const resent = await back.expect('publish');
    expect([resent.topic, resent.dup, props(resent).topicAlias]).toEqual(['tf/a', true, 1]);
  });
});

describe('3. Maximum Packet Size, server to client', () => {
  it('[MQTT-3.1.2-24] we never send a packet larger than the client Maximum Packet Size', async () => {
    const w = await subscriber('mps/#', 1, { properties: { maximumPacketSize: 64 } });
    const c = await client();
    for (const size of [10, 40, 50, 60, 100]) c.publish('mps/a', Buffer.alloc(size, 0x61), 1, { messageId: size });
    await c.ping();
    await w.ping();
    for (const p of w.packets) expect(p.raw.length).toBeLessThanOrEqual(64);
  });

  it('[MQTT-3.1.2-25] a PUBLISH too big for one subscriber is dropped for it as if delivered; others still get it', async () => {
    const small = await subscriber('mpd/a', 1, { properties: { maximumPacketSize: 30, receiveMaximum: 1 } });
    const large = await subscriber('mpd/a', 1);
    const c = await client();
    c.publish('mpd/a', Buffer.alloc(100, 0x61), 1, { messageId: 1 });
    c.publish('mpd/a', 'small', 1, { messageId: 2 });
    // the dropped one used no quota: with Receive Maximum 1 the next one still arrives
    expect(String((await small.expect('publish')).payload)).toBe('small');
    expect((await large.publishes(2)).map((p) => (p.payload as Buffer).length)).toEqual([100, 5]);
  });

  it('[MQTT-3.4.2-2] .. [MQTT-3.15.2-3] acknowledgements never exceed the client limit (Reason String/User Properties dropped first)', async () => {
    const roomy = await client();
    roomy.publish('deny/a', 'x', 1, { messageId: 1 });
    expect(props(await roomy.expect('puback')).reasonString).toBeTruthy();
    const quiet = await client({ properties: { requestProblemInformation: false } });
    quiet.publish('deny/a', 'x', 2, { messageId: 1 });
    expect(props(await quiet.expect('pubrec')).reasonString).toBeUndefined();
    // 13 bytes: our CONNACK fits ([MQTT-3.1.2-24]), a PUBACK with its Reason String would not
    const c = await client({ properties: { maximumPacketSize: 13 } });
    c.publish('deny/a', 'x', 1, { messageId: 1 });
    const ack = await c.expect('puback');
    expect(ack.reasonCode).toBe(0x87);
    expect(ack.raw.length).toBeLessThanOrEqual(13);
    expect(props(ack).reasonString).toBeUndefined();
    c.send([0xd0, 0x00]);
    const disc = await c.expectDisconnect(0x82);
    expect(disc.raw.length).toBeLessThanOrEqual(13);
  });
});
