import { encodeAck } from '../codec/encode';
import { type AckPacket, PacketType } from '../codec/packets';
import { RC } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { Client, Session } from '../session';

/**
 * PUBREL for an incoming QoS 2 message: PUBCOMP with the same id ([MQTT-4.3.3-11]); after it the id
 * is free for a new message ([MQTT-4.3.3-12]). An unknown id gets PUBCOMP 0x92.
 */
export function handlePubrel(ctx: BrokerContext, client: Client, session: Session, packet: AckPacket): void {
  const known = session.incomingQos2.delete(packet.packetId);
  if (known && session.persisted) ctx.journal!.incoming(session, packet.packetId, false);
  if (known || client.version !== 5) return client.write(encodeAck(PacketType.PUBCOMP, client.version, packet.packetId));
  const bare = () => encodeAck(PacketType.PUBCOMP, 5, packet.packetId, RC.PACKET_IDENTIFIER_NOT_FOUND);
  if (!client.explainsFailures) return client.write(bare());
  const why = `packet identifier ${packet.packetId} is not an incoming QoS 2 message awaiting PUBREL`;
  client.writeWithReason(encodeAck(PacketType.PUBCOMP, 5, packet.packetId, RC.PACKET_IDENTIFIER_NOT_FOUND, why), bare);
}
