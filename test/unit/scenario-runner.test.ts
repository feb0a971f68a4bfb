import { describe, expect, it } from 'vitest';
import { parseScenario, prepareScenarioRun } from '../../main/core/automation/scenarios';
import type { ScenarioDefinition } from '../../main/core/automation/scenarios/definition';
import { encodeSparkplugPayload } from '../../main/core/automation/scenarios/sparkplug-encoder';
import type { DeviceLink, DeviceWill, IncomingCommand, ScenarioTransport } from '../../main/core/automation/scenarios/transport';
import { decodeSparkplugB } from '../../shared/codecs/sparkplug-b';
import { createTestClock } from '../support/test-clock';

/**
 * One scenario run on a test clock: what each device publishes, on which topic, how often, its
 * replies, and the Sparkplug B sequence numbers. The transport records in memory what the
 * devices hand it (the integration tests run the same runner against mosquitto and our broker).
 */

interface Sent {
  clientId: string;
  topic: string;
  payload: Uint8Array | string;
  qos: number;
  at: number;
  correlationData?: Uint8Array;
}

function recordingTransport(now: () => number) {
  const sent: Sent[] = [];
  const wills = new Map<string, DeviceWill | undefined>();
  const links = new Map<string, { deliver(command: IncomingCommand): void; subscriptions: string[]; closed: boolean }>();
  const transport: ScenarioTransport = {
    target: 'mqtt://memory:1883',
    async connect(clientId, will) {
      if (clientId === 'refused-1') throw new Error('Not authorized');
      wills.set(clientId, will);
      const listeners: ((command: IncomingCommand) => void)[] = [];
      const state = { deliver: (command: IncomingCommand) => listeners.forEach((l) => l(command)), subscriptions: [] as string[], closed: false };
      links.set(clientId, state);
      const link: DeviceLink = {
        async publish(topic, payload, { qos, correlationData }) {
          sent.push({ clientId, topic, payload, qos, at: now(), ...(correlationData ? { correlationData } : {}) });
        },
        async subscribe(filters) {
          state.subscriptions.push(...filters);
        },
        onMessage: (listener) => listeners.push(listener),
        onLost: () => {},
        backlog: 0,
        async close() {
          state.closed = true;
        },
      };
      return link;
    },
  };
  return { transport, sent, wills, links };
}

