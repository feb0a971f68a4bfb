import type { AckPacket } from '../codec/packets';
import type { BrokerContext } from '../context';
import type { Client, Session } from '../session';
import { pump, releaseSlot } from '../delivery/send';

/**
 * PUBACK ends an outgoing QoS 1 flow ([MQTT-4.3.2-3]), whatever its reason code ([MQTT-4.4.0-2]).
 * An unknown id is ignored: it never frees an unrelated id.
 */
export function handlePuback(ctx: BrokerContext, client: Client, session: Session, packet: AckPacket): void {
  const entry = session.inflight.get(packet.packetId);
  if (!entry || entry.qos !== 1 || entry.stage !== 1) return;
  session.inflight.delete(packet.packetId);
  if (entry.seq !== undefined) ctx.journal?.done(session, entry.seq);
  if (entry.sent) releaseSlot(client);
  else session.unsentInflight--;
  pump(ctx, session);
}
