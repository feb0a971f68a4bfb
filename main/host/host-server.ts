import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WIRE_PATH } from '../../shared/wire';
import type { WorkbenchCore } from '../core/create-core';
import { DEFAULT_HOST_LIMITS, type HostLimits } from './host-limits';
import { createStaticFileHandler } from './static-files';
import { attachWebSocketTransport } from './websocket-transport';

export interface HostOptions {
  core: WorkbenchCore;
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  /** Preferred port; 0 picks a free one. */
  port: number;
  /** Try a free port when the preferred one is taken. */
  fallbackToFreePort?: boolean;
  /** Loopback only, unless a user explicitly asks otherwise. */
  hostname?: string;
  maxFrameBytes?: number;
  /** Fixed token for tests; a random one per launch otherwise. */
  token?: string;
  /** Memory and connection limits (host-limits.ts); tests shorten the timeouts. */
  limits?: Partial<HostLimits>;
}

export interface RunningHost {
  port: number;
  token: string;
  /** The URL a user opens: the token rides in the fragment, which is never sent over HTTP. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

function listen(server: Server, port: number, hostname: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, hostname, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts the browser-mode host: the built UI plus the contract WebSocket, on 127.0.0.1. */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const hostname = options.hostname ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const limits = { ...DEFAULT_HOST_LIMITS, ...options.limits };
  const serveStatic = createStaticFileHandler(options.rendererDir);
  const server = createServer((request, response) => {
    serveStatic(request, response).catch(() => response.destroy());
  });
  let port = 0;
  const transport = attachWebSocketTransport({
    server,
    core: options.core,
    token,
    allowedOrigins: () => [`http://${hostname}:${port}`],
    maxFrameBytes: options.maxFrameBytes,
    limits,
  });
  try {
    port = await listen(server, options.port, hostname);
  } catch (error) {
    if (!(options.fallbackToFreePort && (error as NodeJS.ErrnoException).code === 'EADDRINUSE')) throw error;
    port = await listen(server, 0, hostname);
  }
  return {
    port,
    token,
    url: `http://${hostname}:${port}/#token=${token}`,
    server,
    async close() {
      await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { WIRE_PATH };
