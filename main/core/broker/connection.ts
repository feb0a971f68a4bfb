import type { Duplex } from 'node:stream';
import { decodePacket, SilentClose, UnsupportedProtocolVersion } from './codec/decode';
import { encodeConnack, encodeDisconnect } from './codec/encode';
import { PacketType, type ProtocolVersion } from './codec/packets';
import { MqttViolation, protocolError, RC } from './codec/reason-codes';
import type { BrokerContext, Watched } from './context';
import { releasePublisher } from './delivery/flow-control';
import { pump } from './delivery/send';
import { dispatch } from './handlers/index';
import { safely } from './safely';
import { type Client, type ClientAuth, type ClientFlow, type ClientLimits, type ConnectionState, NO_LIMITS, type Session } from './session';
import { connectionLost } from './session-store';

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
 * One shared timer per broker instead of one per connection: connections waiting for CONNECT and
 * connections with a keep alive are looked at a few times a second, on the broker's clock.
 */
function watch(ctx: BrokerContext, connection: Connection): void {
  const watchdog = ctx.watchdog;
  watchdog.watched.add(connection);
  if (watchdog.timer) return;
  const period = Math.min(250, Math.max(10, ctx.options.connectTimeoutMs >> 2));
  const now = ctx.options.now;
  watchdog.timer = ctx.options.timers.setInterval(() => tick(watchdog, now()), period);
}

function tick(watchdog: BrokerContext['watchdog'], now: number): void {
  for (const watched of watchdog.watched) if (!watched.onTick(now)) watchdog.watched.delete(watched);
  if (watchdog.watched.size === 0 && watchdog.timer) {
    watchdog.timer.cancel();
    watchdog.timer = null;
  }
}

/**
 * One network connection: frames bytes into packets, enforces connection state and keep alive, and
 * writes with cork/uncork so everything sent in one tick leaves in one syscall. The session it
 * carries lives in the session store and may outlive it.
 */
export class Connection implements Client, Watched {
  // Identity and lifecycle: written only by this class (the CONNECT and DISCONNECT handlers call its methods)
  state: ConnectionState = 'awaiting-connect';
  version: ProtocolVersion = 4;
  /** A CONNECT has been read far enough to know `version` (what a refusal may say depends on it). */
  private versionKnown = false;
  clientId = '';
  session: Session | null = null;
  readonly connectedAt: number;
  username: string | undefined;
  closedBy: 'client' | 'broker' | 'network' = 'network';
  closeReasonCode: number | undefined;
  discardWill = false;
  /** 1.5 x the keep alive in ms; 0 = none. Checked by the broker's shared timer. */
  private keepAliveMs = 0;
  private lastActivity: number;

  /** Fixed at CONNECT (fixLimits). */
  limits = NO_LIMITS;
  /** Owned by delivery/. */
  readonly flow: ClientFlow = { unacked: 0, aliases: null, pausedBy: null };
  /** Owned by handlers/auth.ts; made by beginAuthentication. */
  auth: ClientAuth | null = null;
  /** Owned by handlers/publish.ts (ownInboundAliases). */
  inboundAliases: Map<number, string> | null = null;

