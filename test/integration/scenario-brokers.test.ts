import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeSparkplugPayload } from '../../main/core/automation/scenarios/sparkplug-encoder';
import { decodeSparkplugB } from '../../shared/codecs/sparkplug-b';
import type { ScenarioCounters } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { startTcpProxy } from '../support/tcp-proxy';

/**
 * Scenarios through the contract (scenarios.start/stop) against real brokers: mosquitto through a
 * saved profile, and our embedded broker (broker.start). A plain mqtt.js subscriber counts what
 * arrives; Sparkplug payloads are read with the workbench's own Sparkplug decoder.
 */
const mosquitto = useMosquitto();
const harness = useCoreHarness();

interface Received {
  topic: string;
  payload: Buffer;
}

const observers: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(observers.splice(0).map((client) => client.endAsync()));
  for (const run of (await harness.call('scenarios.list', {})).runs) if (run.state === 'running' || run.state === 'starting') await harness.call('scenarios.stop', { runId: run.runId });
});

async function observe(port: number, filter: string): Promise<{ client: MqttClient; received: Received[] }> {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `observer-${Math.random().toString(16).slice(2)}`, protocolVersion: 5 });
  observers.push(client);
  const received: Received[] = [];
  client.on('message', (topic, payload) => received.push({ topic, payload }));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, received };
}

const FLEET = (name: string) => `
name: ${name}
devices: 3
clientId: "${name}-{{device}}"
variables: { site: lab }
publish:
  - topic: "${name}/{{site}}/sensor/{{device}}/temp"
    payload: '{"sensor":{{device}},"n":{{seq}},"t":{{randomFloat 20 25 2}}}'
    intervalMs: 40
    jitterMs: 10
    qos: 1
respond:
  - filter: "${name}/{{site}}/sensor/{{device}}/cmd"
    topic: "${name}/{{site}}/sensor/{{device}}/ack"
    payload: '{"ack":"{{request.payload}}"}'
    qos: 1
`;

async function fleetArrives(port: number, target: { kind: 'profile'; profileId: string } | { kind: 'broker' }, name: string): Promise<void> {
  const { client, received } = await observe(port, `${name}/#`);
  const started = await harness.call('scenarios.start', { scenario: { text: FLEET(name) }, target });
  expect(started).toMatchObject({ name, state: 'running', devices: 3, devicesConnected: 3, connection: 'per-device', plannedPerSecond: 75 });
  await waitFor(() => received.length >= 60, '60 messages of the fleet', 10_000);
  // A command to device 2 is answered on its ack topic.
  await client.publishAsync(`${name}/lab/sensor/2/cmd`, 'reboot', { qos: 1 });
  await waitFor(() => received.find((m) => m.topic === `${name}/lab/sensor/2/ack`), 'the ack of device 2');
  const stopped = await harness.call('scenarios.stop', { runId: started.runId });
  expect(stopped).toMatchObject({ state: 'stopped', devicesConnected: 0, commandsReceived: 1, repliesSent: 1, errors: 0 });
  // QoS 1 and the DISCONNECT after the last PUBACK: everything counted as sent has arrived.
  const temps = await waitFor(() => {
    const only = received.filter((m) => m.topic.endsWith('/temp'));
    return only.length === stopped.messagesSent && only;
  }, 'every message counted as sent');
  expect(new Set(temps.map((m) => m.topic))).toEqual(new Set([1, 2, 3].map((d) => `${name}/lab/sensor/${d}/temp`)));
  for (const device of [1, 2, 3]) {
    const mine = temps.filter((m) => m.topic === `${name}/lab/sensor/${device}/temp`).map((m) => JSON.parse(m.payload.toString()) as { sensor: number; n: number; t: number });
    // Each device's own sequence, in order, from 0 (no message lost or duplicated).
    expect(mine.map((p) => p.n)).toEqual(mine.map((_, i) => i));
    expect(mine.every((p) => p.sensor === device && p.t >= 20 && p.t <= 25)).toBe(true);
  }
  expect(JSON.parse(received.find((m) => m.topic.endsWith('/ack'))!.payload.toString())).toEqual({ ack: 'reboot' });
}

type Decoded = { seq?: bigint; metrics: { name: string; value: unknown }[] };
const sparkplug = (m: Received) => decodeSparkplugB(new Uint8Array(m.payload)) as Decoded;

