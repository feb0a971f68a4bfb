import { describe, expect, it } from 'vitest';
import { usernamePasswordAuth } from '../../main/core/broker/auth';
import { connect311, connectV5, frame, RawClient, type ReceivedPacket, str, type TestBroker } from '../support/raw-mqtt-client';
import type { BrokerOptions } from '../../main/core/broker/options';
import { useBrokerFixture } from '../support/broker-fixture';
import { createTestClock } from '../support/test-clock';

// Section 2 of the conformance checklist: CONNECT / CONNACK, sessions at connect time, keep alive, Will.

const fx = useBrokerFixture({}, { idPrefix: 'c' });
const { id, brokerWith } = fx;

/** Sends a CONNECT (mqtt-packet fields) and returns the client and its CONNACK. */
async function connectWith(packet: Record<string, unknown>, version: 3 | 4 | 5 = 5, port = fx.tb.port): Promise<{ client: RawClient; connack: ReceivedPacket }> {
  const client = await RawClient.open(port, version);
  client.clientId = String(packet.clientId ?? id());
  client.sendPacket({ cmd: 'connect', ...packet, clientId: client.clientId });
  const connack = await client.expect('connack');
  return { client, connack };
}

async function refused(packet: Record<string, unknown>, code: number, version: 3 | 4 | 5 = 5, port = fx.tb.port): Promise<ReceivedPacket> {
  const { client, connack } = await connectWith(packet, version, port);
  expect(version === 5 ? connack.reasonCode : connack.returnCode).toBe(code);
  expect(connack.sessionPresent).toBe(false);
  await client.expectClose();
  return connack;
}

/** A broker whose timers run on a clock the test moves: a Will Delay or Session Expiry passes without waiting. */
async function timedBroker() {
  const clock = createTestClock();
  return { clock, b: await brokerWith({ ...clock.options }) };
}

const hasSession = (b: TestBroker, clientId: string) => b.broker.sessions().some((s) => s.clientId === clientId);

async function watcher(filter: string, port = fx.tb.port): Promise<RawClient> {
  const w = await RawClient.connected(port, { clientId: id('w') });
  await w.subscribe(filter, 2);
  return w;
}

describe('2. CONNECT / CONNACK: client identifier', () => {
  it('[MQTT-3.1.3-3] [MQTT-3.1.3-4] the ClientID field must be present and valid UTF-8 → otherwise malformed, close', async () => {
    const missing = await RawClient.open(fx.tb.port, 5);
    missing.send(frame(0x10, [...str('MQTT'), 5, 0x02, 0, 0, 0]));
    expect((await missing.expectClose()).map((p) => p.reasonCode)).toEqual([0x81]);
    const bad = await RawClient.open(fx.tb.port, 5);
    bad.send(frame(0x10, [...str('MQTT'), 5, 0x02, 0, 0, 0, ...str([0xff])]));
    expect((await bad.expectClose()).map((p) => p.reasonCode)).toEqual([0x81]);
  });

  it('[MQTT-3.1.3-5] 1..23 bytes of 0-9a-zA-Z are accepted; beyond the configured limit → 0x85', async () => {
    const ok = await connectWith({ clientId: 'abcdefghijklmnopqrstuvW' });
    expect(ok.connack.reasonCode).toBe(0);
    const limited = await brokerWith({ maxClientIdLength: 23 });
    await refused({ clientId: 'a'.repeat(24) }, 0x85, 5, limited.port);
    await refused({ clientId: 'a'.repeat(24) }, 0x02, 4, limited.port);
  });

  it('[MQTT-3.1.3-6] [MQTT-3.1.3-7] [MQTT-3.2.2-16] an empty ClientID gets a unique Assigned Client Identifier (1000 connects)', async () => {
    const ids = new Set<string>();
    for (let batch = 0; batch < 5; batch++) {
      const results = await Promise.all(Array.from({ length: 200 }, () => connectWith({ clientId: '', clean: true })));
      for (const { client, connack } of results) {
        const assigned = (connack.properties as { assignedClientIdentifier?: string }).assignedClientIdentifier;
        expect(assigned).toBeTruthy();
        ids.add(assigned!);
        client.end();
      }
    }
    expect(ids.size).toBe(1000);
  });

  it('(no ID) v5: an empty ClientID with Clean Start 0 is accepted with a new session, Session Present 0', async () => {
    const client = await RawClient.open(fx.tb.port, 5);
    client.send(connectV5('', { flags: 0x00, props: [0x11, 0, 0, 0, 10] }));
    const connack = await client.expect('connack');
    expect(connack.reasonCode).toBe(0);
    expect(connack.sessionPresent).toBe(false);
    expect((connack.properties as { assignedClientIdentifier?: string }).assignedClientIdentifier).toBeTruthy();
  });

  it('[MQTT-3.1.3-8] a refused ClientID → CONNACK 0x85, then close', async () => {
    const strict = await brokerWith({ allowEmptyClientId: false });
    await refused({ clientId: '' }, 0x85, 5, strict.port);
  });

  it('[MQTT-3.1.3-2] session state is found by ClientID: a reconnect finds the same subscriptions', async () => {
    const clientId = id('s');
    const first = await connectWith({ clientId, properties: { sessionExpiryInterval: 30 } });
    await first.client.subscribe('found/+', 1);
    await first.client.disconnect();
    const again = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect(again.connack.sessionPresent).toBe(true);
    const pub = await RawClient.connected(fx.tb.port, { clientId: id() });
    pub.publish('found/x', 'hi', 1);
    expect((await again.client.publishes(1))[0]!.topic).toBe('found/x');
  });
});

