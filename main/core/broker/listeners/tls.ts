import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { Broker } from '../create-broker';
import { type Listener, listen } from './listen';

export type TlsListener = Listener;

/** MQTT over TLS (mqtts://) with a PEM key and certificate (generated or chosen by the user). */
export function listenTls(
  broker: Broker,
  options: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer; requestCert?: boolean; port?: number; host?: string },
): Promise<TlsListener> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<TLSSocket>();
  function forget(this: TLSSocket): void {
    sockets.delete(this);
  }
  const server: Server = createServer(
    { key: options.key, cert: options.cert, ...(options.ca ? { ca: options.ca } : {}), requestCert: options.requestCert ?? false, rejectUnauthorized: options.requestCert ?? false, ALPNProtocols: ['mqtt'] },
    (socket) => {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', forget);
      broker.handle(socket); // the address is asked of the socket only when shown
    },
  );
  // a failed handshake is the client's problem, not the broker's
  server.on('tlsClientError', () => undefined);
  return listen(server, host, options.port ?? 8883, () => {
    for (const socket of sockets) socket.destroy();
  });
}
