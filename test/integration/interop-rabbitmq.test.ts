import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { type ExternalBroker, startRabbitMq } from '../support/other-brokers';
import { useCoreHarness } from '../support/fixtures';

/**
 * The engine against RabbitMQ 3.10's MQTT plugin (3.1.1 only; it closes the socket on an MQTT 5
 * CONNECT, answers QoS 2 with PUBACK, grants at most QoS 1, and closes on a PUBLISH its topic
 * permissions deny). Started once for the file: it takes several seconds.
 */
let rabbit: ExternalBroker;

beforeAll(async () => {
  rabbit = await startRabbitMq([
    { name: 'workbench', password: 'workbench-secret' },
    // May publish only under allowed/ (routing keys: MQTT '/' is AMQP '.').
    { name: 'restricted', password: 'restricted-secret', topicWrite: '^allowed\\..*', topicRead: '.*' },
  ]);
}, 120_000);

afterAll(async () => {
  await rabbit?.stop();
}, 30_000);

const harness = useCoreHarness(); // declared after: closed before the broker stops

const bytesOf = (value: string) => new Uint8Array(Buffer.from(value));
const fastReconnect = { enabled: true, initialDelayMs: 100, maxDelayMs: 400, maxAttempts: 0 };
const endpoint = () => ({ protocol: 'mqtt', host: rabbit.host, port: rabbit.port });

function statusesOf(connectionId: string): ConnectionSummary[] {
  return harness.statuses.filter((s) => s.connectionId === connectionId);
}

describe('RabbitMQ 3.10 with rabbitmq_mqtt', () => {
  it('Auto (the default) falls back to 3.1.1 when the broker closes on an MQTT 5 CONNECT, and says so', async () => {
    const opened = await harness.call('connections.connect', endpoint());
    expect(opened.protocolVersion).toBe(4);
    const summary = (await harness.call('connections.list', {})).find((c) => c.connectionId === opened.connectionId)!;
    expect(summary.versionNote).toMatch(/speaks MQTT 3\.1\.1: MQTT 5\.0 was answered by closing the connection/);
    await harness.call('connections.disconnect', { connectionId: opened.connectionId });
  });

  it('an explicit MQTT 5 that the broker closes on is CLOSED_BEFORE_CONNACK with the change to make, never HOST_UNREACHABLE', async () => {
    const result = await harness.attempt('connections.connect', { ...endpoint(), protocolVersion: 5 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('CLOSED_BEFORE_CONNACK');
    expect(result.error.message).toMatch(/accepted the network connection, then closed it without answering CONNECT/);
    expect(result.error.message).toMatch(/choose MQTT 3\.1\.1 or Auto/);
  });

  it('a PUBACK to a QoS 2 PUBLISH is recorded as a protocol violation (connection and inspector), and the message is stored as the QoS 1 it was', async () => {
    const { connectionId } = await harness.call('connections.connect', endpoint());
    await harness.call('inspector.setEnabled', { connectionId, enabled: true });
    await harness.call('messages.publish', { connectionId, topic: 'interop/qos2', payload: bytesOf('two'), qos: 2 });
    const sent = await waitFor(
      () => harness.batches.flat().find((m) => m.connectionId === connectionId && m.direction === 'out' && m.topic === 'interop/qos2'),
      'the sent message',
    );
    expect(sent.qos).toBe(1);
    const problem = await waitFor(() => statusesOf(connectionId).at(-1)?.problems.find((p) => p.code === 'PROTOCOL_VIOLATION'), 'the violation on the connection');
    expect(problem.message).toMatch(/PUBACK answered the QoS 2 PUBLISH to 'interop\/qos2'.*\[MQTT-4\.3\.3-8\].*handled it as QoS 1/);
    const puback = await waitFor(() => harness.packets.find((p) => p.connectionId === connectionId && p.type === 'puback' && p.problem), 'the PUBACK in the inspector');
    expect(puback.problem).toMatch(/must be answered with PUBREC/);
    await harness.call('connections.disconnect', { connectionId });
  });

  it('a QoS 2 SUBSCRIBE granted QoS 1 reports both levels', async () => {
    const { connectionId } = await harness.call('connections.connect', endpoint());
    const granted = await harness.call('messages.subscribe', { connectionId, filter: 'interop/granted/#', qos: 2 });
    expect(granted).toEqual({ filter: 'interop/granted/#', grantedQos: 1, requestedQos: 2, reasonCode: 1 });
    await harness.call('connections.disconnect', { connectionId });
  });

  it('a PUBLISH the topic permissions deny is settled as refused instead of reconnecting forever; the connection comes back usable', async () => {
    const { connectionId } = await harness.call('connections.connect', {
      ...endpoint(),
      username: 'restricted',
      password: 'restricted-secret',
      reconnect: fastReconnect,
    });
    const result = await harness.attempt('messages.publish', { connectionId, topic: 'denied/x', payload: bytesOf('no'), qos: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('MESSAGE_REFUSED');
    expect(result.error.message).toMatch(/right after the QoS 1 PUBLISH to 'denied\/x'.*may not allow .*this topic/);
    const refusedAt = statusesOf(connectionId).findIndex((s) => s.lastError?.code === 'MESSAGE_REFUSED');
    expect(refusedAt).toBeGreaterThan(0);
    await waitFor(() => statusesOf(connectionId).slice(refusedAt).some((s) => s.status === 'connected'), 'the connection back', 15_000);
    await harness.call('messages.subscribe', { connectionId, filter: 'allowed/#', qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'allowed/y', payload: bytesOf('yes'), qos: 1 });
    await waitFor(() => harness.received().find((m) => m.connectionId === connectionId && m.topic === 'allowed/y'), 'an allowed message');
    expect(statusesOf(connectionId).filter((s) => s.status === 'reconnecting').length).toBe(2);
    await harness.call('connections.disconnect', { connectionId });
  });
});
