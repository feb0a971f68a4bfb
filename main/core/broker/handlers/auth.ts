import type { AuthPacket } from '../codec/packets';
import { protocolError } from '../codec/reason-codes';
import type { Connection } from '../connection';

/**
 * AUTH from the client. Without an enhanced authentication exchange started by CONNECT's
 * Authentication Method, any AUTH is a protocol error ([MQTT-4.12.0-7] client rule; 0x82).
 */
export function handleAuth(connection: Connection, packet: AuthPacket): void {
  if (connection.authMethod === undefined) throw protocolError('AUTH without an authentication exchange');
  if (packet.props.authenticationMethod !== connection.authMethod) throw protocolError('AUTH with a different authentication method');
  throw protocolError('unexpected AUTH');
}
