import type { EnhancedAuthenticator, EnhancedAuthStep } from '../auth';
import { encodeAuth } from '../codec/encode';
import type { AuthPacket } from '../codec/packets';
import { protocolError, RC } from '../codec/reason-codes';
import type { Connection } from '../connection';

/** One enhanced authentication exchange in progress on a connection. */
export interface AuthExchange {
  authenticator: EnhancedAuthenticator;
  onSuccess(step: Extract<EnhancedAuthStep, { status: 'success' }>): void;
  onFailure(reasonCode: number): void;
}

/**
 * Feeds data to the exchange: more data needed → AUTH 0x18 carrying the method ([MQTT-4.12.0-2]
 * [MQTT-4.12.0-5]); otherwise the exchange ends with its success or failure callback.
 */
export function continueExchange(connection: Connection, exchange: AuthExchange, data: Buffer | undefined): void {
  const step = exchange.authenticator.step(data);
  if (step.status === 'continue') {
    connection.authState = exchange;
    // [MQTT-3.15.2-1] our AUTH reason codes are 0x00, 0x18 or 0x19 only
    connection.write(encodeAuth(RC.CONTINUE_AUTHENTICATION, { authenticationMethod: connection.authMethod, authenticationData: step.data }));
    return;
  }
  connection.authState = undefined;
  if (step.status === 'success') exchange.onSuccess(step);
  else exchange.onFailure(step.reasonCode);
}

/**
 * AUTH from the client: the next step of the CONNECT exchange, or re-authentication after CONNACK
 * ([MQTT-4.12.1-2]). Without a method from CONNECT any AUTH is a protocol error ([MQTT-4.12.0-7]).
 */
export function handleAuth(connection: Connection, packet: AuthPacket): void {
  const method = connection.authMethod;
  if (method === undefined) throw protocolError('AUTH without an authentication exchange');
  if (packet.props.authenticationMethod !== method) throw protocolError('AUTH with a different authentication method'); // [MQTT-4.12.1-1]
  const exchange = connection.authState as AuthExchange | undefined;
  const data = packet.props.authenticationData;
  if (connection.state === 'authenticating') {
    if (packet.reasonCode !== RC.CONTINUE_AUTHENTICATION || !exchange) throw protocolError('expected AUTH 0x18 during authentication');
    return continueExchange(connection, exchange, data);
  }
  if (packet.reasonCode === RC.REAUTHENTICATE) {
    if (exchange) throw protocolError('re-authentication already in progress');
    const factory = connection.ctx.options.auth.methods?.[method];
    if (!factory) throw protocolError('authentication method no longer available');
    return continueExchange(
      connection,
      {
        authenticator: factory.create(),
        onSuccess: (step) => connection.write(encodeAuth(RC.SUCCESS, { authenticationMethod: method, authenticationData: step.data })),
        // (SHOULD) DISCONNECT, then close (MUST); 0x86 is CONNACK-only, so 0x87
        onFailure: () => connection.disconnect(RC.NOT_AUTHORIZED, 're-authentication failed'),
      },
      data,
    );
  }
  if (packet.reasonCode === RC.CONTINUE_AUTHENTICATION && exchange) return continueExchange(connection, exchange, data);
  // [MQTT-4.12.0-3] an unexpected AUTH 0x18 (no exchange) or a client AUTH 0x00
  throw protocolError('unexpected AUTH');
}
