/**
 * One bench connection: a plain TCP or TLS socket, CONNECT written by hand, CONNACK awaited. After
 * that, the caller owns the socket and reads it with createFrameReader (wire.ts).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionOptions } from '../../../shared/contract';
import { type WireVersion, PACKET, createFrameReader, decodePacket, encodeConnect, nowMs } from './wire';

export interface BenchTarget {
  protocol: 'mqtt' | 'mqtts';
  host: string;
  port: number;
  version: WireVersion;
  keepalive: number;
  connectTimeoutMs: number;
  username?: string;
  password?: string;
  tls?: ConnectionOptions['tls'];
}

export interface BenchSocket {
  socket: Socket;
  clientId: string;
  version: WireVersion;
  /** The broker's Receive Maximum (MQTT 5), or undefined. */
  receiveMaximum: number | undefined;
  /** Milliseconds from starting the TCP connect to the CONNACK. */
  connackMs: number;
}

/** A failed connect: `kind` groups failures in a report (refused, timeout, rejected by CONNACK, ...). */
export class ConnectFailure extends Error {
  constructor(
    message: string,
    readonly kind: string,
  ) {
    super(message);
  }
}

const CONNACK_V3 = ['', 'unacceptable protocol version', 'identifier rejected', 'server unavailable', 'bad user name or password', 'not authorized'];

/** The bench's target from resolved connection options; undefined for a transport the bench does not speak. */
export function benchTarget(options: ConnectionOptions): BenchTarget | string {
  if (options.protocol !== 'mqtt' && options.protocol !== 'mqtts') return `bench speaks MQTT over TCP and TLS (mqtt, mqtts), not ${options.protocol}`;
  const version = options.protocolVersion === 'auto' ? 5 : options.protocolVersion;
  return {
    protocol: options.protocol,
    host: options.host,
    port: options.port,
    version,
    keepalive: options.keepaliveSeconds,
    connectTimeoutMs: options.connectTimeoutMs,
    ...(options.username !== undefined ? { username: options.username } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  };
}

export function openBenchSocket(target: BenchTarget, clientId: string): Promise<BenchSocket> {
  const started = nowMs();
  return new Promise((resolve, reject) => {
    const socket =
      target.protocol === 'mqtts'
        ? tlsConnect({
            host: target.host,
            port: target.port,
            rejectUnauthorized: target.tls?.rejectUnauthorized ?? true,
            ...(target.tls?.ca ? { ca: target.tls.ca.map((c) => Buffer.from(c)) } : {}),
            ...(target.tls?.cert ? { cert: Buffer.from(target.tls.cert) } : {}),
            ...(target.tls?.key ? { key: Buffer.from(target.tls.key) } : {}),
            ...(target.tls?.passphrase ? { passphrase: target.tls.passphrase } : {}),
            ...(target.tls?.servername ? { servername: target.tls.servername } : {}),
          })
        : netConnect(target.port, target.host);
    socket.setNoDelay(true);
    let settled = false;
    const fail = (error: ConnectFailure) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new ConnectFailure(`no CONNACK within ${target.connectTimeoutMs} ms`, 'timeout')), target.connectTimeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => fail(new ConnectFailure(error.message, error.code ?? 'error')));
    socket.once('close', () => fail(new ConnectFailure('the broker closed the connection before CONNACK', 'closed')));
    const read = createFrameReader((buffer, type, _flags, bodyAt, end, start) => {
      if (settled || type !== PACKET.connack) return;
      const packet = decodePacket(buffer, start, end, target.version) as { returnCode?: number; reasonCode?: number; properties?: { receiveMaximum?: number } } | undefined;
      const code = packet?.reasonCode ?? packet?.returnCode ?? buffer[bodyAt + 1] ?? 0;
      if (code !== 0) {
        const text = target.version === 5 ? `reason code 0x${code.toString(16).padStart(2, '0')}` : (CONNACK_V3[code] ?? `return code ${code}`);
        fail(new ConnectFailure(`the broker refused the connection (CONNACK ${text})`, `connack ${code}`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.removeAllListeners('error');
      socket.removeAllListeners('close');
      // Errors after the CONNACK are the caller's; this keeps an unhandled one from crashing meanwhile.
      socket.on('error', () => {});
      resolve({ socket, clientId, version: target.version, receiveMaximum: packet?.properties?.receiveMaximum, connackMs: nowMs() - started });
    });
    socket.on('data', read);
    socket.write(encodeConnect({ clientId, version: target.version, keepalive: target.keepalive, ...(target.username !== undefined ? { username: target.username } : {}), ...(target.password !== undefined ? { password: target.password } : {}) }));
  });
}
