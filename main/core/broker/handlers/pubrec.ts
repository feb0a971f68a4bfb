import { encodeAck } from '../codec/encode';
import { type AckPacket, PacketType } from '../codec/packets';
import { RC } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { Client, Session } from '../session';
import { pump, releaseSlot, takeSlot } from '../delivery/send';

/** PUBREC for an outgoing QoS 2 message: answer PUBREL ([MQTT-4.3.3-4]), or end it on a failure code. */
export function handlePubrec(ctx: BrokerContext, client: Client, session: Session, packet: AckPacket): void {
  const entry = session.inflight.get(packet.packetId);
  if (!entry || entry.qos !== 2) {
    // A PUBREC >= 0x80 ends the client's side of the flow: answering it (a PUBREL, let alone 0x92
    // for an id we freed) would restart what the client has closed ([MQTT-4.3.3-4] [MQTT-4.4.0-2])
    if (packet.reasonCode >= 0x80) return;
    // v5: the id is unknown to us; tell the client (and why) so it can drop its state
    if (client.version !== 5) return client.write(encodeAck(PacketType.PUBREL, client.version, packet.packetId));
    const bare = () => encodeAck(PacketType.PUBREL, 5, packet.packetId, RC.PACKET_IDENTIFIER_NOT_FOUND);
    if (!client.explainsFailures) return client.write(bare());
    const why = `packet identifier ${packet.packetId} is not an outgoing QoS 2 message awaiting PUBREC`;
    client.writeWithReason(encodeAck(PacketType.PUBREL, 5, packet.packetId, RC.PACKET_IDENTIFIER_NOT_FOUND, why), bare);
    return;
  }
  if (packet.reasonCode >= 0x80) {
    // [MQTT-4.4.0-2] a refusal ends the message; it is never resent, and the quota comes back
    session.inflight.delete(packet.packetId);
    if (entry.seq !== undefined) ctx.journal?.done(session, entry.seq);
    if (entry.sent) releaseSlot(client);
    else if (entry.stage === 1) session.unsentInflight--;
    pump(ctx, session);
    return;
  }
  if (entry.stage === 1) {
    if (!entry.sent) {
      // acknowledged from an earlier connection before we resent it: it now holds a slot until PUBCOMP
      session.unsentInflight--;
      takeSlot(client);
    }
    entry.stage = 2; // [MQTT-4.3.3-5] [MQTT-4.3.3-6] from now on only PUBREL, never the PUBLISH again
    entry.sent = true;
    if (entry.seq !== undefined) ctx.journal?.released(session, entry.seq, entry.packetId);
  }
  client.write(encodeAck(PacketType.PUBREL, client.version, packet.packetId));
}
