import { createServer, type Server, type Socket } from 'node:net';
import type { Broker } from '../create-broker';
import { type Listener, listen } from './listen';

export type TcpListener = Listener;

/** A plain TCP listener (mqtt://). Binds 127.0.0.1 unless told otherwise; port 0 picks a free one. */
export function listenTcp(broker: Broker, options: { port?: number; host?: string } = {}): Promise<TcpListener> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  // one function for every socket of this listener (a closure per connection costs memory)
  function forget(this: Socket): void {
    sockets.delete(this);
  }
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', forget);
    broker.handle(socket); // the address is asked of the socket only when shown
  });
  return listen(server, host, options.port ?? 1883, () => {
    for (const socket of sockets) socket.destroy();
  });
}
