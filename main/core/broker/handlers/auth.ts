import { encodeAuth } from '../codec/encode';
import type { AuthPacket } from '../codec/packets';
import { protocolError, RC } from '../codec/reason-codes';
import type { BrokerContext } from '../context';
import type { AuthExchange, Client, ClientAuth } from '../session';

/**
 * Enhanced authentication (spec 4.12). This module owns `client.auth`: the method fixed by CONNECT
 * and the exchange in progress.
 */

/** CONNECT with an Authentication Method: only AUTH and DISCONNECT are read until the exchange ends. */
export function startExchange(client: Client, method: string, exchange: AuthExchange, data: Buffer | undefined): void {
  client.beginAuthentication(method);
  continueExchange(client, client.auth!, exchange, data);
}

/**
 * Feeds data to the exchange: more data needed → AUTH 0x18 carrying the method ([MQTT-4.12.0-2]
 * [MQTT-4.12.0-5]); otherwise the exchange ends with its success or failure callback.
 */
function continueExchange(client: Client, auth: ClientAuth, exchange: AuthExchange, data: Buffer | undefined): void {
  const step = exchange.authenticator.step(data);
  if (step.status === 'continue') {
    auth.exchange = exchange;
    // [MQTT-3.15.2-1] our AUTH reason codes are 0x00, 0x18 or 0x19 only
    client.write(encodeAuth(RC.CONTINUE_AUTHENTICATION, { authenticationMethod: auth.method, authenticationData: step.data }));
    return;
  }
  auth.exchange = undefined;
  if (step.status === 'success') exchange.onSuccess(step);
  else exchange.onFailure(step.reasonCode);
}

/**
 * AUTH from the client: the next step of the CONNECT exchange, or re-authentication after CONNACK
 * ([MQTT-4.12.1-2]). Without a method from CONNECT any AUTH is a protocol error ([MQTT-4.12.0-7]).
 */
export function handleAuth(ctx: BrokerContext, client: Client, packet: AuthPacket): void {
  const auth = client.auth;
  if (auth === null) throw protocolError('AUTH without an authentication exchange');
  const method = auth.method;
  if (packet.props.authenticationMethod !== method) throw protocolError('AUTH with a different authentication method'); // [MQTT-4.12.1-1]
  const exchange = auth.exchange;
  const data = packet.props.authenticationData;
  if (client.state === 'authenticating') {
    if (packet.reasonCode !== RC.CONTINUE_AUTHENTICATION || !exchange) throw protocolError('expected AUTH 0x18 during authentication');
    return continueExchange(client, auth, exchange, data);
  }
  if (packet.reasonCode === RC.REAUTHENTICATE) {
    if (exchange) throw protocolError('re-authentication already in progress');
    const factory = ctx.options.auth.methods?.[method];
    if (!factory) throw protocolError('authentication method no longer available');
    return continueExchange(
      client,
      auth,
      {
        authenticator: factory.create(),
        onSuccess: (step) => client.write(encodeAuth(RC.SUCCESS, { authenticationMethod: method, authenticationData: step.data })),
        // (SHOULD) DISCONNECT, then close (MUST); 0x86 is CONNACK-only, so 0x87
        onFailure: () => client.disconnect(RC.NOT_AUTHORIZED, 're-authentication failed'),
      },
      data,
    );
  }
  if (packet.reasonCode === RC.CONTINUE_AUTHENTICATION && exchange) return continueExchange(client, auth, exchange, data);
  // [MQTT-4.12.0-3] an unexpected AUTH 0x18 (no exchange) or a client AUTH 0x00
  throw protocolError('unexpected AUTH');
}
