import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/core-harness';
import { runMosquittoPub, startMosquitto } from '../support/mosquitto';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy';
import { useMosquitto, useCoreHarness } from '../support/fixtures';

const broker = useMosquitto();
const harness = useCoreHarness();

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();
const bytesOf = (value: string) => new Uint8Array(Buffer.from(value));

async function open(extra: Record<string, unknown> = {}, port = broker.port): Promise<string> {
  const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, protocolVersion: 5, ...extra });
  return connectionId;
}

describe('MQTT 5 through the engine (mosquitto as the peer)', () => {
  it('sends every publish property and receives them intact, user properties in order', async () => {
    const subscriber = await open();
    const publisher = await open();
    await harness.call('messages.subscribe', { connectionId: subscriber, filter: 'props/#', qos: 1, subscriptionIdentifier: 42 });
    await harness.call('messages.publish', {
      connectionId: publisher,
      topic: 'props/a',
      payload: bytesOf('{"t":1}'),
      qos: 1,
      properties: {
        payloadFormatIndicator: true,
        messageExpiryInterval: 3600,
        contentType: 'application/json',
        responseTopic: 'props/reply',
        correlationData: Uint8Array.from([1, 2, 3, 255]),
        userProperties: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
          { key: 'a', value: '3' },
        ],
      },
    });
    const message = await waitFor(() => harness.received().find((m) => m.topic === 'props/a'), 'props/a');
    expect(message.properties).toMatchObject({
      payloadFormatIndicator: true,
      contentType: 'application/json',
      responseTopic: 'props/reply',
      subscriptionIdentifiers: [42],
    });
    expect(message.properties?.messageExpiryInterval).toBeGreaterThan(3590);
    expect([...(message.properties?.correlationData ?? [])]).toEqual([1, 2, 3, 255]);
    expect(message.properties?.userProperties).toEqual([
      { key: 'a', value: '1' },
      { key: 'a', value: '3' },
      { key: 'b', value: '2' },
    ]);
    await harness.call('connections.disconnect', { connectionId: subscriber });
    await harness.call('connections.disconnect', { connectionId: publisher });
  });

  it('honours No Local: a connection does not get back its own publish', async () => {
    const id = await open();
    await harness.call('messages.subscribe', { connectionId: id, filter: 'nolocal/#', qos: 0, noLocal: true });
    await harness.call('messages.publish', { connectionId: id, topic: 'nolocal/own', payload: bytesOf('mine') });
    await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-t', 'nolocal/other', '-m', 'theirs']);
    await waitFor(() => harness.received().find((m) => m.topic === 'nolocal/other'), 'the other publisher');
    expect(harness.received().some((m) => m.topic === 'nolocal/own' && m.connectionId === id)).toBe(false);
    await harness.call('connections.disconnect', { connectionId: id });
  });

  it('honours Retain Handling 2: no retained message on subscribe', async () => {
    await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-t', 'rh/x', '-m', 'kept', '-r']);
    const id = await open();
    await harness.call('messages.subscribe', { connectionId: id, filter: 'rh/#', qos: 0, retainHandling: 2 });
    const other = await open();
    await harness.call('messages.subscribe', { connectionId: other, filter: 'rh/#', qos: 0, retainHandling: 0 });
    const retained = await waitFor(() => harness.received().find((m) => m.topic === 'rh/x' && m.connectionId === other), 'retained for rh 0');
    expect(retained.retain).toBe(true);
    expect(harness.received().some((m) => m.topic === 'rh/x' && m.connectionId === id)).toBe(false);
    await harness.call('connections.disconnect', { connectionId: id });
    await harness.call('connections.disconnect', { connectionId: other });
  });

  it('answers a request with the matching response and its latency', async () => {
    const requester = await open();
    const responder = await open();
    await harness.call('messages.subscribe', { connectionId: responder, filter: 'svc/time', qos: 1 });
    // The responder answers on the Response Topic with the request's Correlation Data (4.10).
    const stopResponder = harness.core.events.subscribe((channel, payload) => {
      if (channel !== 'messages.batch') return;
      for (const m of (payload as { messages: import('../../shared/contract').MqttMessage[] }).messages) {
        if (m.connectionId === responder && m.direction === 'in' && m.topic === 'svc/time' && m.properties?.responseTopic) {
          void harness.call('messages.publish', {
            connectionId: responder,
            topic: m.properties.responseTopic,
            payload: bytesOf('noon'),
            properties: { correlationData: m.properties.correlationData },
          });
        }
      }
    });
    const result = await harness.call('messages.request', {
      connectionId: requester,
      topic: 'svc/time',
      payload: bytesOf('what time?'),
      responseTopic: 'svc/time/reply/1',
      timeoutMs: 5000,
    });
    stopResponder();
    expect(result.status).toBe('response');
    if (result.status === 'response') {
      expect(text(result.response.payload)).toBe('noon');
      expect(result.latencyMs).toBeGreaterThan(0);
      expect(result.latencyMs).toBeLessThan(5000);
    }
    const timeout = await harness.call('messages.request', {
      connectionId: requester,
      topic: 'svc/nobody',
      payload: bytesOf('hello?'),
      responseTopic: 'svc/nobody/reply',
      timeoutMs: 300,
    });
    expect(timeout.status).toBe('timeout');
    await harness.call('connections.disconnect', { connectionId: requester });
    await harness.call('connections.disconnect', { connectionId: responder });
  });

  it.each([
    { version: 3, name: 'MQTT 3.1' },
    { version: 4, name: 'MQTT 3.1.1' },
  ])('connects, subscribes and receives with $name', async ({ version }) => {
    const id = await open({ protocolVersion: version });
    await harness.call('messages.subscribe', { connectionId: id, filter: `v${version}/#`, qos: 1 });
    await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', `v${version}/t`, '-m', 'old']);
    const message = await waitFor(() => harness.received().find((m) => m.topic === `v${version}/t`), `v${version}/t`);
    expect(text(message.payload)).toBe('old');
    const summary = (await harness.call('connections.list', {})).find((c) => c.connectionId === id);
    expect(summary?.protocolVersion).toBe(version);
    await harness.call('connections.disconnect', { connectionId: id });
  });
});

