import type { DisconnectPacket } from '../codec/packets';
import { protocolError, RC } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { Client } from '../session';

/**
 * DISCONNECT from the client. Reason 0x00 (or a 3.1.1 DISCONNECT) deletes the Will; 0x04 and any
 * other code leave it to be published ([MQTT-3.14.4-3]). The server then closes (SHOULD).
 */
export function handleDisconnect(ctx: BrokerContext, client: Client, packet: DisconnectPacket): void {
  const session = client.session;
  const expiry = packet.props.sessionExpiryInterval;
  if (expiry !== undefined && session) {
    // a session that was to end at close cannot be given a lifetime by DISCONNECT: protocol error,
    // which is not a normal disconnect, so the Will is published
    if (session.expiryInterval === 0 && expiry !== 0) throw protocolError('Session Expiry Interval set in DISCONNECT after 0 in CONNECT');
    session.expiryInterval = Math.min(expiry, ctx.options.maxSessionExpiryInterval);
    ctx.journal?.session(session);
  }
  client.closedByClient(packet.reasonCode, client.version !== 5 || packet.reasonCode === RC.SUCCESS);
}
