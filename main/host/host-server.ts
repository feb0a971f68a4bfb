import { type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DOWNLOAD_PATH, TOKEN_CHECK_PATH, WIRE_PATH } from '../../shared/wire';
import { createDownloadRoute } from './download-route';
import type { WorkbenchCore } from '../core/create-core';
import { DEFAULT_HOST_LIMITS, type HostLimits } from './host-limits';
import { createStaticFileHandler } from './static-files';
import { newHostToken } from './host-token';
import { createTokenCheck } from './token-check';
import { attachWebSocketTransport } from './websocket-transport';

export interface HostOptions {
  /**
   * The core, or the promise of one still being created: the page and its static files are served
   * at once, and requests over the WebSocket (and downloads) wait for the core.
   */
  core: WorkbenchCore | Promise<WorkbenchCore> | (() => Promise<WorkbenchCore>);
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  /** Preferred port; 0 picks a free one. */
  port: number;
  /** Try a free port when the preferred one is taken. */
  fallbackToFreePort?: boolean;
  /** Loopback only, unless a user explicitly asks otherwise. */
  hostname?: string;
  maxFrameBytes?: number;
  /** The token pages must present: the data folder's (host-token.ts); a random one per launch when not given. */
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

interface Unauthenticated {
  /** Requests being served on it (HTTP keep-alive serves them one after another). */
  requests: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Accounts for TCP connections that are not an authenticated UI socket. Any local process can open
 * them without the token, so they are bounded: at most `maxUnauthenticatedConnections` at once
 * (a new one evicts the one idle the longest, so a flood cannot keep the real page from getting in:
 * its upgrade request follows its connect at once), and each is closed after `idleTimeoutMs`
 * without a request in progress. An authenticated socket leaves the count for good. (Node's own
 * `server.maxConnections` would refuse the real page along with the flood.)
 */
function createConnectionGuard(limits: HostLimits) {
  /** In arrival order, which is the order they became idle at the latest. */
  const pending = new Map<Socket, Unauthenticated>();

  const forget = (socket: Socket) => {
    const entry = pending.get(socket);
    if (!entry) return;
    clearTimeout(entry.timer);
    pending.delete(socket);
  };

  const armIdle = (socket: Socket, entry: Unauthenticated) => {
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      if (pending.get(socket) === entry && entry.requests === 0) socket.destroy();
    }, limits.idleTimeoutMs);
    entry.timer.unref();
  };

  return {
    accept(socket: Socket) {
      if (pending.size >= limits.maxUnauthenticatedConnections) {
        // The one idle longest; when all are busy (responses a client never reads), the one busy
        // longest: never the newcomer, which may be the real page.
        let evict = pending.keys().next().value as Socket;
        for (const [candidate, entry] of pending) {
          if (entry.requests === 0) {
            evict = candidate;
            break;
          }
        }
        forget(evict);
        evict.destroy();
      }
      const entry: Unauthenticated = { requests: 0, timer: undefined };
      pending.set(socket, entry);
      armIdle(socket, entry);
      socket.once('close', () => forget(socket));
    },
    requestStarted(socket: Socket) {
      const entry = pending.get(socket);
      if (!entry) return;
      entry.requests++;
      clearTimeout(entry.timer);
      // Busy now: it moves behind the idle ones in eviction order.
      pending.delete(socket);
      pending.set(socket, entry);
    },
    requestEnded(socket: Socket) {
      const entry = pending.get(socket);
      if (!entry) return;
      entry.requests = Math.max(0, entry.requests - 1);
      if (entry.requests === 0) {
        pending.delete(socket);
        pending.set(socket, entry);
        armIdle(socket, entry);
      }
    },
    authenticated: forget,
    close() {
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
    },
  };
}

/**
 * How long the host waits for a page's next file before it starts making a deferred core, while no
 * page has opened its socket. A page opens it once its first screen is drawn (renderer/main.tsx),
 * which starts the core; this is for a client that never does. Long: between a page's first files
 * and those its script imports the script runs, for a quarter of a second on a loaded machine, and
 * a core started then would hold the latter back.
 */
const QUIET_MS = 1000;
/** Once the page's socket is open (the page opens it when its first screen is drawn), the wait after its last file. */
const SETTLED_MS = 10;
/** When no page has asked for anything yet (a browser still opening), the core is made meanwhile. */
const NO_PAGE_YET_MS = 300;

