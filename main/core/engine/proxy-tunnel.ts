import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { ClientRequest } from 'node:http';
import { Duplex } from 'node:stream';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksClient } from 'socks';
import type { ProxyOptions } from '../../../shared/contract';

/** A proxy to go through, resolved from a profile's choice ('system' resolves to one of these or none). */
export interface ProxyRoute {
  kind: 'http' | 'socks5';
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/**
 * The system's proxy for a broker URL: undefined when it is reached directly. The desktop shell
 * passes one built on Electron's session.resolveProxy (see parsePacProxyList); a plain Node process
 * (browser mode, the CLI) reads the environment (envSystemProxy).
 */
export type SystemProxyResolver = (brokerUrl: string) => Promise<ProxyRoute | undefined>;

/** A proxy URL (http://user:pass@host:port, socks5://..., socks5h://..., socks://...) as a route. */
export function proxyRouteFromUrl(url: string): ProxyRoute | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.includes('://') ? url : `http://${url}`);
  } catch {
    return undefined;
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const kind = scheme === 'http' || scheme === 'https' ? 'http' : /^socks5?h?$/.test(scheme) ? 'socks5' : undefined;
  if (!kind || !parsed.hostname) return undefined;
  const port = parsed.port ? Number(parsed.port) : kind === 'http' ? (scheme === 'https' ? 443 : 80) : 1080;
  const route: ProxyRoute = { kind, host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
  if (parsed.username) route.username = decodeURIComponent(parsed.username);
  if (parsed.password) route.password = decodeURIComponent(parsed.password);
  return route;
}

/** Whether NO_PROXY (comma-separated names, .suffixes, host:port, or *) exempts `host`. */
function exempted(noProxy: string | undefined, host: string, port: number): boolean {
  if (!noProxy) return false;
  const name = host.toLowerCase();
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const [pattern = '', entryPort] = entry.toLowerCase().split(/:(?=\d+$)/);
      if (entryPort && Number(entryPort) !== port) return false;
      const suffix = pattern.replace(/^\*?\./, '');
      return name === suffix || name.endsWith(`.${suffix}`);
    });
}

/**
 * "System" outside Electron: HTTPS_PROXY, then ALL_PROXY (either case), unless NO_PROXY exempts the
 * broker. MQTT is not HTTP, so HTTP_PROXY (meant for plain HTTP requests) is not used.
 */
export function envSystemProxy(env: NodeJS.ProcessEnv = process.env): SystemProxyResolver {
  return async (brokerUrl) => {
    const target = new URL(brokerUrl);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (exempted(env.NO_PROXY ?? env.no_proxy, host, Number(target.port))) return undefined;
    const url = env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy;
    return url ? proxyRouteFromUrl(url) : undefined;
  };
}

/**
 * The first usable entry of a PAC result as Electron's session.resolveProxy gives it
 * ("PROXY host:port; SOCKS5 host:port; DIRECT"); undefined for DIRECT.
 */
export function parsePacProxyList(list: string): ProxyRoute | undefined {
  for (const entry of list.split(';').map((part) => part.trim())) {
    const [type = '', address = ''] = entry.split(/\s+/);
    const upper = type.toUpperCase();
    if (upper === 'DIRECT') return undefined;
    if (upper === 'PROXY' || upper === 'HTTPS') return proxyRouteFromUrl(`http://${address}`);
    if (upper === 'SOCKS5' || upper === 'SOCKS') return proxyRouteFromUrl(`socks5://${address}`);
  }
  return undefined;
}

/** The route a profile's proxy choice names, resolving 'system' now. */
export async function resolveProxyRoute(proxy: ProxyOptions | undefined, brokerUrl: string, systemProxy: SystemProxyResolver): Promise<ProxyRoute | undefined> {
  if (!proxy || proxy.kind === 'none') return undefined;
  if (proxy.kind === 'system') return systemProxy(brokerUrl);
  return { kind: proxy.kind, host: proxy.host ?? '', port: proxy.port ?? 0, username: proxy.username, password: proxy.password };
}

/** An error of the proxy, with one of the contract's PROXY_ codes, which describeConnectError keeps. */
export class ProxyError extends Error {
  constructor(
    readonly code: 'PROXY_UNREACHABLE' | 'PROXY_REFUSED' | 'PROXY_AUTH_FAILED',
    message: string,
  ) {
    super(message);
  }
}

