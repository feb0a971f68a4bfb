import { encodeAck } from '../codec/encode';
import type { BrokerContext } from '../context';
import type { Client, Inflight, Pending, Session } from '../session';
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

function liveClient(session: Session): Client | null {
  const client = session.connection;
  return client && client.state === 'connected' ? client : null;
}

/**
 * Hands `pending` (made for this session; it may be kept in its queue) to the session: sent now if
 * the window allows, else queued. `publisher`, the client it came from, is paused when the
 * queue passes the high-water mark (flow-control.ts).
 */
export function deliver(ctx: BrokerContext, session: Session, pending: Pending, now: number, publisher?: Client): void {
  if (pending.msg.isExpired(now)) return drop(ctx, session, 'droppedExpired'); // [MQTT-3.3.2-5]
  // read access (ACL): one undefined check when no such hook is configured
  const authorizeRead = ctx.authorizeRead;
  if (authorizeRead !== undefined && !authorizeRead(session.clientId, pending.msg.topic, session.username)) {
    ctx.counters.deniedDelivery++;
    return;
  }
  const client = liveClient(session);
  if (pending.qos === 0) {
    if (client) {
      // a subscriber that stops reading loses QoS 0 rather than growing our memory
      if (client.congested) return drop(ctx, session, 'droppedSlowConsumer');
      sendQos0(ctx, client, session, pending, now);
    } else if (ctx.options.queueQos0Offline) enqueue(ctx, session, pending);
    return;
  }
  if (client) {
    // it has to read its PUBACK/PUBREC/PUBCOMP for this message: never leave it paused
    if (client.flow.pausedBy) releasePublisher(ctx, client);
    if (session.queue.length === 0 && session.unsentInflight === 0 && client.flow.unacked < client.limits.sendLimit && !client.congested) {
      sendNew(ctx, client, session, pending, now);
      return;
    }
  }
  enqueue(ctx, session, pending);
  if (client && publisher && !session.slow && session.queue.length >= highWater(ctx)) block(ctx, session, publisher);
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

function sendQos0(ctx: BrokerContext, client: Client, session: Session, pending: Pending, now: number): void {
  const frames = framesFor(client, pending, 0, false, now); // [MQTT-2.2.1-2] [MQTT-4.3.1-1] no packet id, DUP 0
  if (!frames) return drop(ctx, session, 'droppedTooLarge'); // [MQTT-3.1.2-25]
  client.writeAll(frames);
  ctx.counters.messagesOut++;
}

function sendNew(ctx: BrokerContext, client: Client, session: Session, pending: Pending, now: number): void {
  const packetId = session.allocatePacketId(); // [MQTT-2.2.1-4] [MQTT-4.3.2-1] [MQTT-4.3.3-1]
  if (packetId === 0) return enqueue(ctx, session, pending);
  const frames = framesFor(client, pending, packetId, false, now);
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
  client.flow.unacked++;
  client.writeAll(frames);
  ctx.counters.messagesOut++;
}

function resend(ctx: BrokerContext, client: Client, session: Session, entry: Inflight, now: number): void {
  // [MQTT-3.3.1-1] DUP 1 on a retransmission; [MQTT-4.3.3-7] a QoS 2 PUBLISH already sent is not expired
  const frames = framesFor(client, entry, entry.packetId, true, now);
  entry.sent = true;
  session.unsentInflight--;
  if (!frames) {
    session.inflight.delete(entry.packetId);
    if (entry.seq !== undefined) ctx.journal?.done(session, entry.seq);
    return drop(ctx, session, 'droppedTooLarge');
  }
  client.flow.unacked++;
  client.writeAll(frames);
  ctx.counters.messagesOut++;
}

/**
 * After CONNACK on a resumed session: resend unacknowledged PUBLISH with DUP 1 and the same ids, and
 * PUBREL awaiting PUBCOMP, in their original order ([MQTT-4.4.0-1]); then drain the queue.
 */
export function resumeDelivery(ctx: BrokerContext, session: Session): void {
  const client = liveClient(session);
  if (!client) return;
  const now = ctx.options.now();
  for (const entry of session.inflight.values()) {
    if (entry.stage === 2) {
      client.write(encodeAck(6, client.version, entry.packetId));
    } else if (!entry.sent && client.flow.unacked < client.limits.sendLimit) {
      resend(ctx, client, session, entry, now);
    }
  }
  pump(ctx, session);
}

/** Sends what the window allows: unsent in-flight entries first (they keep order), then the queue. */
export function pump(ctx: BrokerContext, session: Session): void {
  const client = liveClient(session);
  if (!client) return;
  const now = ctx.options.now();
  if (session.unsentInflight > 0) {
    for (const entry of session.inflight.values()) {
      if (entry.stage !== 1 || entry.sent) continue;
      if (client.flow.unacked >= client.limits.sendLimit || client.congested) return;
      resend(ctx, client, session, entry, now);
    }
  }
  const queued = session.queue.length;
  while (session.queue.length > 0) {
    if (client.congested) break;
    const next = session.queue.peek()!;
    if (next.qos > 0 && client.flow.unacked >= client.limits.sendLimit) break;
    session.queue.shift();
    if (next.msg.isExpired(now)) {
      if (next.seq !== undefined) ctx.journal?.done(session, next.seq);
      drop(ctx, session, 'droppedExpired'); // [MQTT-3.3.2-5] [MQTT-4.5.0-1] never delivered once expired
      continue;
    }
    if (next.qos === 0) sendQos0(ctx, client, session, next, now);
    else sendNew(ctx, client, session, next, now);
  }
  drained(ctx, session, queued);
}

/** An outgoing QoS>0 message was acknowledged (or refused): free its window slot ([MQTT-4.9.0-2]). */
export function releaseSlot(client: Client): void {
  if (client.flow.unacked > 0) client.flow.unacked--;
}

/** A message acknowledged on an earlier connection before we resent it holds a slot of this one (until PUBCOMP). */
export function takeSlot(client: Client): void {
  client.flow.unacked++;
}
