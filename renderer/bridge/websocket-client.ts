import { type EventChannel, type RequestChannel, type Result, type TransportClient, binaryEventChannelOf } from '../../shared/contract';
import { type ClientFrame, type ServerFrame, decodeFrame, encodeFrame } from '../../shared/wire';
import type { HostLinkListener, HostLinkReason, TokenVerdict } from './host-link';

export interface WebSocketClientOptions {
  /** The token from the page's address; null when it has none. */
  token: string | null;
  /** The contract socket's URL for a token. */
  socketUrl(token: string): string;
  /** Asks the host about a token before each attempt (GET /api/token-check). */
  checkToken(token: string): Promise<TokenVerdict>;
  onLink: HostLinkListener;
  /** Backoff bounds for reconnecting: the page tries again every 1 s at first, then every 5 s at most. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Open the socket only on connect(), not at once: the page opens it once its first screen is
   * drawn, which tells the host its files are out and it may make its core (main/host/host-server.ts).
   */
  connectLater?: boolean;
}

export interface WebSocketClient extends TransportClient {
  /** Opens the socket, when made with `connectLater` (requests made before wait for it); nothing after the first call. */
  connect(): void;
  /**
   * The page's address changed (a new URL pasted into the same tab changes only the fragment, so the
   * page does not reload): use this token from now on, and try at once.
   */
  setToken(token: string | null): void;
  /** Tries now instead of at the next retry (the tab is shown again, the network is back); nothing while a socket is open or opening. */
  retryNow(): void;
  close(): void;
}

type Pending = (result: Result<unknown>) => void;

/** Why a request failed without an answer: the link's reason, or the page's own doing. */
type LostReason = HostLinkReason | { kind: 'wrong-token' } | { kind: 'not-connected' } | { kind: 'switched-address' } | { kind: 'page-closed' };

/** The reason in English, for the request error's message (logs, tests; the banner words the link's reason from the catalog). */
function englishReason(reason: LostReason): string {
  switch (reason.kind) {
    case 'stopped':
      return 'the host stopped or is not reachable';
    case 'not-running':
      return 'the host is not running, or not at this address';
    case 'refused':
      return 'the host refused this page: open the address exactly as the workbench printed it, with 127.0.0.1';
    case 'closed':
      return reason.text || `closed (code ${reason.code})`;
    case 'wrong-token':
      return 'the host refused the token in this address';
    case 'not-connected':
      return 'not connected';
    case 'switched-address':
      return 'the page switched to another address';
    case 'page-closed':
      return 'closed by the page';
  }
}

function hostLost(reason: LostReason): Result<never> {
  // CONNECTION_CLOSED: "the connection closed while a request was in flight" (shared/contract/errors.ts).
  // Empty params: in another language the code's sentence says it all; the banner says why.
  return { ok: false, error: { code: 'CONNECTION_CLOSED', message: `Lost the connection to the workbench host: ${englishReason(reason)}`, params: {} } };
}

function isServerFrame(value: unknown): value is ServerFrame {
  const frame = value as { type?: unknown } | null;
  return typeof frame === 'object' && frame !== null && (frame.type === 'response' || frame.type === 'event');
}

/**
 * The browser-mode transport: the contract over one WebSocket to the host. Requests carry ids and
 * resolve from a pending map; when the socket drops, pending requests fail (never hang) and the
 * page keeps trying with bounded backoff until its host is back (same port, same token: the token
 * is kept per data folder), so an open tab survives a restart. Each attempt first asks the host
 * about the token, because a refused upgrade is opaque to a page: that is how "wrong token" and
 * "host not running" are told apart. Requests made while it is down fail at once, except while the
 * page's first connection is being made (the page renders before it is open): those are sent, in
 * order, once it opens, and fail only if it does not.
 */