describe('2. CONNECT / CONNACK: Clean Start and Session Present', () => {
  it('[MQTT-3.1.2-4] [MQTT-3.1.4-4] Clean Start 1 discards the existing session (subscriptions, queued messages)', async () => {
    const clientId = id('cs');
    const first = await connectWith({ clientId, properties: { sessionExpiryInterval: 30 } });
    await first.client.subscribe('cs/a', 1);
    await first.client.disconnect();
    const pub = await RawClient.connected(fx.tb.port, { clientId: id() });
    pub.publish('cs/a', 'queued', 1);
    await pub.expect('puback');
    const again = await connectWith({ clientId, clean: true, properties: { sessionExpiryInterval: 30 } });
    expect(again.connack.sessionPresent).toBe(false);
    pub.publish('cs/a', 'live', 1, { messageId: 2 });
    await pub.ping();
    await again.client.expectNothing();
  });

  it('[MQTT-3.1.2-5] [MQTT-3.1.2-6] Clean Start 0 resumes the session, or creates one when there is none', async () => {
    const clientId = id('r');
    const created = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect(created.connack.sessionPresent).toBe(false);
    await created.client.subscribe('resume/a', 1);
    await created.client.disconnect();
    const resumed = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect(resumed.connack.sessionPresent).toBe(true);
    const pub = await RawClient.connected(fx.tb.port, { clientId: id() });
    pub.publish('resume/a', 'x', 1);
    await resumed.client.publishes(1);
  });

  it('[MQTT-3.2.2-2] [MQTT-3.2.2-3] Session Present: 0 for Clean Start 1; for Clean Start 0, 1 exactly when a session existed', async () => {
    const clientId = id('sp');
    const a = await connectWith({ clientId, clean: true, properties: { sessionExpiryInterval: 30 } });
    expect([a.connack.reasonCode, a.connack.sessionPresent]).toEqual([0, false]);
    await a.client.disconnect();
    const b = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect([b.connack.reasonCode, b.connack.sessionPresent]).toEqual([0, true]);
    await b.client.disconnect();
    const c = await connectWith({ clientId, clean: true });
    expect([c.connack.reasonCode, c.connack.sessionPresent]).toEqual([0, false]);
  });

  it('[MQTT-3.2.2-6] [MQTT-3.2.2-1] a refusing CONNACK has Session Present 0; CONNACK flag bits 7..1 are 0', async () => {
    const clientId = id('f');
    const a = await connectWith({ clientId, properties: { sessionExpiryInterval: 30 } });
    await a.client.disconnect();
    const b = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect(b.connack.raw[2]).toBe(0x01);
    const c = await connectWith({ clientId, clean: false, will: { topic: 'bad/#', payload: 'x' } });
    expect(c.connack.reasonCode).toBe(0x90);
    expect(c.connack.raw[2]).toBe(0x00);
  });
});

describe.concurrent('2. CONNECT / CONNACK: Session Expiry Interval', () => {
  it('(no ID) absent means 0: the session ends with the connection', async () => {
    const clientId = id('e');
    const a = await connectWith({ clientId });
    await a.client.subscribe('e0/a');
    await a.client.disconnect();
    const b = await connectWith({ clientId, clean: false });
    expect(b.connack.sessionPresent).toBe(false);
  });

  it('[MQTT-3.1.2-23] a value > 0 keeps the session after the close', async () => {
    const clientId = id('e');
    const a = await connectWith({ clientId, properties: { sessionExpiryInterval: 2 } });
    await a.client.disconnect(); // the broker closes after handling DISCONNECT: the session is offline now
    const b = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 2 } });
    expect(b.connack.sessionPresent).toBe(true);
  });

  it('(no ID) a granted value different from the one asked is reported in CONNACK', async () => {
    const capped = await brokerWith({ maxSessionExpiryInterval: 60 });
    const { connack } = await connectWith({ properties: { sessionExpiryInterval: 1000 } }, 5, capped.port);
    expect((connack.properties as { sessionExpiryInterval?: number }).sessionExpiryInterval).toBe(60);
    const same = await connectWith({ properties: { sessionExpiryInterval: 30 } }, 5, capped.port);
    expect((same.connack.properties as { sessionExpiryInterval?: number }).sessionExpiryInterval).toBeUndefined();
  });

  it('[MQTT-4.1.0-2] after the interval the session is gone: Session Present 0, no subscriptions', async () => {
    const { clock, b: tb } = await timedBroker();
    const clientId = id('x');
    const a = await connectWith({ clientId, properties: { sessionExpiryInterval: 1 } }, 5, tb.port);
    await a.client.subscribe('gone/a', 1);
    const lost = tb.lost(clientId);
    await a.client.disconnect();
    await lost;
    clock.advance(999);
    expect(hasSession(tb, clientId)).toBe(true); // not before the interval
    const ended = tb.sessionEnded(clientId);
    clock.advance(1);
    await ended;
    const b = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 1 } }, 5, tb.port);
    expect(b.connack.sessionPresent).toBe(false);
    const pub = await RawClient.connected(tb.port, { clientId: id() });
    pub.publish('gone/a', 'x', 1);
    await pub.ping();
    await b.client.expectNothing();
  });

  it('[MQTT-4.1.0-1] a session is never discarded while its connection is open', async () => {
    const { clock, b: tb } = await timedBroker();
    const a = await connectWith({ properties: { sessionExpiryInterval: 1 } }, 5, tb.port);
    await a.client.subscribe('open/a', 1);
    clock.advance(1300); // past its interval, on the broker's clock
    expect(hasSession(tb, a.client.clientId)).toBe(true);
    const pub = await RawClient.connected(tb.port, { clientId: id() });
    pub.publish('open/a', 'still', 1);
    expect(String((await a.client.publishes(1))[0]!.payload)).toBe('still');
  });
});

