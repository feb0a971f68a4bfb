import type { BrokerContext } from './context';
import { storeRetained } from './delivery/retained';
import { publishMessage } from './delivery/routing';
import { longTimeout } from './long-timer';
import { Message } from './message';
import { safely } from './safely';
import type { Session, StoredWill } from './session';

/** Publishes the session's Will now, once, and forgets it ([MQTT-3.1.2-8] [MQTT-3.1.2-10]). */
export function publishWill(ctx: BrokerContext, session: Session): void {
  const will = session.will;
  cancelWillTimer(session);
  if (!will) return;
  session.will = null;
  // the Will is a publication by that client: the same rules apply ($SYS, authorization)
  const authorize = ctx.options.auth.authorizePublish;
  if (will.topic.startsWith('$SYS') || (authorize && !authorize(session.clientId, will.topic, session.username))) {
    ctx.counters.deniedPublish++;
    return;
  }
  const message = willMessage(ctx, session.clientId, will);
  // [MQTT-3.1.2-15]
  if (message.retain) storeRetained(ctx, message);
  publishMessage(ctx, message);
}

/**
 * After the connection is lost: the Will goes out when its delay has passed or the session ends,
 * whichever is first ([MQTT-3.1.3-9] a reconnect before that cancels it). 3.1.1 has no delay.
 */
export function scheduleWill(ctx: BrokerContext, session: Session): void {
  const will = session.will;
  if (!will) return;
  if (will.delayInterval === 0) return publishWill(ctx, session);
  cancelWillTimer(session);
  session.willTimer = longTimeout(() => safely('Will', () => publishWill(ctx, session)), will.delayInterval * 1000, ctx.options.now, ctx.options.timers);
}

export function cancelWillTimer(session: Session): void {
  session.willTimer?.cancel();
  session.willTimer = null;
}

function willMessage(ctx: BrokerContext, clientId: string, will: StoredWill): Message {
  // [MQTT-3.1.3-10] sent with its properties, in order; the Will Delay Interval is not forwarded
  return new Message({
    topic: will.topic,
    payload: will.payload,
    qos: will.qos,
    // [MQTT-3.1.2-14] [MQTT-3.1.2-15]
    retain: will.retain,
    forward: will.forward,
    expiryInterval: will.props.messageExpiryInterval,
    origin: clientId,
    now: ctx.options.now(),
  });
}
