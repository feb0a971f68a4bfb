import { encodeAck } from '../codec/encode';
import { type AckPacket, PacketType } from '../codec/packets';
import { RC } from '../codec/reason-codes';
import type { Connection } from '../connection';

/**
 * PUBREL for an incoming QoS 2 message: PUBCOMP with the same id ([MQTT-4.3.3-11]); after it the id
 * is free for a new message ([MQTT-4.3.3-12]). An unknown id gets PUBCOMP 0x92.
 */
export function handlePubrel(connection: Connection, packet: AckPacket): void {
  const session = connection.session!;
  const known = session.incomingQos2.delete(packet.packetId);
  if (known && session.persisted) connection.ctx.journal!.incoming(session, packet.packetId, false);
  if (known || connection.version !== 5) return connection.write(encodeAck(PacketType.PUBCOMP, connection.version, packet.packetId));
  const bare = () => encodeAck(PacketType.PUBCOMP, 5, packet.packetId, RC.PACKET_IDENTIFIER_NOT_FOUND);
  if (!connection.explainsFailures) return connection.write(bare());
  const why = `packet identifier ${packet.packetId} is not an incoming QoS 2 message awaiting PUBREL`;
  connection.writeWithReason(encodeAck(PacketType.PUBCOMP, 5, packet.packetId, RC.PACKET_IDENTIFIER_NOT_FOUND, why), bare);
}