/**
 * A broker on a clock the test moves, looking at it every 10 ms (its watchdog runs four times per
 * CONNECT timeout). An idle connection with keep alive 1 s is a probe: its DISCONNECT 0x8D says
 * the broker has looked at the time since the clock passed its connect + 1.5 s.
 */
async function clockedBroker(options: BrokerOptions = {}) {
  const clock = createTestClock();
  const b = await brokerWith({ now: clock.now, connectTimeoutMs: 40, ...options });
  const probe = async () => (await connectWith({ keepalive: 1 }, 5, b.port)).client;
  return { clock, port: b.port, probe };
}

describe.concurrent('2. CONNECT / CONNACK: keep alive', () => {
  it('[MQTT-3.1.2-22] nothing for 1.5 x keep alive → DISC 0x8D and close, Will sent; any packet resets the timer', async () => {
    const { clock, port, probe } = await clockedBroker();
    const w = await watcher('ka/will', port);
    const { client } = await connectWith({ keepalive: 1, will: { topic: 'ka/will', payload: 'gone', qos: 0 } }, 5, port);
    const early = await probe(); // idle from 0
    let late: RawClient | undefined;
    // pings keep it alive well past 1.5 s (the clock moves 500 ms between them)
    for (let i = 0; i < 4; i++) {
      clock.advance(500);
      await client.ping();
      if (i === 2) late = await probe(); // idle from 1.5 s
    }
    await early.expectDisconnect(0x8d); // the broker looked at the time after 1.5 s...
    await client.ping(); // ...and left the client that pinged: still open at 2 s
    // then nothing: still open 1.2 s later...
    clock.advance(1200);
    await late!.expectDisconnect(0x8d);
    await client.ping();
    // ...and closed once 1.5 s pass
    clock.advance(1500);
    const last = await client.expectDisconnect(0x8d);
    expect(last.reasonCode).toBe(0x8d);
    expect(String((await w.expect('publish')).payload)).toBe('gone');
  });

  it('[MQTT-3.2.2-22] keep alive 0 means no timeout', async () => {
    const { clock, port, probe } = await clockedBroker();
    const { client } = await connectWith({ keepalive: 0 }, 5, port);
    const idle = await probe();
    clock.advance(1600);
    await idle.expectDisconnect(0x8d); // the broker looked at the time
    await client.ping();
    expect(client.isClosed).toBe(false);
  });

  it('(no ID) a Server Keep Alive in CONNACK is enforced instead of the client value', async () => {
    const { clock, port } = await clockedBroker({ serverKeepAlive: 1 });
    const { client, connack } = await connectWith({ keepalive: 0 }, 5, port);
    expect((connack.properties as { serverKeepAlive?: number }).serverKeepAlive).toBe(1);
    clock.advance(1500);
    await client.expectDisconnect(0x8d);
  });
});

