import type { BrokerContext } from './context';
import { emit } from './events';
import { longTimeout } from './long-timer';
import { NEVER_EXPIRES } from './options';
import { safely } from './safely';
import { releaseSession } from './delivery/flow-control';
import { redistributeShared } from './delivery/routing';
import type { ProtocolVersion } from './codec/packets';
import type { Client, Pending, Session, StoredWill } from './session';
import { cancelWillTimer, publishWill, scheduleWill } from './wills';

/**
 * Session lifecycle: a session outlives its connection by its Session Expiry Interval
 * ([MQTT-3.1.2-23]) and is then discarded with everything it holds ([MQTT-4.1.0-2]).
 */

/** A connection takes the session, new or resumed: its version, lifetime, Will and user are the new CONNECT's. */
export function attachSession(
  ctx: BrokerContext,
  session: Session,
  client: Client,
  terms: { version: ProtocolVersion; expiryInterval: number; will: StoredWill | null; username: string | undefined },
): void {
  session.version = terms.version;
  session.expiryInterval = terms.expiryInterval;
  session.will = terms.will;
  session.connection = client;
  session.username = terms.username;
  ctx.journal?.session(session);
}

/** Called once when the connection `session` is attached to closes, for whatever reason. */
export function connectionLost(ctx: BrokerContext, connection: Client, session: Session): void {
  emit(ctx, { type: 'client.disconnected', clientId: session.clientId, by: connection.closedBy, reasonCode: connection.closeReasonCode });
  session.connection = null;
  session.disconnectedAt = ctx.options.now();
  // offline it holds nobody: its queue limit applies, drops counted as queue full
  releaseSession(ctx, session);
  session.slow = false;
  // In-flight messages are resent with DUP 1 on resume ([MQTT-4.4.0-1]); PUBREL needs no flag.
  for (const entry of session.inflight.values()) {
    if (entry.stage === 1 && entry.sent) {
      entry.sent = false;
      session.unsentInflight++;
    }
  }
  if (connection.discardWill || ctx.closing) {
    session.will = null; // [MQTT-3.14.4-3] normal disconnect: the Will is deleted
  } else if (session.will) {
    // v5: with its delay; 3.1.1/3.1: at once ([3.1.1 MQTT-3.1.2-8])
    scheduleWill(ctx, session);
  }
  if (session.expiryInterval === 0) {
    endSession(ctx, session);
    return;
  }
  if (session.expiryInterval !== NEVER_EXPIRES) {
    session.expiryTimer = longTimeout(() => safely('session expiry', () => endSession(ctx, session)), session.expiryInterval * 1000, ctx.options.now, ctx.options.timers);
  }
}

/** Discards a session: subscriptions, queues, in-flight state. A pending Will goes out now. */
export function endSession(ctx: BrokerContext, session: Session): void {
  if (session.ended) return;
  session.ended = true;
  if (session.persisted) ctx.journal?.ended(session);
  emit(ctx, { type: 'session.ended', clientId: session.clientId });
  session.expiryTimer?.cancel();
  session.expiryTimer = null;
  if (ctx.sessions.get(session.clientId) === session) ctx.sessions.delete(session.clientId);
  for (const subscription of session.subscriptions.values()) ctx.trie.remove(subscription);
  session.subscriptions.clear();
  const shared: Pending[] = [];
  for (const entry of session.inflight.values()) if (entry.group && entry.stage === 1) shared.push(entry);
  for (const entry of session.queue) if (entry.group) shared.push(entry);
  session.queue.clear();
  releaseSession(ctx, session);
  session.inflight.clear();
  session.incomingQos2.clear();
  if (shared.length > 0 && !ctx.closing) redistributeShared(ctx, shared);
  // "When a session ends, its Will is published if it has not been already"
  if (session.will) publishWill(ctx, session);
  cancelWillTimer(session);
}

/** A connection resumes an offline session: stop the expiry clock and any Will waiting for its delay. */
export function resumeSession(session: Session): void {
  session.expiryTimer?.cancel();
  session.expiryTimer = null;
  cancelWillTimer(session); // [MQTT-3.1.3-9]
  session.will = null;
}
