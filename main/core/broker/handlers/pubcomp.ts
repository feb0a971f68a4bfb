import type { AckPacket } from '../codec/packets';
import type { BrokerContext } from '../context';
import type { Client, Session } from '../session';
import { pump, releaseSlot } from '../delivery/send';

/** PUBCOMP ends an outgoing QoS 2 flow; the slot returns to the window. Unknown ids are ignored. */
export function handlePubcomp(ctx: BrokerContext, client: Client, session: Session, packet: AckPacket): void {
  const entry = session.inflight.get(packet.packetId);
  if (!entry || entry.stage !== 2) return;
  session.inflight.delete(packet.packetId);
  if (entry.seq !== undefined) ctx.journal?.done(session, entry.seq);
  releaseSlot(client);
  pump(ctx, session);
}