describe.concurrent('2. CONNECT / CONNACK: Will', () => {
  it('[MQTT-3.1.2-7] [MQTT-3.1.2-8] [MQTT-3.1.2-10] the Will is published once after the delay, then removed', async () => {
    const { clock, b } = await timedBroker();
    const w = await watcher('wd/a', b.port);
    const clientId = id('wd');
    const { client } = await connectWith({ clientId, will: { topic: 'wd/a', payload: 'late', properties: { willDelayInterval: 1 } }, properties: { sessionExpiryInterval: 10 } }, 5, b.port);
    const lost = b.lost(clientId);
    client.end();
    await lost;
    await w.expectNothing(); // not at the close
    clock.advance(999);
    await w.expectNothing(); // nor before its delay
    clock.advance(1);
    expect(String((await w.expect('publish')).payload)).toBe('late'); // but after it
    clock.advance(10_000); // to the session's end: the Will was removed, it does not go again
    await w.expectNothing();
  });

  it('(no ID) the Will is published after a close without DISCONNECT, a keep-alive timeout, a protocol error', async () => {
    const { clock, b: tb } = await timedBroker();
    const w = await watcher('wc/+', tb.port);
    const a = await connectWith({ will: { topic: 'wc/close', payload: '1' } }, 5, tb.port);
    a.client.end();
    expect((await w.expect('publish')).topic).toBe('wc/close');
    const b = await connectWith({ keepalive: 1, will: { topic: 'wc/keepalive', payload: '2' } }, 5, tb.port);
    clock.advance(1500); // 1.5 x its keep alive with nothing from it
    expect((await w.expect('publish')).topic).toBe('wc/keepalive');
    await b.client.expectClose();
    const c = await connectWith({ will: { topic: 'wc/error', payload: '3' } }, 5, tb.port);
    c.client.send([0xd0, 0x00]);
    await c.client.expectDisconnect(0x82);
    expect((await w.expect('publish')).topic).toBe('wc/error');
  });

  it('[MQTT-3.14.4-3] [MQTT-3.1.2-10] after DISCONNECT 0x00 the Will is deleted and never published', async () => {
    const w = await watcher('wn/a');
    const { client } = await connectWith({ will: { topic: 'wn/a', payload: 'no' } });
    await client.disconnect();
    await w.expectNothing();
  });

  it('(no ID) after DISCONNECT 0x04 the Will is published, after its delay', async () => {
    const { clock, b } = await timedBroker();
    const w = await watcher('w4/a', b.port);
    const { client } = await connectWith({ will: { topic: 'w4/a', payload: 'yes', properties: { willDelayInterval: 1 } }, properties: { sessionExpiryInterval: 10 } }, 5, b.port);
    const lost = b.lost(client.clientId);
    client.sendPacket({ cmd: 'disconnect', reasonCode: 0x04 });
    await client.expectClose();
    await lost;
    await w.expectNothing(); // not at the close
    clock.advance(999);
    await w.expectNothing(); // nor before its delay
    clock.advance(1);
    expect(String((await w.expect('publish')).payload)).toBe('yes'); // but after it
  });

  it('[MQTT-3.1.3-9] a reconnect before the Will Delay runs out cancels the Will', async () => {
    const { clock, b } = await timedBroker();
    const w = await watcher('wr/a', b.port);
    const clientId = id('wr');
    const { client } = await connectWith({ clientId, will: { topic: 'wr/a', payload: 'no', properties: { willDelayInterval: 1 } }, properties: { sessionExpiryInterval: 10 } }, 5, b.port);
    // a control with the same delay, lost with it and not resumed: its Will going shows the delay passed
    const controlId = id('wr');
    const control = await connectWith({ clientId: controlId, will: { topic: 'wr/a', payload: 'control', properties: { willDelayInterval: 1 } }, properties: { sessionExpiryInterval: 10 } }, 5, b.port);
    const lost = b.lost(clientId);
    client.end();
    await lost;
    const controlLost = b.lost(controlId);
    control.client.end();
    await controlLost;
    await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 10 } }, 5, b.port);
    clock.advance(1000);
    expect(String((await w.expect('publish')).payload)).toBe('control');
    await w.expectNothing();
  });

  it('(no ID) a Will Delay longer than the Session Expiry: the Will goes when the session expires', async () => {
    const { clock, b } = await timedBroker();
    const w = await watcher('we/a', b.port);
    const { client } = await connectWith({ will: { topic: 'we/a', payload: 'exp', properties: { willDelayInterval: 60 } }, properties: { sessionExpiryInterval: 1 } }, 5, b.port);
    const lost = b.lost(client.clientId);
    client.end();
    await lost;
    await w.expectNothing(); // not at the close
    clock.advance(999);
    await w.expectNothing(); // nor before the session's end
    clock.advance(1);
    expect(String((await w.expect('publish')).payload)).toBe('exp'); // at the session's end, long before the Will Delay
  });

  it('[MQTT-3.1.2-14] [MQTT-3.1.2-15] Will Retain 0 publishes a normal message; Will Retain 1 a retained one, stored', async () => {
    const a = await connectWith({ will: { topic: 'wret/0', payload: 'plain', retain: false } });
    const b = await connectWith({ will: { topic: 'wret/1', payload: 'kept', retain: true } });
    const lost = Promise.all([fx.tb.lost(a.client.clientId), fx.tb.lost(b.client.clientId)]);
    a.client.end();
    b.client.end();
    await lost;
    const late = await RawClient.connected(fx.tb.port, { clientId: id() });
    await late.subscribe('wret/+', 0);
    const got = await late.expect('publish');
    expect([got.topic, got.retain]).toEqual(['wret/1', true]);
    await late.expectNothing();
  });

  it('[MQTT-3.1.3-10] the Will goes at its QoS with its properties, User Properties in order, without Will Delay', async () => {
    const w = await watcher('wp/a');
    const willProps = [
      0x01, 0x01, // payload format indicator
      0x02, 0, 0, 0, 60, // message expiry
      0x03, ...str('text/plain'),
      0x08, ...str('wp/reply'),
      0x09, ...str('corr'),
      0x18, 0, 0, 0, 0, // will delay 0
      0x26, ...str('a'), ...str('1'),
      0x26, ...str('b'), ...str('2'),
      0x26, ...str('a'), ...str('3'),
    ];
    const client = await RawClient.open(fx.tb.port, 5);
    client.send(connectV5(id(), { flags: 0x02 | 0x04 | 0x08, payload: [willProps.length, ...willProps, ...str('wp/a'), ...str('bye')] }));
    expect((await client.expect('connack')).reasonCode).toBe(0);
    client.end();
    const got = await w.expect('publish');
    expect(got.qos).toBe(1);
    const props = got.properties as Record<string, unknown>;
    expect(props.payloadFormatIndicator).toBe(true);
    expect(props.messageExpiryInterval).toBeLessThanOrEqual(60);
    expect(props.contentType).toBe('text/plain');
    expect(props.responseTopic).toBe('wp/reply');
    expect(String(props.correlationData)).toBe('corr');
    expect(props.willDelayInterval).toBeUndefined();
    const order = Buffer.from([0x26, ...str('a'), ...str('1'), 0x26, ...str('b'), ...str('2'), 0x26, ...str('a'), ...str('3')]);
    expect(got.raw.includes(order)).toBe(true);
  });

  it('[MQTT-3.1.3-11] a Will Topic with + or # (or bad UTF-8) is refused: CONNACK 0x90 (or 0x81), close', async () => {
    await refused({ will: { topic: 'a/+', payload: 'x' } }, 0x90);
    await refused({ will: { topic: '#', payload: 'x' } }, 0x90);
    const bad = await RawClient.open(fx.tb.port, 5);
    bad.send(connectV5(id(), { flags: 0x06, payload: [0x00, ...str([0xc0, 0xaf]), ...str('x')] }));
    expect((await bad.expectClose()).map((p) => p.reasonCode)).toEqual([0x81]);
  });

  it('[MQTT-3.2.2-12] [MQTT-3.2.2-13] Will QoS above our maximum → 0x9B; Will Retain without retain support → 0x9A', async () => {
    const b = await brokerWith({ maximumQoS: 1, retainAvailable: false });
    await refused({ will: { topic: 'w/q', payload: 'x', qos: 2 } }, 0x9b, 5, b.port);
    await refused({ will: { topic: 'w/r', payload: 'x', retain: true } }, 0x9a, 5, b.port);
  });

  it('(MAY, no ID) a Will with Payload Format Indicator 1 and a payload that is not UTF-8 → CONNACK 0x99', async () => {
    await refused({ will: { topic: 'w/p', payload: Buffer.from([0xff, 0xfe]), properties: { payloadFormatIndicator: true } } }, 0x99);
  });
});

