import type { EventChannel, RequestChannel, Result, TransportClient } from '../../shared/contract';
import { decodeMessageBatchFrame } from '../../shared/message-batch-frame';
import { type ClientFrame, type ServerFrame, decodeFrame, encodeFrame } from '../../shared/wire';
import type { HostLink, HostLinkListener } from './host-link';

export interface WebSocketClientOptions {
  url: string;
  onLink: HostLinkListener;
  /** Backoff bounds for reconnecting after the socket drops. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface WebSocketClient extends TransportClient {
  close(): void;
}

type Pending = (result: Result<unknown>) => void;

function hostLost(reason: string): Result<never> {
  // CONNECTION_CLOSED: "the connection closed while a request was in flight" (shared/contract/errors.ts).
  return { ok: false, error: { code: 'CONNECTION_CLOSED', message: `Lost the connection to the workbench host: ${reason}` } };
}

function isServerFrame(value: unknown): value is ServerFrame {
  const frame = value as { type?: unknown } | null;
  return typeof frame === 'object' && frame !== null && (frame.type === 'response' || frame.type === 'event');
}

/**
 * The browser-mode transport: the contract over one WebSocket to the host. Requests carry ids and
 * resolve from a pending map; when the socket drops, pending requests fail (never hang) and the
 * socket is reopened with exponential backoff. Requests made while it is down fail at once.
 */
export function createWebSocketClient(options: WebSocketClientOptions): WebSocketClient {
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | null = null;
  let nextId = 1;
  let delay = minDelay;
  let attempt = 0;
  let everOpened = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function failPending(reason: string): void {
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

  /** The host's one binary frame: a messages.batch event (shared/message-batch-frame.ts). */
  function onBinaryFrame(data: ArrayBuffer): void {
    let payload: unknown;
    try {
      payload = decodeMessageBatchFrame(new Uint8Array(data));
    } catch {
      return; // As for text frames: the host only sends frames it encoded.
    }
    for (const listener of listeners.get('messages.batch') ?? []) listener(payload);
  }

  function open(): void {
    // While retrying, the link stays 'closed' (with its reason) instead of flickering.
    if (attempt === 0) options.onLink({ state: 'connecting' });
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      delay = minDelay;
      attempt = 0;
      everOpened = true;
      options.onLink({ state: 'open' });
    };
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') onFrame(event.data);
      else if (event.data instanceof ArrayBuffer) onBinaryFrame(event.data);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      // A refused upgrade (bad token, foreign origin, host gone) surfaces as 1006 with no reason;
      // before the first success, a stale token (from an earlier launch) is as likely as a dead host.
      const unreachable = everOpened
        ? 'the host stopped or is not reachable'
        : 'the host is not running, or this URL is from an earlier launch (each launch prints a new token)';
      const reason = event.reason || (event.code === 1006 ? unreachable : `closed (code ${event.code})`);
      failPending(reason);
      if (closed) return;
      attempt++;
      options.onLink({ state: 'closed', reason, attempt });
      retryTimer = setTimeout(open, delay);
      delay = Math.min(maxDelay, delay * 2);
    };
  }

  open();

  return {
    invoke(channel: RequestChannel, input: unknown): Promise<Result<unknown>> {
      if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve(hostLost('not connected'));
      const id = nextId++;
      const frame: ClientFrame = { type: 'request', id, channel, input };
      const ws = socket;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(encodeFrame(frame));
      });
    },
    on(channel: EventChannel, listener: (payload: unknown) => void): () => void {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      socket?.close();
      failPending('closed by the page');
    },
  };
}
