import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { createBroker } from '../../main/core/broker/create-broker';
import { listenTls } from '../../main/core/broker/listeners/tls';
import { generateCertificate, tlsPairProblem } from '../../main/core/broker/tls-certificate';
import { waitFor } from '../support/core-harness';
import { useCoreHarness } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { requireProgram, runMosquittoPub, runMosquittoSub } from '../support/mosquitto';

// TLS for the one-click broker: a certificate generated in Node (no openssl binary) that real
// clients (mqtt.js, mosquitto_sub --cafile, OpenSSL's verifier) trust through its CA, and a chosen
// certificate and key checked before anything listens.

const dir = mkdtempSync(join(tmpdir(), 'wb-broker-tls-'));
const harness = useCoreHarness();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

async function roundTrip(url: string, ca: string, servername?: string): Promise<string> {
  const client = await mqtt.connectAsync(url, { ca, rejectUnauthorized: true, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5000, ...(servername ? { servername } : {}) });
  try {
    await client.subscribeAsync('tls/t', { qos: 1 });
    const got = new Promise<string>((resolve) => client.once('message', (_topic, payload) => resolve(payload.toString())));
    await client.publishAsync('tls/t', 'over tls', { qos: 1 });
    return await got;
  } finally {
    await client.endAsync();
  }
}

