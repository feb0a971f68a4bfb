import type { AckPacket } from '../codec/packets';
import type { Connection } from '../connection';
import { pump, releaseSlot } from '../delivery/send';

/** PUBCOMP ends an outgoing QoS 2 flow; the slot returns to the window. Unknown ids are ignored. */
export function handlePubcomp(connection: Connection, packet: AckPacket): void {
  const session = connection.session!;
  const entry = session.inflight.get(packet.packetId);
  if (!entry || entry.stage !== 2) return;
  session.inflight.delete(packet.packetId);
  if (entry.seq !== undefined) connection.ctx.journal?.done(session, entry.seq);
  releaseSlot(connection);
  pump(connection.ctx, session);
}
