import { describe, expect, it } from 'vitest';
import { frame, RawClient, type ReceivedPacket, startTestBroker, str } from '../support/raw-mqtt-client';
import { useBrokerFixture } from '../support/broker-fixture';

// Sections 4 and 5 of the conformance checklist: SUBSCRIBE/SUBACK/UNSUBSCRIBE/UNSUBACK, subscription
// options and identifiers, shared subscriptions; PINGREQ, DISCONNECT both ways, AUTH.

const fx = useBrokerFixture({}, { idPrefix: 's' });
const { id, brokerWith, client } = fx;

let subscribeCount = 0;

function props(p: ReceivedPacket): Record<string, unknown> {
  return (p.properties ?? {}) as Record<string, unknown>;
}

async function subackFor(c: RawClient, subscriptions: Array<Record<string, unknown>>, properties?: Record<string, unknown>): Promise<number[]> {
  const messageId = 100 + (++subscribeCount % 1000);
  c.sendPacket({ cmd: 'subscribe', messageId, subscriptions, ...(properties ? { properties } : {}) });
  const suback = await c.expect('suback');
  expect(suback.messageId).toBe(messageId);
  return suback.granted as number[];
}

describe('4. SUBSCRIBE validation', () => {
  it('[MQTT-3.8.3-1] a Topic Filter that is not valid UTF-8 → DISC 0x81', async () => {
    const c = await client();
    c.send(frame(0x82, [0x00, 0x01, 0x00, ...str([0x61, 0xc0, 0xaf]), 0x00]));
    await c.expectDisconnect(0x81);
  });

  it('[MQTT-3.8.3-2] a SUBSCRIBE with no filter → DISC 0x82 (3.1.1: close)', async () => {
    const c = await client();
    c.send(frame(0x82, [0x00, 0x01, 0x00]));
    await c.expectDisconnect(0x82);
    const c4 = await client({}, 4);
    c4.send(frame(0x82, [0x00, 0x01]));
    expect(await c4.expectClose()).toEqual([]);
  });

  it('[MQTT-3.8.3-5] option bits 6-7 → DISC 0x81; QoS 3 or Retain Handling 3 → DISC 0x82', async () => {
    for (const [options, code] of [[0x40, 0x81], [0x80, 0x81], [0x03, 0x82], [0x30, 0x82]] as const) {
      const c = await client();
      c.send(frame(0x82, [0x00, 0x01, 0x00, ...str('a'), options]));
      await c.expectDisconnect(code);
    }
  });

  it('[MQTT-4.7.1-1] [MQTT-4.7.1-2] wildcard syntax: valid filters granted, invalid ones make the SUBSCRIBE malformed → DISC 0x81', async () => {
    const c = await client();
    const valid = ['#', 'a/#', '+', '+/a/#', 'a/+/b'];
    expect(await subackFor(c, valid.map((topic) => ({ topic, qos: 1 })))).toEqual(valid.map(() => 1));
    for (const topic of ['a#', 'a/#/b', 'a+', 'a/b+']) {
      const bad = await client();
      bad.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] });
      await bad.expectDisconnect(0x81);
    }
  });

  it('[MQTT-4.7.3-1] [MQTT-4.7.3-2] [MQTT-4.7.3-3] an empty filter or U+0000 → malformed, DISC 0x81; over 65,535 bytes cannot be encoded', async () => {
    const c = await client();
    c.send(frame(0x82, [0x00, 0x02, 0x00, ...str(''), 0x00]));
    await c.expectDisconnect(0x81);
    const d = await client();
    d.send(frame(0x82, [0x00, 0x03, 0x00, ...str([0x61, 0x00]), 0x00]));
    await d.expectDisconnect(0x81);
  });

  it('(no ID) v5: a filter we do not accept (over maxTopicLevels) gets 0x8F and the other filters still apply (3.1.1: 0x80)', async () => {
    const b = await brokerWith({ maxTopicLevels: 3 });
    const c = await client({}, 5, b.port);
    expect(await subackFor(c, [{ topic: 'ok/a', qos: 1 }, { topic: 'bad/1/2/3', qos: 1 }, { topic: 'ok/b', qos: 2 }])).toEqual([1, 0x8f, 2]);
    const c4 = await client({}, 4, b.port);
    expect(await subackFor(c4, [{ topic: 'ok/a', qos: 1 }, { topic: 'a/1/2/3', qos: 1 }])).toEqual([1, 0x80]);
    const p = await client({}, 5, b.port);
    p.publish('ok/b', 'x');
    expect((await c.expect('publish')).topic).toBe('ok/b');
  });
});

