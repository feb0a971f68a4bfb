import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPki, createTestPki } from '../support/certificates';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';
import { runMosquittoPub, startMosquitto } from '../support/mosquitto';

let pki: TestPki;

beforeAll(() => {
  pki = createTestPki();
});

afterAll(() => {
  pki?.remove();
});

// declared after the certificates (made first, removed last), the harness after the broker
const broker = useMosquitto(() => ({ tls: { caPath: pki.caPath, certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }));
const harness = useCoreHarness();

const base = () => ({ host: '127.0.0.1', protocolVersion: 5 as const, connectTimeoutMs: 5000 });

async function connectAndReceive(options: Record<string, unknown>, topic: string): Promise<void> {
  const { connectionId } = await harness.call('connections.connect', { ...base(), ...options });
  await harness.call('messages.subscribe', { connectionId, filter: topic, qos: 1 });
  const pub = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', topic, '-m', 'secure']);
  expect(pub.code, pub.stderr).toBe(0);
  const message = await waitFor(() => harness.received().find((m) => m.topic === topic), `a message on ${topic}`);
  expect(Buffer.from(message.payload).toString()).toBe('secure');
  await harness.call('connections.disconnect', { connectionId });
}

describe('engine over TLS against mosquitto', () => {
  it('connects over mqtts trusting the given CA, and receives', async () => {
    await connectAndReceive({ protocol: 'mqtts', port: broker.tlsPort, tls: { ca: [pki.ca] } }, 'tls/a');
  });

  it('connects over wss trusting the given CA, and receives', async () => {
    await connectAndReceive({ protocol: 'wss', port: broker.wssPort, path: '/', tls: { ca: [pki.ca] } }, 'tls/b');
  });

  it('refuses a broker certificate from an untrusted CA: TLS_UNTRUSTED_CERTIFICATE', async () => {
    const result = await harness.attempt('connections.connect', { ...base(), protocol: 'mqtts', port: broker.tlsPort, tls: { ca: [pki.otherCa] } });
    expect(result).toMatchObject({ ok: false, error: { code: 'TLS_UNTRUSTED_CERTIFICATE' } });
    if (!result.ok) expect(result.error.message).toMatch(/certificate/i);
    expect(await harness.call('connections.list', {})).toEqual([]);
  });

  it('refuses a certificate made for another host name: TLS_HOSTNAME_MISMATCH', async () => {
    const result = await harness.attempt('connections.connect', {
      ...base(),
      protocol: 'mqtts',
      port: broker.tlsPort,
      tls: { ca: [pki.ca], servername: 'broker.other.example' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'TLS_HOSTNAME_MISMATCH' } });
  });

  it('refuses an expired broker certificate: TLS_CERTIFICATE_EXPIRED', async () => {
    const expired = await startMosquitto({ tls: { caPath: pki.caPath, certPath: pki.expiredServerCertPath, keyPath: pki.serverKeyPath } });
    try {
      const result = await harness.attempt('connections.connect', { ...base(), protocol: 'mqtts', port: expired.tlsPort, tls: { ca: [pki.ca] } });
      expect(result).toMatchObject({ ok: false, error: { code: 'TLS_CERTIFICATE_EXPIRED' } });
    } finally {
      await expired.stop();
    }
  });

  it('connects to the same broker with verification off (a user choice for test brokers)', async () => {
    await connectAndReceive({ protocol: 'mqtts', port: broker.tlsPort, tls: { rejectUnauthorized: false } }, 'tls/c');
  });

  it('authenticates with a client certificate and key where the broker requires one', async () => {
    await connectAndReceive({ protocol: 'mqtts', port: broker.mtlsPort, tls: { ca: [pki.ca], cert: pki.clientCert, key: pki.clientKey } }, 'tls/d');
  });

  it('decrypts a client key with its passphrase', async () => {
    await connectAndReceive(
      { protocol: 'mqtts', port: broker.mtlsPort, tls: { ca: [pki.ca], cert: pki.clientCert, key: pki.clientKeyEncrypted, passphrase: pki.passphrase } },
      'tls/e',
    );
  });

  it('authenticates with a PKCS#12 bundle and its passphrase', async () => {
    await connectAndReceive({ protocol: 'mqtts', port: broker.mtlsPort, tls: { ca: [pki.ca], pfx: pki.clientP12, passphrase: pki.passphrase } }, 'tls/f');
  });

  it('reports a wrong PKCS#12 passphrase as TLS_BAD_PASSPHRASE', async () => {
    const result = await harness.attempt('connections.connect', {
      ...base(),
      protocol: 'mqtts',
      port: broker.mtlsPort,
      tls: { ca: [pki.ca], pfx: pki.clientP12, passphrase: 'wrong' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'TLS_BAD_PASSPHRASE' } });
  });

  it('reports a wrong key passphrase as TLS_BAD_PASSPHRASE instead of crashing', async () => {
    const result = await harness.attempt('connections.connect', {
      ...base(),
      protocol: 'mqtts',
      port: broker.mtlsPort,
      tls: { ca: [pki.ca], cert: pki.clientCert, key: pki.clientKeyEncrypted, passphrase: 'wrong' },
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'TLS_BAD_PASSPHRASE' } });
    if (!result.ok) expect(result.error.message).toMatch(/decrypt/i);
  });

  it('is refused without a client certificate where one is required', async () => {
    const result = await harness.attempt('connections.connect', { ...base(), protocol: 'mqtts', port: broker.mtlsPort, tls: { ca: [pki.ca] } });
    expect(result.ok).toBe(false);
  });
});
