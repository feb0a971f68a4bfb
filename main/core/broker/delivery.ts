import { encodeAck } from './codec/encode';
import type { QoS } from './codec/packets';
import type { Connection } from './connection';
import type { BrokerContext } from './context';
import { emit } from './events';
import type { Message } from './message';
import type { Pending, Session, Subscription } from './session';
import type { SharedGroup } from './subscription-trie';
import { safely } from './safely';

/**
 * Routing and delivery: one incoming message → matching sessions → the wire, or their queues.
 * Flow control ([MQTT-4.9.0-1]), Maximum Packet Size ([MQTT-3.1.2-25]), expiry ([MQTT-3.3.2-5]),
 * queue limits and slow consumers are all decided here.
 */

// Per-publish aggregation without allocation: a session matched twice gets one copy at the
// highest granted QoS carrying every Subscription Identifier ([MQTT-3.3.4-2] [MQTT-3.3.4-3]).
let epoch = 0;
interface MatchState {
  epoch: number;
  qos: QoS;
  retainAsPublished: boolean;
  ids: number[] | undefined;
}
const matchStates = new WeakMap<Session, MatchState>();
const matched: Session[] = [];
const groups: SharedGroup[] = [];

function stateOf(session: Session): MatchState {
  let state = matchStates.get(session);
  if (!state) {
    state = { epoch: 0, qos: 0, retainAsPublished: false, ids: undefined };
    matchStates.set(session, state);
  }
  return state;
}

/**
 * Routes a message to every matching subscription. Returns how many sessions it was given to.
 * `publisher` (the connection it came from, if any) is paused when a subscriber's queue fills.
 */
export function publishMessage(ctx: BrokerContext, msg: Message, publisher?: Connection): number {
  const current = ++epoch;
  matched.length = 0;
  groups.length = 0;
  ctx.trie.match(
    msg.topic,
    (sub: Subscription) => {
      if (sub.noLocal && sub.session.clientId === msg.origin) return; // [MQTT-3.8.3-3]
      const state = stateOf(sub.session);
      if (state.epoch !== current) {
        state.epoch = current;
        state.qos = sub.qos;
        state.retainAsPublished = sub.retainAsPublished;
        state.ids = sub.subscriptionId !== undefined ? [sub.subscriptionId] : undefined;
        matched.push(sub.session);
        return;
      }
      if (sub.qos > state.qos) state.qos = sub.qos;
      if (sub.retainAsPublished) state.retainAsPublished = true;
      if (sub.subscriptionId !== undefined) (state.ids ??= []).push(sub.subscriptionId);
    },
    (group) => groups.push(group),
  );
  const sessions = matched.slice();
  const shared = groups.slice();
  const now = ctx.options.now();
  for (const session of sessions) {
    const state = matchStates.get(session)!;
    const qos = (msg.qos < state.qos ? msg.qos : state.qos) as QoS; // [MQTT-3.8.4-8]
    // [MQTT-3.3.1-12] [MQTT-3.3.1-13] live forwarding keeps RETAIN only with Retain As Published
    deliver(ctx, session, msg, qos, state.retainAsPublished && msg.retain, state.ids, now, undefined, publisher);
  }
  for (const group of shared) {
    // each message to one member of each group, at that member's own QoS and identifier [MQTT-4.8.2-3]
    const member = group.pick();
    if (!member) continue;
    const qos = (msg.qos < member.qos ? msg.qos : member.qos) as QoS;
    const ids = member.subscriptionId !== undefined ? [member.subscriptionId] : undefined;
    deliver(ctx, member.session, msg, qos, member.retainAsPublished && msg.retain, ids, now, group, publisher);
  }
  return sessions.length + shared.length;
}

function drop(ctx: BrokerContext, session: Session, kind: 'droppedQueueFull' | 'droppedSlowConsumer' | 'droppedTooLarge' | 'droppedExpired'): void {
  session.dropped++;
  ctx.counters.dropped++;
  ctx.counters[kind]++;
}

function liveConnection(session: Session): Connection | null {
  const connection = session.connection as Connection | null;
  return connection && connection.state === 'connected' ? connection : null;
}

