import { createServer, type Server, type Socket } from 'node:net';
import type { Broker } from '../create-broker';

export interface TcpListener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A plain TCP listener (mqtt://). Binds 127.0.0.1 unless told otherwise; port 0 picks a free one. */
export function listenTcp(broker: Broker, options: { port?: number; host?: string } = {}): Promise<TcpListener> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    broker.handle(socket, `${socket.remoteAddress}:${socket.remotePort}`);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 1883, host, () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        host,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const socket of sockets) socket.destroy();
          }),
      });
    });
  });
}
