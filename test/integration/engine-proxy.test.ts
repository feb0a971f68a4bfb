import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPki, createTestPki } from '../support/certificates';
import { waitFor } from '../support/core-harness';
import { useCoreHarness, useMosquitto } from '../support/fixtures';
import { runMosquittoPub } from '../support/mosquitto';
import { type RunningProxy, startDante, startTinyproxy } from '../support/proxies';

let pki: TestPki;
const proxies: Record<string, RunningProxy> = {};

beforeAll(async () => {
  pki = createTestPki();
  const [http, httpAuth, httpRefusing, socks, socksAuth, socksRefusing] = await Promise.all([
    startTinyproxy(),
    startTinyproxy({ auth: { username: 'alice', password: 'proxy-secret' } }),
    startTinyproxy({ refuse: true }),
    startDante(),
    startDante({ requireAuth: true }),
    startDante({ refuse: true }),
  ]);
  Object.assign(proxies, { http, httpAuth, httpRefusing, socks, socksAuth, socksRefusing });
}, 30_000);

afterAll(async () => {
  await Promise.all(Object.values(proxies).map((proxy) => proxy.stop()));
  pki?.remove();
});

const broker = useMosquitto(() => ({ tls: { caPath: pki.caPath, certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }));
const harness = useCoreHarness();

const base = () => ({ host: '127.0.0.1', protocolVersion: 5 as const, connectTimeoutMs: 8000, reconnect: { enabled: false } });

function endpoint(protocol: 'mqtt' | 'mqtts' | 'ws' | 'wss'): Record<string, unknown> {
  if (protocol === 'mqtt') return { protocol, port: broker.port };
  if (protocol === 'mqtts') return { protocol, port: broker.tlsPort, tls: { ca: [pki.ca] } };
  if (protocol === 'ws') return { protocol, port: broker.wsPort, path: '/' };
  return { protocol, port: broker.wssPort, path: '/', tls: { ca: [pki.ca] } };
}

async function connectAndReceive(options: Record<string, unknown>, topic: string): Promise<void> {
  const { connectionId } = await harness.call('connections.connect', { ...base(), ...options });
  await harness.call('messages.subscribe', { connectionId, filter: topic, qos: 1 });
  const pub = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', topic, '-m', 'proxied']);
  expect(pub.code, pub.stderr).toBe(0);
  const message = await waitFor(() => harness.received().find((m) => m.topic === topic), `a message on ${topic}`);
  expect(Buffer.from(message.payload).toString()).toBe('proxied');
  await harness.call('connections.disconnect', { connectionId });
}

describe('engine through real proxies (tinyproxy, dante)', () => {
  for (const protocol of ['mqtt', 'mqtts', 'ws', 'wss'] as const) {
    it(`connects over ${protocol} through tinyproxy's HTTP CONNECT and receives`, async () => {
      await connectAndReceive({ ...endpoint(protocol), proxy: { kind: 'http', host: '127.0.0.1', port: proxies.http!.port } }, `proxy/http/${protocol}`);
    });

    it(`connects over ${protocol} through dante's SOCKS5 and receives`, async () => {
      await connectAndReceive({ ...endpoint(protocol), proxy: { kind: 'socks5', host: '127.0.0.1', port: proxies.socks!.port } }, `proxy/socks/${protocol}`);
    });
  }

  it('connects through a tinyproxy that needs a password, with the password', async () => {
    const proxy = { kind: 'http', host: '127.0.0.1', port: proxies.httpAuth!.port, username: 'alice', password: 'proxy-secret' };
    await connectAndReceive({ ...endpoint('mqtts'), proxy }, 'proxy/http-auth');
  });

  it('a wrong HTTP proxy password: PROXY_AUTH_FAILED naming the proxy', async () => {
    for (const protocol of ['mqtt', 'ws'] as const) {
      const proxy = { kind: 'http', host: '127.0.0.1', port: proxies.httpAuth!.port, username: 'alice', password: 'wrong' };
      const result = await harness.attempt('connections.connect', { ...base(), ...endpoint(protocol), proxy });
      expect(result).toMatchObject({ ok: false, error: { code: 'PROXY_AUTH_FAILED' } });
      if (!result.ok) expect(result.error.message).toMatch(/HTTP proxy 127\.0\.0\.1:\d+ refused the proxy user name or password \(40[17]/);
    }
  });

  it('an HTTP proxy that refuses the tunnel: PROXY_REFUSED with its status', async () => {
    for (const protocol of ['mqtt', 'mqtts', 'ws'] as const) {
      const result = await harness.attempt('connections.connect', { ...base(), ...endpoint(protocol), proxy: { kind: 'http', host: '127.0.0.1', port: proxies.httpRefusing!.port } });
      expect(result).toMatchObject({ ok: false, error: { code: 'PROXY_REFUSED' } });
      if (!result.ok) expect(result.error.message).toMatch(/refused a tunnel to 127\.0\.0\.1:\d+ \(403/);
    }
  });

  it('a SOCKS5 proxy that refuses the connection by rule: PROXY_REFUSED', async () => {
    for (const protocol of ['mqtt', 'ws'] as const) {
      const result = await harness.attempt('connections.connect', { ...base(), ...endpoint(protocol), proxy: { kind: 'socks5', host: '127.0.0.1', port: proxies.socksRefusing!.port } });
      expect(result).toMatchObject({ ok: false, error: { code: 'PROXY_REFUSED' } });
      if (!result.ok) expect(result.error.message).toMatch(/SOCKS5 proxy 127\.0\.0\.1:\d+ refused a tunnel/);
    }
  });

  it('a SOCKS5 proxy that needs a password: without one, and with a wrong one, PROXY_AUTH_FAILED', async () => {
    const port = proxies.socksAuth!.port;
    const without = await harness.attempt('connections.connect', { ...base(), ...endpoint('mqtt'), proxy: { kind: 'socks5', host: '127.0.0.1', port } });
    expect(without).toMatchObject({ ok: false, error: { code: 'PROXY_AUTH_FAILED' } });
    if (!without.ok) expect(without.error.message).toMatch(/needs a user name and password/);
    const wrong = await harness.attempt('connections.connect', {
      ...base(),
      ...endpoint('mqtts'),
      proxy: { kind: 'socks5', host: '127.0.0.1', port, username: 'nobody-here', password: 'wrong' },
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'PROXY_AUTH_FAILED' } });
    if (!wrong.ok) expect(wrong.error.message).toMatch(/refused the proxy user name or password/);
  });

  it('a proxy that does not listen: PROXY_UNREACHABLE', async () => {
    const closed = proxies.http!.port;
    await proxies.http!.stop();
    const result = await harness.attempt('connections.connect', { ...base(), ...endpoint('mqtt'), proxy: { kind: 'http', host: '127.0.0.1', port: closed } });
    expect(result).toMatchObject({ ok: false, error: { code: 'PROXY_UNREACHABLE' } });
    if (!result.ok) expect(result.error.message).toMatch(/Cannot reach the HTTP proxy 127\.0\.0\.1:\d+/);
  });
});