describe('4. Matching', () => {
  it('[MQTT-4.7.3-4] matching compares exact characters (no case folding or normalization)', async () => {
    const c = await client();
    await c.subscribe('m/ACCOUNTS', 0);
    await c.subscribe('m/\u00e9', 0);
    const p = await client();
    p.publish('m/Accounts', 'no');
    p.publish('m/e\u0301', 'no');
    p.publish('m/ACCOUNTS', 'yes');
    expect(String((await c.expect('publish')).payload)).toBe('yes');
    await c.expectNothing();
  });

  it('(no ID) level rules: sport/#, sport/+, +/+, /+, leading and trailing /', async () => {
    const cases: Array<[string, string, boolean]> = [
      ['sport/#', 'sport', true],
      ['sport/#', 'sport/a/b', true],
      ['sport/+', 'sport/', true],
      ['sport/+', 'sport', false],
      ['+/+', '/finance', true],
      ['/+', '/finance', true],
      ['+', '/finance', false],
      ['a/b', '/a/b', false],
      ['a/b', 'a/b/', false],
    ];
    const p = await client();
    for (const [filter, topic, matches] of cases) {
      const c = await client();
      await c.subscribe(filter, 0);
      p.publish(topic, 'x');
      if (matches) expect((await c.expect('publish')).topic).toBe(topic);
      else {
        await p.ping();
        await c.expectNothing();
      }
      c.end();
    }
  });

  it('[MQTT-4.7.2-1] filters starting with # or + never match $ topics; $SYS/# does', async () => {
    const hash = await client();
    await hash.subscribe('#', 0);
    const plus = await client();
    await plus.subscribe('+/monitor', 0);
    const sys = await client();
    await sys.subscribe('$SYS/#', 0);
    const dollar = await client();
    await dollar.subscribe('$app/+', 0);
    const p = await client();
    p.publish('$app/monitor', 'x');
    expect((await dollar.expect('publish')).topic).toBe('$app/monitor');
    await hash.expectNothing();
    await plus.expectNothing();
    hash.end();
  });
});

