import { createScramClient } from './scram';
import type { Connection } from './connection-state';

/** Starts a fresh SCRAM exchange (new nonce) for the next CONNECT, and answers the broker's AUTH. */
export function prepareEnhancedAuth(connection: Connection): void {
  const auth = connection.options.enhancedAuth;
  if (!auth) return;
  const scram = createScramClient(auth.method, connection.options.username ?? '', connection.options.password ?? '');
  connection.scram = scram;
  const properties = (connection.client.options.properties ??= {});
  properties.authenticationMethod = auth.method;
  properties.authenticationData = scram.clientFirst();
  connection.client.handleAuth = (packet, callback) => {
    try {
      const serverFirst = packet.properties?.authenticationData ?? Buffer.alloc(0);
      const clientFinal = connection.scram!.clientFinal(serverFirst);
      callback(undefined, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: auth.method, authenticationData: clientFinal } });
    } catch (error) {
      callback(Object.assign(new Error((error as Error).message), { code: 'SCRAM' }));
    }
  };
}

/** The server's final SCRAM message proves it knew the password; without it we do not trust it. */
export function verifyEnhancedAuth(connection: Connection, connack: { properties?: { authenticationData?: Buffer; authenticationMethod?: string } }): string | null {
  if (!connection.scram) return null;
  if (!connack.properties?.authenticationMethod) {
    // The broker accepted CONNECT without taking part in SCRAM: it ignores enhanced authentication.
    return `The broker accepted the connection without taking part in ${connection.options.enhancedAuth!.method} (its CONNACK names no Authentication Method): it does not support this enhanced authentication, so it could not prove it knows the password. Turn enhanced authentication off (General → Authentication) or enable SCRAM on the broker.`;
  }
  try {
    connection.scram.verifyServerFinal(connack.properties?.authenticationData ?? Buffer.alloc(0));
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