describe('2. CONNECT / CONNACK: user name and password', () => {
  it('[MQTT-3.1.3-12] the User Name must be UTF-8; the Password is binary', async () => {
    const bad = await RawClient.open(fx.tb.port, 5);
    bad.send(connectV5(id(), { flags: 0x82, payload: str([0xc0, 0xaf]) }));
    expect((await bad.expectClose()).map((p) => p.reasonCode)).toEqual([0x81]);
    const binary = await RawClient.open(fx.tb.port, 5);
    binary.send(connectV5(id(), { flags: 0xc2, payload: [...str('u'), ...str([0xff, 0x00, 0xc0])] }));
    expect((await binary.expect('connack')).reasonCode).toBe(0);
  });

  it('(no ID) v5 accepts a Password without a User Name; 3.1.1 closes', async () => {
    const v5 = await RawClient.open(fx.tb.port, 5);
    v5.send(connectV5(id(), { flags: 0x42, payload: str('pw') }));
    expect((await v5.expect('connack')).reasonCode).toBe(0);
    const v4 = await RawClient.open(fx.tb.port, 4);
    v4.send(connect311(id(), { flags: 0x42, payload: str('pw') }));
    expect(await v4.expectClose()).toEqual([]);
  });

  it('[MQTT-3.1.4-2] failed authentication → CONNACK 0x86 / 0x87 (3.1.1: 0x04 / 0x05), then close', async () => {
    const users = usernamePasswordAuth({ alice: 'secret' });
    const b = await brokerWith({
      auth: {
        authenticate: (c) => (c.username === 'mallory' ? { ok: false, reason: 'not-authorized' } : users.authenticate!(c)),
      },
    });
    await refused({ username: 'alice', password: Buffer.from('wrong') }, 0x86, 5, b.port);
    await refused({ username: 'mallory', password: Buffer.from('x') }, 0x87, 5, b.port);
    await refused({ username: 'alice', password: Buffer.from('wrong') }, 0x04, 4, b.port);
    await refused({ username: 'mallory', password: Buffer.from('x') }, 0x05, 4, b.port);
    const ok = await connectWith({ username: 'alice', password: Buffer.from('secret') }, 5, b.port);
    expect(ok.connack.reasonCode).toBe(0);
  });
});

