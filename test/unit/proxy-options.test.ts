import { describe, expect, it } from 'vitest';
import { connectionOptions } from '../../shared/contract';
import { splitSecrets, mergeSecrets } from '../../main/core/profiles/secret-fields';
import { envSystemProxy, parsePacProxyList, proxyRouteFromUrl } from '../../main/core/engine/proxy-tunnel';

const base = { protocol: 'mqtt' as const, host: 'broker.example', port: 1883 };
const problems = (input: unknown) => {
  const parsed = connectionOptions.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('proxy and TLS key log options', () => {
  it('are off by default', () => {
    const parsed = connectionOptions.parse(base);
    expect(parsed.proxy).toBeUndefined();
    expect(parsed.tlsKeyLog).toBeUndefined();
  });

  it('accept none, system, HTTP CONNECT and SOCKS5 with credentials', () => {
    expect(problems({ ...base, proxy: { kind: 'none' } })).toEqual([]);
    expect(problems({ ...base, proxy: { kind: 'system' } })).toEqual([]);
    expect(problems({ ...base, proxy: { kind: 'http', host: 'proxy.example', port: 3128 } })).toEqual([]);
    expect(problems({ ...base, proxy: { kind: 'socks5', host: '::1', port: 1080, username: 'u', password: 'p' } })).toEqual([]);
  });

  it('need a host and port for HTTP CONNECT and SOCKS5, and a user name with a password', () => {
    expect(problems({ ...base, proxy: { kind: 'http' } })).toEqual(['proxy.host: Proxy host is required', 'proxy.port: Proxy port is required']);
    expect(problems({ ...base, proxy: { kind: 'socks5', host: 'p', port: 1080, password: 'x' } })).toEqual(['proxy.username: A proxy password needs a user name']);
    expect(problems({ ...base, proxy: { kind: 'http', host: 'http://p', port: 1 } })[0]).toMatch(/^proxy.host: Proxy host must be a host name/);
    expect(problems({ ...base, proxy: { kind: 'http', host: 'p', port: 70000 } })).toEqual(['proxy.port: Proxy port must be 1-65535']);
    expect(problems({ ...base, proxy: { kind: 'ftp' } })[0]).toMatch(/^proxy.kind/);
  });

  it('take a TLS key log only with mqtts or wss', () => {
    expect(problems({ ...base, tlsKeyLog: '/tmp/keys.log' })).toEqual(['tlsKeyLog: A TLS key log needs mqtts or wss']);
    expect(problems({ ...base, protocol: 'wss', port: 443, tlsKeyLog: '/tmp/keys.log' })).toEqual([]);
    expect(problems({ ...base, protocol: 'mqtts', port: 8883, tlsKeyLog: '' })[0]).toMatch(/^tlsKeyLog/);
  });

  it('keep the proxy password among the secrets, out of the public options, and put it back on connect', () => {
    const options = connectionOptions.parse({ ...base, proxy: { kind: 'socks5', host: 'p', port: 1080, username: 'u', password: 'secret' } });
    const { publicOptions, secrets } = splitSecrets(options);
    expect(publicOptions.proxy).toEqual({ kind: 'socks5', host: 'p', port: 1080, username: 'u' });
    expect(new TextDecoder().decode(secrets.proxyPassword)).toBe('secret');
    expect(mergeSecrets(publicOptions, secrets).proxy).toEqual(options.proxy);
  });
});

describe('system proxy settings outside Electron', () => {
  it('read HTTPS_PROXY, then ALL_PROXY, unless NO_PROXY exempts the broker', async () => {
    const url = 'mqtts://broker.example:8883';
    expect(await envSystemProxy({})(url)).toBeUndefined();
    expect(await envSystemProxy({ HTTPS_PROXY: 'http://u:p%40ss@proxy:3128' })(url)).toEqual({ kind: 'http', host: 'proxy', port: 3128, username: 'u', password: 'p@ss' });
    expect(await envSystemProxy({ all_proxy: 'socks5h://socks.example' })(url)).toEqual({ kind: 'socks5', host: 'socks.example', port: 1080 });
    expect(await envSystemProxy({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost,.example' })(url)).toBeUndefined();
    expect(await envSystemProxy({ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'broker.example:1883' })(url)).toMatchObject({ host: 'proxy' });
  });

  it("read Electron's resolveProxy answers (PAC syntax)", () => {
    expect(parsePacProxyList('DIRECT')).toBeUndefined();
    expect(parsePacProxyList('PROXY proxy.corp:8080; DIRECT')).toEqual({ kind: 'http', host: 'proxy.corp', port: 8080 });
    expect(parsePacProxyList('SOCKS5 10.0.0.1:1080')).toEqual({ kind: 'socks5', host: '10.0.0.1', port: 1080 });
    expect(proxyRouteFromUrl('ftp://x')).toBeUndefined();
  });
});
