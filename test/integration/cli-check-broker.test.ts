import { describe, expect, it } from 'vitest';
import type { BrokerReport } from '../../shared/contract';
import { useBuiltBroker } from '../support/built-broker';
import { runCli } from '../support/cli-process';
import { useMosquitto } from '../support/fixtures';

const plain = useMosquitto();
// max_qos is a listener's setting: the whole file, so it follows the listener line.
const limited = useMosquitto({
  config: (port) => ['per_listener_settings false', 'allow_anonymous true', 'persistence false', 'max_packet_size 10000', `listener ${port} 127.0.0.1`, 'max_qos 1', ''].join('\n'),
});
const ours = useBuiltBroker(['--max-packet-size', '5000', '--retain-available', 'false']);

async function checkJson(port: number): Promise<BrokerReport> {
  const result = await runCli(['check', 'broker', '-p', String(port), '--json', '--wait', '3000', '--max-packet-probe', '65536']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as BrokerReport;
}

describe('mqtt-workbench check broker', () => {
  it('mosquitto with max_packet_size 10000 and max_qos 1: the report says so, from CONNACK and by trying', async () => {
    const report = await checkJson(limited.port);
    expect(report.versions).toEqual({ '5.0': { supported: true }, '3.1.1': { supported: true }, '3.1': { supported: true } });
    expect(report.connack!.maximumQoS).toEqual({ value: 1, from: 'connack' });
    expect(report.connack!.maximumPacketSize).toEqual({ value: 10000, from: 'connack' });
    expect(report.probes.qos2).toMatchObject({ ok: false, grantedQos: 1 });
    expect(report.probes.wildcard!.ok).toBe(true);
    const size = report.probes.maximumPacketSize!;
    // Found by bisection to the byte. mosquitto leaves the Remaining Length bytes out of its count
    // (1 + remaining <= max_packet_size), so a whole PUBLISH of 10,002 bytes still goes through.
    expect(size.smallestRefused).toBe(size.largestAccepted! + 1);
    expect(size.largestAccepted).toBeGreaterThanOrEqual(10000);
    expect(size.largestAccepted).toBeLessThanOrEqual(10004);
  });

  it('plain mosquitto: every probe passes, $SYS is present, and the readable report lists them', async () => {
    const result = await runCli(['check', 'broker', '-p', String(plain.port), '--wait', '3000', '--max-packet-probe', '65536']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Protocol versions: MQTT 5\.0 yes, MQTT 3\.1\.1 yes, MQTT 3\.1 yes$/m);
    expect(result.stdout).toMatch(/^ {2}Maximum QoS {15}2 \(not sent: the default\)$/m);
    expect(result.stdout).toMatch(/^ {2}QoS 2 round trip {10}yes: granted QoS 2, delivered at QoS 2$/m);
    expect(result.stdout).toMatch(/^ {2}Retained round trip {7}yes/m);
    expect(result.stdout).toMatch(/^ {2}\$SYS topics {15}yes: first message: \$SYS\//m);
    expect(result.stdout).toMatch(/^ {2}Maximum packet size {7}a 65536-byte PUBLISH went through/m);
    expect(result.stdout).toMatch(/^ {2}Client id length {10}yes: up to 65535 bytes accepted/m);
    expect(result.stdout).toMatch(/^ {2}Topic length {14}yes: up to 65535 bytes accepted/m);
  });

  it('our broker with --max-packet-size 5000 and --retain-available false: exact limit found, retain refused', async () => {
    const report = await checkJson(ours.port);
    expect(report.connack!.maximumPacketSize).toEqual({ value: 5000, from: 'connack' });
    expect(report.connack!.retainAvailable).toEqual({ value: false, from: 'connack' });
    expect(report.probes.retained!.ok).toBe(false);
    expect(report.probes.qos2).toMatchObject({ ok: true, grantedQos: 2, deliveredQos: 2 });
    expect(report.probes.maximumPacketSize).toMatchObject({ largestAccepted: 5000, smallestRefused: 5001 });
    // A 65,535-byte client id fits in 5,000 bytes' CONNECT no more than such a topic in a PUBLISH.
    expect(report.probes.clientIdLength).toMatchObject({ largestAccepted: 1024, smallestRefused: 65535 });
    expect(report.probes.topicLength).toMatchObject({ largestAccepted: 1024, smallestRefused: 65535 });
  });

  it('exit 3 when nothing listens, 2 on a bad flag', async () => {
    const refused = await runCli(['check', 'broker', '-p', '1']);
    expect(refused.code).toBe(3);
    expect((await runCli(['check', 'broker', '--max-packet-probe', '10'])).code).toBe(2);
    const help = await runCli(['check', 'broker', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:[\s\S]*Exit codes:/);
  });
});
