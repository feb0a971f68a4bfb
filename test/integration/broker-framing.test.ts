import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect311, connectV5, frame, RawClient, sleep, startTestBroker, str, type TestBroker, varint } from '../support/raw-mqtt-client';

// Section 1 of the conformance checklist: framing and malformed packets, over raw TCP bytes.

let tb: TestBroker;
let n = 0;
const id = (prefix = 'f') => `${prefix}${++n}`;

beforeAll(async () => {
  tb = await startTestBroker({ maxClientIdLength: 30 });
});
afterAll(async () => {
  await tb.stop();
});

const v5 = () => RawClient.connected(tb.port, { clientId: id() }, 5);
const v311 = () => RawClient.connected(tb.port, { clientId: id() }, 4);

/** Sends bytes on a fresh connected v5 client and expects DISCONNECT with the code, then close. */
async function expectV5Disconnect(bytes: Buffer, code: number): Promise<void> {
  const client = await v5();
  client.send(bytes);
  await client.expectDisconnect(code);
}

/** Sends bytes on a fresh connected 3.1.1 client and expects a close without any packet. */
async function expectV311Close(bytes: Buffer): Promise<void> {
  const client = await v311();
  client.send(bytes);
  const packets = await client.expectClose();
  expect(packets).toEqual([]);
}

/** Sends a raw CONNECT and expects a v5 CONNACK with the code, then close. */
async function expectConnack(bytes: Buffer, code: number, version: 3 | 4 | 5 = 5): Promise<void> {
  const client = await RawClient.open(tb.port, version);
  client.send(bytes);
  const packets = await client.expectClose();
  expect(packets.map((p) => p.cmd)).toEqual(['connack']);
  expect(version === 5 ? packets[0]!.reasonCode : packets[0]!.returnCode).toBe(code);
  expect(packets[0]!.sessionPresent).toBe(false);
}

async function expectSilentClose(bytes: Buffer, version: 3 | 4 | 5 = 5): Promise<void> {
  const client = await RawClient.open(tb.port, version);
  client.send(bytes);
  expect(await client.expectClose()).toEqual([]);
}

/** A v5 PUBLISH QoS 0 with raw topic bytes and properties. */
function publishV5(topic: number[] | string, props: number[] = [], payload = 'x', first = 0x30, packetId?: number): Buffer {
  const topicField = typeof topic === 'string' ? str(topic) : str(topic);
  const idField = packetId !== undefined ? [packetId >> 8, packetId & 0xff] : [];
  return frame(first, [...topicField, ...idField, ...varint(props.length), ...props, ...Buffer.from(payload)]);
}

