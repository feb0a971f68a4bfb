import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeSparkplugB } from '../../shared/codecs/sparkplug-b';
import type { ScenarioCounters } from '../../shared/contract';
import { useBuiltBroker } from '../support/built-broker';
import { runCli, startCli } from '../support/cli-process';
import { useMosquitto } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/wait-for';

/** `mqtt-workbench simulate` (issue 17): the built CLI against mosquitto and our headless broker. */
const mosquitto = useMosquitto();
const ours = useBuiltBroker();
const scratch = mkdtempSync(join(tmpdir(), 'cli-simulate-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const observers: MqttClient[] = [];
afterEach(async () => {
  await Promise.all(observers.splice(0).map((client) => client.endAsync()));
});

async function observe(port: number, filter: string) {
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `observer-${Math.random().toString(16).slice(2)}` });
  observers.push(client);
  const received: { topic: string; payload: Buffer }[] = [];
  client.on('message', (topic, payload) => received.push({ topic, payload }));
  await client.subscribeAsync(filter, { qos: 1 });
  return received;
}

describe('mqtt-workbench simulate', () => {
  it('--json prints counters per line and exits 0 after --duration; every message counted arrives at mosquitto', async () => {
    const file = join(scratch, 'meters.yaml');
    writeFileSync(file, 'name: meters\ndevices: 2\nclientId: "meter-{{device}}"\npublish:\n  - topic: "meters/{{device}}"\n    payload: "{{seq}}"\n    intervalMs: 1000\n    qos: 1\n');
    const received = await observe(mosquitto.port, 'meters/#');
    const result = await runCli(['simulate', file, '-p', String(mosquitto.port), '--devices', '4', '--rate', '40', '--duration', '1500ms', '--interval', '200', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^Simulating meters: 4 devices \(one connection each\) to mqtt:\/\/127\.0\.0\.1:\d+ for 1\.5 s$/m);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as ScenarioCounters & { elapsedMs: number });
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ name: 'meters', state: 'stopped', devices: 4, devicesConnected: 0, plannedPerSecond: 40, errors: 0 });
    // 40 msg/s for 1.5 s: 60 slots, give or take the edges (each device starts publishing as it connects, the duration once all have).
    expect(last.messagesSent).toBeGreaterThanOrEqual(50);
    expect(last.messagesSent).toBeLessThanOrEqual(80);
    expect(lines.some((line) => line.state === 'running' && line.messagesPerSecond > 20)).toBe(true);
    await waitFor(() => received.length === last.messagesSent, `all ${last.messagesSent} messages at the subscriber (got ${received.length})`);
    expect(new Set(received.map((m) => m.topic))).toEqual(new Set(['meters/1', 'meters/2', 'meters/3', 'meters/4']));
  });

  it('piped, prints plain counter lines; SIGINT stops the built-in Sparkplug edge node cleanly (DDEATH, NDEATH) and exits 0', async () => {
    const received = await observe(ours.port, 'spBv1.0/#');
    const cli = startCli(['simulate', 'sparkplug-edge-node', '-p', String(ours.port), '--devices', '1', '--interval', '200']);
    const running = await cli.waitForLine(/running devices 1\/1 sent [1-9]/);
    expect(running).toMatch(/^\d+\.\d+s running devices 1\/1 sent \d+ rate [\d.]+\/s \(planned 3\/s\)$/);
    await waitFor(() => received.some((m) => m.topic === 'spBv1.0/Plant1/DDATA/edge-1/capper'), 'a DDATA');
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/ stopped devices 0\/1 sent \d+/);
    const topics = received.map((m) => m.topic);
    expect(topics.slice(0, 3)).toEqual(['spBv1.0/Plant1/NBIRTH/edge-1', 'spBv1.0/Plant1/DBIRTH/edge-1/filler', 'spBv1.0/Plant1/DBIRTH/edge-1/capper']);
    expect(topics.slice(-3)).toEqual(['spBv1.0/Plant1/DDEATH/edge-1/filler', 'spBv1.0/Plant1/DDEATH/edge-1/capper', 'spBv1.0/Plant1/NDEATH/edge-1']);
    const seqs = received.slice(0, -1).map((m) => Number((decodeSparkplugB(new Uint8Array(m.payload)) as { seq: bigint }).seq));
    expect(seqs).toEqual(seqs.map((_, i) => i));
  });

  it('the vehicle telemetry script runs in the CLI: GPS position, speed and battery per vehicle', async () => {
    const received = await observe(ours.port, 'fleet/#');
    const result = await runCli(['simulate', 'vehicle-telemetry', '-p', String(ours.port), '--devices', '2', '--rate', '20', '--duration', '1s']);
    expect(result.code, result.stderr).toBe(0);
    await waitFor(() => received.length >= 10, 'telemetry');
    const first = JSON.parse(received.find((m) => m.topic === 'fleet/vehicle-2/telemetry')!.payload.toString()) as Record<string, unknown>;
    expect(first).toMatchObject({ vehicle: 'vehicle-2', seq: 0, position: { lat: expect.any(Number), lon: expect.any(Number) }, speedKmh: expect.any(Number), batteryPercent: expect.any(Number) });
  });

  it('exit 2 for an invalid scenario (field named) or a rate above the limit; exit 3 when nothing listens', async () => {
    const file = join(scratch, 'bad.json');
    writeFileSync(file, JSON.stringify({ name: 'bad', devices: 2, publish: [{ topic: 'a', payload: 'x', qos: 3 }] }));
    const bad = await runCli(['simulate', file, '-p', String(mosquitto.port)]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^publish\[0\]\.qos: /m);
    const tooFast = await runCli(['simulate', 'sensor-fleet', '-p', String(mosquitto.port), '--rate', '60000']);
    expect(tooFast.code).toBe(2);
    expect(tooFast.stderr).toMatch(/^rate: 60,000 messages\/s is above the hard limit of 50,000$/m);
    const nobody = await runCli(['simulate', 'smart-home', '-p', String(await freePort()), '--duration', '1s']);
    expect(nobody.code).toBe(3);
    expect(nobody.stderr).toMatch(/Could not run the scenario: Could not connect to mqtt:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  });
});