describe('2. CONNECT / CONNACK: enhanced authentication', () => {
  it('[MQTT-4.12.0-1] an unsupported Authentication Method → CONNACK 0x8C, close', async () => {
    await refused({ properties: { authenticationMethod: 'NOPE' } }, 0x8c);
  });

  it('[MQTT-4.12.0-6] without an Authentication Method there is no AUTH and no method in CONNACK', async () => {
    const { client, connack } = await connectWith({});
    expect((connack.properties as Record<string, unknown>).authenticationMethod).toBeUndefined();
    await client.expectNothing();
  });

  it('(no ID) Authentication Data without a method, or an AUTH when no method was used → 0x82', async () => {
    const a = await RawClient.open(fx.tb.port, 5);
    a.send(connectV5(id(), { props: [0x16, ...str('data')] }));
    expect((await a.expectClose()).map((p) => p.reasonCode)).toEqual([0x82]);
    const { client } = await connectWith({});
    client.send(frame(0xf0, [0x19, 0x04, 0x15, ...str('X')]));
    await client.expectDisconnect(0x82);
  });
});

describe('2. CONNECT / CONNACK: other CONNECT properties', () => {
  it('(no ID) Receive Maximum 0, Maximum Packet Size 0, or Request Response/Problem Information not 0/1 → 0x82', async () => {
    for (const props of [
      [0x21, 0x00, 0x00],
      [0x27, 0x00, 0x00, 0x00, 0x00],
      [0x19, 0x02],
      [0x17, 0x02],
    ]) {
      const client = await RawClient.open(fx.tb.port, 5);
      client.send(connectV5(id(), { props }));
      expect((await client.expectClose()).map((p) => p.reasonCode)).toEqual([0x82]);
    }
  });

  it('(no ID) defaults when absent: Receive Maximum 65535, no size limit, Topic Alias Maximum 0', async () => {
    const sub = await RawClient.connected(fx.tb.port, { clientId: id() });
    await sub.subscribe('def/a', 1);
    const pub = await RawClient.connected(fx.tb.port, { clientId: id() });
    for (let i = 1; i <= 30; i++) pub.publish('def/a', Buffer.alloc(70_000, 0x61), 1, { messageId: i });
    const got = await sub.publishes(30, { ack: false, timeoutMs: 5000 });
    expect(got).toHaveLength(30);
    for (const p of got) expect((p.properties as Record<string, unknown> | undefined)?.topicAlias).toBeUndefined();
  });

  it('[MQTT-3.1.2-28] Response Information is sent only when asked for with Request Response Information 1', async () => {
    const a = await connectWith({ properties: { requestResponseInformation: false } });
    expect((a.connack.properties as Record<string, unknown>).responseInformation).toBeUndefined();
    const b = await connectWith({});
    expect((b.connack.properties as Record<string, unknown>).responseInformation).toBeUndefined();
    const c = await connectWith({ clientId: 'asker', properties: { requestResponseInformation: true } });
    expect((c.connack.properties as Record<string, unknown>).responseInformation).toBe('response/asker/');
  });

  it('[MQTT-3.1.2-29] with Request Problem Information 0 no Reason String/User Property appears outside PUBLISH/CONNACK/DISCONNECT', async () => {
    const { client } = await connectWith({ properties: { requestProblemInformation: false } });
    // a well-formed filter we do not accept (over the default 128 levels): SUBACK 0x8F
    client.sendPacket({ cmd: 'subscribe', messageId: 4, subscriptions: [{ topic: `${'a/'.repeat(128)}b`, qos: 0 }] });
    const suback = await client.expect('suback');
    expect(suback.granted).toEqual([0x8f]);
    expect(suback.properties).toBeUndefined();
  });

  it('(no ID) User Properties in CONNECT are accepted and never forwarded', async () => {
    const w = await watcher('up/a');
    const { client, connack } = await connectWith({ properties: { userProperties: { x: 'y' } } });
    expect(connack.reasonCode).toBe(0);
    client.publish('up/a', 'm');
    const got = await w.expect('publish');
    expect((got.properties as Record<string, unknown> | undefined)?.userProperties).toBeUndefined();
  });

  it('[MQTT-3.1.4-6] after a refused CONNECT nothing else is acted on (a pipelined PUBLISH is never delivered)', async () => {
    const b = await brokerWith({ auth: usernamePasswordAuth({ u: 'p' }) });
    const w = await RawClient.connected(b.port, { clientId: id(), username: 'u', password: Buffer.from('p') });
    await w.subscribe('pipe/#');
    const client = await RawClient.open(b.port, 5);
    client.send(Buffer.concat([connectV5(id()), frame(0x30, [...str('pipe/x'), 0x00, 0x61])]));
    expect((await client.expectClose()).map((p) => p.reasonCode)).toEqual([0x86]);
    await w.expectNothing();
  });

  it('(SHOULD, no ID) no CONNECT within the configured time after accept → close', async () => {
    const b = await brokerWith({ connectTimeoutMs: 300 });
    const client = await RawClient.open(b.port, 5);
    expect(await client.expectClose(2000)).toEqual([]);
  });
});

