import type { Duplex } from 'node:stream';
import { decodePacket, SilentClose, UnsupportedProtocolVersion } from './codec/decode';
import { encodeConnack, encodeDisconnect } from './codec/encode';
import { PacketType, type ProtocolVersion } from './codec/packets';
import { MqttViolation, protocolError, RC } from './codec/reason-codes';
import type { BrokerContext } from './context';
import { dispatch } from './dispatcher';
import type { Session } from './session';
import { safely } from './safely';
import { connectionLost } from './session-store';
import { releasePublisher } from './delivery/flow-control';
import { pump } from './delivery/send';

export type ConnectionState = 'awaiting-connect' | 'authenticating' | 'connected' | 'closed';

/** No limit from the client: the largest packet MQTT can express. */
const UNLIMITED_PACKET_SIZE = 268_435_455 + 5;

let nextConnectionId = 1;

// Per-connection memory (issue #5: 6.7 KiB per idle connection): the stream's listeners are shared
// functions that find their connection through one symbol-keyed property, not five closures each.
const kConnection = Symbol('connection');
type Carrier = Duplex & { [kConnection]?: Connection };

function onStreamData(this: Carrier, chunk: Buffer): void {
  const connection = this[kConnection]!;
  try {
    connection.receive(chunk);
  } catch (error) {
    connection.fail(error);
  }
}

function onStreamGone(this: Carrier): void {
  this[kConnection]!.close();
}

/** The socket takes more after being congested: what waited for it goes out. */
function onStreamDrain(this: Carrier): void {
  const connection = this[kConnection]!;
  const session = connection.session;
  if (session && connection.state === 'connected') safely('drain', () => pump(connection.ctx, session));
}

// Every connection written to in one tick is uncorked by one nextTick callback (not one each).
let corkedConnections: Connection[] = [];

function uncorkAll(): void {
  const list = corkedConnections;
  corkedConnections = [];
  for (const connection of list) {
    connection.corked = false;
    connection.stream.uncork();
  }
}

/**
 * One shared clock per broker instead of a timer per connection: connections waiting for CONNECT
 * and connections with a keep alive are checked a few times a second.
 */
function watch(connection: Connection): void {
  const clock = connection.ctx.clock;
  clock.watched.add(connection);
  if (clock.timer) return;
  const period = Math.min(250, Math.max(10, connection.ctx.options.connectTimeoutMs >> 2));
  const read = connection.ctx.options.now;
  clock.timer = setInterval(() => tick(clock.watched, clock, read()), period);
  clock.timer.unref?.();
}

function tick(watched: Set<Connection>, clock: { timer: NodeJS.Timeout | null }, now: number): void {
  for (const connection of watched) {
    if (connection.state === 'connected') {
      // [MQTT-3.1.2-22] closed as on a network failure (the Will goes out), DISCONNECT 0x8D first;
      // not while flow control leaves its packets unread (its PINGREQs are in there)
      if (connection.blockedBy === null && now - connection.lastActivity >= connection.keepAliveMs) safely('keep alive', () => connection.disconnect(RC.KEEP_ALIVE_TIMEOUT, 'keep alive timeout'));
    } else if (connection.state === 'closed') {
      watched.delete(connection);
    } else if (now - connection.connectedAt >= connection.ctx.options.connectTimeoutMs) {
      // [SHOULD, no ID] close a connection that never sends CONNECT
      safely('connect timeout', () => connection.close());
    }
  }
  if (watched.size === 0 && clock.timer) {
    clearInterval(clock.timer);
    clock.timer = null;
  }
}

/**
 * One network connection: frames bytes into packets, enforces connection state and keep alive, and
 * writes with cork/uncork so everything sent in one tick leaves in one syscall. The session it
 * carries lives in the session store and may outlive it.
 */
export class Connection {
  readonly id = nextConnectionId++;
  state: ConnectionState = 'awaiting-connect';
  /** Protocol version from CONNECT; 0 until a CONNECT has been read that far. */
  version: ProtocolVersion = 4;
  versionKnown = false;
  clientId = '';
  session: Session | null = null;
  readonly connectedAt: number;
  username: string | undefined;

