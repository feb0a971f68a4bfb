import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { type ExternalBroker, startNats } from '../support/other-brokers';
import { useCoreHarness } from '../support/fixtures';

/**
 * The engine against NATS (nats-server 2.9, MQTT 3.1.1 only, JetStream on), as a new user meets it:
 * the default connection works, a refused publish does not loop, `$` topics do not flood `#`.
 */
let nats: ExternalBroker;

beforeAll(async () => {
  nats = await startNats();
}, 60_000);

afterAll(async () => {
  await nats?.stop();
});

const harness = useCoreHarness(); // declared after: closed before the broker stops

const bytesOf = (value: string) => new Uint8Array(Buffer.from(value));
const fastReconnect = { enabled: true, initialDelayMs: 100, maxDelayMs: 400, maxAttempts: 0 };

function latest(connectionId: string): ConnectionSummary | undefined {
  return harness.statuses.filter((s) => s.connectionId === connectionId).at(-1);
}

describe('NATS (MQTT 3.1.1 only)', () => {
  it('Auto (the default) falls back to 3.1.1 when MQTT 5 is refused, and says which version the broker speaks', async () => {
    const opened = await harness.call('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port });
    expect(opened.protocolVersion).toBe(4);
    const summary = (await harness.call('connections.list', {})).find((c) => c.connectionId === opened.connectionId)!;
    expect(summary.protocolVersion).toBe(4);
    expect(summary.requestedVersion).toBe('auto');
    expect(summary.versionNote).toMatch(/speaks MQTT 3\.1\.1: MQTT 5\.0 was refused \(unacceptable protocol version\)/);
    expect(summary.versionNote).toMatch(/Save MQTT 3\.1\.1 in the profile/);
    await harness.call('connections.disconnect', { connectionId: opened.connectionId });
  });

  it('an explicit MQTT 5 is refused with its own code and the change to make', async () => {
    const result = await harness.attempt('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port, protocolVersion: 5 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('UNSUPPORTED_PROTOCOL_VERSION');
    expect(result.error.message).toMatch(/0x01 Unacceptable protocol version/);
    expect(result.error.message).toMatch(/choose MQTT 3\.1\.1 or Auto/);
  });

  it('an MQTT 3.1 CONNECT is refused as a version, not as an unreachable host', async () => {
    const result = await harness.attempt('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port, protocolVersion: 3 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(['UNSUPPORTED_PROTOCOL_VERSION', 'CLOSED_BEFORE_CONNACK']).toContain(result.error.code);
    expect(result.error.code).not.toBe('HOST_UNREACHABLE');
    expect(result.error.message).toMatch(/3\.1\.1 or Auto/);
  });

  it('a QoS 2 PUBLISH that NATS answers by closing is settled as refused, taken out of the queue, and the connection comes back usable', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port, reconnect: fastReconnect });
    const result = await harness.attempt('messages.publish', { connectionId, topic: 'interop/qos2', payload: bytesOf('x'), qos: 2 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('MESSAGE_REFUSED');
    expect(result.error.message).toMatch(/right after the QoS 2 PUBLISH to 'interop\/qos2'/);
    expect(result.error.message).toMatch(/may not allow QoS 2/);
    // The values of that sentence, for the page to say it in the user's language (issue 20).
    expect(result.error.params).toEqual({ reason: 'publishRefused', topic: 'interop/qos2', qos: 2, times: 2 });
    // No loop: after the refusal it reconnects once, clean, and stays; subscribe and publish work again.
    const mine = () => harness.statuses.filter((s) => s.connectionId === connectionId);
    const refusedAt = mine().findIndex((s) => s.lastError?.code === 'MESSAGE_REFUSED');
    expect(refusedAt).toBeGreaterThan(0);
    await waitFor(() => mine().slice(refusedAt).some((s) => s.status === 'connected'), 'the connection back', 10_000);
    await harness.call('messages.subscribe', { connectionId, filter: 'interop/ok', qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'interop/ok', payload: bytesOf('fine'), qos: 1 });
    await waitFor(() => harness.received().find((m) => m.connectionId === connectionId && m.topic === 'interop/ok'), 'the message after the refusal');
    const summary = latest(connectionId)!;
    expect(summary.problems.some((p) => p.code === 'MESSAGE_REFUSED')).toBe(true);
    expect(summary.status).toBe('connected');
    // Two closes in all: the first (sent once more, as a restarting broker must not lose it) and the refusal.
    expect(mine().filter((s) => s.status === 'reconnecting').length).toBe(2);
    await harness.call('connections.disconnect', { connectionId });
  });

  it('a QoS 0 PUBLISH NATS refuses by closing (a space in the topic) is named, not silently lost', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port, reconnect: fastReconnect });
    await harness.call('messages.publish', { connectionId, topic: 'interop/with space', payload: bytesOf('x'), qos: 0 });
    const refused = await waitFor(
      () => latest(connectionId)?.problems.find((p) => p.code === 'MESSAGE_REFUSED'),
      'the refusal recorded on the connection',
      10_000,
    );
    expect(refused.message).toMatch(/QoS 0 PUBLISH to 'interop\/with space'/);
    expect(refused.message).toMatch(/most likely lost/);
    expect(refused.params).toEqual({ reason: 'publishRefusedQos0', topic: 'interop/with space', qos: 0 });
    await waitFor(() => latest(connectionId)?.status === 'connected', 'the connection back', 10_000);
    await harness.call('connections.disconnect', { connectionId });
  });

  it('$share/group/filter on 3.1.1 is refused with an explanation, and subscribed literally only when asked', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port });
    const refused = await harness.attempt('messages.subscribe', { connectionId, filter: '$share/g/interop/shared', qos: 0 });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('SHARED_SUBSCRIPTION_UNSUPPORTED');
    expect(refused.error.message).toMatch(/literal topic filter that no message ever matches/);
    const literal = await harness.call('messages.subscribe', { connectionId, filter: '$share/g/interop/shared', qos: 0, literalSharedSubscription: true });
    expect(literal.filter).toBe('$share/g/interop/shared');
    await harness.call('connections.disconnect', { connectionId });
  });

  it('`#` does not show the `$` topics NATS delivers for it [MQTT-4.7.2-1], counts them, and keeps them when asked', async () => {
    const strict = await harness.call('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port, clientId: 'wb-strict', clean: false });
    const keeping = await harness.call('connections.connect', {
      protocol: 'mqtt',
      host: nats.host,
      port: nats.port,
      clientId: 'wb-keeping',
      clean: false,
      keepDollarTopicsOnWildcards: true,
    });
    await harness.call('messages.subscribe', { connectionId: strict.connectionId, filter: '#', qos: 1 });
    await harness.call('messages.subscribe', { connectionId: keeping.connectionId, filter: '#', qos: 1 });
    // A session-keeping connect and a QoS 1 subscription make NATS publish on $MQTT/... and $JS/... subjects.
    const third = await harness.call('connections.connect', { protocol: 'mqtt', host: nats.host, port: nats.port, clientId: 'wb-third', clean: false });
    await harness.call('messages.subscribe', { connectionId: third.connectionId, filter: 'interop/dollar', qos: 1 });
    await harness.call('messages.publish', { connectionId: third.connectionId, topic: 'interop/dollar', payload: bytesOf('plain'), qos: 1 });
    await waitFor(
      () => harness.received().find((m) => m.connectionId === keeping.connectionId && m.topic.startsWith('$')),
      'a $ topic on the connection that keeps them',
      10_000,
    );
    await waitFor(() => harness.received().find((m) => m.connectionId === strict.connectionId && m.topic === 'interop/dollar'), 'the plain message');
    await waitFor(() => (latest(strict.connectionId)?.hiddenDollarMessages ?? 0) > 0, 'the hidden count', 5000);
    expect(harness.received().filter((m) => m.connectionId === strict.connectionId && m.topic.startsWith('$')).map((m) => m.topic)).toEqual([]);
    for (const c of [strict, keeping, third]) await harness.call('connections.disconnect', { connectionId: c.connectionId });
  });
});