function proxyName(route: ProxyRoute): string {
  return `${route.kind === 'http' ? 'HTTP' : 'SOCKS5'} proxy ${route.host.includes(':') ? `[${route.host}]` : route.host}:${route.port}`;
}

const UNREACHABLE = /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|timed out/;

/** HTTP CONNECT through https-proxy-agent's handshake (its `connect` is the agent's public API). */
async function httpConnect(route: ProxyRoute, host: string, port: number): Promise<net.Socket> {
  const auth = route.username !== undefined ? `${encodeURIComponent(route.username)}:${encodeURIComponent(route.password ?? '')}@` : '';
  const proxyHost = route.host.includes(':') ? `[${route.host}]` : route.host;
  const agent = new HttpsProxyAgent(`http://${auth}${proxyHost}:${route.port}`);
  let answer: { statusCode: number; statusText: string } | undefined;
  agent.on('proxyConnect', (connect: { statusCode: number; statusText: string }) => (answer = connect));
  // No HTTP request rides this tunnel: a bare emitter stands in for the request the agent reports to.
  const request = new EventEmitter() as unknown as ClientRequest;
  let socket: net.Socket;
  try {
    socket = (await agent.connect(request, { host, port, secureEndpoint: false })) as net.Socket;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ProxyError('PROXY_UNREACHABLE', `Cannot reach the ${proxyName(route)}: ${message}`);
  }
  if (answer?.statusCode === 200) return socket;
  socket.destroy();
  const status = answer ? `${answer.statusCode} ${answer.statusText}`.trim() : 'no answer';
  // 407 is the standard answer; tinyproxy's BasicAuth answers CONNECT with 401.
  if (answer?.statusCode === 407 || answer?.statusCode === 401) {
    throw new ProxyError('PROXY_AUTH_FAILED', `The ${proxyName(route)} refused the proxy user name or password (${status})`);
  }
  throw new ProxyError('PROXY_REFUSED', `The ${proxyName(route)} refused a tunnel to ${host}:${port} (${status})`);
}

async function socks5Connect(route: ProxyRoute, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  try {
    const { socket } = await SocksClient.createConnection({
      proxy: { host: route.host, port: route.port, type: 5, userId: route.username, password: route.password },
      command: 'connect',
      destination: { host, port },
      timeout: timeoutMs,
    });
    return socket;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Authentication failed|no accepted authentication type/i.test(message)) {
      const why = route.username === undefined ? 'it needs a user name and password' : 'it refused the proxy user name or password';
      throw new ProxyError('PROXY_AUTH_FAILED', `The ${proxyName(route)} refused the connection: ${why} (${message})`);
    }
    if (UNREACHABLE.test(message)) throw new ProxyError('PROXY_UNREACHABLE', `Cannot reach the ${proxyName(route)}: ${message}`);
    throw new ProxyError('PROXY_REFUSED', `The ${proxyName(route)} refused a tunnel to ${host}:${port}: ${message}`);
  }
}

/** A TCP connection to host:port, through the route when there is one. */
export async function openTunnel(route: ProxyRoute | undefined, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  if (!route) {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }
  return route.kind === 'http' ? httpConnect(route, host, port) : socks5Connect(route, host, port, timeoutMs);
}

/**
 * A stream usable at once whose socket comes later: mqtt.js (and tls.connect) need a stream
 * synchronously, while a proxy handshake takes round trips. Writes wait until the socket is there.
 */
export function createDeferredStream(socket: Promise<Duplex>): Duplex {
  let target: Duplex | undefined;
  let pending: (() => void) | undefined;
  const stream = new Duplex({
    read() {
      target?.resume();
    },
    write(chunk: Buffer, encoding, callback) {
      if (target) target.write(chunk, encoding, callback);
      else pending = () => target?.write(chunk, encoding, callback);
    },
    final(callback) {
      if (target) target.end(callback);
      else callback();
    },
    destroy(error, callback) {
      target?.destroy();
      callback(error);
    },
  });
  socket.then(
    (opened) => {
      if (stream.destroyed) {
        opened.destroy();
        return;
      }
      target = opened;
      opened.on('data', (chunk: Buffer) => {
        if (!stream.push(chunk)) opened.pause();
      });
      opened.once('end', () => stream.push(null));
      opened.once('error', (error) => stream.destroy(error));
      opened.once('close', () => stream.destroy());
      const write = pending;
      pending = undefined;
      write?.();
    },
    (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return stream;
}
