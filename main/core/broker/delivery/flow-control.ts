import type { BrokerContext } from '../context';
import { safely } from '../safely';
import type { Client, Session } from '../session';

/**
 * Flow control towards publishers (issue #5: QoS 1/2 fan-in without loss). When an online
 * subscriber's queue reaches the high-water mark, the publishers feeding it stop being read; they
 * are read again when it drains to the low-water mark. A subscriber that keeps them paused without
 * taking a message for slowConsumerTimeoutMs is declared slow: they are released and its overflow
 * is dropped.
 */

/** Half the queue: the other half absorbs what publishers already sent when the mark is passed. */
export function highWater(ctx: BrokerContext): number {
  return Math.max(1, ctx.options.maxQueuedMessages >> 1);
}

function lowWater(ctx: BrokerContext): number {
  return ctx.options.maxQueuedMessages >> 2;
}

/** `session`'s queue passed the high-water mark while `publisher` fed it: pause the publisher. */
export function block(ctx: BrokerContext, session: Session, publisher: Client): void {
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
      ctx.flow.timer = ctx.options.timers.setInterval(() => safely('slow consumers', () => checkSlowConsumers(ctx)), period);
    }
  }
  if (blocking.has(publisher)) return;
  blocking.add(publisher);
  (publisher.flow.pausedBy ??= new Set()).add(session);
  if (publisher.flow.pausedBy.size === 1) {
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
    const by = publisher.flow.pausedBy;
    if (!by) continue;
    by.delete(session);
    if (by.size === 0) {
      publisher.flow.pausedBy = null;
      publisher.resumeReading();
    }
  }
}

/** A paused publisher is let go by every session holding it (it closed, or it must read acks). */
export function releasePublisher(ctx: BrokerContext, publisher: Client): void {
  const by = publisher.flow.pausedBy;
  if (!by) return;
  publisher.flow.pausedBy = null;
  for (const session of by) {
    const blocking = session.blocking;
    if (!blocking) continue;
    blocking.delete(publisher);
    if (blocking.size === 0) {
      session.blocking = null;
      ctx.flow.blocking.delete(session);
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
    ctx.flow.timer.cancel();
    ctx.flow.timer = null;
  }
}

/**
 * The session's queue went from `queued` to what it is now. A subscriber that reads, however slowly
 * (the workbench writing 500 KB payloads to disk), is not stuck: its clock restarts; only one that
 * stops reading is declared slow. At the low-water mark its publishers are released.
 */
export function drained(ctx: BrokerContext, session: Session, queued: number): void {
  if (session.blocking && session.queue.length < queued) session.blockedSince = ctx.options.now();
  if (!session.blocking && !session.slow) return;
  if (session.queue.length > lowWater(ctx)) return;
  session.slow = false;
  releaseSession(ctx, session);
}
