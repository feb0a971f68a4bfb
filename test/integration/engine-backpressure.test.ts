// History pushes back on a connection instead of dropping: while it is crowded the engine stops
// reading (and acknowledging), so a QoS 1 publisher is slowed down by the broker and nothing is lost.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionManager } from '../../main/core/engine/connection-manager';
import { type MqttMessage, connectionOptions } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { type TestBroker, sleep, startTestBroker } from '../support/raw-mqtt-client';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.stop();
});

/** A gate standing in for history's queue: closed means crowded (the same contract as History.whenRoom). */
function createGate() {
  let open = true;
  let waiters: (() => void)[] = [];
  return {
    whenRoom: () => (open ? null : new Promise<void>((resolve) => waiters.push(resolve))),
    close() {
      open = false;
    },
    open() {
      open = true;
      const waiting = waiters;
      waiters = [];
      for (const resolve of waiting) resolve();
    },
  };
}

async function publisher(count: number, topic: string): Promise<{ acked: () => number; done: Promise<void>; end(): Promise<void> }> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { protocolVersion: 4, clientId: `pub-${topic}` });
  let acked = 0;
  const done = Promise.all(
    Array.from({ length: count }, (_, i) => client.publishAsync(topic, `m${i}`, { qos: 1 }).then(() => void acked++)),
  ).then(() => undefined);
  return { acked: () => acked, done, end: () => client.endAsync() };
}

describe('history backpressure on received messages', () => {
  it('stops taking messages while history is crowded and takes every one once it has room: nothing lost, in order', async () => {
    const gate = createGate();
    const received: MqttMessage[] = [];
    const engine = createConnectionManager({ onStatus: () => undefined, onMessage: (message) => void received.push(message), whenRoom: gate.whenRoom });
    const { connectionId } = await engine.connect(connectionOptions.parse({ protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5, clientId: 'bp-sub' }));
    await engine.subscribe({ connectionId, filter: 'bp/held', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 });

    gate.close();
    const pub = await publisher(2000, 'bp/held');
    await waitFor(() => (received.length > 0 ? true : undefined), 'the first message');
    await sleep(500);
    // Held at the first message: the engine reads nothing more while history is crowded.
    const whileHeld = received.length;
    expect(whileHeld).toBeLessThan(2000);
    await sleep(300);
    expect(received.length).toBe(whileHeld);

    gate.open();
    await pub.done;
    await waitFor(() => (received.length === 2000 ? true : undefined), 'every message after the release');
    expect(received.map((m) => new TextDecoder().decode(m.payload))).toEqual(Array.from({ length: 2000 }, (_, i) => `m${i}`));
    await pub.end();
    await engine.disconnect(connectionId);
  });

  it('never holds a connection past a third of its keep alive: the connection stays up, messages flow again', async () => {
    const gate = createGate();
    const received: MqttMessage[] = [];
    const statuses: string[] = [];
    const engine = createConnectionManager({ onStatus: (s) => statuses.push(s.status), onMessage: (message) => void received.push(message), whenRoom: gate.whenRoom });
    const { connectionId } = await engine.connect(connectionOptions.parse({ protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5, clientId: 'bp-stuck', keepaliveSeconds: 3 }));
    await engine.subscribe({ connectionId, filter: 'bp/stuck', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 });

    gate.close(); // and never opened: history is stuck
    const pub = await publisher(50, 'bp/stuck');
    await pub.done;
    // One hold of 1 s, then a second of flow: everything arrives without the gate ever opening.
    await waitFor(() => (received.length === 50 ? true : undefined), 'every message despite a stuck history', 10_000);
    expect(statuses.filter((s) => s !== 'connected' && s !== 'connecting')).toEqual([]);
    await pub.end();
    await engine.disconnect(connectionId);
  });
});