describe('2. CONNECT / CONNACK: CONNACK', () => {
  it('[MQTT-3.1.4-5] [MQTT-3.2.0-1] [MQTT-3.2.0-2] CONNACK 0x00 comes first (a resumed queue follows it), never twice', async () => {
    const clientId = id('q');
    const a = await connectWith({ clientId, properties: { sessionExpiryInterval: 30 } });
    await a.client.subscribe('first/a', 1);
    await a.client.disconnect();
    const pub = await RawClient.connected(fx.tb.port, { clientId: id() });
    pub.publish('first/a', 'queued', 1);
    await pub.expect('puback');
    const b = await connectWith({ clientId, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect(b.connack.sessionPresent).toBe(true);
    expect(String((await b.client.expect('publish')).payload)).toBe('queued');
    await b.client.expectNothing();
  });

  it('[MQTT-3.2.2-7] [MQTT-3.2.2-8] CONNACK codes come from the CONNACK set and >= 0x80 closes', async () => {
    const allowed = new Set([0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f]);
    const connack = await refused({ will: { topic: 'x/#', payload: 'p' } }, 0x90);
    expect(allowed.has(connack.reasonCode as number)).toBe(true);
  });

  it('[MQTT-3.14.0-1] no DISCONNECT before a successful CONNACK: connect-time errors use CONNACK', async () => {
    const client = await RawClient.open(fx.tb.port, 5);
    client.send(connectV5(id(), { props: [0x24, 0x01] }));
    expect((await client.expectClose()).map((p) => p.cmd)).toEqual(['connack']);
  });

  it('[MQTT-3.2.2-9] [MQTT-3.2.2-10] with Maximum QoS 1 the CONNACK says so and SUBSCRIBE QoS 2 is granted 1', async () => {
    const b = await brokerWith({ maximumQoS: 1 });
    const { client, connack } = await connectWith({}, 5, b.port);
    expect((connack.properties as Record<string, unknown>).maximumQoS).toBe(1);
    expect((await client.subscribe('mq/a', 2)).granted).toEqual([1]);
    const full = await connectWith({});
    expect((full.connack.properties as Record<string, unknown>).maximumQoS).toBeUndefined();
  });

  it('(no ID; [MQTT-3.2.2-11]) a PUBLISH above the advertised Maximum QoS → DISC 0x9B', async () => {
    const b = await brokerWith({ maximumQoS: 1 });
    const { client } = await connectWith({}, 5, b.port);
    client.publish('mq/a', 'x', 2);
    await client.expectDisconnect(0x9b);
  });

  it('(no ID; [MQTT-3.2.2-14]) with retain off: Retain Available 0, and a PUBLISH with RETAIN 1 → DISC 0x9A', async () => {
    const b = await brokerWith({ retainAvailable: false });
    const { client, connack } = await connectWith({}, 5, b.port);
    expect((connack.properties as Record<string, unknown>).retainAvailable).toBe(false);
    client.publish('r/a', 'x', 0, { retain: true });
    await client.expectDisconnect(0x9a);
  });

  it('(no ID; [MQTT-3.2.2-15]) a packet above our advertised Maximum Packet Size → DISC 0x95', async () => {
    const b = await brokerWith({ maxPacketSize: 1000 });
    const { client, connack } = await connectWith({}, 5, b.port);
    expect((connack.properties as Record<string, unknown>).maximumPacketSize).toBe(1000);
    client.publish('big/a', Buffer.alloc(1000));
    await client.expectDisconnect(0x95);
  });

  it('(no ID; [MQTT-3.3.4-7] [MQTT-3.3.4-8]) more unacknowledged incoming QoS 2 than our Receive Maximum → DISC 0x93', async () => {
    const b = await brokerWith({ receiveMaximum: 2 });
    const { client, connack } = await connectWith({}, 5, b.port);
    expect((connack.properties as Record<string, unknown>).receiveMaximum).toBe(2);
    for (let i = 1; i <= 2; i++) client.publish('rm/a', 'x', 2, { messageId: i });
    await client.expect('pubrec');
    await client.expect('pubrec');
    client.publish('rm/a', 'x', 2, { messageId: 3 });
    await client.expectDisconnect(0x93);
  });

  it('(no ID) Wildcard/Subscription Identifier/Shared Subscription Available are 0 only when disabled; using them → 0xA2/0xA1/0x9E', async () => {
    const full = await connectWith({});
    const p = full.connack.properties as Record<string, unknown>;
    expect([p.wildcardSubscriptionAvailable, p.subscriptionIdentifiersAvailable, p.sharedSubscriptionAvailable]).toEqual([undefined, undefined, undefined]);
    const b = await brokerWith({ wildcardSubscriptionAvailable: false, subscriptionIdentifierAvailable: false, sharedSubscriptionAvailable: false });
    const { connack } = await connectWith({}, 5, b.port);
    const q = connack.properties as Record<string, unknown>;
    expect([q.wildcardSubscriptionAvailable, q.subscriptionIdentifiersAvailable, q.sharedSubscriptionAvailable]).toEqual([false, false, false]);
    const cases: Array<[Record<string, unknown>, number]> = [
      [{ subscriptions: [{ topic: 'a/+', qos: 0 }] }, 0xa2],
      [{ subscriptions: [{ topic: 'a/b', qos: 0 }], properties: { subscriptionIdentifier: 5 } }, 0xa1],
      [{ subscriptions: [{ topic: '$share/g/a', qos: 0 }] }, 0x9e],
    ];
    for (const [packet, code] of cases) {
      const { client } = await connectWith({}, 5, b.port);
      client.sendPacket({ cmd: 'subscribe', messageId: 1, ...packet });
      await client.expectDisconnect(code);
    }
  });

  it('(no ID) no CONNACK property appears twice; the *Available, Retain Available and Maximum QoS bytes are 0 or 1', async () => {
    const b = await brokerWith({ maximumQoS: 0, retainAvailable: false, wildcardSubscriptionAvailable: false });
    const { connack } = await connectWith({ clientId: '' }, 5, b.port);
    const raw = connack.raw;
    // walk the properties: 20 len flags code props-length props...
    let at = 4;
    let propLength = 0;
    let shift = 0;
    for (;;) {
      const byte = raw[at++]!;
      propLength += (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    const end = at + propLength;
    const seen = new Set<number>();
    const fixed: Record<number, number> = { 0x11: 4, 0x13: 2, 0x21: 2, 0x22: 2, 0x24: 1, 0x25: 1, 0x27: 4, 0x28: 1, 0x29: 1, 0x2a: 1 };
    while (at < end) {
      const idByte = raw[at++]!;
      expect(seen.has(idByte)).toBe(false);
      seen.add(idByte);
      if ([0x24, 0x25, 0x28, 0x29, 0x2a].includes(idByte)) expect(raw[at]! <= 1).toBe(true);
      if (fixed[idByte] !== undefined) at += fixed[idByte]!;
      else at += 2 + raw.readUInt16BE(at);
    }
    expect(seen.has(0x1c)).toBe(false); // Server Reference only with 0x9C/0x9D
  });

  it('[MQTT-3.2.2-19] [MQTT-3.2.2-20] the CONNACK Reason String is left out if it would exceed the client Maximum Packet Size', async () => {
    const big = await connectWith({ will: { topic: 'a/#', payload: 'x' } });
    expect((big.connack.properties as Record<string, unknown>).reasonString).toBeTruthy();
    await big.client.expectClose();
    const small = await connectWith({ will: { topic: 'a/#', payload: 'x' }, properties: { maximumPacketSize: 10 } });
    expect(small.connack.reasonCode).toBe(0x90);
    expect(small.connack.raw.length).toBeLessThanOrEqual(10);
  });
});

describe('2. CONNECT / CONNACK: session takeover', () => {
  it('[MQTT-3.1.4-3] a CONNECT with a connected ClientID: the old v5 connection gets DISC 0x8E (3.1.1: bare close)', async () => {
    const clientId = id('t');
    const old = await connectWith({ clientId });
    const fresh = await connectWith({ clientId });
    expect(fresh.connack.reasonCode).toBe(0);
    await old.client.expectDisconnect(0x8e);
    const clientId4 = id('t4');
    const old4 = await connectWith({ clientId: clientId4 }, 4);
    await connectWith({ clientId: clientId4 }, 4);
    expect(await old4.client.expectClose()).toEqual([]);
  });

  it('(no ID) on takeover the old Will goes out if its delay is 0 or the session ends; not if resumed within the delay', async () => {
    const w = await watcher('tw/+');
    const a = id('ta');
    await connectWith({ clientId: a, will: { topic: 'tw/zero', payload: '0' }, properties: { sessionExpiryInterval: 30 } });
    await connectWith({ clientId: a, clean: false, properties: { sessionExpiryInterval: 30 } });
    expect((await w.expect('publish')).topic).toBe('tw/zero');
    const b = id('tb');
    await connectWith({ clientId: b, will: { topic: 'tw/ends', payload: '1', properties: { willDelayInterval: 30 } }, properties: { sessionExpiryInterval: 30 } });
    await connectWith({ clientId: b, clean: true });
    expect((await w.expect('publish')).topic).toBe('tw/ends');
    const c = id('tc');
    await connectWith({ clientId: c, will: { topic: 'tw/kept', payload: '2', properties: { willDelayInterval: 30 } }, properties: { sessionExpiryInterval: 30 } });
    await connectWith({ clientId: c, clean: false, properties: { sessionExpiryInterval: 30 } });
    await w.expectNothing();
  });
});