async function edgeNodeLivesAndDies(port: number, target: { kind: 'profile'; profileId: string } | { kind: 'broker' }): Promise<void> {
  const { client, received } = await observe(port, 'spBv1.0/Plant1/#');
  const started = await harness.call('scenarios.start', { scenario: { builtIn: 'sparkplug-edge-node' }, target });
  expect(started).toMatchObject({ state: 'running', devicesConnected: 2 });
  const node = (id: string) => received.filter((m) => m.topic.split('/')[3] === id);
  await waitFor(() => node('edge-1').filter((m) => m.topic.includes('/DDATA/')).length >= 4, 'DDATA of edge-1', 10_000);
  const births = node('edge-1').slice(0, 3);
  expect(births.map((m) => m.topic)).toEqual(['spBv1.0/Plant1/NBIRTH/edge-1', 'spBv1.0/Plant1/DBIRTH/edge-1/filler', 'spBv1.0/Plant1/DBIRTH/edge-1/capper']);
  const nbirth = sparkplug(births[0]!);
  expect(nbirth.seq).toBe(0n);
  expect(nbirth.metrics.slice(0, 2)).toEqual([expect.objectContaining({ name: 'bdSeq', value: 0n }), expect.objectContaining({ name: 'Node Control/Rebirth', value: false })]);
  expect(sparkplug(births[1]!).metrics.map((m) => m.name)).toEqual(['Temperature', 'Pressure', 'Running', 'Count', 'Mode']);
  // The node's messages carry seq 0, 1, 2, ... in the order they arrive.
  const seqs = node('edge-1').map((m) => Number(sparkplug(m).seq));
  expect(seqs).toEqual(seqs.map((_, i) => i % 256));

  // Rebirth on NCMD Node Control/Rebirth: NBIRTH with seq 0 again, then the DBIRTHs.
  const before = node('edge-2').length;
  await client.publishAsync('spBv1.0/Plant1/NCMD/edge-2', Buffer.from(encodeSparkplugPayload({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] })));
  const reborn = await waitFor(() => {
    const after = node('edge-2').slice(before);
    const at = after.findIndex((m) => m.topic === 'spBv1.0/Plant1/NBIRTH/edge-2');
    return at >= 0 && after.length >= at + 3 && after.slice(at, at + 3);
  }, 'the rebirth of edge-2');
  expect(reborn.map((m) => Number(sparkplug(m).seq))).toEqual([0, 1, 2]);

  const stopped = await harness.call('scenarios.stop', { runId: started.runId });
  expect(stopped).toMatchObject({ state: 'stopped', commandsReceived: 1, errors: 0 });
  const deaths = await waitFor(() => {
    const last = node('edge-1').slice(-3);
    return last.at(-1)?.topic === 'spBv1.0/Plant1/NDEATH/edge-1' && last;
  }, 'the deaths of edge-1');
  expect(deaths.map((m) => m.topic)).toEqual(['spBv1.0/Plant1/DDEATH/edge-1/filler', 'spBv1.0/Plant1/DDEATH/edge-1/capper', 'spBv1.0/Plant1/NDEATH/edge-1']);
  expect(sparkplug(deaths[2]!).metrics).toEqual([expect.objectContaining({ name: 'bdSeq', value: 0n })]);
  expect(sparkplug(deaths[2]!).seq).toBeUndefined();
}

