import { connect, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';

/** A packet as mqtt-packet parsed it, plus the exact bytes it came in. */
export type ReceivedPacket = Packet & { raw: Buffer; [key: string]: unknown };

type Generate = (packet: object, opts?: { protocolVersion: number }) => Buffer;
const generate = mqttPacket.generate as unknown as Generate;

/**
 * A test client that speaks raw bytes: it sends exactly what the test gives it (so malformed input
 * can be sent) and parses what the broker answers with mqtt-packet, keeping each packet's bytes.
 */
export class RawClient {
  readonly packets: ReceivedPacket[] = [];
  readonly closed: Promise<void>;
  isClosed = false;
  /** The client id it sent in CONNECT (set by `connected`). */
  clientId = '';
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private parseError: Error | null = null;

  private constructor(
    readonly socket: Socket,
    public version: 3 | 4 | 5,
  ) {
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.isClosed = true;
        this.wake();
        resolve();
      });
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static open(port: number, version: 3 | 4 | 5 = 5): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      socket.once('connect', () => resolve(new RawClient(socket, version)));
      socket.once('error', reject);
    });
  }

  /** Opens a connection and completes CONNECT/CONNACK (expects reason 0). */
  static async connected(port: number, connectPacket: Record<string, unknown> = {}, version: 3 | 4 | 5 = 5): Promise<RawClient> {
    const client = await RawClient.open(port, version);
    client.clientId = String(connectPacket.clientId ?? `raw-${Math.random().toString(36).slice(2, 10)}`);
    client.sendPacket({ cmd: 'connect', ...connectPacket, clientId: client.clientId });
    const connack = await client.expect('connack');
    const code = (version === 5 ? connack.reasonCode : connack.returnCode) as number;
    if (code !== 0) throw new Error(`CONNACK refused: 0x${code.toString(16)}`);
    return client;
  }

  send(bytes: Buffer | number[]): void {
    this.socket.write(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
  }

  /** Encodes with mqtt-packet for this client's protocol version. */
  sendPacket(packet: Record<string, unknown>): void {
    const withVersion =
      packet.cmd === 'connect'
        ? {
            protocolId: this.version === 3 ? 'MQIsdp' : 'MQTT',
            protocolVersion: this.version,
            clean: true,
            keepalive: 0,
            ...packet,
          }
        : packet;
    this.send(generate(withVersion, { protocolVersion: this.version }));
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) break;
      let remaining = 0;
      let multiplier = 1;
      let i = 1;
      let complete = false;
      for (; i <= 4 && i < this.buffer.length; i++) {
        const byte = this.buffer[i]!;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) break;
      const total = 1 + i + remaining;
      if (this.buffer.length < total) break;
      const frame = this.buffer.subarray(0, total);
      this.buffer = this.buffer.subarray(total);
      const parser = mqttPacket.parser({ protocolVersion: this.version });
      let parsed: Packet | null = null;
      parser.on('packet', (p: Packet) => (parsed = p));
      parser.on('error', (error: Error) => (this.parseError = error));
      parser.parse(Buffer.from(frame));
      if (parsed) this.packets.push(Object.assign(parsed as Packet, { raw: Buffer.from(frame) }) as ReceivedPacket);
      else this.packets.push({ cmd: 'unparsable', raw: Buffer.from(frame) } as unknown as ReceivedPacket);
    }
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private changed(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Removes and returns the next received packet (waiting for it). Fails on close or timeout. */
  async next(timeoutMs = 3000): Promise<ReceivedPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const packet = this.packets.shift();
      if (packet) return packet;
      if (this.isClosed) throw new Error('connection closed while waiting for a packet');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${timeoutMs} ms`);
      await this.changed(left);
    }
  }

  /** The next packet, which must be of this type. */
  async expect(cmd: string, timeoutMs = 3000): Promise<ReceivedPacket> {
    const packet = await this.next(timeoutMs);
    if (packet.cmd !== cmd) {
      throw new Error(`expected ${cmd}, got ${packet.cmd} ${JSON.stringify(summarize(packet))}${this.parseError ? ` (${this.parseError.message})` : ''}`);
    }
    return packet;
  }

  /** Waits for the broker to close the connection; returns the packets it sent before closing. */
  async expectClose(timeoutMs = 3000): Promise<ReceivedPacket[]> {
    const closed = await Promise.race([this.closed.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!closed) throw new Error(`connection still open after ${timeoutMs} ms; got ${JSON.stringify(this.packets.map(summarize))}`);
    return this.packets.splice(0);
  }

  /** Expects a DISCONNECT with this reason code followed by the close (v5). */
  async expectDisconnect(reasonCode: number, timeoutMs = 3000): Promise<ReceivedPacket> {
    const packets = await this.expectClose(timeoutMs);
    const last = packets.at(-1);
    if (!last || last.cmd !== 'disconnect') throw new Error(`expected DISCONNECT 0x${reasonCode.toString(16)}, got ${JSON.stringify(packets.map(summarize))}`);
    if (last.reasonCode !== reasonCode) throw new Error(`expected DISCONNECT 0x${reasonCode.toString(16)}, got 0x${Number(last.reasonCode).toString(16)} ${String((last.properties as { reasonString?: string } | undefined)?.reasonString ?? '')}`);
    return last;
  }

  /**
   * A barrier: PINGREQ, then wait for its PINGRESP. The broker handles one connection's packets in
   * order and writes what it sends in order, so whatever it sends this client because of anything
   * it handled before the PINGREQ (on this connection, or on another one already acknowledged) has
   * arrived by then. Packets received before the PINGRESP stay queued.
   */
  async ping(timeoutMs = 3000): Promise<void> {
    this.sendPacket({ cmd: 'pingreq' });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.packets.findIndex((p) => p.cmd === 'pingresp');
      if (at >= 0) {
        this.packets.splice(at, 1);
        return;
      }
      if (this.isClosed) throw new Error(`connection closed before PINGRESP; got ${JSON.stringify(this.packets.map(summarize))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no PINGRESP within ${timeoutMs} ms`);
      await this.changed(left);
    }
  }

  /**
   * Asserts the broker has sent nothing (and the connection stays open), exactly: after a PINGREQ
   * round trip (see ping) instead of a wait. When the action is on another connection with no
   * acknowledgement (a QoS 0 PUBLISH), ping that connection first.
   */
  async expectNothing(): Promise<void> {
    await this.ping();
    if (this.packets.length > 0) throw new Error(`expected nothing, got ${JSON.stringify(this.packets.map(summarize))}`);
  }

  /** Collects `count` PUBLISH packets, acknowledging QoS 1/2 (and answering PUBREL) unless told not to. */
  async publishes(count: number, options: { ack?: boolean; timeoutMs?: number } = {}): Promise<ReceivedPacket[]> {
    const out: ReceivedPacket[] = [];
    while (out.length < count) {
      const packet = await this.next(options.timeoutMs ?? 3000);
      if (packet.cmd === 'pubrel' && options.ack !== false) {
        // completes a QoS 2 flow started by ack() below
        this.sendPacket({ cmd: 'pubcomp', messageId: packet.messageId });
        continue;
      }
      if (packet.cmd !== 'publish') throw new Error(`expected publish, got ${packet.cmd} ${JSON.stringify(summarize(packet))}`);
      out.push(packet);
      if (options.ack !== false) this.ack(packet);
    }
    return out;
  }

  /** PUBACK for QoS 1, PUBREC (and PUBCOMP on PUBREL, via completeQos2) for QoS 2. */
  ack(packet: ReceivedPacket): void {
    if (packet.qos === 1) this.sendPacket({ cmd: 'puback', messageId: packet.messageId });
    else if (packet.qos === 2) this.sendPacket({ cmd: 'pubrec', messageId: packet.messageId });
  }

  async subscribe(filter: string, qos: 0 | 1 | 2 = 0, extra: Record<string, unknown> = {}, props?: Record<string, unknown>): Promise<ReceivedPacket> {
    const messageId = Math.floor(Math.random() * 60000) + 1;
    this.sendPacket({ cmd: 'subscribe', messageId, subscriptions: [{ topic: filter, qos, ...extra }], ...(props ? { properties: props } : {}) });
    const suback = await this.expect('suback');
    if (suback.messageId !== messageId) throw new Error('SUBACK with the wrong id');
    return suback;
  }

  publish(topic: string, payload: string | Buffer, qos: 0 | 1 | 2 = 0, extra: Record<string, unknown> = {}): void {
    this.sendPacket({ cmd: 'publish', topic, payload, qos, messageId: qos > 0 ? (extra.messageId ?? 1) : undefined, ...extra });
  }

  end(): void {
    this.socket.destroy();
  }

  /** Sends DISCONNECT (reason 0) and waits for the close. */
  async disconnect(): Promise<void> {
    if (!this.isClosed) this.sendPacket({ cmd: 'disconnect', reasonCode: 0 });
    await Promise.race([this.closed, sleep(1000)]);
    this.socket.destroy();
  }
}

function summarize(packet: ReceivedPacket): Record<string, unknown> {
  const { raw, payload, ...rest } = packet as Record<string, unknown>;
  return { ...rest, ...(payload !== undefined ? { payload: String(payload) } : {}), raw: (raw as Buffer).toString('hex').slice(0, 80) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Builds a frame from a first byte and a body, with a correct Remaining Length. */
export function frame(first: number, body: number[] | Buffer): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const length: number[] = [];
  let value = bytes.length;
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    length.push(byte);
  } while (value > 0);
  return Buffer.concat([Buffer.from([first, ...length]), bytes]);
}

/** A UTF-8 string field: 2-byte length then the bytes (which may be deliberately invalid). */
export function str(value: string | Buffer | number[]): number[] {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return [bytes.length >> 8, bytes.length & 0xff, ...bytes];
}

/** A v5 CONNECT body with the given client id and properties bytes (raw). */
export function connectV5(clientId = 'c', options: { flags?: number; props?: number[]; keepAlive?: number; payload?: number[] } = {}): Buffer {
  const props = options.props ?? [];
  const keepAlive = options.keepAlive ?? 0;
  return frame(0x10, [
    ...str('MQTT'),
    5,
    options.flags ?? 0x02,
    keepAlive >> 8,
    keepAlive & 0xff,
    ...varint(props.length),
    ...props,
    ...str(clientId),
    ...(options.payload ?? []),
  ]);
}

export function connect311(clientId = 'c', options: { flags?: number; keepAlive?: number; payload?: number[]; level?: number; name?: string } = {}): Buffer {
  const keepAlive = options.keepAlive ?? 0;
  return frame(0x10, [
    ...str(options.name ?? 'MQTT'),
    options.level ?? 4,
    options.flags ?? 0x02,
    keepAlive >> 8,
    keepAlive & 0xff,
    ...str(clientId),
    ...(options.payload ?? []),
  ]);
}

export function varint(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return out;
}

export interface TestBroker {
  port: number;
  broker: import('../../main/core/broker/create-broker').Broker;
  /**
   * Resolves once the broker has handled the loss of this client's connection (and, in the same
   * turn, published a Will without delay). Call it before closing the socket.
   */
  lost(clientId: string): Promise<void>;
  /** Resolves once the broker has discarded this client's session. */
  sessionEnded(clientId: string): Promise<void>;
  stop(): Promise<void>;
}

/** Our broker on a free loopback port. */
export async function startTestBroker(options: import('../../main/core/broker/options').BrokerOptions = {}): Promise<TestBroker> {
  const { createBroker } = await import('../../main/core/broker/create-broker');
  const { listenTcp } = await import('../../main/core/broker/listeners/tcp');
  const broker = createBroker(options);
  const listener = await listenTcp(broker, { port: 0 });
  const next = (type: 'client.disconnected' | 'session.ended', clientId: string) =>
    new Promise<void>((resolve) => {
      const dispose = broker.onEvent((event) => {
        if (event.type === type && event.clientId === clientId) {
          dispose();
          resolve();
        }
      });
    });
  return {
    port: listener.port,
    broker,
    lost: (clientId) => next('client.disconnected', clientId),
    sessionEnded: (clientId) => next('session.ended', clientId),
    async stop() {
      await broker.close();
      await listener.close();
    },
  };
}
