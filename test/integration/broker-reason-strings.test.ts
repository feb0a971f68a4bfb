import { describe, expect, it } from 'vitest';
import { usernamePasswordAuth } from '../../main/core/broker/auth';
import { useBrokerFixture } from '../support/broker-fixture';
import type { ReceivedPacket } from '../support/raw-mqtt-client';

// Reason Strings on failure acknowledgements (v5): SUBACK, UNSUBACK, PUBREL and PUBCOMP say why,
// unless the client asked for no problem information ([MQTT-3.1.2-29]) or the string would push the
// packet past the client's Maximum Packet Size (then the packet goes without it).

const fx = useBrokerFixture({ maxSubscriptionsPerSession: 2, maxTopicLevels: 4 }, { idPrefix: 'rs' });
const { client } = fx;

function reasonString(p: ReceivedPacket): string | undefined {
  return (p.properties as { reasonString?: string } | undefined)?.reasonString;
}

describe('SUBACK failures say why', () => {
  it('[MQTT-3.9.2-1] [MQTT-3.9.3-1] a filter we do not accept (0x8F, over maxTopicLevels) and the subscription quota (0x97): one Reason String naming each refused filter; granted entries unaffected', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'subscribe', messageId: 7, subscriptions: [{ topic: 'ok/1', qos: 1 }, { topic: 'deep/1/2/3/4', qos: 0 }, { topic: 'ok/2', qos: 0 }, { topic: 'over/3', qos: 0 }] });
    const suback = await c.expect('suback');
    expect(suback.granted).toEqual([1, 0x8f, 0, 0x97]);
    const why = reasonString(suback)!;
    expect(why).toContain('"deep/1/2/3/4": more than 4 topic levels');
    expect(why).toContain('"over/3": the session already holds 2 subscriptions');
    expect(why).not.toContain('ok/');
  });

  it('[MQTT-3.9.2-1] not authorized (0x87): the Reason String says so', async () => {
    const b = await fx.brokerWith({ auth: { ...usernamePasswordAuth({ ann: 'pw' }), authorizeSubscribe: (_id, filter) => !filter.startsWith('secret/') } });
    const c = await client({ username: 'ann', password: Buffer.from('pw') }, 5, b.port);
    c.sendPacket({ cmd: 'subscribe', messageId: 8, subscriptions: [{ topic: 'secret/a', qos: 0 }] });
    const suback = await c.expect('suback');
    expect(suback.granted).toEqual([0x87]);
    expect(reasonString(suback)).toBe('refused "secret/a": not authorized to subscribe');
  });

  it('a SUBACK with only granted codes carries no Reason String', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'subscribe', messageId: 9, subscriptions: [{ topic: 'fine/#', qos: 2 }] });
    const suback = await c.expect('suback');
    expect(suback.granted).toEqual([2]);
    expect(reasonString(suback)).toBeUndefined();
  });

  it('[MQTT-3.1.2-29] Request Problem Information 0: the failure codes without a Reason String', async () => {
    const c = await client({ properties: { requestProblemInformation: false } });
    c.sendPacket({ cmd: 'subscribe', messageId: 10, subscriptions: [{ topic: 'deep/1/2/3/4', qos: 0 }] });
    const suback = await c.expect('suback');
    expect(suback.granted).toEqual([0x8f]);
    expect(reasonString(suback)).toBeUndefined();
  });

  it('[MQTT-3.9.2-1] a Reason String that would exceed the client\'s Maximum Packet Size is left out', async () => {
    const c = await client({ properties: { maximumPacketSize: 40 } });
    c.sendPacket({ cmd: 'subscribe', messageId: 11, subscriptions: [{ topic: 'a-long-deep-filter/1/2/3/4', qos: 0 }] });
    const suback = await c.expect('suback');
    expect(suback.granted).toEqual([0x8f]);
    expect(reasonString(suback)).toBeUndefined();
    expect(suback.raw.length).toBeLessThanOrEqual(40);
  });

  it('3.1.1: the failure code 0x80 alone (it has no properties)', async () => {
    const c = await client({}, 4);
    c.sendPacket({ cmd: 'subscribe', messageId: 12, subscriptions: [{ topic: 'deep/1/2/3/4', qos: 0 }] });
    const suback = await c.expect('suback');
    expect(suback.granted).toEqual([0x80]);
    expect(suback.raw.toString('hex')).toBe('9003000c80');
  });
});

