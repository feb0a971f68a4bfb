import { encodeSuback } from '../codec/encode';
import type { QoS, SubscribePacket } from '../codec/packets';
import { malformed, MqttViolation, protocolError, RC } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { Client, Session } from '../session';
import { deliver } from '../delivery/send';
import { emit } from '../events';
import type { Message } from '../message';
import type { Subscription } from '../session';
import { hasWildcard, type ParsedFilter, parseFilter } from '../topic-rules';

/**
 * SUBSCRIBE: each filter is handled as its own subscription and answered in one SUBACK with one code
 * per filter, in order ([MQTT-3.8.4-5] [MQTT-3.8.4-6]); retained messages follow the SUBACK.
 */
export function handleSubscribe(ctx: BrokerContext, client: Client, session: Session, packet: SubscribePacket): void {
  const options = ctx.options;
  const v5 = client.version === 5;
  const subscriptionId = packet.props.subscriptionIdentifier;
  if (subscriptionId !== undefined && !options.subscriptionIdentifierAvailable) {
    throw new MqttViolation(RC.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED, 'Subscription Identifiers are not supported');
  }
  const codes: number[] = [];
  /** Why each refused filter was refused, for the SUBACK's Reason String (v5). */
  const refusals: string[] = [];
  const retainedToSend: Array<{ messages: Message[]; subscription: Subscription }> = [];
  const now = options.now();
  const requests = packet.subscriptions;
  const parsedFilters: ParsedFilter[] = [];
  for (const request of requests) {
    const parsed = parseFilter(request.filter, options.maxTopicLevels);
    // [MQTT-4.7.1-1] [MQTT-4.7.1-2] [MQTT-4.7.3-1] [MQTT-4.8.2-1] [MQTT-4.8.2-2] an empty filter, a
    // misplaced wildcard or a $share/ without ShareName or filter breaks a MUST: the whole packet is
    // malformed (v5 DISCONNECT 0x81, 3.1.1/3.1 close) and none of its filters applies
    if (parsed.malformed) throw malformed(`topic filter "${truncate(request.filter, 200)}": ${parsed.problem}`);
    parsedFilters.push(parsed);
  }
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i]!;
    const parsed = parsedFilters[i]!;
    if (parsed.group !== null) {
      if (!options.sharedSubscriptionAvailable) {
        // v5 was told in CONNACK; 3.1.1 gets its failure code ([3.1.1 MQTT-3.9.3-2]); 3.1 has none
        if (client.version === 4) {
          codes.push(0x80);
          continue;
        }
        throw new MqttViolation(RC.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED, 'shared subscriptions are not supported');
      }
      if (request.noLocal) throw protocolError('No Local on a shared subscription'); // [MQTT-3.8.3-4]
    }
    if (parsed.problem) {
      // a well-formed filter we do not accept (too many levels): v5 0x8F for this entry while the
      // others still apply; 3.1.1 0x80; 3.1 has no failure code
      if (client.version === 3) throw protocolError(parsed.problem);
      codes.push(v5 ? RC.TOPIC_FILTER_INVALID : 0x80);
      refusals.push(`"${request.filter}": ${parsed.problem}`);
      continue;
    }
    if (!options.wildcardSubscriptionAvailable && hasWildcard(parsed.topicFilter)) {
      if (client.version === 4) {
        codes.push(0x80); // [3.1.1 MQTT-3.9.3-2]
        continue;
      }
      throw new MqttViolation(RC.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED, 'wildcard subscriptions are not supported');
    }
    const authorize = options.auth.authorizeSubscribe;
    if (authorize && !authorize(client.clientId, request.filter, client.username)) {
      ctx.counters.deniedSubscribe++;
      codes.push(v5 ? RC.NOT_AUTHORIZED : 0x80);
      refusals.push(`"${request.filter}": not authorized to subscribe`);
      continue;
    }
    if (!session.subscriptions.has(request.filter) && session.subscriptions.size >= options.maxSubscriptionsPerSession) {
      codes.push(v5 ? RC.QUOTA_EXCEEDED : 0x80); // a bound on what one session may make us hold
      refusals.push(`"${request.filter}": the session already holds ${options.maxSubscriptionsPerSession} subscriptions (the limit)`);
      continue;
    }
    // [MQTT-3.2.2-10] grant at most our maximum QoS
    const granted = (request.qos < options.maximumQoS ? request.qos : options.maximumQoS) as QoS;
    const existing = session.subscriptions.get(request.filter);
    // [MQTT-3.8.4-3] an identical filter replaces the subscription; its options and id are the new ones
    const subscription: Subscription = {
      session,
      filter: request.filter,
      topicFilter: parsed.topicFilter,
      group: parsed.group,
      qos: granted,
      noLocal: request.noLocal,
      retainAsPublished: request.retainAsPublished,
      retainHandling: request.retainHandling,
      subscriptionId,
    };
    if (existing) ctx.trie.remove(existing);
    session.ownSubscriptions().set(request.filter, subscription);
    ctx.trie.add(subscription);
    if (session.persisted) ctx.journal!.subscribed(session, subscription);
    codes.push(granted);
    emit(ctx, { type: 'subscription.added', clientId: client.clientId, filter: request.filter, qos: granted });
    // [MQTT-3.3.1-9] RH 0: always; [MQTT-3.3.1-10] RH 1: only when new; [MQTT-3.3.1-11] RH 2: never.
    // No retained messages for shared subscriptions.
    const sendRetained = parsed.group === null && (request.retainHandling === 0 || (request.retainHandling === 1 && !existing));
    if (sendRetained && ctx.retained.size > 0) {
      retainedToSend.push({ messages: ctx.retained.match(parsed.topicFilter, now), subscription });
    }
  }
  // [MQTT-3.8.4-1] [MQTT-3.8.4-2] same Packet Identifier; failures say why (one Reason String for all)
  if (refusals.length > 0 && client.explainsFailures) {
    const reasonString = truncate(`refused ${refusals.join('; ')}`);
    client.writeWithReason(encodeSuback(5, packet.packetId, codes, { reasonString }), () => encodeSuback(5, packet.packetId, codes));
  } else {
    client.write(encodeSuback(client.version, packet.packetId, codes));
  }
  for (const { messages, subscription } of retainedToSend) {
    const ids = subscription.subscriptionId !== undefined ? [subscription.subscriptionId] : undefined;
    for (const message of messages) {
      const qos = (message.qos < subscription.qos ? message.qos : subscription.qos) as QoS;
      // retained messages sent because of a subscription have RETAIN 1 ([3.1.1 MQTT-3.3.1-8])
      deliver(ctx, session, { msg: message, qos, retain: true, subscriptionIds: ids, group: undefined }, now);
    }
  }
}

/** Reason Strings are for people: a SUBSCRIBE with thousands of bad filters gets a readable start. */
export function truncate(text: string, max = 1024): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
