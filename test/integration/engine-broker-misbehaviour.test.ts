import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSummary } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { startScriptedBroker } from '../support/scripted-broker';
import { useMosquitto, useCoreHarness } from '../support/fixtures';

const mosquitto = useMosquitto();
const harness = useCoreHarness();

/**
 * What the engine does when a broker breaks the rules or closes on us after CONNACK: each error of
 * an established connection has its own code and words, is shown while connected, and is kept in
 * the connection's problems; nothing hangs or loops silently.
 */
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
const fastReconnect = { enabled: true, initialDelayMs: 100, maxDelayMs: 400, maxAttempts: 0 };
const connack = (protocolVersion: number) => (protocolVersion === 5 ? { cmd: 'connack', reasonCode: 0, sessionPresent: false } : { cmd: 'connack', returnCode: 0, sessionPresent: false });
const statusesOf = (connectionId: string): ConnectionSummary[] => harness.statuses.filter((s) => s.connectionId === connectionId);

async function scripted(...args: Parameters<typeof startScriptedBroker>) {
  const broker = await startScriptedBroker(...args);
  cleanups.push(broker.close);
  return broker;
}

async function open(port: number, extra: Record<string, unknown> = {}) {
  const opened = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, reconnect: fastReconnect, ...extra });
  cleanups.unshift(async () => {
    await harness.attempt('connections.disconnect', { connectionId: opened.connectionId });
  });
  return opened.connectionId;
}

describe('errors of an established connection', () => {
  it('a malformed packet after CONNACK is a PROTOCOL_ERROR shown while connected, and the connection is closed at once [MQTT-4.13.1-1]', async () => {
    let connects = 0;
    const broker = await scripted((packet, session) => {
      if (packet.cmd === 'connect') {
        connects++;
        session.send(connack(session.protocolVersion));
      }
      // Answers the SUBSCRIBE with a PUBACK whose flag bits are 0001: they must be 0000 (malformed).
      if (packet.cmd === 'subscribe') session.sendRaw(Buffer.from([0x41, 0x02, 0x00, 0x01]));
    });
    const connectionId = await open(broker.port, { keepaliveSeconds: 60 });
    void harness.attempt('messages.subscribe', { connectionId, filter: 'a/b', qos: 0 });
    const shown = await waitFor(() => statusesOf(connectionId).find((s) => s.lastError?.code === 'PROTOCOL_ERROR'), 'the protocol error');
    expect(shown.status).toBe('connected');
    expect(shown.lastError!.message).toMatch(/sent a packet that cannot be read .*the connection was closed/);
    // Closed and reconnected long before 1.5 x keep alive (90 s), and the next success clears the error.
    await waitFor(() => connects === 2 && statusesOf(connectionId).at(-1)?.status === 'connected', 'the reconnect', 5000);
    const latest = statusesOf(connectionId).at(-1)!;
    expect(latest.lastError).toBeUndefined();
    expect(latest.problems.map((p) => p.code)).toContain('PROTOCOL_ERROR');
  });

  it('a keep-alive timeout is KEEPALIVE_TIMEOUT and names the interval', async () => {
    const broker = await scripted(
      (packet, session) => {
        if (packet.cmd === 'connect') session.send(connack(session.protocolVersion));
      },
      { answerPings: false },
    );
    const connectionId = await open(broker.port, { keepaliveSeconds: 1, reconnect: { enabled: false, initialDelayMs: 100, maxDelayMs: 100, maxAttempts: 0 } });
    const lost = await waitFor(() => statusesOf(connectionId).find((s) => s.lastError?.code === 'KEEPALIVE_TIMEOUT'), 'the keep-alive timeout', 5000);
    expect(lost.lastError!.message).toContain('keep alive of 1 s (2 s)');
    await waitFor(() => statusesOf(connectionId).at(-1)?.status === 'disconnected', 'disconnected');
    expect(statusesOf(connectionId).at(-1)!.lastError!.code).toBe('KEEPALIVE_TIMEOUT');
  });

  it('reconnecting stops with a visible error when the broker closes every new connection at once', async () => {
    const broker = await scripted((packet, session) => {
      if (packet.cmd !== 'connect') return;
      session.send(connack(session.protocolVersion));
      setImmediate(() => session.socket.end());
    });
    const connectionId = await open(broker.port);
    const stopped = await waitFor(() => statusesOf(connectionId).find((s) => s.status === 'disconnected'), 'reconnecting to stop', 15_000);
    expect(stopped.lastError!.code).toBe('RECONNECT_STOPPED');
    expect(stopped.lastError!.message).toMatch(/closed the connection 5 times in a row within 10 s of accepting it/);
    expect(broker.sessions.length).toBe(5);
  });
});

