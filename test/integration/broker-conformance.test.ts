import { describe, expect, it } from 'vitest';
import { connect311, connectV5, frame, RawClient, type ReceivedPacket, str } from '../support/raw-mqtt-client';
import { useBrokerFixture } from '../support/broker-fixture';
import { createTestClock } from '../support/test-clock';

// The conformance gaps of issue 13, each as raw bytes: CONNACK over the client's Maximum Packet Size,
// a delayed Will and a Clean Start 1 reconnect, malformed topic filters, PUBREC >= 0x80, MQTT 3.1 flags.

const fx = useBrokerFixture({}, { idPrefix: 'k' });
const { id, brokerWith, client } = fx;

/** A v5 Maximum Packet Size property (0x27). */
const maxPacketSize = (n: number) => [0x27, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
/** A v5 Session Expiry Interval property (0x11). */
const sessionExpiry = (n: number) => [0x11, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

describe('issue 13: CONNACK and the client Maximum Packet Size', () => {
  it('[MQTT-3.1.2-24] a CONNACK larger than the client Maximum Packet Size is never sent: close, no session kept', async () => {
    // Our plain CONNACK is 13 bytes: 20 0b 00 00 08 | 27 (4 bytes) | 22 (2 bytes)
    const fits = await RawClient.open(fx.tb.port, 5);
    fits.send(connectV5(id(), { props: maxPacketSize(13) }));
    const connack = await fits.expect('connack');
    expect(connack.raw.length).toBe(13);
    expect(connack.reasonCode).toBe(0);

    const clientId = id();
    const small = await RawClient.open(fx.tb.port, 5);
    small.send(connectV5(clientId, { flags: 0x00, props: [...maxPacketSize(12), ...sessionExpiry(60)] }));
    expect(await small.expectClose()).toEqual([]);
    expect(fx.tb.broker.sessions().some((s) => s.clientId === clientId)).toBe(false);

    // A CONNACK made larger by this client's own properties (Assigned Client Identifier, Response Information)
    const assigned = await RawClient.open(fx.tb.port, 5);
    assigned.send(connectV5('', { props: maxPacketSize(20) }));
    expect(await assigned.expectClose()).toEqual([]);
    const asked = await RawClient.open(fx.tb.port, 5);
    asked.send(connectV5(id(), { props: [...maxPacketSize(20), 0x19, 0x01] }));
    expect(await asked.expectClose()).toEqual([]);
  });
});

describe('issue 13: Will Delay and a reconnect with Clean Start 1', () => {
  it('[MQTT-3.1.2-8] a new connection before the Will Delay elapsed, even with Clean Start 1: the Will is not sent', async () => {
    // the broker's timers run on a clock the test moves: the Will Delay passes without waiting
    const clock = createTestClock();
    const tb = await brokerWith({ ...clock.options });
    const w = await client({}, 5, tb.port);
    await w.subscribe('k13/will', 1);
    const clientId = id('wd');
    const first = await RawClient.connected(tb.port, {
      clientId,
      will: { topic: 'k13/will', payload: 'must not go', qos: 1, properties: { willDelayInterval: 1 } },
      properties: { sessionExpiryInterval: 60 },
    });
    // a control with the same Will Delay, lost after the first and never resumed: once its Will
    // has arrived, the first one's delay has passed too
    const controlId = id('wd');
    const control = await RawClient.connected(tb.port, {
      clientId: controlId,
      will: { topic: 'k13/will', payload: 'control', qos: 1, properties: { willDelayInterval: 1 } },
      properties: { sessionExpiryInterval: 60 },
    });
    const gone = tb.lost(clientId);
    first.end();
    await gone; // the session is offline, its Will waiting on its delay
    const controlGone = tb.lost(controlId);
    control.end();
    await controlGone;
    const again = await RawClient.open(tb.port, 5);
    again.send(connectV5(clientId, { flags: 0x02 }));
    const connack = await again.expect('connack');
    expect(connack.sessionPresent).toBe(false); // Clean Start 1 still discards the session
    clock.advance(1000);
    expect(String((await w.publishes(1))[0]!.payload)).toBe('control');
    await w.expectNothing(); // past the delay: the first Will never went
  });
});

describe('issue 13: malformed topic filters in SUBSCRIBE and UNSUBSCRIBE', () => {
  const malformedFilters = ['', '#/test/topic', 'a/#/b', 'a+', '$share/name', '$share/name/', '$share//a', '$share/g+/a'];

  it('[MQTT-4.7.1-1] [MQTT-4.7.3-1] an empty filter, # not last, or $share/name without a filter in SUBSCRIBE → DISC 0x81 (3.1.1/3.1: close)', async () => {
    for (const filter of malformedFilters) {
      const c = await client();
      c.send(frame(0x82, [0x00, 0x07, 0x00, ...str('ok/a'), 0x01, ...str(filter), 0x01]));
      const disconnect = await c.expectDisconnect(0x81);
      expect(String((disconnect.properties as { reasonString?: string } | undefined)?.reasonString)).toContain('topic filter');
      for (const version of [4, 3] as const) {
        const legacy = await client({}, version);
        legacy.send(frame(0x82, [0x00, 0x07, ...str('ok/a'), 0x01, ...str(filter), 0x01]));
        expect(await legacy.expectClose()).toEqual([]);
      }
    }
  });

  it('[MQTT-4.7.1-1] [MQTT-4.7.3-1] the same filters in UNSUBSCRIBE → DISC 0x81 (3.1.1: close), and nothing is unsubscribed', async () => {
    for (const filter of malformedFilters) {
      const c = await client();
      c.send(frame(0xa2, [0x00, 0x08, 0x00, ...str('ok/a'), ...str(filter)]));
      await c.expectDisconnect(0x81);
      const legacy = await client({}, 4);
      legacy.send(frame(0xa2, [0x00, 0x08, ...str(filter)]));
      expect(await legacy.expectClose()).toEqual([]);
    }
    const clientId = id('u');
    const kept = await client({ clientId });
    await kept.subscribe('keep/a', 0);
    kept.send(frame(0xa2, [0x00, 0x09, 0x00, ...str('keep/a'), ...str('#/x')]));
    await kept.expectDisconnect(0x81);
    expect(fx.tb.broker.sessions().find((s) => s.clientId === clientId)).toBeUndefined(); // session ended with its connection
  });

  it('(no ID) 0x8F stays for a well-formed filter the server does not accept (over maxTopicLevels), in SUBACK and UNSUBACK', async () => {
    const b = await brokerWith({ maxTopicLevels: 3 });
    const c = await client({}, 5, b.port);
    c.send(frame(0x82, [0x00, 0x0a, 0x00, ...str('a/b'), 0x01, ...str('a/b/c/d'), 0x01]));
    expect((await c.expect('suback')).granted).toEqual([1, 0x8f]);
    c.send(frame(0xa2, [0x00, 0x0b, 0x00, ...str('a/b/c/d')]));
    expect((await c.expect('unsuback')).granted).toEqual([0x8f]);
  });
});

describe('issue 13: PUBREC with a failure code', () => {
  it('[MQTT-4.3.3-4] [MQTT-4.4.0-2] a PUBREC >= 0x80 ends the QoS 2 flow: no PUBREL, and no 0x92 for the freed id when it comes again', async () => {
    const w = await client();
    await w.subscribe('k13/rec', 2);
    const p = await client();
    p.publish('k13/rec', 'x', 2, { messageId: 3 });
    await p.expect('pubrec');
    const got = await w.expect('publish');
    const packetId = got.messageId as number;
    w.send(frame(0x50, [packetId >> 8, packetId & 0xff, 0x80, 0x00]));
    w.send(frame(0x50, [packetId >> 8, packetId & 0xff, 0x83, 0x00]));
    await w.expectNothing();
    // the freed id and the quota serve the next message
    p.publish('k13/rec', 'y', 2, { messageId: 4 });
    const next = await w.expect('publish');
    expect(String(next.payload)).toBe('y');
  });
});

describe('issue 13: MQTT 3.1 fixed-header flags and the reserved CONNECT flag', () => {
  async function mqisdp(flags = 0x02): Promise<{ c: RawClient; connack: ReceivedPacket }> {
    const c = await RawClient.open(fx.tb.port, 3);
    c.send(connect311(id('v31'), { name: 'MQIsdp', level: 3, flags }));
    return { c, connack: await c.expect('connack') };
  }

  it('(no ID, 3.1) a redelivered PUBREL, SUBSCRIBE or UNSUBSCRIBE with DUP 1 (flags 1010) is accepted in 3.1 and closes 3.1.1', async () => {
    const { c } = await mqisdp();
    c.send(frame(0x8a, [0x00, 0x01, ...str('v31/a'), 0x02]));
    const suback = await c.expect('suback');
    expect([...suback.raw]).toEqual([0x90, 0x03, 0x00, 0x01, 0x02]);
    c.send(frame(0x34, [...str('v31/b'), 0x00, 0x07, 0x78]));
    expect([...(await c.expect('pubrec')).raw]).toEqual([0x50, 0x02, 0x00, 0x07]);
    c.send(frame(0x6a, [0x00, 0x07]));
    expect([...(await c.expect('pubcomp')).raw]).toEqual([0x70, 0x02, 0x00, 0x07]);
    c.send(frame(0xaa, [0x00, 0x02, ...str('v31/a')]));
    expect([...(await c.expect('unsuback')).raw]).toEqual([0xb0, 0x02, 0x00, 0x02]);
    // 3.1.1 fixed those bits to 0010 ([3.1.1 MQTT-3.6.1-1] [3.1.1 MQTT-3.8.1-1] [3.1.1 MQTT-3.10.1-1])
    for (const packet of [frame(0x8a, [0x00, 0x01, ...str('a'), 0x00]), frame(0xaa, [0x00, 0x01, ...str('a')]), frame(0x6a, [0x00, 0x01])]) {
      const legacy = await client({}, 4);
      legacy.send(packet);
      expect(await legacy.expectClose()).toEqual([]);
    }
    // other flag values stay malformed in 3.1
    const { c: bad } = await mqisdp();
    bad.send(frame(0x8b, [0x00, 0x01, ...str('a'), 0x00]));
    expect(await bad.expectClose()).toEqual([]);
  });

  it('(no ID, 3.1) the reserved CONNECT flag is "not used" in 3.1: accepted; in 3.1.1 it closes ([3.1.1 MQTT-3.1.2-3])', async () => {
    const { connack } = await mqisdp(0x03);
    expect([...connack.raw]).toEqual([0x20, 0x02, 0x00, 0x00]);
    const legacy = await RawClient.open(fx.tb.port, 4);
    legacy.send(connect311(id(), { flags: 0x03 }));
    expect(await legacy.expectClose()).toEqual([]);
  });
});

