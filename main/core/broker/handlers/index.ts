import { type ClientPacket, PacketType } from '../codec/packets';
import { protocolError } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { Client } from '../session';
import { handleAuth } from './auth';
import { handleConnect } from './connect';
import { handleDisconnect } from './disconnect';
import { handlePingreq } from './pingreq';
import { handlePuback } from './puback';
import { handlePubcomp } from './pubcomp';
import { handlePublish } from './publish';
import { handlePubrec } from './pubrec';
import { handlePubrel } from './pubrel';
import { handleSubscribe } from './subscribe';
import { handleUnsubscribe } from './unsubscribe';

/**
 * Routes a decoded packet to its handler after checking that the connection state allows it.
 * A handler may return a promise (authentication hooks); reading pauses until it settles.
 * After CONNECT every handler may count on `client.session`.
 */
export function dispatch(ctx: BrokerContext, client: Client, packet: ClientPacket): void | Promise<void> {
  switch (client.state) {
    case 'awaiting-connect':
      // the connection only lets a CONNECT through in this state [MQTT-3.1.0-1]
      if (packet.type !== PacketType.CONNECT) throw protocolError('first packet is not CONNECT');
      return handleConnect(ctx, client, packet);
    case 'authenticating':
      // [MQTT-3.1.2-30] only AUTH or DISCONNECT during enhanced authentication
      if (packet.type === PacketType.AUTH) return handleAuth(ctx, client, packet);
      if (packet.type === PacketType.DISCONNECT) return handleDisconnect(ctx, client, packet);
      throw protocolError('only AUTH or DISCONNECT are allowed before CONNACK');
    case 'closed':
      return;
    case 'connected':
      break;
  }
  const session = client.session!;
  switch (packet.type) {
    case PacketType.PUBLISH:
      return handlePublish(ctx, client, session, packet);
    case PacketType.PUBACK:
      return handlePuback(ctx, client, session, packet);
    case PacketType.PUBREC:
      return handlePubrec(ctx, client, session, packet);
    case PacketType.PUBREL:
      return handlePubrel(ctx, client, session, packet);
    case PacketType.PUBCOMP:
      return handlePubcomp(ctx, client, session, packet);
    case PacketType.SUBSCRIBE:
      return handleSubscribe(ctx, client, session, packet);
    case PacketType.UNSUBSCRIBE:
      return handleUnsubscribe(ctx, client, session, packet);
    case PacketType.PINGREQ:
      return handlePingreq(client);
    case PacketType.DISCONNECT:
      return handleDisconnect(ctx, client, packet);
    case PacketType.AUTH:
      return handleAuth(ctx, client, packet);
    case PacketType.CONNECT:
      throw protocolError('second CONNECT on one connection'); // [MQTT-3.1.0-2]
    default:
      // CONNACK, SUBACK, UNSUBACK, PINGRESP: only a server sends them
      throw protocolError(`packet type ${packet.type} is sent by servers only`);
  }
}
