import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, startTestBroker, type TestBroker } from '../support/raw-mqtt-client';

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker();
});
afterAll(async () => {
  await tb.stop();
});

describe('broker smoke', () => {
  it('connects, subscribes and routes a message (v5 and 3.1.1)', async () => {
    const sub = await RawClient.connected(tb.port, { clientId: 'sub' });
    await sub.subscribe('a/+', 1);
    const pub = await RawClient.connected(tb.port, { clientId: 'pub' }, 4);
    pub.publish('a/b', 'hello', 1);
    const puback = await pub.expect('puback');
    expect(puback.messageId).toBe(1);
    const [msg] = await sub.publishes(1);
    expect(msg!.topic).toBe('a/b');
    expect(String(msg!.payload)).toBe('hello');
    expect(msg!.qos).toBe(1);
    await sub.disconnect();
    await pub.disconnect();
  });
});

describe('broker inspection for the workbench', () => {
  it('emits lifecycle events and lists clients, sessions, retained messages and counters', async () => {
    const events: Array<Record<string, unknown>> = [];
    const dispose = tb.broker.onEvent((e) => events.push(e as unknown as Record<string, unknown>));
    const c = await RawClient.connected(tb.port, { clientId: 'inspect', properties: { sessionExpiryInterval: 10 } });
    await c.subscribe('insp/#', 1);
    c.publish('insp/r', 'kept', 0, { retain: true });
    await c.expect('publish');
    expect(tb.broker.clients().map((x) => [x.clientId, x.protocolVersion])).toContainEqual(['inspect', 5]);
    expect(tb.broker.sessions().find((s) => s.clientId === 'inspect')).toMatchObject({ connected: true, subscriptions: [{ filter: 'insp/#', qos: 1 }] });
    expect(tb.broker.retained()).toContainEqual({ topic: 'insp/r', qos: 0, payloadBytes: 4 });
    c.sendPacket({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['insp/#'] });
    await c.expect('unsuback');
    c.publish('insp/r', '', 0, { retain: true });
    await c.disconnect();
    const stats = tb.broker.stats();
    expect(stats.messagesIn).toBeGreaterThanOrEqual(2);
    expect(stats.bytesIn).toBeGreaterThan(0);
    dispose();
    expect(events.map((e) => e.type)).toEqual([
      'client.connected',
      'subscription.added',
      'retained.changed',
      'subscription.removed',
      'retained.changed',
      'client.disconnected',
    ]);
    expect(events.at(-1)).toMatchObject({ clientId: 'inspect', by: 'client', reasonCode: 0 });
  });
});

describe('broker in-flight inspection', () => {
  it('lists unacknowledged outgoing messages with their stage', async () => {
    const sub = await RawClient.connected(tb.port, { clientId: 'inflight-sub', properties: { sessionExpiryInterval: 30 } });
    await sub.subscribe('infl/#', 2);
    const pub = await RawClient.connected(tb.port, { clientId: 'inflight-pub' });
    pub.publish('infl/a', 'one', 1, { messageId: 1 });
    pub.publish('infl/b', 'two', 2, { messageId: 2 });
    const [, second] = await sub.publishes(2, { ack: false });
    sub.sendPacket({ cmd: 'pubrec', messageId: second!.messageId });
    await sub.expect('pubrel');
    expect(tb.broker.inflight('inflight-sub').map((e) => [e.topic, e.qos, e.stage])).toEqual([
      ['infl/a', 1, 'awaiting-ack'],
      ['infl/b', 2, 'awaiting-pubcomp'],
    ]);
    const lost = tb.lost('inflight-sub');
    sub.end();
    await lost;
    expect(tb.broker.inflight('inflight-sub').map((e) => e.stage)).toEqual(['to-resend', 'awaiting-pubcomp']);
    expect(tb.broker.inflight('nobody')).toEqual([]);
    pub.end();
  });
});
