import type { AckPacket } from '../codec/packets';
import type { Connection } from '../connection';
import { pump, releaseSlot } from '../delivery/send';

/**
 * PUBACK ends an outgoing QoS 1 flow ([MQTT-4.3.2-3]), whatever its reason code ([MQTT-4.4.0-2]).
 * An unknown id is ignored: it never frees an unrelated id.
 */
export function handlePuback(connection: Connection, packet: AckPacket): void {
  const session = connection.session!;
  const entry = session.inflight.get(packet.packetId);
  if (!entry || entry.qos !== 1 || entry.stage !== 1) return;
  session.inflight.delete(packet.packetId);
  if (entry.seq !== undefined) connection.ctx.journal?.done(session, entry.seq);
  if (entry.sent) releaseSlot(connection);
  else session.unsentInflight--;
  pump(connection.ctx, session);
}
