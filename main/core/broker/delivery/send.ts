import { encodeAck } from '../codec/encode';
import type { Connection } from '../connection';
import type { BrokerContext } from '../context';
import type { Inflight, Pending, Session } from '../session';
import { block, drained, highWater, releasePublisher } from './flow-control';
import { framesFor } from './framing';

/**
 * One message to one session: to the wire when the in-flight window allows ([MQTT-4.9.0-1]), else
 * into its bounded queue; expiry ([MQTT-3.3.2-5]), read access, congestion and Maximum Packet Size
 * ([MQTT-3.1.2-25]) are decided here.
 */

type DropKind = 'droppedQueueFull' | 'droppedSlowConsumer' | 'droppedTooLarge' | 'droppedExpired';

function drop(ctx: BrokerContext, session: Session, kind: DropKind): void {
  session.dropped++;
  ctx.counters.dropped++;
  ctx.counters[kind]++;
}

function liveConnection(session: Session): Connection | null {
  const connection = session.connection as Connection | null;
  return connection && connection.state === 'connected' ? connection : null;
}

/**
 * Hands `pending` (made for this session; it may be kept in its queue) to the session: sent now if
 * the window allows, else queued. `publisher`, the connection it came from, is paused when the
 * queue passes the high-water mark (flow-control.ts).
 */
export function deliver(ctx: BrokerContext, session: Session, pending: Pending, now: number, publisher?: Connection): void {
  if (pending.msg.isExpired(now)) return drop(ctx, session, 'droppedExpired'); // [MQTT-3.3.2-5]
  // read access (ACL): one undefined check when no such hook is configured
  const authorizeRead = ctx.authorizeRead;
  if (authorizeRead !== undefined && !authorizeRead(session.clientId, pending.msg.topic, session.username)) {
    ctx.counters.deniedDelivery++;
    return;
  }
  const connection = liveConnection(session);
  if (pending.qos === 0) {
    if (connection) {
      // a subscriber that stops reading loses QoS 0 rather than growing our memory
      if (connection.congested) return drop(ctx, session, 'droppedSlowConsumer');
      sendQos0(ctx, connection, session, pending, now);
    } else if (ctx.options.queueQos0Offline) enqueue(ctx, session, pending);
    return;
  }
  if (connection) {
    // it has to read its PUBACK/PUBREC/PUBCOMP for this message: never leave it paused
    if (connection.blockedBy) releasePublisher(connection);
    if (session.queue.length === 0 && session.unsentInflight === 0 && connection.unacked < connection.sendLimit && !connection.congested) {
      sendNew(ctx, connection, session, pending, now);
      return;
    }
  }
  enqueue(ctx, session, pending);
  if (connection && publisher && !session.slow && session.queue.length >= highWater(ctx)) block(ctx, session, publisher);
}

/**
 * Bounded queue: beyond maxQueuedMessages a message is dropped and counted. Online subscribers
 * rarely get there: flow control pauses their publishers at the high-water mark, so a full queue
 * means offline, declared slow, or more publishers at once than the room above the mark.
 */
function enqueue(ctx: BrokerContext, session: Session, pending: Pending): void {
  if (session.queue.length >= ctx.options.maxQueuedMessages) return drop(ctx, session, session.slow ? 'droppedSlowConsumer' : 'droppedQueueFull');
  session.queue.push(pending);
  if (session.persisted && pending.qos > 0) ctx.journal!.holds(session, pending);
}

function sendQos0(ctx: BrokerContext, connection: Connection, session: Session, pending: Pending, now: number): void {
  const frames = framesFor(connection, pending, 0, false, now); // [MQTT-2.2.1-2] [MQTT-4.3.1-1] no packet id, DUP 0
  if (!frames) return drop(ctx, session, 'droppedTooLarge'); // [MQTT-3.1.2-25]
  connection.writeAll(frames);
  ctx.counters.messagesOut++;
}

