import { encodeUnsuback } from '../codec/encode';
import type { UnsubscribePacket } from '../codec/packets';
import { RC } from '../codec/reason-codes';
import type { Connection } from '../connection';
import { emit } from '../events';
import { parseFilter } from '../topic-rules';

/**
 * UNSUBSCRIBE: filters compared character for character ([MQTT-3.10.4-1]); one UNSUBACK with the
 * same id even when nothing was removed ([MQTT-3.10.4-4] .. [MQTT-3.10.4-6]). Deliveries already
 * started are completed ([MQTT-3.10.4-3]): in-flight entries are not touched.
 */
export function handleUnsubscribe(connection: Connection, packet: UnsubscribePacket): void {
  const { ctx } = connection;
  const session = connection.session!;
  const codes: number[] = [];
  for (const filter of packet.filters) {
    const subscription = session.subscriptions.get(filter);
    if (subscription) {
      session.subscriptions.delete(filter);
      ctx.trie.remove(subscription);
      codes.push(RC.SUCCESS);
      emit(ctx, { type: 'subscription.removed', clientId: connection.clientId, filter });
    } else if (parseFilter(filter, ctx.options.maxTopicLevels).problem) {
      codes.push(RC.TOPIC_FILTER_INVALID);
    } else {
      codes.push(RC.NO_SUBSCRIPTION_EXISTED); // [MQTT-3.11.3-1]
    }
  }
  connection.write(encodeUnsuback(connection.version, packet.packetId, codes));
}
