import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHarness, type CoreHarness } from '../support/core-harness';
import { useMosquitto } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { type TestBroker, startTestBroker } from '../support/raw-mqtt-client';

// The broker check and scripted checks as the app runs them (checks.*): the same code as the
// command line's `check broker` and `test`, with saved profiles and their stored secrets.
const USER = 'checker';
const PASSWORD = 'ch3ck-s3cret-5521';
const secured = useMosquitto({ auth: { username: USER, password: PASSWORD } });
let ours: TestBroker;
const dirs: string[] = [];
const harnesses: CoreHarness[] = [];

beforeAll(async () => {
  ours = await startTestBroker({ maxPacketSize: 5000, retainAvailable: false });
});
afterAll(async () => {
  await ours.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

function openCore(): CoreHarness {
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-checks-'));
  dirs.push(dataDir);
  const harness = createCoreHarness({ dataDir });
  harnesses.push(harness);
  return harness;
}

const securedOptions = () => ({ protocol: 'mqtt', host: '127.0.0.1', port: secured.port, username: USER, password: PASSWORD, protocolVersion: 5 });

describe('checks.brokerCheck', () => {
  it('reports our broker’s configured limits (max packet size 5000, retain off) from CONNACK and by trying', async () => {
    const wb = openCore();
    const report = await wb.call('checks.brokerCheck', { target: { options: { protocol: 'mqtt', host: '127.0.0.1', port: ours.port, protocolVersion: 5 } }, maxPacketProbe: 65536, waitMs: 2000 });
    expect(report.versions['5.0'].supported).toBe(true);
    expect(report.connack!.maximumPacketSize).toEqual({ value: 5000, from: 'connack' });
    expect(report.connack!.retainAvailable).toEqual({ value: false, from: 'connack' });
    expect(report.probes.retained!.ok).toBe(false);
    expect(report.probes.maximumPacketSize).toMatchObject({ largestAccepted: 5000, smallestRefused: 5001 });
  });

  it('checks a saved profile with its stored password, which the request never carries', async () => {
    const wb = openCore();
    const saved = await wb.call('profiles.save', { name: 'Secured plant', options: securedOptions() });
    const report = await wb.call('checks.brokerCheck', { target: { profileId: saved.id }, maxPacketProbe: 0, waitMs: 2000 });
    expect(report.versions['5.0'].supported).toBe(true);
    expect(report.probes.qos2).toMatchObject({ ok: true, deliveredQos: 2 });
    expect(report.probes.maximumPacketSize).toBeUndefined();
  });

  it('an unreachable broker is a clear HOST_UNREACHABLE failure, not a report', async () => {
    const wb = openCore();
    const port = await freePort();
    const result = await wb.attempt('checks.brokerCheck', { target: { options: { protocol: 'mqtt', host: '127.0.0.1', port, protocolVersion: 5 } }, maxPacketProbe: 0 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('HOST_UNREACHABLE');
      expect(result.error.message).toMatch(/Could not connect/);
      expect(result.error.params).toEqual({ reason: 'nothingListens', url: `mqtt://127.0.0.1:${port}`, detail: 'ECONNREFUSED' });
    }
  });

  it('a packet probe under 1024 bytes is refused by the contract', async () => {
    const wb = openCore();
    const result = await wb.attempt('checks.brokerCheck', { target: { profileId: 'x' }, maxPacketProbe: 100 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_REQUEST');
  });
});

describe('checks.runFile', () => {
  const passing = (profile: string) => `
name: Thermostat answers
steps:
  - connect: { profile: "${profile}" }
  - subscribe: { topic: 'therm/+/ack', qos: 1 }
  - publish: { topic: therm/1/ack, payload: { setpoint: 21 }, qos: 1 }
  - expect: { topic: therm/1/ack, json: { setpoint: 21 }, within: 3000 }
  - expectNone: { topic: therm/1/error, within: 200 }
`;

  it('runs a YAML check against a saved profile (by name, with its secrets) and returns JUnit and TAP too', async () => {
    const wb = openCore();
    await wb.call('profiles.save', { name: 'Secured plant', options: securedOptions() });
    const out = await wb.call('checks.runFile', { text: passing('secured plant'), fileName: 'thermostat.yaml' });
    expect(out.result.passed, out.readable).toBe(true);
    expect(out.result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    expect(out.junit).toMatch(/<testsuite name="Thermostat answers" file="thermostat.yaml" tests="5" failures="0"/);
    expect(out.tap).toMatch(/^ok 1 /m);
  });

  it('a failing step fails the check with why, skips the rest, and JUnit carries the failure', async () => {
    const wb = openCore();
    await wb.call('profiles.save', { name: 'Secured plant', options: securedOptions() });
    const failing = passing('Secured plant').replace('json: { setpoint: 21 }, within: 3000', 'json: { setpoint: 22 }, within: 500');
    const out = await wb.call('checks.runFile', { text: failing, fileName: 'thermostat.yaml' });
    expect(out.result.passed).toBe(false);
    expect(out.result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'failed', 'skipped']);
    expect(out.result.steps[3]!.message).toMatch(/setpoint is 21, expected 22/);
    expect(out.junit).toMatch(/<failure message="[^"]*setpoint is 21, expected 22/);
  });

  it('a wrong password in the file fails its connect step; a profile nobody saved says so', async () => {
    const wb = openCore();
    const wrong = `name: Bad login\nsteps:\n  - connect: { host: 127.0.0.1, port: ${secured.port}, username: ${USER}, password: nope }\n`;
    const badLogin = await wb.call('checks.runFile', { text: wrong, fileName: 'login.yaml' });
    expect(badLogin.result.steps[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/Could not connect/) });
    const missing = await wb.call('checks.runFile', { text: 'name: Missing\nsteps:\n  - connect: { profile: "Nobody saved me" }\n', fileName: 'missing.yaml' });
    expect(missing.result.steps[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/No saved profile is named "Nobody saved me"/) });
  });

  it('a broken file is refused with where it is wrong, and nothing runs', async () => {
    const wb = openCore();
    const notYaml = await wb.attempt('checks.runFile', { text: 'name: [unclosed', fileName: 'broken.yaml' });
    expect(notYaml.ok).toBe(false);
    if (!notYaml.ok) expect(notYaml.error).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringMatching(/broken\.yaml could not be read/) });
    const wrongShape = await wb.attempt('checks.runFile', { text: 'name: x\nsteps:\n  - publish: { qos: 1 }\n', fileName: 'shape.yaml' });
    expect(wrongShape.ok).toBe(false);
    if (!wrongShape.ok) expect(wrongShape.error.message).toMatch(/shape\.yaml is not a check file: steps\.0/);
  });
});
