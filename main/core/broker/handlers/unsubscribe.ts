import { encodeUnsuback } from '../codec/encode';
import type { UnsubscribePacket } from '../codec/packets';
import { malformed, RC } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { Client, Session } from '../session';
import { emit } from '../events';
import { parseFilter } from '../topic-rules';
import { truncate } from './subscribe';

/**
 * UNSUBSCRIBE: filters compared character for character ([MQTT-3.10.4-1]); one UNSUBACK with the
 * same id even when nothing was removed ([MQTT-3.10.4-4] .. [MQTT-3.10.4-6]). Deliveries already
 * started are completed ([MQTT-3.10.4-3]): in-flight entries are not touched.
 */
export function handleUnsubscribe(ctx: BrokerContext, client: Client, session: Session, packet: UnsubscribePacket): void {
  const codes: number[] = [];
  const refusals: string[] = [];
  const maxLevels = ctx.options.maxTopicLevels;
  for (const filter of packet.filters) {
    // [MQTT-4.7.1-1] [MQTT-4.7.1-2] [MQTT-4.7.3-1] [MQTT-4.8.2-1] a filter breaking a MUST makes the
    // packet malformed (v5 DISCONNECT 0x81, 3.1.1/3.1 close); nothing is unsubscribed
    const parsed = parseFilter(filter, maxLevels);
    if (parsed.malformed) throw malformed(`topic filter "${truncate(filter, 200)}": ${parsed.problem}`);
  }
  for (const filter of packet.filters) {
    const subscription = session.subscriptions.get(filter);
    if (subscription) {
      session.subscriptions.delete(filter);
      ctx.trie.remove(subscription);
      if (session.persisted) ctx.journal!.unsubscribed(session, filter);
      codes.push(RC.SUCCESS);
      emit(ctx, { type: 'subscription.removed', clientId: client.clientId, filter });
    } else {
      const problem = parseFilter(filter, maxLevels).problem;
      if (!problem) {
        codes.push(RC.NO_SUBSCRIPTION_EXISTED); // [MQTT-3.11.3-1]
        continue;
      }
      codes.push(RC.TOPIC_FILTER_INVALID);
      refusals.push(`"${filter}": ${problem}`);
    }
  }
  if (refusals.length > 0 && client.explainsFailures) {
    const reasonString = truncate(`refused ${refusals.join('; ')}`);
    client.writeWithReason(encodeUnsuback(5, packet.packetId, codes, { reasonString }), () => encodeUnsuback(5, packet.packetId, codes));
    return;
  }
  client.write(encodeUnsuback(client.version, packet.packetId, codes));
}
