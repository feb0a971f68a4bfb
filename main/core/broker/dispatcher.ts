import { type ClientPacket, PacketType } from './codec/packets';
import { protocolError } from './codec/reason-codes';
import type { Connection } from './connection';
import { handleAuth } from './handlers/auth';
import { handleConnect } from './handlers/connect';
import { handleDisconnect } from './handlers/disconnect';
import { handlePingreq } from './handlers/pingreq';
import { handlePuback } from './handlers/puback';
import { handlePubcomp } from './handlers/pubcomp';
import { handlePublish } from './handlers/publish';
import { handlePubrec } from './handlers/pubrec';
import { handlePubrel } from './handlers/pubrel';
import { handleSubscribe } from './handlers/subscribe';
import { handleUnsubscribe } from './handlers/unsubscribe';

/**
 * Routes a decoded packet to its handler after checking that the connection state allows it.
 * A handler may return a promise (authentication hooks); reading pauses until it settles.
 */
export function dispatch(connection: Connection, packet: ClientPacket): void | Promise<void> {
  switch (connection.state) {
    case 'awaiting-connect':
      // the connection only lets a CONNECT through in this state [MQTT-3.1.0-1]
      if (packet.type !== PacketType.CONNECT) throw protocolError('first packet is not CONNECT');
      return handleConnect(connection, packet);
    case 'authenticating':
      // [MQTT-3.1.2-30] only AUTH or DISCONNECT during enhanced authentication
      if (packet.type === PacketType.AUTH) return handleAuth(connection, packet);
      if (packet.type === PacketType.DISCONNECT) return handleDisconnect(connection, packet);
      throw protocolError('only AUTH or DISCONNECT are allowed before CONNACK');
    case 'closed':
      return;
    case 'connected':
      break;
  }
  switch (packet.type) {
    case PacketType.PUBLISH:
      return handlePublish(connection, packet);
    case PacketType.PUBACK:
      return handlePuback(connection, packet);
    case PacketType.PUBREC:
      return handlePubrec(connection, packet);
    case PacketType.PUBREL:
      return handlePubrel(connection, packet);
    case PacketType.PUBCOMP:
      return handlePubcomp(connection, packet);
    case PacketType.SUBSCRIBE:
      return handleSubscribe(connection, packet);
    case PacketType.UNSUBSCRIBE:
      return handleUnsubscribe(connection, packet);
    case PacketType.PINGREQ:
      return handlePingreq(connection);
    case PacketType.DISCONNECT:
      return handleDisconnect(connection, packet);
    case PacketType.AUTH:
      return handleAuth(connection, packet);
    case PacketType.CONNECT:
      throw protocolError('second CONNECT on one connection'); // [MQTT-3.1.0-2]
    default:
      // CONNACK, SUBACK, UNSUBACK, PINGRESP: only a server sends them
      throw protocolError(`packet type ${packet.type} is sent by servers only`);
  }
}