describe('4. SUBACK', () => {
  it('[MQTT-3.8.4-1] [MQTT-3.8.4-2] every SUBSCRIBE gets a SUBACK with the same Packet Identifier', async () => {
    const c = await client();
    for (const messageId of [1, 255, 256, 65535]) {
      c.sendPacket({ cmd: 'subscribe', messageId, subscriptions: [{ topic: 'x', qos: 0 }] });
      expect((await c.expect('suback')).messageId).toBe(messageId);
    }
  });

  it('[MQTT-3.8.4-5] a SUBSCRIBE with several filters is handled as many, answered with one SUBACK', async () => {
    const c = await client();
    expect(await subackFor(c, [{ topic: 'mf/a', qos: 0 }, { topic: 'mf/b', qos: 1 }, { topic: 'mf/c', qos: 2 }])).toEqual([0, 1, 2]);
    await c.expectNothing();
    const p = await client();
    for (const t of ['mf/a', 'mf/b', 'mf/c']) p.publish(t, t);
    expect((await c.publishes(3)).map((x) => x.topic)).toEqual(['mf/a', 'mf/b', 'mf/c']);
  });

  it('[MQTT-3.8.4-6] [MQTT-3.8.4-7] [MQTT-3.9.3-1] [MQTT-3.9.3-2] one code per filter, in order, from the allowed set', async () => {
    const b = await brokerWith({ maxTopicLevels: 3, auth: { authorizeSubscribe: (_c, f) => !f.startsWith('secret') } });
    const c = await client({}, 5, b.port);
    const codes = await subackFor(c, [{ topic: 'a', qos: 2 }, { topic: 'secret/x', qos: 1 }, { topic: 'a/1/2/3', qos: 0 }, { topic: 'b', qos: 0 }]);
    expect(codes).toEqual([2, 0x87, 0x8f, 0]);
    const allowed = new Set([0, 1, 2, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2]);
    for (const code of codes) expect(allowed.has(code)).toBe(true);
  });

  it('(no ID) the granted QoS may be below the requested one, and deliveries follow the granted value', async () => {
    const b = await brokerWith({ maximumQoS: 1 });
    const c = await client({}, 5, b.port);
    expect(await subackFor(c, [{ topic: 'g/a', qos: 2 }])).toEqual([1]);
    const p = await client({}, 5, b.port);
    p.publish('g/a', 'x', 1);
    expect((await c.expect('publish')).qos).toBe(1);
  });

  it('[MQTT-3.8.4-3] [MQTT-3.8.4-4] an identical filter replaces the subscription: new options, one subscription, retained resent with RH 0', async () => {
    const p = await client();
    p.publish('rep/a', 'kept', 0, { retain: true });
    const c = await client();
    await c.subscribe('rep/a', 0);
    expect((await c.expect('publish')).retain).toBe(true);
    await c.subscribe('rep/a', 1);
    expect((await c.expect('publish')).qos).toBe(0); // retained message was QoS 0
    p.publish('rep/a', 'live', 1);
    const got = await c.publishes(1);
    expect(got[0]!.qos).toBe(1);
    await c.expectNothing();
    expect(fx.tb.broker.sessions().find((s) => s.subscriptions.some((x) => x.filter === 'rep/a'))!.subscriptions).toHaveLength(1);
  });
});

describe('4. Subscription options', () => {
  it('[MQTT-3.8.3-3] No Local 1: the same ClientID does not get its own publications; others do', async () => {
    const self = await client();
    await self.subscribe('nl/a', 0, { nl: true });
    const other = await client();
    await other.subscribe('nl/a', 0, { nl: true });
    self.publish('nl/a', 'mine');
    expect(String((await other.expect('publish')).payload)).toBe('mine');
    await self.expectNothing();
  });

  it('[MQTT-3.3.1-9] Retain Handling 0 sends retained messages on every SUBSCRIBE, re-subscribes included', async () => {
    const p = await client();
    p.publish('rh0/a', 'r', 0, { retain: true });
    const c = await client();
    for (let i = 0; i < 3; i++) {
      await c.subscribe('rh0/a', 0, { rh: 0 });
      expect((await c.expect('publish')).retain).toBe(true);
    }
  });

  it('[MQTT-3.3.1-10] [MQTT-3.3.1-11] Retain Handling 1: only for a new subscription; 2: never', async () => {
    const p = await client();
    p.publish('rh/a', 'r', 0, { retain: true });
    const one = await client();
    await one.subscribe('rh/a', 0, { rh: 1 });
    await one.expect('publish');
    await one.subscribe('rh/a', 0, { rh: 1 });
    await one.expectNothing();
    const two = await client();
    await two.subscribe('rh/a', 0, { rh: 2 });
    await two.expectNothing();
  });
});