  // Limits the client announced in CONNECT (v5), with their defaults.
  receiveMaximum = 65535;
  /** Outgoing QoS>0 window: min(client Receive Maximum, broker maxInflight) ([MQTT-4.9.0-1]). */
  sendLimit = 65535;
  /** Outgoing QoS>0 PUBLISH sent on this connection and not yet acknowledged. */
  unacked = 0;
  maxPacketSizeOut = UNLIMITED_PACKET_SIZE;
  topicAliasMaximumOut = 0;
  requestProblemInformation = true;
  /** Topic aliases set by the client ([MQTT-3.3.2-7] per connection); made on first use. */
  inboundAliases: Map<number, string> | null = null;
  /** Topic aliases we set towards the client, topic → alias; fresh on each connection, made on first use. */
  outboundAliases: Map<string, number> | null = null;
  /** Who ended the connection, and the reason code sent or received (for the live view). */
  closedBy: 'client' | 'broker' | 'network' = 'network';
  closeReasonCode: number | undefined;
  /** Set by DISCONNECT 0x00: the Will is dropped ([MQTT-3.14.4-3]). */
  discardWill = false;
  /** Sessions whose full queues keep this publisher paused (flow control; null when none). */
  blockedBy: Set<Session> | null = null;
  /** Enhanced authentication in progress or completed (method name). */
  authMethod: string | undefined;
  authState: unknown;

  /** 1.5 x the keep alive in ms; 0 = none. Checked by the broker's shared clock. */
  keepAliveMs = 0;
  lastActivity: number;
  /** Written to in this tick, uncorked at its end (see uncorkAll). */
  corked = false;
  private address: string | undefined;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private needed = 0;
  private paused = false;
  /** Paused by flow control (delivery/flow-control.ts), independently of `paused` (authentication). */
  private flowPaused = false;
  private resumeScheduled = false;

  constructor(
    readonly ctx: BrokerContext,
    readonly stream: Duplex,
    remoteAddress?: string,
  ) {
    this.address = remoteAddress;
    this.connectedAt = this.lastActivity = ctx.options.now();
    (stream as Carrier)[kConnection] = this;
    stream.on('data', onStreamData);
    stream.on('error', onStreamGone);
    stream.on('end', onStreamGone);
    stream.on('close', onStreamGone);
    stream.on('drain', onStreamDrain);
    watch(this);
  }

  /** "address:port" of the peer, asked of the socket only when someone wants it. */
  get remoteAddress(): string {
    if (this.address === undefined) {
      const socket = this.stream as Duplex & { remoteAddress?: string; remotePort?: number };
      this.address = socket.remoteAddress !== undefined ? `${socket.remoteAddress}:${socket.remotePort}` : 'unknown';
    }
    return this.address;
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  /** The client stopped reading: its socket buffer is over the limit. */
  get congested(): boolean {
    return this.stream.writableLength > this.ctx.options.maxOutgoingBufferBytes;
  }

  write(data: Buffer): void {
    if (this.state === 'closed') return; // [MQTT-3.14.4-1] nothing after DISCONNECT
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      if (corkedConnections.push(this) === 1) process.nextTick(uncorkAll);
    }
    this.ctx.counters.bytesOut += data.length;
    this.stream.write(data);
  }

  writeAll(chunks: Buffer[]): void {
    for (const chunk of chunks) this.write(chunk);
  }

  connected(keepAliveSeconds: number): void {
    this.state = 'connected';
    if (keepAliveSeconds > 0) {
      // [MQTT-3.1.2-22] [3.1.1 MQTT-3.1.2-24] one and a half times the keep alive
      this.keepAliveMs = keepAliveSeconds * 1500;
    } else {
      this.ctx.clock.watched.delete(this); // nothing left to time
    }
  }