describe('UNSUBACK failures say why', () => {
  it('[MQTT-3.11.2-1] [MQTT-3.11.3-1] a filter we do not accept (0x8F) gets a Reason String; 0x00 and 0x11 entries are not mentioned', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'subscribe', messageId: 13, subscriptions: [{ topic: 'u/1', qos: 0 }] });
    await c.expect('suback');
    c.sendPacket({ cmd: 'unsubscribe', messageId: 14, unsubscriptions: ['u/1', 'u/1/2/3/4', 'never'] });
    const unsuback = await c.expect('unsuback');
    expect(unsuback.granted).toEqual([0x00, 0x8f, 0x11]);
    const why = reasonString(unsuback)!;
    expect(why).toMatch(/^refused "u\/1\/2\/3\/4": /);
    expect(why).not.toContain('never');
  });

  it('[MQTT-3.11.2-1] left out when it would exceed the Maximum Packet Size; [MQTT-3.1.2-29] and when problem information is off', async () => {
    const small = await client({ properties: { maximumPacketSize: 13 } }); // our CONNACK is 13 bytes
    small.sendPacket({ cmd: 'unsubscribe', messageId: 15, unsubscriptions: ['deep/1/2/3/4'] });
    const tight = await small.expect('unsuback');
    expect(tight.granted).toEqual([0x8f]);
    expect(reasonString(tight)).toBeUndefined();
    const quiet = await client({ properties: { requestProblemInformation: false } });
    quiet.sendPacket({ cmd: 'unsubscribe', messageId: 16, unsubscriptions: ['deep/1/2/3/4'] });
    const bare = await quiet.expect('unsuback');
    expect(bare.granted).toEqual([0x8f]);
    expect(reasonString(bare)).toBeUndefined();
  });
});

describe('PUBREL and PUBCOMP 0x92 say why', () => {
  it('[MQTT-3.7.2-2] PUBREL for an id that awaits nothing → PUBCOMP 0x92 with a Reason String', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'pubrel', messageId: 77 });
    const pubcomp = await c.expect('pubcomp');
    expect(pubcomp.reasonCode).toBe(0x92);
    expect(reasonString(pubcomp)).toBe('packet identifier 77 is not an incoming QoS 2 message awaiting PUBREL');
  });

  it('[MQTT-3.6.2-2] PUBREC for an id we never sent → PUBREL 0x92 with a Reason String', async () => {
    const c = await client();
    c.sendPacket({ cmd: 'pubrec', messageId: 78 });
    const pubrel = await c.expect('pubrel');
    expect(pubrel.reasonCode).toBe(0x92);
    expect(reasonString(pubrel)).toBe('packet identifier 78 is not an outgoing QoS 2 message awaiting PUBREC');
  });

  it('[MQTT-3.6.2-2] [MQTT-3.7.2-2] [MQTT-3.1.2-29] without it when it would not fit, or when problem information is off', async () => {
    const small = await client({ properties: { maximumPacketSize: 20 } });
    small.sendPacket({ cmd: 'pubrel', messageId: 79 });
    const tight = await small.expect('pubcomp');
    expect(tight.reasonCode).toBe(0x92);
    expect(reasonString(tight)).toBeUndefined();
    const quiet = await client({ properties: { requestProblemInformation: false } });
    quiet.sendPacket({ cmd: 'pubrec', messageId: 80 });
    const bare = await quiet.expect('pubrel');
    expect(bare.reasonCode).toBe(0x92);
    expect(reasonString(bare)).toBeUndefined();
  });
});