const scenarioOf = (text: string): ScenarioDefinition => {
  const parsed = parseScenario(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.scenario;
};

async function started(text: string, durationMs?: number) {
  const clock = createTestClock(0);
  const recorder = recordingTransport(clock.now);
  const prepared = await prepareScenarioRun({ runId: 'r1', scenario: scenarioOf(text), transport: recorder.transport, clock, wallNow: () => 1_700_000_000_000 + clock.now(), random: () => 0.5, ...(durationMs ? { durationMs } : {}) });
  if (!prepared.ok) throw new Error(JSON.stringify(prepared.problems));
  await prepared.run.start();
  return { clock, run: prepared.run, ...recorder };
}

const text = (payload: Uint8Array | string) => (typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
const sparkplug = (payload: Uint8Array | string) => decodeSparkplugB(payload as Uint8Array) as { seq?: bigint; metrics: { name: string; value: unknown; datatype: string }[] };

describe('scenario runner', () => {
  it('expands client ids, topics and payloads per device and publishes at the stated rate', async () => {
    const { clock, run, sent, links } = await started(`
name: fleet
devices: 4
clientId: "sensor-{{device}}"
variables: { site: berlin }
publish:
  - topic: "site/{{site}}/sensor/{{device}}/temp"
    payload: '{"n":{{seq}},"t":{{randomFloat 20 22 1}},"ts":{{now}}}'
    intervalMs: 500
    qos: 1
`);
    expect([...links.keys()]).toEqual(['sensor-1', 'sensor-2', 'sensor-3', 'sensor-4']);
    expect(run.counters()).toMatchObject({ state: 'running', devicesConnected: 4, plannedPerSecond: 8 });
    clock.advance(9_999);
    expect(sent.length).toBe(80); // 4 devices x 2/s x 10 s
    const second = sent.filter((m) => m.clientId === 'sensor-2');
    expect(second.map((m) => m.topic)).toEqual(Array(20).fill('site/berlin/sensor/2/temp'));
    expect(second.slice(0, 2).map((m) => JSON.parse(text(m.payload)))).toEqual([
      { n: 0, t: 21, ts: 1_700_000_000_125 },
      { n: 1, t: 21, ts: 1_700_000_000_625 },
    ]);
    expect(second.every((m) => m.qos === 1)).toBe(true);
    // Counted when each publish completes (a promise): let them settle.
    await new Promise((resolve) => setImmediate(resolve));
    expect(run.counters().messagesSent).toBe(80);
    expect(run.counters().messagesPerSecond).toBeCloseTo(8, 0);
    await run.stop();
    expect([...links.values()].every((l) => l.closed)).toBe(true);
    expect(run.counters()).toMatchObject({ state: 'stopped', devicesConnected: 0, messagesPerSecond: 0 });
    clock.advance(10_000);
    expect(sent.length).toBe(80);
  });

  it('answers a command on its filter with the reply template, and stops by itself after its duration', async () => {
    const { clock, run, sent, links } = await started(
      `
name: cmd
devices: 2
clientId: "d{{device}}"
publish: [{ topic: "d/{{device}}/up", payload: "x", intervalMs: 1000 }]
respond:
  - filter: "d/{{device}}/cmd/+"
    topic: "d/{{device}}/ack"
    payload: '{"for":"{{request.topic}}","got":{{request.payload}}}'
`,
      3000,
    );
    expect(links.get('d2')!.subscriptions).toEqual(['d/2/cmd/+']);
    links.get('d2')!.deliver({ topic: 'd/2/cmd/reboot', payload: new TextEncoder().encode('{"now":true}') });
    await Promise.resolve();
    const ack = sent.find((m) => m.topic === 'd/2/ack');
    expect(JSON.parse(text(ack!.payload))).toEqual({ for: 'd/2/cmd/reboot', got: { now: true } });
    expect(run.counters()).toMatchObject({ commandsReceived: 1, repliesSent: 1 });
    clock.advance(3000);
    const last = await run.ended;
    expect(last.state).toBe('stopped');
    expect(sent.filter((m) => m.topic.endsWith('/up')).length).toBe(6);
  });

  it('reads the clock once per payload (now and now.iso agree) and keeps an escaped \\{{ literal', async () => {
    const { clock, run, sent } = await started(`
name: t
devices: 1
clientId: "t-{{device}}"
variables: { site: oslo }
publish:
  - topic: "{{site}}/{{clientId}}"
    payload: '{{now}} {{now.iso}} {{site}}-{{device}}'
  - topic: "raw"
    payload: '\\{{site}} {{seq}}'
`);
    clock.advance(1500);
    expect(sent.map((m) => [m.topic, text(m.payload)])).toEqual([
      ['oslo/t-1', '1700000000000 2023-11-14T22:13:20.000Z oslo-1'],
      ['raw', '{{site}} 0'],
      ['oslo/t-1', '1700000001000 2023-11-14T22:13:21.000Z oslo-1'],
      ['raw', '{{site}} 1'],
    ]);
    await run.stop();
  });

  it('answers on the request\'s MQTT 5 Response Topic with its Correlation Data when the responder names no topic', async () => {
    const { run, sent, links } = await started('name: rr\ndevices: 1\nclientId: rr\npublish: [{ topic: up, payload: x, intervalMs: 60000 }]\nrespond: [{ filter: "rr/get", payload: \'{"temp":21}\', qos: 1 }]\n');
    const correlation = new TextEncoder().encode('req-7');
    links.get('rr')!.deliver({ topic: 'rr/get', payload: new Uint8Array(), responseTopic: 'client/replies', correlationData: correlation });
    links.get('rr')!.deliver({ topic: 'rr/get', payload: new Uint8Array() });
    await new Promise((resolve) => setImmediate(resolve));
    const replies = sent.filter((m) => m.topic === 'client/replies');
    expect(replies.map((m) => [text(m.payload), m.qos, text(m.correlationData!)])).toEqual([['{"temp":21}', 1, 'req-7']]);
    expect(run.counters()).toMatchObject({ commandsReceived: 2, repliesSent: 1, errors: 1, lastError: 'A command on rr/get has no Response Topic and the responder names no topic' });
    await run.stop();
  });

  it('makes payloads with the script\'s tick() in the sandbox', async () => {
    const { clock, run, sent } = await started(`
name: scripted
devices: 2
publish: [{ topic: "v/{{device}}", intervalMs: 1000 }]
script: |
  var odometer = {};
  function tick(input) {
    odometer[input.device] = (odometer[input.device] || 0) + 10;
    return { vehicle: input.device, km: odometer[input.device], seq: input.seq };
  }
`);
    clock.advance(2999);
    expect(sent.filter((m) => m.topic === 'v/2').map((m) => JSON.parse(text(m.payload)))).toEqual([
      { vehicle: 2, km: 10, seq: 0 },
      { vehicle: 2, km: 20, seq: 1 },
      { vehicle: 2, km: 30, seq: 2 },
    ]);
    await run.stop();
  });

  it('runs 10,000 devices (the hard limit) on one shared connection at their stated rate, and stops while still starting', async () => {
    const { clock, run, sent, links } = await started('name: big\ndevices: 10000\nconnection: shared\nclientId: "big-{{device}}"\npublish: [{ topic: "big/{{device}}", payload: "{{seq}}", intervalMs: 5000, jitterMs: 1000 }]\n');
    expect([...links.keys()]).toEqual(['big-shared']);
    expect(run.counters()).toMatchObject({ connection: 'shared', devicesConnected: 10_000, plannedPerSecond: 2000 });
    clock.advance(20_000);
    // 2,000 msg/s for 20 s, give or take the slots jitter moves across either end.
    expect(sent.length).toBeGreaterThan(39_000);
    expect(sent.length).toBeLessThanOrEqual(41_000);
    expect(new Set(sent.map((m) => m.topic)).size).toBe(10_000);
    await run.stop();
    expect(links.get('big-shared')!.closed).toBe(true);

    // Stop during the connects: the devices not yet connected never are, the others disconnect.
    const clock2 = createTestClock(0);
    const slow = recordingTransport(clock2.now);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const connect = slow.transport.connect.bind(slow.transport);
    slow.transport.connect = async (clientId, will) => {
      if (clientId !== 'p-1') await gate;
      return connect(clientId, will);
    };
    const prepared = await prepareScenarioRun({ runId: 'r3', scenario: scenarioOf('name: p\ndevices: 500\nclientId: "p-{{device}}"\npublish: [{ topic: a, payload: x }]\n'), transport: slow.transport, clock: clock2 });
    if (!prepared.ok) throw new Error('invalid');
    const starting = prepared.run.start();
    await new Promise((resolve) => setImmediate(resolve));
    expect(prepared.run.counters()).toMatchObject({ state: 'starting', devicesConnected: 1 });
    const stopping = prepared.run.stop();
    release();
    await Promise.all([starting, stopping]);
    expect(prepared.run.counters()).toMatchObject({ state: 'stopped', devicesConnected: 0 });
    // Only the first 100 (those already connecting) opened, and each was closed again.
    expect(slow.links.size).toBeLessThanOrEqual(101);
    expect([...slow.links.values()].every((l) => l.closed)).toBe(true);
  });

  it('ends the run, reported once, when the sandbox stops a script that keeps breaking its time limit', async () => {
    const { clock, run, sent } = await started('name: loop\ndevices: 2\npublish: [{ topic: "l/{{device}}", intervalMs: 100 }]\nscript: |\n  function tick(input) {\n    if (input.seq > 0) for (;;) {}\n    return { ok: true };\n  }\n');
    // seq 0 answers; then every call runs into the 50 ms limit, and after 3 in a row the script is stopped.
    for (let i = 0; i < 10 && run.counters().state === 'running'; i++) clock.advance(100);
    const last = await run.ended;
    expect(last.state).toBe('failed');
    expect(last.lastError).toMatch(/^tick\(\): Stopped after 3 failures in a row: The script ran longer than 50 ms/);
    expect(last.errors).toBe(3);
    expect(sent.map((m) => text(m.payload))).toEqual(['{"ok":true}', '{"ok":true}']);
    expect(last.devicesConnected).toBe(0);
  });

  it('fails at once when the first device cannot connect, and refuses a script that does not compile', async () => {
    const { run } = await started('name: refused\ndevices: 3\nclientId: "refused-{{device}}"\npublish: [{ topic: a, payload: x }]\n');
    expect(run.counters()).toMatchObject({ state: 'failed', devicesConnected: 0, errors: 1, lastError: 'Could not connect to mqtt://memory:1883: Not authorized' });
    // The same as an error with its values, for the page to say it in the user's language (issue 20).
    expect(run.counters().lastFailure).toEqual({
      code: 'HOST_UNREACHABLE',
      message: 'Could not connect to mqtt://memory:1883: Not authorized',
      params: { reason: 'cannotConnect', url: 'mqtt://memory:1883', detail: 'Not authorized' },
    });
    const clock = createTestClock(0);
    const bad = await prepareScenarioRun({ runId: 'r2', scenario: scenarioOf('name: s\ndevices: 1\npublish: [{ topic: a }]\nscript: "function tick( {"\n'), transport: recordingTransport(clock.now).transport, clock });
    expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(['script']);
    expect(bad.ok ? '' : bad.problems[0]!.message).toMatch(/SyntaxError.*\(line 1/);
  });
});

describe('scenario runner: Sparkplug B edge node', () => {
  const EDGE = `
name: sp
devices: 2
clientId: "edge-client-{{device}}"
sparkplug:
  groupId: G1
  edgeNode: "node-{{device}}"
  devices: [pump, valve]
  nodeMetrics: [{ name: CPU, type: Float, value: "12.5" }]
  deviceMetrics: [{ name: Temp, type: Double, value: "{{randomFloat 60 70 1}}" }, { name: On, type: Boolean, value: "true" }]
  intervalMs: 1000
`;

  it('is born with bdSeq 0 and seq 0, counts seq up through DBIRTH, NDATA and DDATA, wrapping at 255', async () => {
    const { clock, run, sent, wills } = await started(EDGE);
    // The Will is the NDEATH with the same bdSeq, QoS 1, not retained [tck-id-topics-ndeath-payload] [tck-id-payloads-ndeath-will-message-qos].
    const will = wills.get('edge-client-1')!;
    expect(will).toMatchObject({ topic: 'spBv1.0/G1/NDEATH/node-1', qos: 1, retain: false });
    expect(sparkplug(will.payload).metrics).toEqual([expect.objectContaining({ name: 'bdSeq', datatype: 'UInt64', value: 0n })]);
    expect(sparkplug(will.payload).seq).toBeUndefined();
    const node1 = () => sent.filter((m) => m.clientId === 'edge-client-1');
    expect(node1().map((m) => m.topic)).toEqual(['spBv1.0/G1/NBIRTH/node-1', 'spBv1.0/G1/DBIRTH/node-1/pump', 'spBv1.0/G1/DBIRTH/node-1/valve']);
    const nbirth = sparkplug(node1()[0]!.payload);
    expect(nbirth.seq).toBe(0n);
    expect(nbirth.metrics.map((m) => [m.name, m.datatype, m.value])).toEqual([
      ['bdSeq', 'UInt64', 0n],
      ['Node Control/Rebirth', 'Boolean', false],
      ['CPU', 'Float', 12.5],
    ]);
    expect(sparkplug(node1()[2]!.payload).metrics.map((m) => m.name)).toEqual(['Temp', 'On']);
    clock.advance(1000 * 90);
    // 3 births, then each tick NDATA + 2 DDATA: seq runs 0, 1, 2, ... mod 256.
    const seqs = node1().map((m) => Number(sparkplug(m.payload).seq));
    expect(seqs.length).toBeGreaterThan(256);
    expect(seqs).toEqual(seqs.map((_, i) => i % 256));
    expect(node1()[3]!.topic).toBe('spBv1.0/G1/NDATA/node-1');
    expect(node1()[4]!.topic).toBe('spBv1.0/G1/DDATA/node-1/pump');
    await run.stop();
  });

  it('rebirths on an NCMD Node Control/Rebirth (seq from 0, same bdSeq) and dies with DDEATH then NDEATH on stop', async () => {
    const { clock, run, sent, links } = await started(EDGE);
    const link = links.get('edge-client-2')!;
    expect(link.subscriptions).toEqual(['spBv1.0/G1/NCMD/node-2', 'spBv1.0/G1/DCMD/node-2/+']);
    clock.advance(2500);
    const before = sent.length;
    link.deliver({ topic: 'spBv1.0/G1/NCMD/node-2', payload: encodeSparkplugPayload({ timestamp: 1, metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }) });
    const reborn = sent.slice(before);
    expect(reborn.map((m) => m.topic)).toEqual(['spBv1.0/G1/NBIRTH/node-2', 'spBv1.0/G1/DBIRTH/node-2/pump', 'spBv1.0/G1/DBIRTH/node-2/valve']);
    expect(reborn.map((m) => Number(sparkplug(m.payload).seq))).toEqual([0, 1, 2]);
    expect(sparkplug(reborn[0]!.payload).metrics[0]).toMatchObject({ name: 'bdSeq', value: 0n });
    expect(run.counters().commandsReceived).toBe(1);
    clock.advance(1000);
    expect(Number(sparkplug(sent.filter((m) => m.clientId === 'edge-client-2').at(-1)!.payload).seq)).toBe(5);
    const beforeStop = sent.length;
    await run.stop();
    const deaths = sent.slice(beforeStop).filter((m) => m.clientId === 'edge-client-2');
    expect(deaths.map((m) => m.topic)).toEqual(['spBv1.0/G1/DDEATH/node-2/pump', 'spBv1.0/G1/DDEATH/node-2/valve', 'spBv1.0/G1/NDEATH/node-2']);
    expect(deaths.map((m) => sparkplug(m.payload).seq)).toEqual([6n, 7n, undefined]);
    expect(sparkplug(deaths[2]!.payload).metrics[0]).toMatchObject({ name: 'bdSeq', value: 0n });
    expect(deaths[2]!.qos).toBe(1);
    expect(link.closed).toBe(true);
  });
});