  // Input and output: this class only
  /** Written to in this tick, uncorked at its end (see uncorkAll). */
  corked = false;
  private address: string | undefined;
  /** Unparsed input; null while there is none (most of the time: no array per idle connection). */
  private chunks: Buffer[] | null = null;
  private buffered = 0;
  private needed = 0;
  private paused = false;
  /** Paused by flow control (delivery/flow-control.ts), independently of `paused` (authentication). */
  private flowPaused = false;
  private resumeScheduled = false;
  /** The stream's 'drain' listener is on (added at the first write it could not take). */
  private drainListened = false;

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
    // 'drain' is listened to from the first write the stream could not take (write()): most
    // connections never get there, and each listener costs every connection memory and setup time
    watch(ctx, this);
  }

  /** The shared timer's look at this connection; false = no longer watched. */
  onTick(now: number): boolean {
    if (this.state === 'connected') {
      // [MQTT-3.1.2-22] closed as on a network failure (the Will goes out), DISCONNECT 0x8D first;
      // not while flow control leaves its packets unread (its PINGREQs are in there)
      if (this.flow.pausedBy === null && now - this.lastActivity >= this.keepAliveMs) safely('keep alive', () => this.disconnect(RC.KEEP_ALIVE_TIMEOUT, 'keep alive timeout'));
      return true;
    }
    if (this.state === 'closed') return false;
    // [SHOULD, no ID] close a connection that never sends CONNECT
    if (now - this.connectedAt >= this.ctx.options.connectTimeoutMs) safely('connect timeout', () => this.close());
    return true;
  }

  fixLimits(limits: ClientLimits): void {
    this.limits = limits;
  }

  beginAuthentication(method: string): void {
    this.auth = { method, exchange: undefined };
    this.state = 'authenticating';
  }

  ownInboundAliases(): Map<number, string> {
    return (this.inboundAliases ??= new Map());
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
    // 'drain' only follows a write that returned false, so listening from then on misses none
    if (!this.stream.write(data) && !this.drainListened) {
      this.drainListened = true;
      this.stream.on('drain', onStreamDrain);
    }
  }

  writeAll(chunks: Buffer[]): void {
    for (const chunk of chunks) this.write(chunk);
  }

  connected(session: Session, clientId: string, username: string | undefined, keepAliveSeconds: number): void {
    this.session = session;
    this.clientId = clientId;
    this.username = username;
    this.state = 'connected';
    if (keepAliveSeconds > 0) {
      // [MQTT-3.1.2-22] [3.1.1 MQTT-3.1.2-24] one and a half times the keep alive
      this.keepAliveMs = keepAliveSeconds * 1500;
    } else {
      this.ctx.watchdog.watched.delete(this); // nothing left to time
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
    if (this.chunks !== null) {
      const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
      this.chunks = null;
      this.buffered = 0;
      this.parse(data);
    }
  }

  /** Bytes from the stream (its 'data' listener). */
  receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.ctx.counters.bytesIn += chunk.length;
    this.lastActivity = this.ctx.options.now();
    if (this.chunks === null && !this.paused && !this.flowPaused) {
      this.parse(chunk);
      return;
    }
    (this.chunks ??= []).push(chunk);
    this.buffered += chunk.length;
    if (this.paused || this.flowPaused || this.buffered < this.needed) return;
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.buffered);
    this.chunks = null;
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
      (this.chunks ??= []).push(rest);
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
      const result = dispatch(this.ctx, this, packet);
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
    return this.version === 5 && this.limits.requestProblemInformation;
  }

  /**
   * Writes `withReason` unless it exceeds the client's Maximum Packet Size; then `bare`, the same
   * packet without its Reason String ([MQTT-3.4.2-2] [MQTT-3.5.2-2] [MQTT-3.6.2-2] [MQTT-3.7.2-2]
   * [MQTT-3.9.2-1] [MQTT-3.11.2-1]).
   */
  writeWithReason(withReason: Buffer, bare: () => Buffer): void {
    this.write(withReason.length > this.limits.maxPacketSize ? bare() : withReason);
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
      if (packet.length > this.limits.maxPacketSize) packet = encodeDisconnect(reasonCode);
      return this.close(packet);
    }
    let packet = encodeConnack(5, false, reasonCode, reasonString ? { reasonString } : undefined);
    if (packet.length > this.limits.maxPacketSize) packet = encodeConnack(5, false, reasonCode); // [MQTT-3.2.2-19]
    this.close(packet);
  }

  closeUnanswered(reasonCode: number): void {
    if (this.state === 'closed') return;
    this.closedBy = 'broker';
    this.closeReasonCode = reasonCode;
    this.close();
  }

  closedByClient(reasonCode: number, discardWill: boolean): void {
    this.discardWill = discardWill;
    this.closedBy = 'client';
    this.closeReasonCode = reasonCode;
    this.close();
  }

  /**
   * Broker shutdown (MAY): v5 clients learn why with DISCONNECT 0x8B, 3.1.1/3.1 have no server
   * DISCONNECT; no Will goes out. Resolves when the stream has closed, or after a second.
   */
  shutdown(): Promise<void> {
    this.discardWill = true;
    this.disconnect(RC.SERVER_SHUTTING_DOWN, 'server shutting down');
    const stream = this.stream;
    return new Promise<void>((resolve) => {
      if (stream.destroyed) return resolve();
      // Real time, not options.timers: it waits on a real socket, and close() must not hang on a test clock.
      const timer = setTimeout(() => {
        stream.destroy();
        resolve();
      }, 1000);
      stream.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Closes the connection, optionally writing one last packet ([MQTT-4.13.2-1] [MQTT-3.14.4-2]). */
  close(lastPacket?: Buffer): void {
    if (this.state === 'closed') return;
    if (lastPacket) this.write(lastPacket);
    this.state = 'closed';
    this.ctx.watchdog.watched.delete(this);
    this.chunks = null;
    this.ctx.connections.delete(this);
    if (this.flow.pausedBy) releasePublisher(this.ctx, this);
    const stream = this.stream;
    if (!lastPacket && stream.readableEnded && stream.writableLength === 0 && !stream.destroyed) {
      // the peer closed its side and nothing of ours waits to go out: no end to wait for (and no
      // timer and listener per closing connection)
      stream.destroy();
    } else if (!stream.destroyed) {
      stream.end();
      // A peer that never reads must not hold the socket open forever (real time, as in shutdown()).
      const destroyTimer = setTimeout(() => stream.destroy(), 2000);
      destroyTimer.unref?.();
      stream.once('close', () => clearTimeout(destroyTimer));
    }
    const session = this.session;
    if (session && session.connection === this) {
      this.session = null;
      connectionLost(this.ctx, this, session);
    }
  }
}