describe('protocol violations are recorded, not swallowed', () => {
  it('an acknowledgement for a packet id nothing is in flight under, and a wildcard in a delivered topic name [MQTT-3.3.2-2]', async () => {
    const broker = await scripted((packet, session) => {
      if (packet.cmd === 'connect') session.send(connack(session.protocolVersion));
      if (packet.cmd === 'subscribe') {
        session.send({ cmd: 'suback', messageId: packet.messageId, granted: [0] });
        session.send({ cmd: 'puback', messageId: 77 });
        session.send({ cmd: 'publish', topic: 'odd/+/name', payload: Buffer.from('x'), qos: 0, retain: false, dup: false });
      }
    });
    const connectionId = await open(broker.port, { protocolVersion: 4 });
    await harness.call('inspector.setEnabled', { connectionId, enabled: true });
    await harness.call('messages.subscribe', { connectionId, filter: 'odd/#', qos: 0 });
    const problems = await waitFor(() => {
      const list = statusesOf(connectionId).at(-1)?.problems ?? [];
      return list.length >= 2 ? list : undefined;
    }, 'two problems');
    expect(problems[0]!.code).toBe('PROTOCOL_VIOLATION');
    expect(problems[0]!.message).toMatch(/PUBACK for packet id 77, but no QoS 1 PUBLISH is in flight/);
    expect(problems[1]!.message).toMatch(/'odd\/\+\/name', a topic name with a wildcard character, which \[MQTT-3\.3\.2-2\] forbids/);
    await waitFor(() => harness.packets.find((p) => p.connectionId === connectionId && p.type === 'puback' && p.problem), 'the PUBACK flagged in the inspector');
    expect(statusesOf(connectionId).at(-1)!.status).toBe('connected');
  });

  it('`$` topics delivered for `#` are hidden and counted [MQTT-4.7.2-1]; a `$SYS/#` subscription shows them', async () => {
    const broker = await scripted((packet, session) => {
      if (packet.cmd === 'connect') session.send(connack(session.protocolVersion));
      if (packet.cmd === 'subscribe') {
        session.send({ cmd: 'suback', messageId: packet.messageId, granted: [0] });
        session.send({ cmd: 'publish', topic: '$SYS/broker/uptime', payload: Buffer.from('1'), qos: 0, retain: false, dup: false });
        session.send({ cmd: 'publish', topic: 'plain/topic', payload: Buffer.from('2'), qos: 0, retain: false, dup: false });
      }
    });
    const connectionId = await open(broker.port, { protocolVersion: 4 });
    await harness.call('messages.subscribe', { connectionId, filter: '#', qos: 0 });
    await waitFor(() => harness.received().find((m) => m.connectionId === connectionId && m.topic === 'plain/topic'), 'the plain message');
    await waitFor(() => statusesOf(connectionId).at(-1)?.hiddenDollarMessages === 1, 'one hidden');
    expect(harness.received().some((m) => m.connectionId === connectionId && m.topic.startsWith('$'))).toBe(false);
    await harness.call('messages.subscribe', { connectionId, filter: '$SYS/#', qos: 0 });
    await waitFor(() => harness.received().find((m) => m.connectionId === connectionId && m.topic === '$SYS/broker/uptime'), 'the $SYS message');
  });

  it('a broker that ignores enhanced authentication is named as such, not as an unfinished SCRAM exchange', async () => {
    const broker = await scripted((packet, session) => {
      if (packet.cmd === 'connect') session.send(connack(session.protocolVersion)); // no Authentication Method: SCRAM ignored
    });
    const result = await harness.attempt('connections.connect', {
      protocol: 'mqtt',
      host: '127.0.0.1',
      port: broker.port,
      username: 'u',
      password: 'p',
      enhancedAuth: { method: 'SCRAM-SHA-256' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('AUTH_FAILED');
    expect(result.error.message).toMatch(/without taking part in SCRAM-SHA-256.*does not support this enhanced authentication/);
  });
});

describe('topic aliases (MQTT 5) against mosquitto', () => {
  it('an alias above the broker’s Topic Alias Maximum is refused naming the maximum [MQTT-3.3.2-9]', async () => {
    const connectionId = await open(mosquitto.port, { protocolVersion: 5 });
    const maximum = statusesOf(connectionId).at(-1)!.connack!.properties!.topicAliasMaximum as number;
    const result = await harness.attempt('messages.publish', { connectionId, topic: 'alias/a', payload: new Uint8Array([1]), properties: { topicAlias: maximum + 1 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toContain(`Topic Alias ${maximum + 1} is above the broker's Topic Alias Maximum of ${maximum}`);
  });

  it('publishes by alias alone once the alias is set, and the message is recorded under its topic', async () => {
    const connectionId = await open(mosquitto.port, { protocolVersion: 5 });
    const early = await harness.attempt('messages.publish', { connectionId, topic: '', payload: new Uint8Array([1]), properties: { topicAlias: 2 } });
    expect(early.ok).toBe(false);
    if (!early.ok) expect(early.error.message).toMatch(/Topic Alias 2 is not set on this connection/);
    await harness.call('messages.subscribe', { connectionId, filter: 'alias/#', qos: 0 });
    await harness.call('messages.publish', { connectionId, topic: 'alias/b', payload: new Uint8Array([1]), properties: { topicAlias: 2 } });
    await harness.call('messages.publish', { connectionId, topic: '', payload: new Uint8Array([2]), properties: { topicAlias: 2 } });
    await waitFor(() => harness.received().filter((m) => m.connectionId === connectionId && m.topic === 'alias/b').length === 2, 'both on alias/b');
    const sent = harness.batches.flat().filter((m) => m.connectionId === connectionId && m.direction === 'out');
    expect(sent.map((m) => m.topic)).toEqual(['alias/b', 'alias/b']);
  });
});