describe('connection life: will, reconnect, inspector', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(broker.port);
  });
  afterAll(() => proxy.close());

  it('shows CONNACK and every packet in the inspector, and never the password', async () => {
    const id = await open({ username: 'alice', password: 's3cret', properties: { sessionExpiryInterval: 60, userProperties: [{ key: 'app', value: 'wb' }] } });
    await harness.call('messages.subscribe', { connectionId: id, filter: 'insp/#', qos: 1 });
    await harness.call('inspector.setEnabled', { connectionId: id, enabled: true });
    await harness.call('messages.publish', { connectionId: id, topic: 'insp/x', payload: bytesOf('12345'), qos: 1 });
    const puback = await waitFor(() => harness.packets.find((p) => p.connectionId === id && p.type === 'puback' && p.direction === 'in'), 'the broker PUBACK');
    const types = harness.packets.filter((p) => p.connectionId === id).map((p) => `${p.direction}:${p.type}`);
    expect(types).toEqual(expect.arrayContaining(['out:connect', 'in:connack', 'out:subscribe', 'in:suback', 'out:publish', 'in:puback']));
    const connect = harness.packets.find((p) => p.connectionId === id && p.type === 'connect')!;
    expect(connect.fields?.password).toBe('(set)');
    expect(JSON.stringify(connect)).not.toContain('s3cret');
    expect(connect.fields?.username).toBe('alice');
    const publish = harness.packets.find((p) => p.connectionId === id && p.type === 'publish' && p.direction === 'out')!;
    expect(publish).toMatchObject({ topic: 'insp/x', qos: 1, payloadSize: 5 });
    expect(publish.size).toBeGreaterThan(5 + 'insp/x'.length);
    expect(puback.packetId).toBe(publish.packetId);
    const suback = harness.packets.find((p) => p.connectionId === id && p.type === 'suback')!;
    expect(suback.reasonCodes).toEqual([1]);
    await harness.call('connections.disconnect', { connectionId: id });
  });

  it('publishes the will when the network drops, not on a clean disconnect', async () => {
    const watcher = await open();
    await harness.call('messages.subscribe', { connectionId: watcher, filter: 'will/#', qos: 1 });
    const id = await open({ will: { topic: 'will/gone', payload: bytesOf('offline'), qos: 1 }, reconnect: { enabled: false } }, proxy.port);
    proxy.cut();
    const will = await waitFor(() => harness.received().find((m) => m.topic === 'will/gone'), 'the will message');
    expect(text(will.payload)).toBe('offline');
    await waitFor(() => harness.statuses.find((s) => s.connectionId === id && s.status === 'disconnected'), 'the dropped status');
    await harness.call('connections.disconnect', { connectionId: id });
    await harness.call('connections.disconnect', { connectionId: watcher });
  });

  it('reconnects with visible attempts after a drop and resubscribes a clean session', async () => {
    const id = await open({ reconnect: { initialDelayMs: 200, maxDelayMs: 400 } }, proxy.port);
    await harness.call('messages.subscribe', { connectionId: id, filter: 'again/#', qos: 1 });
    await harness.call('inspector.setEnabled', { connectionId: id, enabled: true }); // to see the SUBACK after the reconnect
    const before = harness.statuses.length;
    const packetsBefore = harness.packets.length;
    proxy.cut();
    const reconnecting = await waitFor(
      () => harness.statuses.slice(before).find((s) => s.connectionId === id && s.status === 'reconnecting'),
      'reconnecting status',
    );
    expect(reconnecting.reconnectAttempts).toBeGreaterThanOrEqual(1);
    expect(reconnecting.nextReconnectAt).toBeGreaterThan(Date.now() - 1000);
    const back = await waitFor(() => harness.statuses.slice(before).find((s) => s.connectionId === id && s.status === 'connected'), 'connected again');
    expect(back.reconnectAttempts).toBe(0);
    // The session was clean, so mqtt.js must have subscribed again for this to arrive.
    await waitFor(() => harness.packets.slice(packetsBefore).find((p) => p.connectionId === id && p.direction === 'in' && p.type === 'suback'), 'the SUBACK of the subscription made again');
    await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', 'again/x', '-m', 'back']);
    const message = await waitFor(() => harness.received().find((m) => m.topic === 'again/x' && m.connectionId === id), 'a message after reconnect');
    expect(text(message.payload)).toBe('back');
    await harness.call('connections.disconnect', { connectionId: id });
  });

  it('comes back after the broker is killed and restarted, and subscribes again', async () => {
    const own = await startMosquitto();
    const port = own.port;
    const id = await open({ reconnect: { initialDelayMs: 200, maxDelayMs: 500 } }, port);
    await harness.call('messages.subscribe', { connectionId: id, filter: 'restart/#', qos: 1 });
    const before = harness.statuses.length;
    await own.stop();
    await waitFor(() => harness.statuses.slice(before).find((s) => s.connectionId === id && s.status === 'reconnecting'), 'reconnecting');
    const again = await startMosquitto({ port });
    try {
      await waitFor(() => harness.statuses.slice(before).find((s) => s.connectionId === id && s.status === 'connected'), 'connected again', 10_000);
      // A fresh mosquitto has no session: the engine must have subscribed again.
      await waitFor(async () => {
        await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-t', 'restart/x', '-m', 'alive']);
        return harness.received().find((m) => m.topic === 'restart/x' && m.connectionId === id);
      }, 'a message after the restart');
      await harness.call('connections.disconnect', { connectionId: id });
    } finally {
      await again.stop();
    }
  });

  it('gives up after the configured number of attempts and says so', async () => {
    const lonely = await startTcpProxy(broker.port);
    const id = await open({ reconnect: { initialDelayMs: 100, maxDelayMs: 100, maxAttempts: 2 } }, lonely.port);
    await lonely.close(); // nothing listens there any more
    const final = await waitFor(
      () => harness.statuses.find((s) => s.connectionId === id && s.status === 'disconnected' && s.lastError?.message.includes('Gave up')),
      'giving up',
      8000,
    );
    expect(final.reconnectAttempts).toBe(2);
    await harness.call('connections.disconnect', { connectionId: id });
  });
});
