import type { Server } from 'node:net';

/** What every listener (tcp, tls, ws) hands back: where it listens, and how to stop it. */
export interface Listener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Starts `server` on host:port (0 = a free port) and resolves with the port it got. `shutdown`
 * ends the listener's own connections; the server is then closed.
 */
export function listen(server: Server, host: string, port: number, shutdown: () => void): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve({
        host,
        port: typeof address === 'object' && address ? address.port : 0,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            shutdown();
          }),
      });
    });
  });
}