/** Hands one message to one session: sent now if the window allows, else queued (bounded). */
export function deliver(
  ctx: BrokerContext,
  session: Session,
  msg: Message,
  qos: QoS,
  retain: boolean,
  subscriptionIds: number[] | undefined,
  now: number,
  group?: SharedGroup,
  publisher?: Connection,
): void {
  if (msg.isExpired(now)) return drop(ctx, session, 'droppedExpired'); // [MQTT-3.3.2-5]
  // read access (ACL): one undefined check when no such hook is configured
  const authorizeRead = ctx.authorizeRead;
  if (authorizeRead !== undefined && !authorizeRead(session.clientId, msg.topic, session.username)) {
    ctx.counters.deniedDelivery++;
    return;
  }
  const connection = liveConnection(session);
  if (qos === 0) {
    if (connection) {
      // a subscriber that stops reading loses QoS 0 rather than growing our memory
      if (connection.congested) return drop(ctx, session, 'droppedSlowConsumer');
      sendQos0(ctx, connection, session, msg, retain, subscriptionIds, now);
    } else if (ctx.options.queueQos0Offline) enqueue(ctx, session, { msg, qos, retain, subscriptionIds, group });
    return;
  }
  if (connection) {
    // it has to read its PUBACK/PUBREC/PUBCOMP for this message: never leave it paused
    if (connection.blockedBy) releasePublisher(connection);
    if (session.queue.length === 0 && session.unsentInflight === 0 && connection.unacked < connection.sendLimit && !connection.congested) {
      sendNew(ctx, connection, session, { msg, qos, retain, subscriptionIds, group }, now);
      return;
    }
  }
  enqueue(ctx, session, { msg, qos, retain, subscriptionIds, group });
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

// ---------------------------------------------------------------------------------------------
// Flow control towards publishers (issue #5: QoS 1/2 fan-in without loss). When an online
// subscriber's queue reaches the high-water mark, the publishers feeding it stop being read; they
// are read again when it drains to the low-water mark. A subscriber that keeps them paused without
// taking a message for slowConsumerTimeoutMs is declared slow: they are released and its overflow
// is dropped.

/** Half the queue: the other half absorbs what publishers already sent when the mark is passed. */
function highWater(ctx: BrokerContext): number {
  return Math.max(1, ctx.options.maxQueuedMessages >> 1);
}

function lowWater(ctx: BrokerContext): number {
  return ctx.options.maxQueuedMessages >> 2;
}

function block(ctx: BrokerContext, session: Session, publisher: Connection): void {
  // A client that waits for its own acknowledgements to be read (it has messages in flight to it,
  // or it is the subscriber) is never paused: that could only deadlock.
  const own = publisher.session;
  if (publisher === session.connection || !own || own.inflight.size > 0 || publisher.state !== 'connected') return;
  let blocking = session.blocking;
  if (!blocking) {
    blocking = session.blocking = new Set();
    session.blockedSince = ctx.options.now();
    ctx.flow.blocking.add(session);
    if (!ctx.flow.timer) {
      const period = Math.max(10, ctx.options.slowConsumerTimeoutMs >> 2);
      ctx.flow.timer = setInterval(() => safely('slow consumers', () => checkSlowConsumers(ctx)), period);
      ctx.flow.timer.unref?.();
    }
  }
  if (blocking.has(publisher)) return;
  blocking.add(publisher);
  (publisher.blockedBy ??= new Set()).add(session);
  if (publisher.blockedBy.size === 1) {
    ctx.counters.flowPauses++;
    publisher.pauseReading();
  }
}

/** The session no longer holds its publishers: each resumes once no other session holds it. */
export function releaseSession(ctx: BrokerContext, session: Session): void {
  const blocking = session.blocking;
  if (!blocking) return;
  session.blocking = null;
  ctx.flow.blocking.delete(session);
  for (const publisher of blocking) {
    const by = publisher.blockedBy;
    if (!by) continue;
    by.delete(session);
    if (by.size === 0) {
      publisher.blockedBy = null;
      publisher.resumeReading();
    }
  }
}

/** A paused publisher is let go by every session holding it (it closed, or it must read acks). */
export function releasePublisher(publisher: Connection): void {
  const by = publisher.blockedBy;
  if (!by) return;
  publisher.blockedBy = null;
  for (const session of by) {
    const blocking = session.blocking;
    if (!blocking) continue;
    blocking.delete(publisher);
    if (blocking.size === 0) {
      session.blocking = null;
      publisher.ctx.flow.blocking.delete(session);
    }
  }
  if (publisher.state !== 'closed') publisher.resumeReading();
}

function checkSlowConsumers(ctx: BrokerContext): void {
  const now = ctx.options.now();
  for (const session of ctx.flow.blocking) {
    if (now - session.blockedSince < ctx.options.slowConsumerTimeoutMs) continue;
    session.slow = true;
    ctx.counters.slowConsumers++;
    releaseSession(ctx, session);
  }
  if (ctx.flow.blocking.size === 0 && ctx.flow.timer) {
    clearInterval(ctx.flow.timer);
    ctx.flow.timer = null;
  }
}

/** Called whenever a session's queue shrank or went away: release at the low-water mark. */
function drained(ctx: BrokerContext, session: Session): void {
  if (session.queue.length > lowWater(ctx)) return;
  session.slow = false;
  releaseSession(ctx, session);
}

/**
 * Frames one PUBLISH for one connection. Towards a v5 client that allows topic aliases, a topic gets
 * an alias the first time it is sent (while aliases remain, 1..its maximum: [MQTT-3.3.2-11]
 * [MQTT-3.1.2-26]) and later copies carry the alias and an empty topic. The mapping is committed
 * only if the frame fits the client's Maximum Packet Size, so the client always learned it.
 */
function framesFor(
  connection: Connection,
  msg: Message,
  qos: QoS,
  packetId: number,
  dup: boolean,
  retain: boolean,
  subscriptionIds: number[] | undefined,
  now: number,
): Buffer[] | null {
  const v5 = connection.version === 5;
  if (!v5 || connection.topicAliasMaximumOut === 0) {
    const frames = qos === 0 && !subscriptionIds ? msg.qos0Frame(v5, retain, now) : msg.encode(v5, qos, packetId, dup, retain, subscriptionIds, now);
    return frameSize(frames) > connection.maxPacketSizeOut ? null : frames;
  }
  const aliases = (connection.outboundAliases ??= new Map());
  const known = aliases.get(msg.topic);
  if (known !== undefined) {
    const frames = msg.encode(true, qos, packetId, dup, retain, subscriptionIds, now, known, true);
    return frameSize(frames) > connection.maxPacketSizeOut ? null : frames;
  }
  if (aliases.size < connection.topicAliasMaximumOut) {
    const alias = aliases.size + 1;
    const frames = msg.encode(true, qos, packetId, dup, retain, subscriptionIds, now, alias, false);
    if (frameSize(frames) <= connection.maxPacketSizeOut) {
      aliases.set(msg.topic, alias);
      return frames;
    }
  }
  const frames = msg.encode(true, qos, packetId, dup, retain, subscriptionIds, now);
  return frameSize(frames) > connection.maxPacketSizeOut ? null : frames;
}

function frameSize(frames: Buffer[]): number {
  let size = 0;
  for (const frame of frames) size += frame.length;
  return size;
}

function sendQos0(
  ctx: BrokerContext,
  connection: Connection,
  session: Session,
  msg: Message,
  retain: boolean,
  subscriptionIds: number[] | undefined,
  now: number,
): void {
  // [MQTT-2.2.1-2] [MQTT-4.3.1-1] no packet id, DUP 0
  const frames = framesFor(connection, msg, 0, 0, false, retain, subscriptionIds, now);
  if (!frames) return drop(ctx, session, 'droppedTooLarge'); // [MQTT-3.1.2-25]
  connection.writeAll(frames);
  ctx.counters.messagesOut++;
}

function sendNew(ctx: BrokerContext, connection: Connection, session: Session, pending: Pending, now: number): void {
  const packetId = session.allocatePacketId(); // [MQTT-2.2.1-4] [MQTT-4.3.2-1] [MQTT-4.3.3-1]
  if (packetId === 0) return enqueue(ctx, session, pending);
  const frames = framesFor(connection, pending.msg, pending.qos, packetId, false, pending.retain, pending.subscriptionIds, now);
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

function resend(ctx: BrokerContext, connection: Connection, session: Session, entry: Pending & { packetId: number; sent: boolean }, now: number): void {
  // [MQTT-3.3.1-1] DUP 1 on a retransmission; [MQTT-4.3.3-7] a QoS 2 PUBLISH already sent is not expired
  const frames = framesFor(connection, entry.msg, entry.qos, entry.packetId, true, entry.retain, entry.subscriptionIds, now);
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
    if (next.qos === 0) sendQos0(ctx, connection, session, next.msg, next.retain, next.subscriptionIds, now);
    else sendNew(ctx, connection, session, next, now);
  }
  // A subscriber that reads, however slowly (the workbench writing 500 KB payloads to disk), is
  // not stuck: its clock restarts. Only one that stops reading is declared slow.
  if (session.blocking && session.queue.length < queued) session.blockedSince = ctx.options.now();
  if (session.blocking || session.slow) drained(ctx, session);
}

/** An outgoing QoS>0 message was acknowledged (or refused): free its window slot ([MQTT-4.9.0-2]). */
export function releaseSlot(connection: Connection): void {
  if (connection.unacked > 0) connection.unacked--;
}

/**
 * A session that ends with QoS 1 messages from shared subscriptions still unacknowledged or queued:
 * they go to another member of the group (SHOULD). QoS 2 goes to no other member ([MQTT-4.8.2-5]).
 * Called after the session's subscriptions left the trie.
 */
export function redistributeShared(ctx: BrokerContext, pending: Pending[]): void {
  const now = ctx.options.now();
  for (const entry of pending) {
    if (!entry.group || entry.qos !== 1) continue;
    const member = entry.group.pick();
    if (!member) continue;
    const qos = (entry.msg.qos < member.qos ? entry.msg.qos : member.qos) as QoS;
    const ids = member.subscriptionId !== undefined ? [member.subscriptionId] : undefined;
    deliver(ctx, member.session, entry.msg, qos, member.retainAsPublished && entry.msg.retain, ids, now, entry.group as SharedGroup);
  }
}

/** Stores (or, empty, deletes) a retained message within the store limit; refusals are counted. */
export function storeRetained(ctx: BrokerContext, msg: Message): void {
  const deleted = msg.payload.length === 0;
  if (ctx.retained.set(msg, ctx.options.maxRetainedMessages)) {
    ctx.journal?.retained(msg);
    emit(ctx, { type: 'retained.changed', topic: msg.topic, deleted });
  }
  else if (!deleted) ctx.counters.retainedRejected++;
}