describe('4. Subscription Identifier', () => {
  it('(no ID) range 1..268,435,455; 0 or given twice → DISC 0x82; stored per subscription; re-subscribing without it removes it', async () => {
    const c = await client();
    await subackFor(c, [{ topic: 'sid/a', qos: 0 }], { subscriptionIdentifier: 268_435_455 });
    const p = await client();
    p.publish('sid/a', 'x');
    expect(props(await c.expect('publish')).subscriptionIdentifier).toBe(268_435_455);
    await subackFor(c, [{ topic: 'sid/a', qos: 0 }]);
    p.publish('sid/a', 'y');
    expect(props(await c.expect('publish')).subscriptionIdentifier).toBeUndefined();
    const zero = await client();
    zero.send(frame(0x82, [0x00, 0x01, 0x02, 0x0b, 0x00, ...str('a'), 0x00]));
    await zero.expectDisconnect(0x82);
    const twice = await client();
    twice.send(frame(0x82, [0x00, 0x01, 0x04, 0x0b, 0x01, 0x0b, 0x02, ...str('a'), 0x00]));
    await twice.expectDisconnect(0x82);
  });

  it('(no ID) disabled features → DISC 0xA1 (Subscription Identifiers) / 0xA2 (wildcards)', async () => {
    const b = await brokerWith({ subscriptionIdentifierAvailable: false, wildcardSubscriptionAvailable: false });
    const a = await client({}, 5, b.port);
    a.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a', qos: 0 }], properties: { subscriptionIdentifier: 3 } });
    await a.expectDisconnect(0xa1);
    const w = await client({}, 5, b.port);
    w.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 0 }] });
    await w.expectDisconnect(0xa2);
  });
});