describe('generated certificate', () => {
  it('is a CA-signed server certificate for localhost, 127.0.0.1 and ::1 that OpenSSL verifies', () => {
    const generated = generateCertificate();
    writeFileSync(join(dir, 'ca.pem'), generated.caPem);
    writeFileSync(join(dir, 'cert.pem'), generated.certPem);
    const out = execFileSync(requireProgram('openssl', 'openssl'), ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'cert.pem')], { encoding: 'utf8' });
    expect(out.trim()).toBe(`${join(dir, 'cert.pem')}: OK`);
    expect(generated.hosts).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(tlsPairProblem(generated.certPem, generated.keyPem)).toBeNull();
    expect(generated.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('mqtt.js connects over TLS trusting only the generated CA, by address and by name; without it the handshake is refused', async () => {
    const generated = generateCertificate();
    const broker = createBroker();
    const listener = await listenTls(broker, { port: 0, key: generated.keyPem, cert: generated.certPem });
    try {
      expect(await roundTrip(`mqtts://127.0.0.1:${listener.port}`, generated.caPem)).toBe('over tls');
      expect(await roundTrip(`mqtts://localhost:${listener.port}`, generated.caPem)).toBe('over tls');
      const untrusted = mqtt.connectAsync(`mqtts://127.0.0.1:${listener.port}`, { rejectUnauthorized: true, reconnectPeriod: 0, connectTimeout: 5000 });
      await expect(untrusted).rejects.toThrow(/certificate/i);
    } finally {
      await broker.close();
      await listener.close();
    }
  });

  it('mosquitto_sub --cafile receives over TLS from mosquitto_pub --cafile', async () => {
    const generated = generateCertificate();
    writeFileSync(join(dir, 'ca2.pem'), generated.caPem);
    const broker = createBroker();
    const listener = await listenTls(broker, { port: 0, key: generated.keyPem, cert: generated.certPem });
    try {
      const tlsArgs = ['-h', '127.0.0.1', '-p', String(listener.port), '--cafile', join(dir, 'ca2.pem'), '-V', '5'];
      const sub = runMosquittoSub([...tlsArgs, '-t', 'tls/cli', '-C', '1', '-W', '10']);
      await waitFor(() => broker.stats().subscriptions === 1 || undefined, 'mosquitto_sub to subscribe', 10_000);
      const pub = await runMosquittoPub([...tlsArgs, '-t', 'tls/cli', '-m', 'hello tls', '-q', '1']);
      expect(pub.code, pub.stderr).toBe(0);
      const received = await sub.done;
      expect(received.code, received.stderr).toBe(0);
      expect(received.stdout.toString().trim()).toBe('hello tls');
    } finally {
      await broker.close();
      await listener.close();
    }
  });
});

describe('broker.start with TLS through the contract', () => {
  it('a generated certificate: status gives the TLS port and the CA to trust; a workbench mqtts connection that trusts it works', async () => {
    const status = await harness.call('broker.start', { port: await freePort(), tls: { port: 0, certificate: { kind: 'generated' } } });
    try {
      expect(status.tls).toMatchObject({ generated: true, hosts: ['localhost', '127.0.0.1', '::1'] });
      expect(status.tls!.port).toBeGreaterThan(0);
      expect(status.tls!.caPem).toContain('-----BEGIN CERTIFICATE-----');
      expect(status.tls!.caPem).not.toContain('PRIVATE KEY');
      const { connectionId } = await harness.call('connections.connect', {
        protocol: 'mqtts',
        host: '127.0.0.1',
        port: status.tls!.port,
        clientId: 'wb-tls',
        tls: { ca: [new TextEncoder().encode(status.tls!.caPem)], rejectUnauthorized: true },
      });
      expect((await harness.call('broker.inspect', {})).clients.map((c) => c.clientId)).toContain('wb-tls');
      await harness.call('connections.disconnect', { connectionId });
      // a restart in the same run serves the same CA, so what a user trusted stays trusted
      await harness.call('broker.stop', {});
      const again = await harness.call('broker.start', { port: await freePort(), tls: { port: 0, certificate: { kind: 'generated' } } });
      expect(again.tls!.caPem).toBe(status.tls!.caPem);
    } finally {
      await harness.call('broker.stop', {});
    }
  });

  it('a chosen certificate and key (made by openssl): served as given, its certificate is what clients trust', async () => {
    const openssl = requireProgram('openssl', 'openssl');
    const key = join(dir, 'own.key');
    const cert = join(dir, 'own.crt');
    execFileSync(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    const certPem = readFileSync(cert, 'utf8');
    const status = await harness.call('broker.start', { port: await freePort(), tls: { port: 0, certificate: { kind: 'pem', cert: certPem, key: readFileSync(key, 'utf8') } } });
    try {
      expect(status.tls).toMatchObject({ generated: false, subject: 'CN=localhost', hosts: ['localhost', '127.0.0.1'] });
      expect(await roundTrip(`mqtts://127.0.0.1:${status.tls!.port}`, status.tls!.caPem)).toBe('over tls');
    } finally {
      await harness.call('broker.stop', {});
    }
  });

  it('a key that does not match the certificate, or text that is not PEM: TLS_ERROR saying which, and nothing listens', async () => {
    const a = generateCertificate();
    const b = generateCertificate();
    const port = await freePort();
    const mismatched = await harness.attempt('broker.start', { port, tls: { port: 0, certificate: { kind: 'pem', cert: a.certPem, key: b.keyPem } } });
    expect(mismatched).toMatchObject({ ok: false, error: { code: 'TLS_ERROR' } });
    if (!mismatched.ok) expect(mismatched.error.message).toMatch(/key does not match the certificate/);
    const notPem = await harness.attempt('broker.start', { port, tls: { port: 0, certificate: { kind: 'pem', cert: 'hello', key: a.keyPem } } });
    expect(notPem).toMatchObject({ ok: false, error: { code: 'TLS_ERROR', message: expect.stringMatching(/certificate is not PEM/) } });
    const badKey = await harness.attempt('broker.start', { port, tls: { port: 0, certificate: { kind: 'pem', cert: a.certPem, key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' } } });
    expect(badKey).toMatchObject({ ok: false, error: { code: 'TLS_ERROR', message: expect.stringMatching(/key cannot be read/) } });
    expect(await harness.call('broker.status', {})).toEqual({ running: false });
    // the TCP port was never taken
    const ok = await harness.call('broker.start', { port });
    expect(ok.tcpPort).toBe(port);
    await harness.call('broker.stop', {});
  });
});
