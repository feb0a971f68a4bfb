import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPki, createTestPki } from '../support/certificates';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';

const run = promisify(execFile);
const TSHARK = '/usr/bin/tshark';
const DUMPCAP = '/usr/bin/dumpcap';

let pki: TestPki;
let dir: string;

beforeAll(() => {
  for (const binary of [DUMPCAP, TSHARK]) if (!existsSync(binary)) throw new Error(`${binary} is missing: install Debian's tshark to run the TLS key log test`);
  pki = createTestPki();
  dir = mkdtempSync(join(tmpdir(), 'tls-keylog-'));
});

afterAll(() => {
  pki?.remove();
  if (dir && !process.env.KEEP_KEYLOG) rmSync(dir, { recursive: true, force: true });
});

const broker = useMosquitto(() => ({ tls: { caPath: pki.caPath, certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }));
const harness = useCoreHarness();

interface TcpSegment {
  source: number;
  destination: number;
  flags: number;
  payload: number;
}

/** The TCP segments of a classic pcap stream of loopback (Ethernet-framed IPv4) packets. */
function tcpSegments(pcap: Buffer): TcpSegment[] {
  const segments: TcpSegment[] = [];
  // 24-byte global header, then per packet a 16-byte record header (captured length at 8).
  for (let at = 24; at + 16 <= pcap.length; ) {
    const length = pcap.readUInt32LE(at + 8);
    const packet = pcap.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    if (packet.length < length || packet.length < 34 || packet.readUInt16BE(12) !== 0x0800 || packet[23] !== 6) continue;
    const ip = (packet[14]! & 0x0f) * 4;
    const tcp = 14 + ip;
    if (packet.length <= tcp + 13) continue;
    const tcpLength = (packet[tcp + 12]! >> 4) * 4;
    segments.push({
      source: packet.readUInt16BE(tcp),
      destination: packet.readUInt16BE(tcp + 2),
      flags: packet[tcp + 13]!,
      payload: packet.readUInt16BE(16) - ip - tcpLength,
    });
  }
  return segments;
}

/**
 * dumpcap capturing loopback for one TCP port as pcap on its stdout (flushed per packet, unlike a
 * file), kept in `file`. Resolves once a probe connection shows up in the capture, so the test's
 * connection is captured from its first packet.
 */
async function startCapture(port: number, file: string): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(DUMPCAP, ['-i', 'lo', '-f', `tcp port ${port}`, '-P', '-w', '-'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const chunks: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => chunks.push(d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Capturing on')) resolve();
    });
    void exited.then(() => reject(new Error(`dumpcap could not capture on lo:\n${output}`)));
  });
  const probes = new Set<number>();
  await waitFor(async () => {
    const probe = connect(port, '127.0.0.1');
    await new Promise((resolve) => probe.once('connect', resolve).once('error', resolve));
    if (probe.localPort) probes.add(probe.localPort);
    probe.destroy();
    return tcpSegments(Buffer.concat(chunks)).some((segment) => probes.has(segment.source));
  }, 'dumpcap to capture a probe connection', 10_000);
  return {
    /** Stops once the test's connection closed in the capture (FIN or RST): every packet before it is in. */
    async stop() {
      await waitFor(() => {
        const segments = tcpSegments(Buffer.concat(chunks)).filter((segment) => !probes.has(segment.source) && !probes.has(segment.destination));
        const talked = new Set(segments.filter((segment) => segment.payload > 0 && segment.destination === port).map((segment) => segment.source));
        return segments.some((segment) => (segment.flags & 0x05) !== 0 && (talked.has(segment.source) || talked.has(segment.destination)));
      }, 'the capture to see the connection close', 15_000);
      child.kill('SIGINT');
      await exited;
      writeFileSync(file, Buffer.concat(chunks));
    },
  };
}

/** The MQTT PUBLISH topics tshark reads in the capture, decrypting with the key log when given. */
async function publishTopics(capture: string, port: number, keyLog?: string): Promise<string[]> {
  const args = ['-r', capture, '-d', `tls.port==${port},mqtt`, '-Y', 'mqtt.msgtype == 3', '-T', 'fields', '-e', 'mqtt.topic'];
  if (keyLog) args.unshift('-o', `tls.keylog_file:${keyLog}`);
  const { stdout } = await run(TSHARK, args);
  return stdout.split('\n').filter(Boolean);
}

/** The WebSocket frames' payloads (unmasked) that tshark reads inside the TLS of a wss capture. */
async function webSocketPayload(capture: string, port: number, keyLog?: string): Promise<string> {
  const args = ['-r', capture, '-d', `tls.port==${port},http`, '-Y', 'websocket', '-T', 'fields', '-e', 'data.data'];
  if (keyLog) args.unshift('-o', `tls.keylog_file:${keyLog}`);
  const { stdout } = await run(TSHARK, args);
  return Buffer.from(stdout.replace(/[^0-9a-f]/g, ''), 'hex').toString('latin1');
}

describe('TLS key log (NSS format) lets tshark decrypt a captured session', () => {
  it('is off by default: nothing is written and the capture stays unreadable', async () => {
    const capture = join(dir, 'plain.pcapng');
    const capturing = await startCapture(broker.tlsPort!, capture);
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtts', host: '127.0.0.1', port: broker.tlsPort!, protocolVersion: 5, tls: { ca: [pki.ca] } });
    await harness.call('messages.subscribe', { connectionId, filter: 'keylog/off', qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'keylog/off', payload: new TextEncoder().encode('x'), qos: 1 });
    await waitFor(() => harness.received().find((m) => m.topic === 'keylog/off'), 'the message back');
    await harness.call('connections.disconnect', { connectionId });
    await capturing.stop();
    expect(await publishTopics(capture, broker.tlsPort!)).toEqual([]);
  });

  for (const protocol of ['mqtts', 'wss'] as const) {
    it(`appends the session keys over ${protocol}; tshark with the file reads the PUBLISH topic`, async () => {
      const port = protocol === 'mqtts' ? broker.tlsPort! : broker.wssPort!;
      const capture = join(dir, `${protocol}.pcapng`);
      const keyLog = join(dir, `${protocol}-keys.log`);
      const topic = `keylog/${protocol}/secret-topic`;
      const capturing = await startCapture(port, capture);
      const { connectionId } = await harness.call('connections.connect', {
        protocol,
        host: '127.0.0.1',
        port,
        path: '/',
        protocolVersion: 5,
        tls: { ca: [pki.ca] },
        tlsKeyLog: keyLog,
      });
      await harness.call('messages.subscribe', { connectionId, filter: topic, qos: 1 });
      await harness.call('messages.publish', { connectionId, topic, payload: new TextEncoder().encode('decrypted'), qos: 1 });
      await waitFor(() => harness.received().find((m) => m.topic === topic), 'the message back');
      await harness.call('connections.disconnect', { connectionId });
      await capturing.stop();

      const lines = readFileSync(keyLog, 'utf8').split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]+$/);
      // Owner-only: the file decrypts the traffic.
      expect(statSync(keyLog).mode & 0o077).toBe(0);
      if (protocol === 'mqtts') {
        expect(await publishTopics(capture, port)).toEqual([]);
        expect(await publishTopics(capture, port, keyLog)).toContain(topic);
      } else {
        // mqtt.js writes an MQTT packet over several WebSocket frames, which tshark does not reassemble
        // into MQTT: the decrypted, unmasked frame payloads, joined, hold the PUBLISH topic.
        expect(await webSocketPayload(capture, port)).not.toContain(topic);
        expect(await webSocketPayload(capture, port, keyLog)).toContain(topic);
      }
    });
  }
});