describe('4. Shared subscriptions', () => {
  it('[MQTT-4.8.2-1] [MQTT-4.8.2-2] $share/{ShareName}/{filter}: valid forms granted, invalid ones make the SUBSCRIBE malformed → DISC 0x81', async () => {
    const c = await client();
    expect(await subackFor(c, [{ topic: '$share/g/a/#', qos: 1 }])).toEqual([1]);
    for (const topic of ['$share/', '$share//a', '$share/g', '$share/g/', '$share/g+/a', '$share/#/a']) {
      const bad = await client();
      bad.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic, qos: 1 }] });
      await bad.expectDisconnect(0x81);
    }
  });

  it('(no ID) each message goes to exactly one member of each group; non-shared subscribers get theirs; the prefix is ignored for matching', async () => {
    const g1 = await Promise.all([client(), client(), client()]);
    for (const m of g1) await m.subscribe('$share/one//finance', 0);
    const g2 = await Promise.all([client(), client()]);
    for (const m of g2) await m.subscribe('$share/two/+/finance', 0);
    const plain = await client();
    await plain.subscribe('/finance', 0);
    const p = await client();
    for (let i = 0; i < 12; i++) p.publish('/finance', `${i}`);
    await plain.publishes(12);
    for (const m of [...g1, ...g2]) await m.ping(); // p's twelve were handled before plain got them
    const counts1 = g1.map((m) => m.packets.length);
    const counts2 = g2.map((m) => m.packets.length);
    expect(counts1.reduce((a, b) => a + b)).toBe(12);
    expect(counts2.reduce((a, b) => a + b)).toBe(12);
    for (const count of [...counts1, ...counts2]) expect(count).toBeGreaterThan(0); // load-balanced
  });

  it('[MQTT-3.8.3-4] No Local on a shared subscription → DISC 0x82', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g/a', qos: 0, nl: true }] });
    await c.expectDisconnect(0x82);
  });

  it('(no ID) no retained messages are sent when a shared subscription is created or joined', async () => {
    const p = await client();
    p.publish('shr/a', 'r', 0, { retain: true });
    await p.ping(); // the retained message is stored
    const c = await client();
    await c.subscribe('$share/g/shr/a', 0);
    await c.expectNothing();
  });

  it('[MQTT-4.8.2-3] each member receives at its own granted QoS', async () => {
    const q0 = await client();
    await q0.subscribe('$share/q/sq/a', 0);
    const q2 = await client();
    await q2.subscribe('$share/q/sq/a', 2);
    const p = await client();
    p.publish('sq/a', '1', 2, { messageId: 1 });
    p.publish('sq/a', '2', 2, { messageId: 2 });
    await p.ping();
    await q0.ping();
    await q2.ping();
    expect(q0.packets.filter((x) => x.cmd === 'publish').map((x) => x.qos)).toEqual([0]);
    expect(q2.packets.filter((x) => x.cmd === 'publish').map((x) => x.qos)).toEqual([2]);
  });

  it('[MQTT-4.8.2-4] [MQTT-4.8.2-5] a QoS 2 delivery cut by a disconnect is finished to that member on reconnect, to no one else if its session ends', async () => {
    const sid = id('sm');
    const member = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    await member.subscribe('$share/q2/s2/a', 2);
    const p = await client();
    p.publish('s2/a', 'q2', 2);
    const got = await member.expect('publish');
    const lost = fx.tb.lost(sid);
    member.end();
    await lost;
    const other = await client();
    await other.subscribe('$share/q2/s2/a', 2);
    await other.expectNothing();
    const back = await RawClient.open(fx.tb.port, 5);
    back.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    await back.expect('connack');
    const again = await back.expect('publish');
    expect([again.messageId, again.dup]).toEqual([got.messageId, true]);
    // the session ends with the message unacknowledged: not redistributed
    back.end();
    const ender = await RawClient.connected(fx.tb.port, { clientId: sid, clean: true });
    await ender.disconnect();
    await other.expectNothing();
  });

  it('(SHOULD, no ID) an unacknowledged QoS 1 message whose member session ends goes to another member', async () => {
    const a = await client();
    await a.subscribe('$share/r/sr/a', 1);
    const p = await client();
    p.publish('sr/a', 'again', 1);
    await a.expect('publish');
    const b = await client();
    await b.subscribe('$share/r/sr/a', 1);
    a.end();
    expect(String((await b.expect('publish')).payload)).toBe('again');
  });

  it('[MQTT-4.8.2-6] a PUBACK/PUBREC >= 0x80 from a member drops the message: it is not redistributed', async () => {
    const a = await client();
    await a.subscribe('$share/d/sd/a', 1);
    const p = await client();
    p.publish('sd/a', 'x', 1);
    const got = await a.expect('publish');
    a.sendPacket({ cmd: 'puback', messageId: got.messageId, reasonCode: 0x80 });
    const b = await client();
    await b.subscribe('$share/d/sd/a', 1);
    const lost = fx.tb.lost(a.clientId);
    a.end();
    await lost;
    await b.expectNothing();
  });

  it('(no ID) the PUBLISH to a member carries only its own Subscription Identifier', async () => {
    const c = await client();
    await subackFor(c, [{ topic: '$share/i/si/a', qos: 0 }], { subscriptionIdentifier: 11 });
    await subackFor(c, [{ topic: 'si/+', qos: 0 }], { subscriptionIdentifier: 22 });
    const p = await client();
    p.publish('si/a', 'x');
    const ids = (await c.publishes(2)).map((x) => props(x).subscriptionIdentifier).sort();
    expect(ids).toEqual([11, 22]);
  });

  it('(no ID) leaving a group: UNSUBSCRIBE or session end removes the member; subscribing twice counts once; the group goes with its last member', async () => {
    const a = await client();
    const b = await client();
    await a.subscribe('$share/l/sl/a', 0);
    await a.subscribe('$share/l/sl/a', 0);
    await b.subscribe('$share/l/sl/a', 0);
    const p = await client();
    for (let i = 0; i < 4; i++) p.publish('sl/a', `${i}`);
    await p.ping();
    await a.ping();
    await b.ping();
    expect([a.packets.length, b.packets.length]).toEqual([2, 2]);
    a.packets.length = 0;
    b.packets.length = 0;
    a.sendPacket({ cmd: 'unsubscribe', messageId: 3, unsubscriptions: ['$share/l/sl/a'] });
    await a.expect('unsuback');
    for (let i = 0; i < 3; i++) p.publish('sl/a', `${i}`);
    expect((await b.publishes(3)).length).toBe(3);
    await a.expectNothing();
    const before = fx.tb.broker.stats().subscriptions;
    const lost = fx.tb.lost(b.clientId);
    b.end();
    await lost;
    expect(fx.tb.broker.stats().subscriptions).toBe(before - 1);
  });

  it('(no ID) shared subscriptions disabled (advertised 0) → DISC 0x9E', async () => {
    const b = await brokerWith({ sharedSubscriptionAvailable: false });
    const c = await client({}, 5, b.port);
    c.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$share/g/a', qos: 0 }] });
    await c.expectDisconnect(0x9e);
  });
});