describe('scenarios against mosquitto (through a saved profile)', () => {
  let profileId = '';
  const target = () => ({ kind: 'profile' as const, profileId });

  it('a fleet\'s messages arrive: counts, topics, per-device sequences; a command is answered', async () => {
    profileId = (await harness.call('profiles.save', { name: 'Mosquitto', options: { protocol: 'mqtt', host: '127.0.0.1', port: mosquitto.port, protocolVersion: 5 } })).id;
    await fleetArrives(mosquitto.port, target(), 'mq');
  });

  it('a Sparkplug B edge node: births with bdSeq and seq, data, rebirth on NCMD, deaths on stop', async () => {
    await edgeNodeLivesAndDies(mosquitto.port, target());
  });

  it('an edge node cut off from the broker is declared dead by its Will (NDEATH with its bdSeq)', async () => {
    const proxy = await startTcpProxy(mosquitto.port);
    const cut = (await harness.call('profiles.save', { name: 'Through a proxy', options: { protocol: 'mqtt', host: '127.0.0.1', port: proxy.port, protocolVersion: 5, keepaliveSeconds: 5 } })).id;
    const { received } = await observe(mosquitto.port, 'spBv1.0/Plant1/NDEATH/#');
    const started = await harness.call('scenarios.start', { scenario: { builtIn: 'sparkplug-edge-node' }, target: { kind: 'profile', profileId: cut }, devices: 1 });
    expect(started.devicesConnected).toBe(1);
    proxy.cut();
    const [will] = await waitFor(() => received.length === 1 && received, 'the NDEATH Will', 15_000);
    expect(will!.topic).toBe('spBv1.0/Plant1/NDEATH/edge-1');
    expect(sparkplug(will!).metrics).toEqual([expect.objectContaining({ name: 'bdSeq', value: 0n })]);
    // Its only device gone, the run has ended, saying why.
    const after = await waitFor(async () => {
      const run = (await harness.call('scenarios.list', {})).runs.find((r) => r.runId === started.runId);
      return run && run.state === 'failed' && run;
    }, 'the run ended');
    expect(after).toMatchObject({ devicesConnected: 0, errors: 1, lastError: expect.stringMatching(/^sparkplug-edge-node-edge-1 lost its connection: /) });
    await proxy.close();
  });

  it('refuses a scenario above the hard limits, and an invalid one, with the field named', async () => {
    const tooBig = await harness.attempt('scenarios.start', { scenario: { text: 'name: big\ndevices: 20000\npublish: [{ topic: a, payload: x }]\n' }, target: target() });
    expect(tooBig.ok ? '' : tooBig.error.message).toMatch(/devices: devices is at most 10,000/);
    const tooFast = await harness.attempt('scenarios.start', { scenario: { text: 'name: fast\ndevices: 1000\npublish: [{ topic: a, payload: x, intervalMs: 10 }]\n' }, target: target() });
    expect(tooFast.ok ? '' : tooFast.error.message).toMatch(/devices: 100,000 messages\/s in all is above the hard limit of 50,000/);
    const overridden = await harness.attempt('scenarios.start', { scenario: { builtIn: 'sensor-fleet' }, target: target(), ratePerSecond: 50_001 });
    expect(overridden.ok ? '' : overridden.error.code).toBe('INVALID_REQUEST');
    expect((await harness.call('scenarios.list', {})).runs.filter((run) => run.state === 'running')).toEqual([]);
    const validated = await harness.call('scenarios.validate', { text: 'name: v\ndevices: 2\npublish: [{ topic: "a/{{nope}}", payload: x }]\n' });
    expect(validated.problems).toEqual([{ path: 'publish[0].topic', message: 'Unknown variable: nope (column 5)' }]);
  });
});

describe('scenarios against our embedded broker', () => {
  let port = 0;

  it('a fleet\'s messages arrive: counts, topics, per-device sequences; a command is answered', async () => {
    port = await freePort();
    await harness.call('broker.start', { port });
    await fleetArrives(port, { kind: 'broker' }, 'ours');
  });

  it('a Sparkplug B edge node: births with bdSeq and seq, data, rebirth on NCMD, deaths on stop', async () => {
    await edgeNodeLivesAndDies(port, { kind: 'broker' });
  });

  it('shared connection: many devices on one client; the counters event reports them', async () => {
    const { received } = await observe(port, 'shared/#');
    const events: ScenarioCounters[] = [];
    const stopListening = harness.core.events.subscribe((channel, payload) => {
      if (channel === 'scenarios.counters') events.push(...(payload as { runs: ScenarioCounters[] }).runs);
    });
    const before = (await harness.call('broker.status', {})).stats!.connections;
    const started = await harness.call('scenarios.start', { scenario: { text: 'name: shared\ndevices: 200\nconnection: shared\npublish: [{ topic: "shared/{{device}}", payload: "{{seq}}", intervalMs: 1000, qos: 1 }]\n' }, target: { kind: 'broker' } });
    expect(started).toMatchObject({ connection: 'shared', devicesConnected: 200 });
    await waitFor(() => new Set(received.map((m) => m.topic)).size === 200, 'a message from each of 200 devices', 10_000);
    expect((await harness.call('broker.status', {})).stats!.connections).toBe(before + 1);
    await waitFor(() => events.some((e) => e.runId === started.runId && e.messagesSent >= 200), 'a counters event');
    await harness.call('scenarios.stop', { runId: started.runId });
    await waitFor(() => events.some((e) => e.runId === started.runId && e.state === 'stopped'), 'the stopped event');
    stopListening();
  });

  it('refuses the embedded broker when it is not running', async () => {
    await harness.call('broker.stop', {});
    const refused = await harness.attempt('scenarios.start', { scenario: { builtIn: 'sensor-fleet' }, target: { kind: 'broker' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/embedded broker is not running/);
  });
});
