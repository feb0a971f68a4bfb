import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { generateCertificate } from '../../main/core/broker/tls-certificate';
import WebSocket from 'ws';
import { parseBrokerArgs, startBrokerFromArgs } from '../../main/core/broker/cli';
import { encodeConnect } from '../support/lean-mqtt-client';

describe('broker headless entry', () => {
  it('parses --port, --ws-port, --host and refuses anything else', () => {
    expect(parseBrokerArgs([])).toMatchObject({ host: '127.0.0.1', port: 1883, wsPort: undefined, tlsPort: undefined });
    expect(parseBrokerArgs(['--port', '0', '--ws-port=0', '--host', '::1'])).toMatchObject({ host: '::1', port: 0, wsPort: 0 });
    expect(parseBrokerArgs(['--tls-port', '0', '--tls-ca-out', 'ca.pem'])).toMatchObject({ tlsPort: 0, tlsCaOut: 'ca.pem' });
    expect(() => parseBrokerArgs(['--tls-port', '0', '--tls-cert', 'c.pem'])).toThrow(/go together/);
    expect(() => parseBrokerArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'])).toThrow(/need --tls-port/);
    expect(() => parseBrokerArgs(['--port', 'x'])).toThrow(/port number/);
    expect(() => parseBrokerArgs(['--nope'])).toThrow(/unknown option/);
  });

  it('port 0 picks free ports, shown in the one line; both listeners answer; stop closes them', async () => {
    const running = await startBrokerFromArgs(['--port', '0', '--ws-port', '0']);
    const match = /^Broker listening: mqtt:\/\/127\.0\.0\.1:(\d+) ws:\/\/127\.0\.0\.1:(\d+)$/.exec(running.line);
    expect(match).not.toBeNull();
    const [tcpPort, wsPort] = [Number(match![1]), Number(match![2])];
    await new Promise<void>((resolve, reject) => connect(tcpPort, '127.0.0.1').once('connect', function (this: import('node:net').Socket) { this.destroy(); resolve(); }).once('error', reject));
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${wsPort}`, ['mqtt']);
      ws.once('open', () => { ws.close(); resolve(); });
      ws.once('error', reject);
    });
    await running.stop();
    await expect(new Promise((resolve, reject) => connect(tcpPort, '127.0.0.1').once('connect', resolve).once('error', reject))).rejects.toThrow();
  });

  it('--tls-port serves mqtts:// with a generated certificate whose CA it writes out for clients to trust', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-cli-tls-'));
    const caFile = join(dir, 'ca.pem');
    const running = await startBrokerFromArgs(['--port', '0', '--tls-port', '0', '--tls-ca-out', caFile]);
    try {
      const match = / mqtts:\/\/127\.0\.0\.1:(\d+) \(CA: (.+)\)$/.exec(running.line);
      expect(match, running.line).not.toBeNull();
      expect(match![2]).toBe(caFile);
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const socket = connectTls({ host: '127.0.0.1', port: Number(match![1]), ca: readFileSync(caFile) }, () => {
          resolve(socket.authorized);
          socket.destroy();
        });
        socket.once('error', reject);
      });
      expect(authorized).toBe(true);
    } finally {
      await running.stop();
    }
  });

  it('refuses a chosen certificate whose key does not match, before listening', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-cli-tls-'));
    const [one, two] = [generateCertificate(), generateCertificate()];
    writeFileSync(join(dir, 'cert.pem'), one.certPem);
    writeFileSync(join(dir, 'key.pem'), two.keyPem);
    await expect(startBrokerFromArgs(['--port', '0', '--tls-port', '0', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')])).rejects.toThrow(/TLS certificate and key/);
  });

  it('collects once when a connect storm of 1,000 has ended (issue 19: the storm\'s promoted garbage is not kept while connections idle)', async () => {
    const running = await startBrokerFromArgs(['--port', '0']);
    const port = Number(/:(\d+)$/.exec(running.line)![1]);
    // a forced full collection: only gc() makes one (this test process exposes none of its own)
    const collected = new Promise<void>((resolve) => {
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const detail = (entry as unknown as { detail?: { kind: number; flags: number } }).detail;
          if (detail && detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR && detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) {
            observer.disconnect();
            resolve();
          }
        }
      });
      observer.observe({ entryTypes: ['gc'] });
    });
    const sockets: Socket[] = [];
    const open = (id: number) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        socket.once('error', reject);
        socket.once('data', () => resolve()); // CONNACK
        socket.write(encodeConnect(`storm-${id}`));
      });
    for (let i = 0; i < 1000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => open(i + k)));
    await collected; // within the test timeout: the broker sees a quiet second and collects
    for (const socket of sockets) socket.destroy();
    await running.stop();
  }, 20_000);
});
