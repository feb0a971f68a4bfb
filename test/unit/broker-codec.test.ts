import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { decodePacket } from '../../main/core/broker/codec/decode';
import { encodePublish } from '../../main/core/broker/codec/encode';
import { MqttViolation } from '../../main/core/broker/codec/reason-codes';

// The broker's strict decoder and PUBLISH encoder, cross-checked against mqtt-packet both ways.

const generate = mqttPacket.generate as unknown as (packet: object, opts: { protocolVersion: number }) => Buffer;

function split(frame: Buffer): { header: number; start: number } {
  let i = 1;
  while (frame[i]! & 0x80) i++;
  return { header: frame[0]!, start: i + 1 };
}

function decode(frame: Buffer, version: 3 | 4 | 5) {
  const { header, start } = split(frame);
  return decodePacket(header, frame, start, frame.length, version, { version: 0 });
}

function parse(frame: Buffer, version: number): Record<string, unknown> {
  const parser = mqttPacket.parser({ protocolVersion: version });
  let out: Record<string, unknown> | undefined;
  parser.on('packet', (p) => (out = p as unknown as Record<string, unknown>));
  parser.on('error', (e: Error) => {
    throw e;
  });
  parser.parse(frame);
  return out!;
}

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a * 1103515245 + 12345) & 0x7fffffff;
    return a / 0x7fffffff;
  };
}

describe('broker codec: decode what mqtt-packet generates', () => {
  const cases: Array<{ name: string; version: 3 | 4 | 5; packet: Record<string, unknown>; expected: Record<string, unknown> }> = [
    {
      name: 'v5 CONNECT with will, credentials and properties',
      version: 5,
      packet: {
        cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'cid', clean: false, keepalive: 30, username: 'u', password: Buffer.from([0, 255]),
        will: { topic: 'w/t', payload: Buffer.from('bye'), qos: 1, retain: true, properties: { willDelayInterval: 5, contentType: 'c' } },
        properties: { sessionExpiryInterval: 60, receiveMaximum: 10, maximumPacketSize: 1000, topicAliasMaximum: 3 },
      },
      expected: { version: 5, clientId: 'cid', cleanStart: false, keepAlive: 30, username: 'u' },
    },
    { name: '3.1.1 CONNECT', version: 4, packet: { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'x', clean: true, keepalive: 0 }, expected: { version: 4, cleanStart: true } },
    { name: '3.1 CONNECT', version: 3, packet: { cmd: 'connect', protocolId: 'MQIsdp', protocolVersion: 3, clientId: 'x', clean: true, keepalive: 0 }, expected: { version: 3 } },
    { name: 'v5 PUBLISH QoS 2 retained', version: 5, packet: { cmd: 'publish', topic: 'a/b', payload: Buffer.from('p'), qos: 2, messageId: 7, retain: true, properties: { messageExpiryInterval: 9 } }, expected: { topic: 'a/b', qos: 2, packetId: 7, retain: true } },
    { name: 'v5 SUBSCRIBE with options and id', version: 5, packet: { cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'a/#', qos: 1, nl: true, rap: true, rh: 2 }], properties: { subscriptionIdentifier: 77 } }, expected: { packetId: 3 } },
    { name: 'v5 UNSUBSCRIBE', version: 5, packet: { cmd: 'unsubscribe', messageId: 4, unsubscriptions: ['a', 'b'] }, expected: { packetId: 4, filters: ['a', 'b'] } },
    { name: 'v5 PUBACK with reason', version: 5, packet: { cmd: 'puback', messageId: 5, reasonCode: 0x10 }, expected: { packetId: 5, reasonCode: 0x10 } },
    { name: 'v5 DISCONNECT 0x04 with expiry', version: 5, packet: { cmd: 'disconnect', reasonCode: 4, properties: { sessionExpiryInterval: 3 } }, expected: { reasonCode: 4 } },
    { name: 'v5 AUTH', version: 5, packet: { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'SCRAM-SHA-256', authenticationData: Buffer.from('d') } }, expected: { reasonCode: 0x18 } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decoded = decode(generate(c.packet, { protocolVersion: c.version }), c.version) as unknown as Record<string, unknown>;
      expect(decoded).toMatchObject(c.expected);
    });
  }

  it('random PUBLISH packets decode to what was generated (500 cases)', () => {
    const random = seeded(42);
    for (let i = 0; i < 500; i++) {
      const qos = Math.floor(random() * 3);
      const topic = Array.from({ length: 1 + Math.floor(random() * 4) }, () => String.fromCharCode(97 + Math.floor(random() * 26)) + (random() < 0.2 ? 'é€😀' : '')).join('/');
      const payload = Buffer.from(Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
      const props = random() < 0.5 ? { contentType: 'ct', responseTopic: 'r/t', correlationData: Buffer.from([1, 2]), userProperties: { k: 'v' }, messageExpiryInterval: 10 } : undefined;
      const frame = generate({ cmd: 'publish', topic, payload, qos, messageId: qos ? 1 + i : undefined, retain: random() < 0.5, ...(props ? { properties: props } : {}) }, { protocolVersion: 5 });
      const decoded = decode(frame, 5) as unknown as { topic: string; payload: Buffer; qos: number; props: Record<string, unknown> };
      expect(decoded.topic).toBe(topic);
      expect(Buffer.compare(decoded.payload, payload)).toBe(0);
      expect(decoded.qos).toBe(qos);
      if (props) expect(decoded.props).toMatchObject({ contentType: 'ct', responseTopic: 'r/t', userProperties: [['k', 'v']], messageExpiryInterval: 10 });
    }
  });
});

