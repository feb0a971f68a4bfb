import { appendFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import type { ConnectionOptions } from '../../../shared/contract';
import { createDeferredStream, openTunnel, resolveProxyRoute, type SystemProxyResolver } from './proxy-tunnel';

/**
 * Appends each TLS session secret of `socket` to `file` in the NSS key log format (one line per
 * secret, as Node's 'keylog' event gives it), so Wireshark or tshark can decrypt a capture.
 */
function logKeys(socket: tls.TLSSocket, file: string): void {
  socket.on('keylog', (line: Buffer) => {
    try {
      // Owner-only: the file decrypts the traffic.
      appendFileSync(file, line, { mode: 0o600 });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      socket.destroy(Object.assign(new Error(`Cannot append to the TLS key log ${file}: ${message}`), { code: 'TLS_KEYLOG' }));
    }
  });
}

/** Whether the connection needs our own transport: a proxy, or a key log (mqtt.js exposes neither). */
function needsOwnTransport(options: ConnectionOptions): boolean {
  const proxied = options.proxy !== undefined && options.proxy.kind !== 'none';
  const keyLog = options.tlsKeyLog !== undefined && (options.protocol === 'mqtts' || options.protocol === 'wss');
  return proxied || keyLog;
}

/** TLS options of mqtt.js's options, for a tls.connect of our own. */
function tlsConnectOptions(mqttOptions: IClientOptions, host: string): tls.ConnectionOptions {
  const { ca, cert, key, passphrase, pfx, rejectUnauthorized, ALPNProtocols, servername } = mqttOptions as tls.ConnectionOptions;
  const result: tls.ConnectionOptions = { ca, cert, key, passphrase, pfx, rejectUnauthorized, ALPNProtocols };
  // SNI is a host name, never an address (RFC 6066 3).
  const sni = servername ?? (net.isIP(host) === 0 ? host : undefined);
  if (sni) result.servername = sni;
  return Object.fromEntries(Object.entries(result).filter(([, v]) => v !== undefined)) as tls.ConnectionOptions;
}

/**
 * The mqtt.js client of one attempt, not yet connected (manualConnect). Without a proxy or key log
 * it is mqtt.js's own; with one, TCP/TLS streams are built here (mqtt.js's SOCKS support has no
 * user name/password and no HTTP CONNECT) and WebSockets get an agent that opens the tunnel.
 */
export function createMqttClient(url: string, mqttOptions: IClientOptions, options: ConnectionOptions, systemProxy: SystemProxyResolver): MqttClient {
  if (!needsOwnTransport(options)) return mqtt.connect(url, mqttOptions);
  const { host, port, protocol, tlsKeyLog } = options;
  const timeoutMs = options.connectTimeoutMs;
  const tunnel = (): Promise<net.Socket> => resolveProxyRoute(options.proxy, url, systemProxy).then((route) => openTunnel(route, host, port, timeoutMs));
  const secure = protocol === 'mqtts' || protocol === 'wss';
  const keyLog = secure ? tlsKeyLog : undefined;

  if (protocol === 'ws' || protocol === 'wss') {
    const BaseAgent = secure ? https.Agent : http.Agent;
    // The agent hands ws the tunnel (with TLS on it for wss) when it is open: Node's agents accept
    // a createConnection that answers through its callback.
    class TunnelAgent extends BaseAgent {
      override createConnection(connectOptions: tls.ConnectionOptions, callback: (error: Error | null, socket?: Duplex) => void): undefined {
        tunnel().then(
          (socket) => {
            if (!secure) return callback(null, socket);
            const secured = tls.connect({ ...tlsConnectOptions(mqttOptions, host), ...pickTls(connectOptions), socket });
            if (keyLog) logKeys(secured, keyLog);
            callback(null, secured);
          },
          (error: Error) => callback(error),
        );
        return undefined;
      }
    }
    const agent = new TunnelAgent({ keepAlive: false });
    return mqtt.connect(url, { ...mqttOptions, wsOptions: { ...(mqttOptions.wsOptions ?? {}), agent } });
  }

  const streamBuilder = (): Duplex => {
    const raw = createDeferredStream(tunnel());
    if (!secure) return raw;
    const secured = tls.connect({ ...tlsConnectOptions(mqttOptions, host), socket: raw });
    if (keyLog) logKeys(secured, keyLog);
    return secured;
  };
  const client = new MqttClient(streamBuilder, mqttOptions);
  // As mqtt.connect does: errors reach the listeners the connection manager adds.
  client.on('error', () => {});
  return client;
}

/** The TLS fields ws put on its request (ca, rejectUnauthorized, servername...), without host/port/path. */
function pickTls(connectOptions: tls.ConnectionOptions): tls.ConnectionOptions {
  const { ca, cert, key, passphrase, pfx, rejectUnauthorized, servername } = connectOptions;
  const picked: tls.ConnectionOptions = { ca, cert, key, passphrase, pfx, rejectUnauthorized };
  if (servername) picked.servername = servername;
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined)) as tls.ConnectionOptions;
}