export function createWebSocketClient(options: WebSocketClientOptions): WebSocketClient {
  const minDelay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 5000;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let token = options.token;
  let socket: WebSocket | null = null;
  let nextId = 1;
  let delay = minDelay;
  let attempt = 0;
  let wasOpen = false;
  /** Bumped whenever a new token or a close makes what is in progress moot. */
  let generation = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  /** Requests made before the page's first socket opened, in order. */
  let early: Array<{ frame: ClientFrame; resolve: Pending }> = [];

  /** The page's first connection is being made: a request waits for it instead of failing. */
  const starting = () => !closed && !wasOpen && attempt === 0 && token !== null;

  function failEarly(reason: LostReason): void {
    const waiting = early;
    early = [];
    for (const { resolve } of waiting) resolve(hostLost(reason));
  }

  function send(ws: WebSocket, frame: ClientFrame, resolve: Pending): void {
    pending.set(frame.id, resolve);
    ws.send(encodeFrame(frame));
  }

  function failPending(reason: LostReason): void {
    const waiting = [...pending.values()];
    pending.clear();
    for (const resolve of waiting) resolve(hostLost(reason));
  }

  function onFrame(text: string): void {
    let frame: unknown;
    try {
      frame = decodeFrame(text);
    } catch {
      return; // The host only sends frames it encoded; a broken one cannot be answered anyway.
    }
    if (!isServerFrame(frame)) return;
    if (frame.type === 'response') {
      const resolve = pending.get(frame.id);
      pending.delete(frame.id);
      resolve?.(frame.result);
      return;
    }
    for (const listener of listeners.get(frame.channel) ?? []) listener(frame.payload);
  }

  /**
   * A binary frame is a binary event (the contract's BINARY_EVENTS: messages.batch), told by its
   * magic bytes. Its listeners get the bytes: createWorkbenchApi decodes them, for either transport.
   */
  function onBinaryFrame(data: ArrayBuffer): void {
    const channel = binaryEventChannelOf(new Uint8Array(data));
    if (!channel) return; // As for text frames: the host only sends frames it encoded.
    for (const listener of listeners.get(channel) ?? []) listener(data);
  }

  const unreachable = (): HostLinkReason => ({ kind: wasOpen ? 'stopped' : 'not-running' });

  function retryLater(): void {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void attemptOpen(), delay);
    delay = Math.min(maxDelay, delay * 2);
  }

  async function attemptOpen(): Promise<void> {
    if (closed) return;
    if (token === null) {
      options.onLink({ state: 'no-token' });
      return;
    }
    const current = ++generation;
    // While retrying, the link keeps its last state (with its reason) instead of flickering.
    if (attempt === 0) options.onLink({ state: 'connecting' });
    const verdict = await options.checkToken(token);
    if (current !== generation || closed) return;
    if (verdict === 'wrong' || verdict === 'unreachable') {
      attempt++;
      failEarly(verdict === 'wrong' ? { kind: 'wrong-token' } : unreachable());
      options.onLink(verdict === 'wrong' ? { state: 'wrong-token', attempt } : { state: 'closed', reason: unreachable(), attempt, wasOpen });
      retryLater();
      return;
    }
    openSocket(token, current, verdict);
  }

  function openSocket(withToken: string, current: number, verdict: TokenVerdict): void {
    const ws = new WebSocket(options.socketUrl(withToken));
    socket = ws;
    let opened = false;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      if (socket !== ws) return;
      opened = true;
      delay = minDelay;
      attempt = 0;
      wasOpen = true;
      // Before the link is said open: what the page asked first goes first.
      const waiting = early;
      early = [];
      for (const { frame, resolve } of waiting) send(ws, frame, resolve);
      options.onLink({ state: 'open' });
    };
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') onFrame(event.data);
      else if (event.data instanceof ArrayBuffer) onBinaryFrame(event.data);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      // A refused upgrade and a host gone both surface as 1006 with no reason; the next attempt's
      // token check tells them apart. Refused although the host took the token: the page's origin
      // is not the one the host serves (localhost instead of 127.0.0.1, another port).
      const refused = !opened && verdict === 'valid';
      const reason: HostLinkReason = event.reason
        ? { kind: 'closed', code: event.code, text: event.reason }
        : refused
          ? { kind: 'refused' }
          : event.code === 1006
            ? unreachable()
            : { kind: 'closed', code: event.code };
      failPending(reason);
      failEarly(reason);
      if (closed || current !== generation) return;
      attempt++;
      options.onLink({ state: 'closed', reason, attempt, wasOpen });
      retryLater();
    };
  }

  let started = !options.connectLater;
  if (started) void attemptOpen();

  return {
    connect() {
      if (started) return;
      started = true;
      void attemptOpen();
    },
    invoke(channel: RequestChannel, input: unknown): Promise<Result<unknown>> {
      const ws = socket;
      const open = ws !== null && ws.readyState === WebSocket.OPEN;
      if (!open && !starting()) return Promise.resolve(hostLost({ kind: 'not-connected' }));
      const frame: ClientFrame = { type: 'request', id: nextId++, channel, input };
      return new Promise((resolve) => {
        if (open) send(ws, frame, resolve);
        else early.push({ frame, resolve });
      });
    },
    on(channel: EventChannel, listener: (payload: unknown) => void): () => void {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    setToken(next) {
      if (closed) return;
      if (!started) {
        token = next;
        return;
      }
      const open = socket !== null && socket.readyState === WebSocket.OPEN;
      if (next === token && (open || socket?.readyState === WebSocket.CONNECTING)) return;
      const changed = next !== token;
      token = next;
      generation++;
      clearTimeout(retryTimer);
      delay = minDelay;
      attempt = 0;
      if (changed) wasOpen = false;
      const old = socket;
      socket = null;
      if (old) {
        old.close();
        failPending({ kind: 'switched-address' });
      }
      failEarly({ kind: 'switched-address' });
      void attemptOpen();
    },
    retryNow() {
      if (closed || !started || socket !== null) return;
      clearTimeout(retryTimer);
      delay = minDelay;
      void attemptOpen();
    },
    close() {
      closed = true;
      generation++;
      clearTimeout(retryTimer);
      socket?.close();
      socket = null;
      failPending({ kind: 'page-closed' });
      failEarly({ kind: 'page-closed' });
    },
  };
}
