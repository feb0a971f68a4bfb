import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/core-harness';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { useMosquitto, useCoreHarness } from '../support/fixtures';

const broker = useMosquitto();
const harness = useCoreHarness();

const received = () => harness.received();

/** Starts mosquitto_sub and waits until its subscription is live (its SUBACK). */
async function subscribedMosquittoSub(topic: string, count: number, version: string) {
  const sub = runMosquittoSub(['-h', broker.host, '-p', String(broker.port), '-V', version, '-t', topic, '-C', String(count), '-N'], { signalSubscribed: true });
  await sub.subscribed;
  return sub;
}

const transports = [
  { name: 'TCP', protocol: 'mqtt' as const, port: () => broker.port, path: undefined },
  { name: 'WebSocket', protocol: 'ws' as const, port: () => broker.wsPort, path: '/' },
];

describe.each(transports)('engine against mosquitto over $name', ({ name, protocol, port, path }) => {
  let connectionId: string;

  it('connects with MQTT 5 and reports the connected status', async () => {
    const result = await harness.call('connections.connect', {
      protocol,
      host: '127.0.0.1',
      port: port(),
      ...(path ? { path } : {}),
      protocolVersion: 5,
      clientId: `wb-test-${name}`,
    });
    connectionId = result.connectionId;
    expect(result.clientId).toBe(`wb-test-${name}`);
    const list = await harness.call('connections.list', {});
    expect(list.find((c) => c.connectionId === connectionId)?.status).toBe('connected');
    expect(harness.statuses.some((s) => s.connectionId === connectionId && s.status === 'connected')).toBe(true);
  });

  it('receives a message published by mosquitto_pub', async () => {
    const topic = `wb/${name}/in`;
    expect(await harness.call('messages.subscribe', { connectionId, filter: `wb/${name}/#`, qos: 1 })).toEqual({ filter: `wb/${name}/#`, grantedQos: 1, requestedQos: 1, reasonCode: 1 });
    const pub = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-V', '5', '-q', '1', '-t', topic, '-m', 'hello 21.5']);
    expect(pub.code, pub.stderr).toBe(0);
    const message = await waitFor(() => received().find((m) => m.topic === topic), `a message on ${topic}`);
    expect(Buffer.from(message.payload).toString()).toBe('hello 21.5');
    expect(message).toMatchObject({ connectionId, direction: 'in', qos: 1, retain: false });
    expect(message.payload).toBeInstanceOf(Uint8Array);
  });

  it('publishes a binary payload that mosquitto_sub receives byte for byte', async () => {
    const topic = `wb/${name}/out`;
    const payload = Uint8Array.from([0x00, 0xff, 0x10, 0x80, 0xc3, 0x28, 0x0a, 0x0d, 0x7f]);
    const sub = await subscribedMosquittoSub(topic, 1, '5');
    await harness.call('messages.publish', { connectionId, topic, payload, qos: 1 });
    const result = await sub.done;
    // -N prints payloads without a newline: stdout is exactly our bytes.
    expect([...result.stdout]).toEqual([...payload]);
    const sent = await waitFor(() => harness.batches.flat().find((m) => m.direction === 'out' && m.topic === topic), 'the sent message in a batch');
    expect([...sent.payload]).toEqual([...payload]);
  });

  it('disconnects and reports the disconnected status', async () => {
    await harness.call('connections.disconnect', { connectionId });
    expect(harness.statuses.at(-1)).toMatchObject({ connectionId, status: 'disconnected' });
    const publish = await harness.attempt('messages.publish', { connectionId, topic: 'x', payload: new Uint8Array() });
    expect(publish).toMatchObject({ ok: false, error: { code: 'CONNECTION_NOT_FOUND' } });
  });
});

describe('engine batching and errors', () => {
  it('delivers a burst of messages in bounded batches, not one event per message', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 4 });
    await harness.call('messages.subscribe', { connectionId, filter: 'burst/#', qos: 0 });
    const before = harness.batches.length;
    const count = 3000;
    const lines = Buffer.from(Array.from({ length: count }, (_, i) => `m${i}`).join('\n') + '\n');
    const pub = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-t', 'burst/x', '-l'], lines);
    expect(pub.code, pub.stderr).toBe(0);
    await waitFor(() => (received().filter((m) => m.topic === 'burst/x').length >= count ? true : undefined), `${count} burst messages`, 10_000);
    const burstBatches = harness.batches.slice(before).filter((b) => b.some((m) => m.topic === 'burst/x'));
    expect(burstBatches.length).toBeLessThan(count / 10);
    for (const batch of burstBatches) expect(batch.length).toBeLessThanOrEqual(2000);
    // Order is kept within the connection.
    const payloads = received().filter((m) => m.topic === 'burst/x').map((m) => Buffer.from(m.payload).toString());
    expect(payloads.slice(0, 3)).toEqual(['m0', 'm1', 'm2']);
    expect(payloads.at(-1)).toBe(`m${count - 1}`);
    await harness.call('connections.disconnect', { connectionId });
  });

  it('fails clearly and fast when nothing listens at the address (HOST_UNREACHABLE)', async () => {
    const started = Date.now();
    const result = await harness.attempt('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: 1, connectTimeoutMs: 3000 });
    expect(result).toMatchObject({ ok: false, error: { code: 'HOST_UNREACHABLE' } });
    if (!result.ok) expect(result.error.message).toContain('127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await harness.call('connections.list', {})).length).toBe(0);
  });

  it('fails with CONNECT_TIMEOUT within the connect timeout when the peer never answers', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => {}); // accepts TCP, never sends CONNACK
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as { port: number }).port;
    const started = Date.now();
    const result = await harness.attempt('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: silentPort, connectTimeoutMs: 500 });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONNECT_TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(2000);
    silent.close();
  });
});