function sendNew(ctx: BrokerContext, connection: Connection, session: Session, pending: Pending, now: number): void {
  const packetId = session.allocatePacketId(); // [MQTT-2.2.1-4] [MQTT-4.3.2-1] [MQTT-4.3.3-1]
  if (packetId === 0) return enqueue(ctx, session, pending);
  const frames = framesFor(connection, pending, packetId, false, now);
  // [MQTT-3.1.2-25] too large: dropped as if delivered, no id kept, no quota used
  if (!frames) {
    if (pending.seq !== undefined) ctx.journal?.done(session, pending.seq);
    return drop(ctx, session, 'droppedTooLarge');
  }
  if (session.persisted) ctx.journal!.holds(session, pending); // written before anything acknowledges it
  // [MQTT-4.3.2-2] [MQTT-4.3.3-2] kept until acknowledged
  // one object shape for every in-flight entry (a spread here was the hottest line in profiles)
  session.ownInflight().set(packetId, {
    msg: pending.msg,
    qos: pending.qos,
    retain: pending.retain,
    subscriptionIds: pending.subscriptionIds,
    group: pending.group,
    packetId,
    stage: 1,
    sent: true,
    seq: pending.seq,
  });
  connection.unacked++;
  connection.writeAll(frames);
  ctx.counters.messagesOut++;
}

function resend(ctx: BrokerContext, connection: Connection, session: Session, entry: Inflight, now: number): void {
  // [MQTT-3.3.1-1] DUP 1 on a retransmission; [MQTT-4.3.3-7] a QoS 2 PUBLISH already sent is not expired
  const frames = framesFor(connection, entry, entry.packetId, true, now);
  entry.sent = true;
  session.unsentInflight--;
  if (!frames) {
    session.inflight.delete(entry.packetId);
    if (entry.seq !== undefined) ctx.journal?.done(session, entry.seq);
    return drop(ctx, session, 'droppedTooLarge');
  }
  connection.unacked++;
  connection.writeAll(frames);
  ctx.counters.messagesOut++;
}

/**
 * After CONNACK on a resumed session: resend unacknowledged PUBLISH with DUP 1 and the same ids, and
 * PUBREL awaiting PUBCOMP, in their original order ([MQTT-4.4.0-1]); then drain the queue.
 */
export function resumeDelivery(ctx: BrokerContext, session: Session): void {
  const connection = liveConnection(session);
  if (!connection) return;
  const now = ctx.options.now();
  for (const entry of session.inflight.values()) {
    if (entry.stage === 2) {
      connection.write(encodeAck(6, connection.version, entry.packetId));
    } else if (!entry.sent && connection.unacked < connection.sendLimit) {
      resend(ctx, connection, session, entry, now);
    }
  }
  pump(ctx, session);
}

/** Sends what the window allows: unsent in-flight entries first (they keep order), then the queue. */
export function pump(ctx: BrokerContext, session: Session): void {
  const connection = liveConnection(session);
  if (!connection) return;
  const now = ctx.options.now();
  if (session.unsentInflight > 0) {
    for (const entry of session.inflight.values()) {
      if (entry.stage !== 1 || entry.sent) continue;
      if (connection.unacked >= connection.sendLimit || connection.congested) return;
      resend(ctx, connection, session, entry, now);
    }
  }
  const queued = session.queue.length;
  while (session.queue.length > 0) {
    if (connection.congested) break;
    const next = session.queue.peek()!;
    if (next.qos > 0 && connection.unacked >= connection.sendLimit) break;
    session.queue.shift();
    if (next.msg.isExpired(now)) {
      if (next.seq !== undefined) ctx.journal?.done(session, next.seq);
      drop(ctx, session, 'droppedExpired'); // [MQTT-3.3.2-5] [MQTT-4.5.0-1] never delivered once expired
      continue;
    }
    if (next.qos === 0) sendQos0(ctx, connection, session, next, now);
    else sendNew(ctx, connection, session, next, now);
  }
  drained(ctx, session, queued);
}

/** An outgoing QoS>0 message was acknowledged (or refused): free its window slot ([MQTT-4.9.0-2]). */
export function releaseSlot(connection: Connection): void {
  if (connection.unacked > 0) connection.unacked--;
}
