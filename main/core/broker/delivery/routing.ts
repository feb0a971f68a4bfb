import type { QoS } from '../codec/packets';
import type { BrokerContext } from '../context';
import type { Message } from '../message';
import type { Client, Pending } from '../session';
import type { SharedGroup } from '../subscription-trie';
import { collectMatches, matchOf } from './matches';
import { deliver } from './send';

/**
 * Routing: one incoming message → the sessions whose subscriptions match it → each one's delivery
 * (send.ts). Returns how many sessions it was given to. `publisher` (the client it came from,
 * if any) is paused when a subscriber's queue fills.
 */
export function publishMessage(ctx: BrokerContext, msg: Message, publisher?: Client): number {
  const { sessions, groups } = collectMatches(ctx.trie, msg);
  const now = ctx.options.now();
  for (const session of sessions) {
    const match = matchOf(session);
    const pending: Pending = {
      msg,
      qos: (msg.qos < match.qos ? msg.qos : match.qos) as QoS, // [MQTT-3.8.4-8]
      // [MQTT-3.3.1-12] [MQTT-3.3.1-13] live forwarding keeps RETAIN only with Retain As Published
      retain: match.retainAsPublished && msg.retain,
      subscriptionIds: match.ids,
      group: undefined,
    };
    deliver(ctx, session, pending, now, publisher);
  }
  // each message to one member of each group, at that member's own QoS and identifier [MQTT-4.8.2-3]
  for (const group of groups) toOneMember(ctx, group, msg, now, publisher);
  return sessions.length + groups.length;
}

function toOneMember(ctx: BrokerContext, group: SharedGroup, msg: Message, now: number, publisher?: Client): void {
  const member = group.pick();
  if (!member) return;
  const pending: Pending = {
    msg,
    qos: (msg.qos < member.qos ? msg.qos : member.qos) as QoS,
    retain: member.retainAsPublished && msg.retain,
    subscriptionIds: member.subscriptionId !== undefined ? [member.subscriptionId] : undefined,
    group,
  };
  deliver(ctx, member.session, pending, now, publisher);
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
    toOneMember(ctx, entry.group as SharedGroup, entry.msg, now);
  }
}
