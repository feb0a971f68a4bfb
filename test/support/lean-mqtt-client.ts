/**
 * A lean MQTT 3.1.1 client over a plain socket: hand-built packets and a minimal frame parser, for
 * load (the broker bench drives every broker with it, and the flow-control test floods with it).
 * mqtt.js, or raw-mqtt-client.ts's mqtt-packet parser, costs far more CPU per message than a broker
 * on this 2-core machine (it would measure itself).
 */
import { connect as netConnect, type Socket } from 'node:net';
import { frame, str } from './raw-mqtt-client';

const mqttString = (text: string): Buffer => Buffer.from(str(text));

/** CONNECT, protocol 3.1.1, clean session, keep alive 0 (idle connections need no PINGREQ). */
export function encodeConnect(clientId: string): Buffer {
  const header = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 0]);
  return frame(0x10, Buffer.concat([header, mqttString(clientId)]));
}

export function encodeSubscribe(packetId: number, filter: string, qos: 0 | 1): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId, 0);
  return frame(0x82, Buffer.concat([id, mqttString(filter), Buffer.from([qos])]));
}

/** A PUBLISH; for QoS 1 `idOffset` is where the packet id sits, to patch copies of the template. */
export function encodePublish(topic: string, payload: Buffer, qos: 0 | 1): { bytes: Buffer; idOffset: number } {
  const topicBytes = mqttString(topic);
  const id = qos > 0 ? Buffer.alloc(2) : Buffer.alloc(0);
  const body = Buffer.concat([topicBytes, id, payload]);
  const bytes = frame(0x30 | (qos << 1), body);
  return { bytes, idOffset: bytes.length - body.length + topicBytes.length };
}

export const DISCONNECT = Buffer.from([0xe0, 0x00]);

export interface LeanClientHandlers {
  /** A PUBLISH arrived; the payload is `frame[payloadStart..end)`. */
  onPublish?(frame: Buffer, payloadStart: number, end: number, qos: number): void;
  onPuback?(packetId: number): void;
}

/** One connection with a frame parser; QoS 1 deliveries are acknowledged in one write per chunk. */
export class LeanClient {
  private pending: Buffer | null = null;
  private waiter: { type: number; resolve: (frame: Buffer) => void } | null = null;

  constructor(
    readonly socket: Socket,
    private readonly handlers: LeanClientHandlers = {},
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Connects, sends CONNECT and waits for a successful CONNACK. */
  static async open(port: number, clientId: string, handlers: LeanClientHandlers = {}, timeoutMs = 10_000): Promise<LeanClient> {
    const socket = netConnect({ port, host: '127.0.0.1', noDelay: true });
    const client = new LeanClient(socket, handlers);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no CONNACK within ${timeoutMs} ms`)), timeoutMs);
        const fail = (error: Error) => {
          clearTimeout(timer);
          reject(error);
        };
        socket.once('error', fail);
        socket.once('close', () => fail(new Error('closed before CONNACK')));
        socket.write(encodeConnect(clientId));
        client.waiter = {
          type: 2,
          resolve: (frame) => {
            clearTimeout(timer);
            socket.off('error', fail);
            socket.removeAllListeners('close');
            const rc = frame[frame.length - 1];
            if (rc === 0) resolve();
            else reject(new Error(`CONNACK return code ${rc}`));
          },
        };
      });
    } catch (error) {
      socket.destroy();
      throw error;
    }
    socket.on('error', () => {
      // Counted by the scenario (missing messages); a bench must not die on a reset.
    });
    return client;
  }

  subscribe(filter: string, qos: 0 | 1): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = { type: 9, resolve: () => resolve() };
      this.socket.write(encodeSubscribe(1, filter, qos));
    });
  }

  close(): void {
    if (!this.socket.destroyed) {
      this.socket.end(DISCONNECT);
      this.socket.destroySoon();
    }
  }

  private onData(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let offset = 0;
    let acks: number[] | null = null;
    const { onPublish, onPuback } = this.handlers;
    while (offset + 2 <= buf.length) {
      const first = buf[offset]!;
      let length = 0;
      let multiplier = 1;
      let pos = offset + 1;
      let complete = false;
      while (pos < buf.length) {
        const byte = buf[pos++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || pos + length > buf.length) break;
      const end = pos + length;
      const type = first >> 4;
      if (type === 3) {
        const qos = (first >> 1) & 3;
        let p = pos + 2 + buf.readUInt16BE(pos);
        if (qos > 0) {
          (acks ??= []).push(buf.readUInt16BE(p));
          p += 2;
        }
        onPublish?.(buf, p, end, qos);
      } else if (type === 4) {
        onPuback?.(buf.readUInt16BE(pos));
      } else if (this.waiter && this.waiter.type === type) {
        const waiter = this.waiter;
        this.waiter = null;
        waiter.resolve(buf.subarray(offset, end));
      }
      offset = end;
    }
    if (offset < buf.length) {
      buf = buf.subarray(offset);
      this.pending = Buffer.from(buf);
    }
    if (acks) {
      const out = Buffer.allocUnsafe(acks.length * 4);
      for (let i = 0; i < acks.length; i++) {
        out[i * 4] = 0x40;
        out[i * 4 + 1] = 2;
        out.writeUInt16BE(acks[i]!, i * 4 + 2);
      }
      this.socket.write(out);
    }
  }
}