describe('4. UNSUBSCRIBE / UNSUBACK', () => {
  it('[MQTT-3.10.3-1] [MQTT-3.10.3-2] filters must be UTF-8 (else 0x81); an UNSUBSCRIBE with no filter → DISC 0x82', async () => {
    const a = await client();
    a.send(frame(0xa2, [0x00, 0x01, 0x00, ...str([0xc0, 0xaf])]));
    await a.expectDisconnect(0x81);
    const b = await client();
    b.send(frame(0xa2, [0x00, 0x01, 0x00]));
    await b.expectDisconnect(0x82);
  });

  it('[MQTT-3.10.4-1] filters are compared character for character: unsubscribing a/+ removes a/+ only', async () => {
    const c = await client();
    await c.subscribe('u/+', 0);
    await c.subscribe('u/b', 0);
    c.sendPacket({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['u/+'] });
    expect((await c.expect('unsuback')).granted).toEqual([0]);
    const p = await client();
    p.publish('u/b', 'x');
    p.publish('u/c', 'y');
    expect(String((await c.expect('publish')).payload)).toBe('x');
    await p.ping();
    await c.expectNothing();
  });

  it('[MQTT-3.10.4-2] [MQTT-3.10.4-3] nothing new is sent for a removed filter; started QoS 1/2 deliveries complete', async () => {
    const c = await client();
    await c.subscribe('ux/a', 2);
    const p = await client();
    p.publish('ux/a', 'started', 2);
    const got = await c.expect('publish');
    c.sendPacket({ cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['ux/a'] });
    await c.expect('unsuback');
    c.sendPacket({ cmd: 'pubrec', messageId: got.messageId });
    expect((await c.expect('pubrel')).messageId).toBe(got.messageId);
    p.publish('ux/a', 'after', 1, { messageId: 2 });
    await p.ping();
    await c.expectNothing();
  });

  it('[MQTT-3.10.4-4] [MQTT-3.10.4-5] [MQTT-3.10.4-6] each UNSUBSCRIBE gets exactly one UNSUBACK with its id, even if nothing was removed', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'unsubscribe', messageId: 77, unsubscriptions: ['none/a', 'none/b'] });
    expect((await c.expect('unsuback')).messageId).toBe(77);
    await c.expectNothing();
  });

  it('[MQTT-3.11.3-1] [MQTT-3.11.3-2] the v5 UNSUBACK has one code per filter, in order; the 3.1.1 UNSUBACK has no payload', async () => {
    const c = await client();
    await c.subscribe('uc/a', 0);
    c.sendPacket({ cmd: 'unsubscribe', messageId: 5, unsubscriptions: ['uc/b', 'uc/a', `${'a/'.repeat(128)}b`] });
    expect((await c.expect('unsuback')).granted).toEqual([0x11, 0x00, 0x8f]);
    const c4 = await client({}, 4);
    c4.sendPacket({ cmd: 'unsubscribe', messageId: 6, unsubscriptions: ['x'] });
    expect([...(await c4.expect('unsuback')).raw]).toEqual([0xb0, 0x02, 0x00, 0x06]);
  });
});