  /** Pauses reading until `work` settles (asynchronous authentication). */
  suspendUntil(work: Promise<void>): void {
    this.paused = true;
    this.stream.pause();
    work.then(
      () => {
        this.paused = false;
        this.resumeInput();
      },
      (error: unknown) => this.fail(error),
    );
  }

  /**
   * Flow control: a subscriber this connection publishes to has too much queued, so its packets
   * stay unread (the parser stops after the current packet, the socket stops, TCP pushes back).
   */
  pauseReading(): void {
    this.flowPaused = true;
    this.stream.pause();
  }

  /** Reading goes on, on a later turn of the event loop (never inside another client's handler). */
  resumeReading(): void {
    this.flowPaused = false;
    this.lastActivity = this.ctx.options.now(); // the time it was not read does not count against its keep alive
    if (this.resumeScheduled || this.state === 'closed') return;
    this.resumeScheduled = true;
    setImmediate(() => {
      this.resumeScheduled = false;
      try {
        this.resumeInput();
      } catch (error) {
        this.fail(error);
      }
    });
  }

  private resumeInput(): void {
    if (this.paused || this.flowPaused || this.state === 'closed') return;
    this.stream.resume();
    if (this.chunks.length > 0) {
      const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
      this.parse(data);
    }
  }

  /** Bytes from the stream (its 'data' listener). */
  receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.ctx.counters.bytesIn += chunk.length;
    this.lastActivity = this.ctx.options.now();
    if (this.chunks.length === 0 && !this.paused && !this.flowPaused) {
      this.parse(chunk);
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.paused || this.flowPaused || this.buffered < this.needed) return;
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    this.parse(data);
  }

  private parse(data: Buffer): void {
    let offset = 0;
    const length = data.length;
    while (offset < length && this.state !== 'closed' && !this.paused && !this.flowPaused) {
      // Remaining Length: at most 4 bytes [MQTT-1.5.5-1]
      let remaining = 0;
      let multiplier = 1;
      let lengthBytes = 0;
      let complete = false;
      for (let i = 1; i <= 4; i++) {
        if (offset + i >= length) break;
        const byte = data[offset + i]!;
        remaining += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        lengthBytes = i;
        if ((byte & 0x80) === 0) {
          if (i > 1 && byte === 0) return this.fail(new MqttViolation(RC.MALFORMED_PACKET, 'Remaining Length not in its shortest form'));
          complete = true;
          break;
        }
        if (i === 4) return this.fail(new MqttViolation(RC.MALFORMED_PACKET, 'Remaining Length longer than 4 bytes'));
      }
      if (!complete) {
        this.needed = 0;
        break;
      }
      const total = 1 + lengthBytes + remaining;
      // Checked before buffering, so an oversized packet never occupies memory (issue: bounded memory)
      if (total > this.ctx.options.maxPacketSize) {
        return this.fail(new MqttViolation(RC.PACKET_TOO_LARGE, `packet of ${total} bytes is over the maximum packet size`));
      }
      if (length - offset < total) {
        this.needed = total;
        break;
      }
      this.handleFrame(data[offset]!, data, offset + 1 + lengthBytes, offset + total);
      offset += total;
    }
    if (offset < length && this.state !== 'closed') {
      const rest = data.subarray(offset);
      this.chunks.push(rest);
      this.buffered += rest.length;
    }
  }

  private handleFrame(header: number, buf: Buffer, start: number, end: number): void {
    const type = header >> 4;
    try {
      let packet;
      if (this.state === 'awaiting-connect') {
        // [MQTT-3.1.0-1] the first packet must be CONNECT; otherwise close without CONNACK/DISCONNECT
        if (type !== PacketType.CONNECT) return this.close();
        const seen = { version: 0 as ProtocolVersion | 0 };
        try {
          packet = decodePacket(header, buf, start, end, 0, seen);
        } finally {
          if (seen.version !== 0) {
            this.version = seen.version;
            this.versionKnown = true;
          }
        }
      } else {
        if (type === PacketType.CONNECT) throw protocolError('second CONNECT on one connection'); // [MQTT-3.1.0-2]
        packet = decodePacket(header, buf, start, end, this.version);
      }
      const result = dispatch(this, packet);
      if (result) this.suspendUntil(result);
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Whether a Reason String may go on an acknowledgement: v5 only, and not after Request Problem
   * Information 0 ([MQTT-3.1.2-29]: then only on PUBLISH, CONNACK and DISCONNECT).
   */
  get explainsFailures(): boolean {
    return this.version === 5 && this.requestProblemInformation;
  }

  /**
   * Writes `withReason` unless it exceeds the client's Maximum Packet Size; then `bare`, the same
   * packet without its Reason String ([MQTT-3.4.2-2] [MQTT-3.5.2-2] [MQTT-3.6.2-2] [MQTT-3.7.2-2]
   * [MQTT-3.9.2-1] [MQTT-3.11.2-1]).
   */
  writeWithReason(withReason: Buffer, bare: () => Buffer): void {
    this.write(withReason.length > this.maxPacketSizeOut ? bare() : withReason);
  }

  /** Ends the connection for a violation, with the packet each version and state calls for. */
  fail(error: unknown): void {
    if (this.state === 'closed') return;
    if (!(error instanceof MqttViolation)) {
      // A bug of ours must not take the broker down: this connection ends, others carry on.
      return this.disconnect(RC.IMPLEMENTATION_SPECIFIC_ERROR, 'internal error');
    }
    if (error instanceof SilentClose) return this.close();
    if (error instanceof UnsupportedProtocolVersion) {
      // [3.1.1 MQTT-3.1.2-2] CONNACK 0x01 then close; [MQTT-3.1.2-2] allows the same for v5
      return this.close(error.answerable ? Buffer.from([0x20, 0x02, 0x00, 0x01]) : undefined);
    }
    this.disconnect(error.reasonCode, error.message);
  }

  /**
   * Closes with a reason: before CONNACK a v5 client gets CONNACK with the code ([MQTT-3.2.2-6]
   * Session Present 0), after it a DISCONNECT ([MQTT-3.14.0-1]); 3.1.1/3.1 clients just see the
   * close ([3.1.1 MQTT-4.8.0-1]).
   */
  disconnect(reasonCode: number, reasonString?: string): void {
    if (this.state === 'closed') return;
    this.closedBy = 'broker';
    this.closeReasonCode = reasonCode;
    if (this.version !== 5 || !this.versionKnown) return this.close();
    if (this.state === 'connected') {
      let packet = encodeDisconnect(reasonCode, reasonString ? { reasonString } : undefined);
      // [MQTT-3.14.2-3] the Reason String goes rather than exceed the client's maximum
      if (packet.length > this.maxPacketSizeOut) packet = encodeDisconnect(reasonCode);
      return this.close(packet);
    }
    let packet = encodeConnack(5, false, reasonCode, reasonString ? { reasonString } : undefined);
    if (packet.length > this.maxPacketSizeOut) packet = encodeConnack(5, false, reasonCode); // [MQTT-3.2.2-19]
    this.close(packet);
  }

  /** Closes the connection, optionally writing one last packet ([MQTT-4.13.2-1] [MQTT-3.14.4-2]). */
  close(lastPacket?: Buffer): void {
    if (this.state === 'closed') return;
    if (lastPacket) this.write(lastPacket);
    this.state = 'closed';
    this.ctx.clock.watched.delete(this);
    this.chunks = [];
    this.ctx.connections.delete(this);
    if (this.blockedBy) releasePublisher(this);
    const stream = this.stream;
    if (!stream.destroyed) {
      stream.end();
      // A peer that never reads must not hold the socket open forever.
      const destroyTimer = setTimeout(() => stream.destroy(), 2000);
      destroyTimer.unref?.();
      stream.once('close', () => clearTimeout(destroyTimer));
    }
    connectionLost(this.ctx, this);
  }
}
