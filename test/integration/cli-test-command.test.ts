import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBuiltBroker } from '../support/built-broker';
import { runCli } from '../support/cli-process';
import { useMosquitto } from '../support/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'cli-test-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mosquitto = useMosquitto();
const ours = useBuiltBroker();
// Anonymous clients may use allowed/# only (mosquitto's ACL format, which our broker reads).
const aclFile = join(dir, 'acl');
writeFileSync(aclFile, 'topic readwrite allowed/#\n');
const guarded = useBuiltBroker(['--acl-file', aclFile]);

/** The file names no port: the command line's -p points it at each broker, as a CI job would. */
const passing = join(dir, 'passing.yaml');
writeFileSync(
  passing,
  `name: Thermostat echo
steps:
  - connect: { host: 127.0.0.1, port: 1, protocolVersion: 5 }
  - subscribe: { topic: 'therm/+/set', qos: 1 }
  - publish:
      topic: therm/7/set
      payload: { setpoint: 21, modes: [heat, eco] }
      qos: 1
      contentType: application/json
      userProperties: { source: ci }
  - expect:
      topic: 'therm/+/set'
      json: { setpoint: 21, '$.modes[1]': eco }
      qos: 1
      contentType: application/json
      userProperties: { source: ci }
      within: 5000
  - publish: { topic: therm/8/set, payload: 'ff00', format: hex }
  - expect: { topic: therm/8/set, within: 5000 }
  - expectNone: { topic: therm/9/set, within: 100 }
`,
);
const failing = join(dir, 'failing.json');
writeFileSync(
  failing,
  JSON.stringify({
    name: 'Switch answers on',
    steps: [
      { connect: { host: '127.0.0.1' } },
      { subscribe: { topic: 'switch/#' } },
      { publish: { topic: 'switch/1', payload: 'off' } },
      { expect: { topic: 'switch/1', payload: 'on', within: 300 } },
      { wait: 10 },
    ],
  }),
);

describe('mqtt-workbench test FILE', () => {
  it('a passing YAML check against mosquitto: every step ok, exit 0', async () => {
    const result = await runCli(['test', passing, '-p', String(mosquitto.port)]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^PASS Thermostat echo/m);
    expect(result.stdout.match(/^ {2}ok {4}/gm)).toHaveLength(7);
    expect(result.stdout).toMatch(/All 1 check\(s\) passed/);
  });

  it('the same check passes against our broker (MQTT 5 properties included)', async () => {
    const result = await runCli(['test', passing, '-p', String(ours.port)]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('a failing JSON check: exit 1, the failure and the skipped step in the list and in JUnit XML', async () => {
    const junit = join(dir, 'results.xml');
    const result = await runCli(['test', passing, failing, '-p', String(mosquitto.port), '--junit', junit]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}FAIL {2}4\. expect switch\/1 within 300 ms/m);
    expect(result.stdout).toMatch(/last one seen: switch\/1: payload "off" is not "on"/);
    expect(result.stdout).toMatch(/^ {2}skip {2}5\. wait 10 ms$/m);
    expect(result.stdout).toMatch(/1 of 2 check\(s\) failed/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="mqtt-workbench test" tests="12" failures="1" skipped="1"/);
    expect(xml).toMatch(/<testsuite name="Thermostat echo" file="[^"]+passing.yaml" tests="7" failures="0"/);
    expect(xml).toMatch(/<testcase classname="Switch answers on" name="4\. expect switch\/1 within 300 ms" time="[\d.]+"><failure message="no matching message on switch\/1 within 300 ms \(last one seen: switch\/1: payload &quot;off&quot; is not &quot;on&quot;\)">/);
    expect(xml).toMatch(/name="5\. wait 10 ms" time="0.000"><skipped/);
  });

  it('--tap prints TAP 13 with the failure as YAML', async () => {
    const result = await runCli(['test', failing, '-p', String(mosquitto.port), '--tap']);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(0, 6)).toEqual([
      'TAP version 13',
      '1..5',
      'ok 1 - Switch answers on > 1. connect 127.0.0.1:(default port)',
      'ok 2 - Switch answers on > 2. subscribe switch/\\# (QoS 0)',
      'ok 3 - Switch answers on > 3. publish switch/1',
      'not ok 4 - Switch answers on > 4. expect switch/1 within 300 ms',
    ]);
    expect(result.stdout).toMatch(/^ok 5 - .* # SKIP an earlier step failed$/m);
  });

  it('subscribe steps check the SUBACK: a granted QoS, and a refusal by its reason code (135, Not authorized)', async () => {
    const acl = join(dir, 'acl.yaml');
    writeFileSync(
      acl,
      `name: ACL holds
steps:
  - connect: {}
  - subscribe: { topic: 'allowed/#', qos: 2, grantedQos: 2 }
  - subscribe: { topic: 'secret/#', reasonCode: 135 }
  - subscribe: { topic: 'secret/x', qos: 1 }
`,
    );
    const result = await runCli(['test', acl, '-p', String(guarded.port)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ {2}ok {4}2\. subscribe allowed\/# \(QoS 2\)/m);
    expect(result.stdout).toMatch(/^ {2}ok {4}3\. subscribe secret\/# \(QoS 0\)/m);
    expect(result.stdout).toMatch(/^ {2}FAIL {2}4\. subscribe secret\/x \(QoS 1\).*\n.*Not authorized/m);
  });

  it('publish steps check the acknowledgement\'s reason code: PUBACK and PUBREC 135 for a denied topic', async () => {
    const acl = join(dir, 'acl-publish.yaml');
    writeFileSync(
      acl,
      `name: ACL holds for publishes
steps:
  - connect: { protocolVersion: 5 }
  - subscribe: { topic: 'allowed/#' }
  - publish: { topic: allowed/x, payload: ok, qos: 1, reasonCode: 0 }
  - publish: { topic: secret/x, payload: no, qos: 1, reasonCode: 135 }
  - publish: { topic: secret/y, payload: no, qos: 2, reasonCode: 135 }
  - publish: { topic: secret/z, payload: no, qos: 1 }
`,
    );
    const result = await runCli(['test', acl, '-p', String(guarded.port)]);
    expect(result.code).toBe(1);
    expect(result.stdout.match(/^ {2}ok {4}/gm)).toHaveLength(5);
    expect(result.stdout).toMatch(/^ {2}FAIL {2}6\. publish secret\/z .*\n.*0x87 Not authorized/m);
  });

  it('a connect step that cannot connect fails the check; a malformed file is a usage error (2)', async () => {
    const unreachable = await runCli(['test', failing, '-p', '1']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toMatch(/FAIL {2}1\. connect .*\n {10}Could not connect/);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: x\nsteps:\n  - expect: { within: 10 }\n');
    const malformed = await runCli(['test', bad]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/is not a check file/);
  });
});