describe('5. PINGREQ, DISCONNECT, AUTH', () => {
  it('[MQTT-3.12.4-1] every PINGREQ gets a PINGRESP (also at send quota 0); a PINGRESP from a client → 0x82', async () => {
    const c = await client({ properties: { receiveMaximum: 1 } });
    await c.subscribe('pq/a', 1);
    const p = await client();
    p.publish('pq/a', '1', 1, { messageId: 1 });
    p.publish('pq/a', '2', 1, { messageId: 2 });
    await c.expect('publish');
    for (let i = 0; i < 3; i++) {
      c.send([0xc0, 0x00]);
      expect([...(await c.expect('pingresp')).raw]).toEqual([0xd0, 0x00]);
    }
    c.send([0xd0, 0x00]);
    await c.expectDisconnect(0x82);
  });

  it('[MQTT-3.14.4-3] Remaining Length 0 means 0x00 and drops the Will; 0x04 or another code leaves it', async () => {
    const w = await client();
    await w.subscribe('dw/+', 0);
    const a = await client({ will: { topic: 'dw/short', payload: 'no' } });
    a.send([0xe0, 0x00]);
    await a.expectClose();
    const b = await client({ will: { topic: 'dw/other', payload: 'yes' } });
    b.sendPacket({ cmd: 'disconnect', reasonCode: 0x80 });
    await b.expectClose();
    expect((await w.expect('publish')).topic).toBe('dw/other');
    await w.expectNothing();
  });

  it('(no ID) a Session Expiry Interval in DISCONNECT replaces the current one (0 ends the session at close)', async () => {
    const sid = id('dx');
    const a = await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
    a.sendPacket({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 0 } });
    await a.expectClose();
    const b = await RawClient.open(fx.tb.port, 5);
    b.sendPacket({ cmd: 'connect', clientId: sid, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect((await b.expect('connack')).sessionPresent).toBe(false);
  });

  it('(no ID) Session Expiry 0 in CONNECT and non-zero in DISCONNECT → DISC 0x82, and the Will is published', async () => {
    const w = await client();
    await w.subscribe('dz/a', 0);
    const a = await client({ will: { topic: 'dz/a', payload: 'w' } });
    a.sendPacket({ cmd: 'disconnect', reasonCode: 0, properties: { sessionExpiryInterval: 10 } });
    await a.expectDisconnect(0x82);
    expect(String((await w.expect('publish')).payload)).toBe('w');
  });

  it('(SHOULD, no ID) after receiving DISCONNECT the server closes the connection', async () => {
    const a = await client();
    a.sendPacket({ cmd: 'disconnect', reasonCode: 0 });
    expect(await a.expectClose(1000)).toEqual([]);
  });

  it('[MQTT-3.14.0-1] [MQTT-3.14.2-1] a server DISCONNECT comes only after CONNACK, with codes from the DISCONNECT set', async () => {
    const allowed = new Set([0x00, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2]);
    const a = await client();
    a.send([0x30, 0x04, 0x00, 0x01, 0x2b, 0x00]); // topic "+"
    const disc = await a.expectDisconnect(0x90);
    expect(allowed.has(disc.reasonCode as number)).toBe(true);
  });

  it('[MQTT-3.14.2-2] a server DISCONNECT never carries a Session Expiry Interval; Server Reference only with 0x9C/0x9D', async () => {
    const sid = id('dp');
    await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } }).then(async (old) => {
      await client({ clientId: sid, properties: { sessionExpiryInterval: 30 } });
      const disc = await old.expectDisconnect(0x8e);
      expect(props(disc).sessionExpiryInterval).toBeUndefined();
      expect(props(disc).serverReference).toBeUndefined();
    });
  });

  it('(MAY, no ID) on shutdown v5 clients get DISC 0x8B; 3.1.1/3.1 clients are just closed', async () => {
    const b = await startTestBroker();
    const v5 = await client({}, 5, b.port);
    const v4 = await client({}, 4, b.port);
    const v3 = await client({}, 3, b.port);
    const stopping = b.stop();
    await v5.expectDisconnect(0x8b);
    expect(await v4.expectClose()).toEqual([]);
    expect(await v3.expectClose()).toEqual([]);
    await stopping;
  });

  it('(no ID) an AUTH without an Authentication Method, or with Method/Data twice → DISC 0x82', async () => {
    const a = await client();
    a.send(frame(0xf0, [0x18, 0x00]));
    await a.expectDisconnect(0x82);
    const b = await client();
    b.send(frame(0xf0, [0x18, 0x08, 0x15, ...str('M'), 0x15, ...str('M')]));
    await b.expectDisconnect(0x82);
  });

  it('(no ID; [MQTT-4.12.0-3]) an AUTH 0x18 with no exchange in progress → DISC 0x82', async () => {
    const a = await client();
    a.send(frame(0xf0, [0x18, 0x04, 0x15, ...str('M')]));
    await a.expectDisconnect(0x82);
  });
});