describe('broker codec: what we encode mqtt-packet parses', () => {
  it('PUBLISH with forwarded properties, expiry, subscription ids, alias (v5) and plain (3.1.1)', () => {
    const forward = Buffer.from([0x03, 0x00, 0x02, 0x63, 0x74, 0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62]);
    const parts = { topic: Buffer.from('t/x'), payload: Buffer.alloc(5000, 1), forward };
    const frames = encodePublish(5, parts, { qos: 1, packetId: 9, dup: true, retain: true, expiry: 30, subscriptionIds: [1, 200000], topicAlias: 2, omitTopic: false });
    const parsed = parse(Buffer.concat(frames), 5);
    expect(parsed).toMatchObject({ topic: 't/x', qos: 1, messageId: 9, dup: true, retain: true });
    expect(parsed.properties).toMatchObject({ contentType: 'ct', userProperties: { a: 'b' }, messageExpiryInterval: 30, subscriptionIdentifier: [1, 200000], topicAlias: 2 });
    expect((parsed.payload as Buffer).length).toBe(5000);
    const legacy = parse(Buffer.concat(encodePublish(4, parts, { qos: 0, packetId: 0, dup: false, retain: false, expiry: 30, subscriptionIds: null, topicAlias: 0, omitTopic: false })), 4);
    expect(legacy).toMatchObject({ topic: 't/x', qos: 0 });
    expect(legacy.properties).toBeUndefined();
  });
});

describe('broker codec: refusals, named by the reason code', () => {
  const refusals: Array<[string, number[], 3 | 4 | 5, number]> = [
    ['0x81 topic with a lone surrogate', [0x30, 0x06, 0x00, 0x03, 0xed, 0xa0, 0x80, 0x00], 5, 0x81],
    ['0x81 property not allowed in PUBLISH', [0x30, 0x06, 0x00, 0x01, 0x61, 0x02, 0x24, 0x01], 5, 0x81],
    ['0x82 property twice', [0x30, 0x08, 0x00, 0x01, 0x61, 0x04, 0x01, 0x00, 0x01, 0x00], 5, 0x82],
    ['0x82 Subscription Identifier from a client', [0x30, 0x06, 0x00, 0x01, 0x61, 0x02, 0x0b, 0x01], 5, 0x82],
    ['0x81 non-minimal property length', [0x30, 0x06, 0x00, 0x01, 0x61, 0x80, 0x00, 0x78], 5, 0x81],
    ['0x81 trailing byte after PUBACK', [0x40, 0x03, 0x00, 0x01, 0x00], 4, 0x81],
    ['0x82 SUBSCRIBE without filters', [0x82, 0x03, 0x00, 0x01, 0x00], 5, 0x82],
    ['0x81 PUBACK reason code not allowed', [0x40, 0x04, 0x00, 0x01, 0x05, 0x00], 5, 0x81],
  ];
  for (const [name, bytes, version, code] of refusals) {
    it(name, () => {
      try {
        decode(Buffer.from(bytes), version);
        throw new Error('decoded');
      } catch (error) {
        expect(error).toBeInstanceOf(MqttViolation);
        expect((error as MqttViolation).reasonCode).toBe(code);
      }
    });
  }
});
