/**
 * The bench's load generator: MQTT 3.1.1 over plain sockets with hand-built packets and a minimal
 * frame parser. mqtt.js costs far more CPU per message than a broker on this 2-core machine (it
 * would measure itself), so every broker is driven by this same lean client instead.
 */
import { connect as netConnect, type Socket } from 'node:net';

function remainingLength(n: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    bytes.push(byte);
  } while (n > 0);
  return bytes;
}

function mqttString(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const out = Buffer.alloc(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  body.copy(out, 2);
  return out;
}

function packet(firstByte: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([firstByte, ...remainingLength(body.length)]), body]);
}

/** CONNECT, protocol 3.1.1, clean session, keep alive 0 (idle connections need no PINGREQ). */
export function encodeConnect(clientId: string): Buffer {
  const header = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, 0]);
  return packet(0x10, Buffer.concat([header, mqttString(clientId)]));
}

export function encodeSubscribe(packetId: number, filter: string, qos: 0 | 1): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(packetId, 0);
  return packet(0x82, Buffer.concat([id, mqttString(filter), Buffer.from([qos])]));
}

/** A PUBLISH; for QoS 1 `idOffset` is where the packet id sits, to patch copies of the template. */
export function encodePublish(topic: string, payload: Buffer, qos: 0 | 1): { bytes: Buffer; idOffset: number } {
  const topicBytes = mqttString(topic);
  const id = qos > 0 ? Buffer.alloc(2) : Buffer.alloc(0);
  const body = Buffer.concat([topicBytes, id, payload]);
  const bytes = packet(0x30 | (qos << 1), body);
  return { bytes, idOffset: bytes.length - body.length + topicBytes.length };
}

export const DISCONNECT = Buffer.from([0xe0, 0x00]);

export interface RawClientHandlers {
  /** A PUBLISH arrived; the payload is `frame[payloadStart..end)`. */
  onPublish?(frame: Buffer, payloadStart: number, end: number, qos: number): void;
  onPuback?(packetId: number): void;
}

/** One connection with a frame parser; QoS 1 deliveries are acknowledged in one write per chunk. */
export class RawClient {
  private pending: Buffer | null = null;
  private waiter: { type: number; resolve: (frame: Buffer) => void } | null = null;

  constructor(
    readonly socket: Socket,
    private readonly handlers: RawClientHandlers = {},
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Connects, sends CONNECT and waits for a successful CONNACK. */
  static async open(port: number, clientId: string, handlers: RawClientHandlers = {}, timeoutMs = 10_000): Promise<RawClient> {
    const socket = netConnect({ port, host: '127.0.0.1', noDelay: true });
    const client = new RawClient(socket, handlers);
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
