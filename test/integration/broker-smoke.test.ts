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