/**
 * A core given as a function is made once the page's first files are served: making it loads
 * modules synchronously, which would hold those files back (they paint the first screen, which
 * does not wait for the core). It starts once the page's socket is open and none of its files is
 * being served (for SETTLED_MS), when no file was asked for in QUIET_MS, or NO_PAGE_YET_MS after
 * listening when no page came; whichever is first.
 */
function scheduleCore(given: HostOptions['core']) {
  const none = () => {};
  if (typeof given !== 'function') return { core: Promise.resolve(given), requestStarted: none, requestEnded: none, listening: none, socketOpened: none, cancel: none };
  let go!: () => void;
  const core = new Promise<void>((resolve) => (go = resolve)).then(given);
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let socketOpen = false;
  const startIn = (ms: number) => {
    if (started) return;
    clearTimeout(timer);
    const start = () => {
      started = true;
      go();
    };
    if (ms === 0) start();
    else timer = setTimeout(start, ms);
  };
  return {
    core,
    requestStarted() {
      inFlight++;
      clearTimeout(timer);
    },
    requestEnded() {
      inFlight = Math.max(0, inFlight - 1);
      if (inFlight === 0) startIn(socketOpen ? SETTLED_MS : QUIET_MS);
    },
    listening: () => startIn(NO_PAGE_YET_MS),
    socketOpened() {
      socketOpen = true;
      // Files still going out: the last of them to end starts it.
      if (inFlight === 0) startIn(SETTLED_MS);
    },
    cancel: () => clearTimeout(timer),
  };
}

/** Starts the browser-mode host: the built UI plus the contract WebSocket, on 127.0.0.1. */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const hostname = options.hostname ?? '127.0.0.1';
  const token = options.token ?? newHostToken();
  const limits = { ...DEFAULT_HOST_LIMITS, ...options.limits };
  const serveStatic = createStaticFileHandler(options.rendererDir);
  const guard = createConnectionGuard(limits);
  const checkToken = createTokenCheck(token, limits);
  const { core, requestStarted, requestEnded, listening, socketOpened, cancel } = scheduleCore(options.core);
  const downloads = core.then((ready) => ready.downloads);
  downloads.catch(() => {}); // a core that failed to start is its creator's to report
  const serveDownload = createDownloadRoute(downloads, token);
  let port = 0;
  const ownOrigin = () => `http://${hostname}:${port}`;
  const server = createServer(
    {
      // Slow requests (slowloris) are Node's to end, checked often enough for a short timeout.
      headersTimeout: limits.idleTimeoutMs,
      requestTimeout: Math.max(limits.idleTimeoutMs, 30_000),
      keepAliveTimeout: limits.idleTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, limits.idleTimeoutMs),
    },
    (request, response) => {
      guard.requestStarted(request.socket);
      requestStarted();
      response.once('close', () => {
        guard.requestEnded(request.socket);
        requestEnded();
      });
      const path = (request.url ?? '').split('?')[0] ?? '';
      if (path === TOKEN_CHECK_PATH) return checkToken(request, response, ownOrigin());
      if (path.startsWith(DOWNLOAD_PATH)) return serveDownload(request, response, ownOrigin());
      serveStatic(request, response).catch(() => response.destroy());
    },
  );
  server.on('connection', (socket: Socket) => guard.accept(socket));
  // The page's socket: it asks the core for its first state now.
  server.prependListener('upgrade', () => socketOpened());
  const transport = attachWebSocketTransport({
    server,
    core,
    token,
    allowedOrigins: () => [ownOrigin()],
    maxFrameBytes: options.maxFrameBytes,
    limits,
    onAuthenticated: (request) => guard.authenticated(request.socket),
  });
  try {
    port = await listen(server, options.port, hostname);
  } catch (error) {
    if (!(options.fallbackToFreePort && (error as NodeJS.ErrnoException).code === 'EADDRINUSE')) throw error;
    port = await listen(server, 0, hostname);
  }
  listening();
  return {
    port,
    token,
    url: `http://${hostname}:${port}/#token=${token}`,
    server,
    async close() {
      cancel();
      guard.close();
      await transport.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { WIRE_PATH };
