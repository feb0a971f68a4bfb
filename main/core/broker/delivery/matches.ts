import type { QoS } from '../codec/packets';
import type { Message } from '../message';
import type { Session, Subscription } from '../session';
import type { SharedGroup, SubscriptionTrie } from '../subscription-trie';

/**
 * Per-subscriber aggregation of one message's matches, without allocation per subscription: a
 * session matched by several of its subscriptions gets one copy at the highest granted QoS carrying
 * every Subscription Identifier ([MQTT-3.3.4-2] [MQTT-3.3.4-3]).
 */
export interface Match {
  /** The highest QoS its matching subscriptions granted (the message's own QoS still caps it). */
  qos: QoS;
  retainAsPublished: boolean;
  ids: number[] | undefined;
}

interface MatchState extends Match {
  epoch: number;
}

let epoch = 0;
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
 * The sessions `msg` goes to (one entry each, its Match read with `matchOf` until the next call) and
 * the shared groups it matched (one member of each gets it).
 */
export function collectMatches(trie: SubscriptionTrie, msg: Message): { sessions: Session[]; groups: SharedGroup[] } {
  const current = ++epoch;
  matched.length = 0;
  groups.length = 0;
  trie.match(
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
  // copies: the scratch arrays belong to the next call
  return { sessions: matched.slice(), groups: groups.slice() };
}

/** The aggregated match of a session returned by the last `collectMatches`. */
export function matchOf(session: Session): Match {
  return matchStates.get(session)!;
}