describe('1. Framing and malformed packets', () => {
  it('[MQTT-2.1.3-1] fixed-header flags other than the required ones → DISC 0x81 (3.1.1: close)', async () => {
    for (const bytes of [
      [0xc1, 0x00], // PINGREQ with flags 0001
      [0x48, 0x02, 0x00, 0x01], // PUBACK with flags 1000
      [0x74, 0x02, 0x00, 0x01], // PUBCOMP with flags 0100
    ]) {
      await expectV5Disconnect(Buffer.from(bytes), 0x81);
      await expectV311Close(Buffer.from(bytes));
    }
  });

  it('[MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] PUBREL, SUBSCRIBE, UNSUBSCRIBE with flags other than 0010 → DISC 0x81', async () => {
    const cases = [
      frame(0x60, [0x00, 0x01]),
      frame(0x80, [0x00, 0x01, 0x00, ...str('a'), 0x00]),
      frame(0x83, [0x00, 0x01, 0x00, ...str('a'), 0x00]),
      frame(0xa0, [0x00, 0x01, 0x00, ...str('a')]),
    ];
    for (const bytes of cases) await expectV5Disconnect(bytes, 0x81);
  });

  it('[MQTT-3.14.1-1] [MQTT-3.15.1-1] DISCONNECT or AUTH with non-zero flags → DISC 0x81', async () => {
    await expectV5Disconnect(Buffer.from([0xe2, 0x00]), 0x81);
    await expectV5Disconnect(Buffer.from([0xf1, 0x00]), 0x81);
  });

  it('[MQTT-3.3.1-4] a PUBLISH with QoS 3 → DISC 0x81 (3.1.1: close)', async () => {
    await expectV5Disconnect(publishV5('a', [], 'x', 0x36, 1), 0x81);
    await expectV311Close(frame(0x36, [...str('a'), 0x00, 0x01, 0x78]));
  });

  it('(no ID) reserved packet type 0 → close; AUTH on a 3.1.1 connection → close', async () => {
    const client = await v5();
    client.send([0x00, 0x00]);
    expect(await client.expectClose()).toEqual([]);
    await expectV311Close(Buffer.from([0xf0, 0x00]));
  });

  it('(no ID) server-only packets from a client (CONNACK, SUBACK, UNSUBACK, PINGRESP) → DISC 0x82', async () => {
    for (const bytes of [
      [0x20, 0x03, 0x00, 0x00, 0x00],
      [0x90, 0x04, 0x00, 0x01, 0x00, 0x00],
      [0xb0, 0x04, 0x00, 0x01, 0x00, 0x00],
      [0xd0, 0x00],
    ]) {
      await expectV5Disconnect(Buffer.from(bytes), 0x82);
    }
  });

  it('[MQTT-1.5.5-1] a Remaining Length with a 4th continuation byte → malformed; our lengths use the fewest bytes', async () => {
    await expectV5Disconnect(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 0x81);
    await expectV311Close(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]));
    // a non-minimal Remaining Length (0x80 0x00 for 0) is malformed too
    await expectV5Disconnect(Buffer.from([0xc0, 0x80, 0x00]), 0x81);
    // what we write: 127-byte and 128-byte remaining lengths take 1 and 2 bytes
    const sub = await v5();
    await sub.subscribe('len/#');
    const pub = await v5();
    for (const size of [120, 121, 200]) pub.publish('len/a', Buffer.alloc(size, 0x61));
    const got = await sub.publishes(3);
    for (const p of got) {
      const remaining = p.raw.length - 1 - (p.raw[1]! & 0x80 ? 2 : 1);
      expect(p.raw.length).toBe(1 + varint(remaining).length + remaining);
    }
  });

  it('(no ID) a field running past the Remaining Length, or bytes after the last field → 0x81', async () => {
    // topic length 10 but only 1 byte follows
    await expectV5Disconnect(frame(0x30, [0x00, 0x0a, 0x61]), 0x81);
    // PUBACK with id, reason, property length 0 and one extra byte
    await expectV5Disconnect(frame(0x40, [0x00, 0x01, 0x00, 0x00, 0x99]), 0x81);
    // properties longer than the packet
    await expectV5Disconnect(frame(0x30, [...str('a'), 0x05, 0x01, 0x01]), 0x81);
    // CONNECT with a trailing byte → CONNACK 0x81
    const connect = connectV5('trail');
    await expectConnack(Buffer.concat([frame(0x10, Buffer.concat([connect.subarray(2), Buffer.from([0x00])]))]), 0x81);
  });

  it('(no ID) packets split across reads, and several packets in one read, are parsed correctly', async () => {
    const client = await RawClient.open(tb.port, 5);
    const connect = connectV5(id());
    for (const byte of connect) {
      client.send([byte]);
      await sleep(2);
    }
    await client.expect('connack');
    const subscribe = frame(0x82, [0x00, 0x07, 0x00, ...str('split/#'), 0x00]);
    const publish = publishV5('split/a', [], 'one');
    client.send(Buffer.concat([subscribe, Buffer.from([0xc0, 0x00]), publish, publish.subarray(0, 3)]));
    expect((await client.expect('suback')).messageId).toBe(7);
    await client.expect('pingresp');
    expect(String((await client.expect('publish')).payload)).toBe('one');
    client.send(publish.subarray(3));
    expect(String((await client.expect('publish')).payload)).toBe('one');
  });

  it('[MQTT-1.5.4-1] ill-formed UTF-8 (surrogate, overlong, truncated) → CONNACK/DISC 0x81 (3.1.1: close)', async () => {
    const bad = [
      [0x61, 0xed, 0xa0, 0x80], // U+D800 encoded
      [0xc0, 0xaf], // overlong '/'
      [0x61, 0xe2, 0x82], // truncated
    ];
    for (const bytes of bad) {
      await expectV5Disconnect(publishV5(bytes), 0x81);
      await expectV311Close(frame(0x30, [...str(bytes), 0x78]));
      await expectConnack(frame(0x10, [...str('MQTT'), 5, 0x02, 0, 0, 0, ...str(bytes)]), 0x81);
      await expectSilentClose(frame(0x10, [...str('MQTT'), 4, 0x02, 0, 0, ...str(bytes)]), 4);
    }
  });

  it('[MQTT-1.5.4-2] U+0000 in a string → CONNACK/DISC 0x81 (3.1.1: close)', async () => {
    await expectV5Disconnect(publishV5([0x61, 0x00, 0x62]), 0x81);
    await expectV311Close(frame(0x30, [...str([0x61, 0x00]), 0x78]));
    await expectConnack(frame(0x10, [...str('MQTT'), 5, 0x02, 0, 0, 0, ...str([0x61, 0x00])]), 0x81);
  });

  it('[MQTT-1.5.4-3] EF BB BF inside a topic is kept and routed intact', async () => {
    const topic = 'bom/\ufeffx';
    const sub = await v5();
    await sub.subscribe(topic);
    const pub = await v5();
    pub.send(publishV5([...Buffer.from(topic, 'utf8')], [], 'kept'));
    const got = await sub.expect('publish');
    expect(got.topic).toBe(topic);
    expect(got.raw.includes(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
  });

  it('(MAY, no ID) control characters U+0001..001F and U+007F..009F are accepted (chosen policy)', async () => {
    const topic = 'ctl/\u0001\u007f\u0085';
    const sub = await v5();
    await sub.subscribe('ctl/#');
    const pub = await v5();
    pub.publish(topic, 'c');
    expect((await sub.expect('publish')).topic).toBe(topic);
  });

  it('[MQTT-1.5.7-1] a User Property with ill-formed UTF-8 in name or value → 0x81', async () => {
    await expectV5Disconnect(publishV5('a', [0x26, ...str([0xc0, 0xaf]), ...str('v')]), 0x81);
    await expectV5Disconnect(publishV5('a', [0x26, ...str('n'), ...str([0xed, 0xa0, 0x80])]), 0x81);
  });

  it('(no ID) an unknown property, or one not allowed in the packet type → 0x81', async () => {
    await expectV5Disconnect(publishV5('a', [0x7f, 0x00]), 0x81); // unknown id
    await expectV5Disconnect(publishV5('a', [0x24, 0x01]), 0x81); // Maximum QoS belongs to CONNACK
    await expectV5Disconnect(publishV5('a', [0x11, 0, 0, 0, 1]), 0x81); // Session Expiry in PUBLISH
    await expectConnack(connectV5(id(), { props: [0x23, 0x00, 0x01] }), 0x81); // Topic Alias in CONNECT
  });

  it('(no ID) a single-use property given twice → 0x82', async () => {
    await expectV5Disconnect(publishV5('a', [0x03, ...str('t'), 0x03, ...str('t')]), 0x82);
    await expectConnack(connectV5(id(), { props: [0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2] }), 0x82);
    // user properties may repeat
    const client = await v5();
    client.send(publishV5('a', [0x26, ...str('k'), ...str('1'), 0x26, ...str('k'), ...str('2')], 'x', 0x32, 9));
    expect((await client.expect('puback')).messageId).toBe(9);
  });

  it('[MQTT-2.2.2-1] a v5 packet we send without properties still has Property Length 0', async () => {
    const client = await v5();
    client.send(frame(0x82, [0x00, 0x05, 0x00, ...str('p/#'), 0x01]));
    const suback = await client.expect('suback');
    expect([...suback.raw]).toEqual([0x90, 0x04, 0x00, 0x05, 0x00, 0x01]);
    client.send(frame(0xa2, [0x00, 0x06, 0x00, ...str('p/#')]));
    expect([...(await client.expect('unsuback')).raw]).toEqual([0xb0, 0x04, 0x00, 0x06, 0x00, 0x00]);
  });

  it('[MQTT-2.2.1-2] a QoS 0 PUBLISH we send has no Packet Identifier', async () => {
    const sub = await v5();
    await sub.subscribe('q0/a', 1);
    const pub = await v5();
    pub.publish('q0/a', 'p', 0);
    const got = await sub.expect('publish');
    expect([...got.raw]).toEqual([0x30, 0x08, 0x00, 0x04, ...Buffer.from('q0/a'), 0x00, 0x70]);
  });

  it('(no ID; [MQTT-2.2.1-3]) Packet Identifier 0 on QoS>0 PUBLISH, SUBSCRIBE or UNSUBSCRIBE → DISC 0x82 (3.1.1: close)', async () => {
    await expectV5Disconnect(publishV5('a', [], 'x', 0x32, 0), 0x82);
    await expectV5Disconnect(frame(0x82, [0x00, 0x00, 0x00, ...str('a'), 0x00]), 0x82);
    await expectV5Disconnect(frame(0xa2, [0x00, 0x00, 0x00, ...str('a')]), 0x82);
    await expectV311Close(frame(0x32, [...str('a'), 0x00, 0x00, 0x78]));
  });

  it('[MQTT-2.2.1-4] each new QoS>0 PUBLISH we send has a non-zero id not in use', async () => {
    const sub = await v5();
    await sub.subscribe('ids/a', 2);
    const pub = await v5();
    for (let i = 1; i <= 6; i++) pub.publish('ids/a', `m${i}`, (i % 2) + 1 as 1 | 2, { messageId: i });
    const got = await sub.publishes(6, { ack: false });
    const ids = got.map((p) => p.messageId);
    expect(ids.every((x) => typeof x === 'number' && x > 0)).toBe(true);
    expect(new Set(ids).size).toBe(6);
  });

  it('[MQTT-2.2.1-5] [MQTT-2.2.1-6] our acks carry the Packet Identifier of the packet they answer', async () => {
    const client = await v5();
    client.publish('ack/a', 'x', 1, { messageId: 301 });
    expect((await client.expect('puback')).messageId).toBe(301);
    client.publish('ack/a', 'x', 2, { messageId: 302 });
    expect((await client.expect('pubrec')).messageId).toBe(302);
    client.sendPacket({ cmd: 'pubrel', messageId: 302 });
    expect((await client.expect('pubcomp')).messageId).toBe(302);
    client.sendPacket({ cmd: 'subscribe', messageId: 303, subscriptions: [{ topic: 'ack/b', qos: 2 }] });
    expect((await client.expect('suback')).messageId).toBe(303);
    client.sendPacket({ cmd: 'unsubscribe', messageId: 304, unsubscriptions: ['ack/b'] });
    expect((await client.expect('unsuback')).messageId).toBe(304);
    // PUBREL we send carries the id of the PUBREC it answers
    const sub = await v5();
    await sub.subscribe('ack/c', 2);
    client.publish('ack/c', 'y', 2, { messageId: 305 });
    const delivered = await sub.expect('publish');
    sub.sendPacket({ cmd: 'pubrec', messageId: delivered.messageId });
    expect((await sub.expect('pubrel')).messageId).toBe(delivered.messageId);
  });

  it('[MQTT-3.1.0-1] a first packet other than CONNECT → close, no CONNACK and no DISCONNECT', async () => {
    await expectSilentClose(Buffer.from([0xc0, 0x00]));
    await expectSilentClose(publishV5('a'));
  });

  it('[MQTT-3.1.0-2] a second CONNECT → DISC 0x82 (3.1.1: close)', async () => {
    await expectV5Disconnect(connectV5(id()), 0x82);
    await expectV311Close(connect311(id()));
  });

  it('[MQTT-3.1.2-1] a Protocol Name other than MQTT/MQIsdp → close without CONNACK', async () => {
    await expectSilentClose(connect311(id(), { name: 'MQTX' }));
    await expectSilentClose(connect311(id(), { name: 'MQIsdp', level: 4 }));
  });

  it('[MQTT-3.1.2-2] an unsupported protocol level → CONNACK 0x01 (3.1.1 format), then close', async () => {
    for (const level of [6, 2, 0x84]) {
      const client = await RawClient.open(tb.port, 4);
      client.send(connect311(id(), { level }));
      const packets = await client.expectClose();
      expect(packets.map((p) => [...p.raw])).toEqual([[0x20, 0x02, 0x00, 0x01]]);
    }
  });

  it('[MQTT-3.1.2-3] CONNECT reserved flag set → CONNACK 0x81 then close (3.1.1: close)', async () => {
    await expectConnack(connectV5(id(), { flags: 0x03 }), 0x81);
    await expectSilentClose(connect311(id(), { flags: 0x03 }), 4);
  });

  it('[MQTT-3.1.2-9] [MQTT-3.1.2-11] [MQTT-3.1.2-12] [MQTT-3.1.2-13] inconsistent Will flags or fields → malformed, close', async () => {
    const willFields = [0x00, ...str('w/t'), ...str('bye')];
    const cases: Array<{ name: string; flags: number; payload: number[] }> = [
      { name: 'Will QoS without Will Flag', flags: 0x02 | 0x08, payload: [] },
      { name: 'Will Retain without Will Flag', flags: 0x02 | 0x20, payload: [] },
      { name: 'Will QoS 3', flags: 0x02 | 0x04 | 0x18, payload: willFields },
      { name: 'Will Flag without Will fields', flags: 0x02 | 0x04, payload: [] },
      { name: 'Will Flag without Will Payload', flags: 0x02 | 0x04, payload: [0x00, ...str('w/t')] },
    ];
    for (const c of cases) {
      await expectConnack(connectV5(id(), { flags: c.flags, payload: c.payload }), 0x81);
    }
    await expectSilentClose(connect311(id(), { flags: 0x02 | 0x08 }), 4);
  });

  it('[MQTT-3.1.2-16] [MQTT-3.1.2-17] [MQTT-3.1.2-18] [MQTT-3.1.2-19] User Name/Password flags and fields must agree', async () => {
    await expectConnack(connectV5(id(), { flags: 0x82 }), 0x81); // user name flag, no field
    await expectConnack(connectV5(id(), { flags: 0xc2, payload: str('u') }), 0x81); // password flag, no password
    await expectConnack(connectV5(id(), { flags: 0x02, payload: str('u') }), 0x81); // field without flag: trailing bytes
    await expectSilentClose(connect311(id(), { flags: 0x82 }), 4);
  });

  it('[MQTT-3.1.3-1] [MQTT-3.1.4-1] the CONNECT payload is read in order: ClientID, Will Properties, Will Topic, Will Payload, User Name, Password', async () => {
    const client = await RawClient.open(tb.port, 5);
    client.send(connectV5(id(), { flags: 0xc2 | 0x04, payload: [0x00, ...str('w/t'), ...str('bye'), ...str('user'), ...str('pw')] }));
    expect((await client.expect('connack')).reasonCode).toBe(0);
    // the same fields in the wrong order (password before user name, no will props) do not parse
    await expectConnack(connectV5(id(), { flags: 0xc2 | 0x04, payload: [...str('w/t'), ...str('bye'), ...str('user')] }), 0x81);
  });

  it('[MQTT-4.13.2-1] after a CONNACK >= 0x80 the socket is closed', async () => {
    await expectConnack(connectV5('x'.repeat(31)), 0x85);
  });

  it('[MQTT-3.14.4-1] [MQTT-3.14.4-2] after DISCONNECT nothing more is written, and the connection closes', async () => {
    const client = await v5();
    // a protocol error followed, in the same read, by packets that would be answered
    client.send(Buffer.concat([Buffer.from([0xd0, 0x00]), Buffer.from([0xc0, 0x00]), frame(0x82, [0x00, 0x01, 0x00, ...str('a'), 0x00])]));
    const packets = await client.expectClose();
    expect(packets.map((p) => p.cmd)).toEqual(['disconnect']);
  });

  it('(no ID) an error on one connection has no effect on other sessions', async () => {
    const sub = await v5();
    await sub.subscribe('iso/#', 1);
    const pub = await v5();
    pub.publish('iso/1', 'before', 1);
    expect(String((await sub.publishes(1))[0]!.payload)).toBe('before');
    const bad5 = await v5();
    bad5.send([0x00, 0x00]);
    await bad5.expectClose();
    const bad = await v311();
    bad.send([0xff, 0x00]);
    await bad.expectClose();
    pub.publish('iso/2', 'after', 1, { messageId: 2 });
    expect(String((await sub.publishes(1))[0]!.payload)).toBe('after');
  });
});
