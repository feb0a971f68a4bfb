import type { IncomingMessage, Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
// Only errors.ts, not the contract's index: this module loads before the core (see startHost).
import { fail } from '../../shared/contract/errors';
import { decodeBase64 } from '../../shared/codecs/base64';
import type { LiveMessage } from '../../shared/contract';
import { type Base64Codec, type ServerFrame, TOKEN_PARAM, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';
import type { WorkbenchCore } from '../core/create-core';
import { DEFAULT_HOST_LIMITS, type HostLimits } from './host-limits';
import { nodeBase64 } from '../core/files/node-base64';
import { tokensEqual } from './token-check';

/** Node's native Base64 for what the host sends (message batches); what it receives is decoded strictly. */
const HOST_BASE64: Base64Codec = { encode: nodeBase64.encode, decode: decodeBase64 };

type EncodeEventFrame = typeof import('../../shared/contract').encodeEventFrame;

/** Frames above this are refused (close 1009); a payload of this size would freeze the UI anyway. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

export interface WebSocketTransportOptions {
  server: Server;
  /** A core still being created is awaited: requests that arrive meanwhile are answered once it is ready. */
  core: WorkbenchCore | Promise<WorkbenchCore>;
  token: string;
  /** Origins allowed to open the socket, e.g. http://127.0.0.1:18830. */
  allowedOrigins: () => string[];
  maxFrameBytes?: number;
  limits?: Partial<HostLimits>;
  /** Told when an upgrade was authenticated: that socket no longer counts as unauthenticated. */
  onAuthenticated?: (request: IncomingMessage) => void;
}

/** One page's socket, and the live messages it was not sent since it last heard of it. */
interface Client {
  ws: WebSocket;
  dropped: number;
}

/**
 * Serves the contract over a WebSocket: the browser-mode twin of the Electron IPC transport.
 * Upgrades are refused (HTTP 401) without the host's token or from a foreign Origin; every frame is
 * parsed defensively and every request validated by the dispatcher.
 */
export function attachWebSocketTransport(options: WebSocketTransportOptions): { close(): Promise<void> } {
  const { server, token } = options;
  const limits = { ...DEFAULT_HOST_LIMITS, ...options.limits };
  const clients = new Set<Client>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES });

  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const reject = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WIRE_PATH) return reject(404, 'Not Found');
    if (!tokensEqual(url.searchParams.get(TOKEN_PARAM), token)) return reject(401, 'Unauthorized');
    // A page on another origin must never drive the workbench, even if it guessed the port.
    const origin = request.headers.origin;
    if (!origin || !options.allowedOrigins().includes(origin)) return reject(403, 'Forbidden');
    options.onAuthenticated?.(request);
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  /**
   * Once what was queued before a drop has gone out, the page hears how many live messages it
   * missed (they are in History). Every frame is sent with this as its callback, so a socket that
   * is dropping always has a write still to complete that brings it here.
   */
  const afterWrite = (client: Client) => () => {
    if (client.dropped === 0 || client.ws.readyState !== client.ws.OPEN || client.ws.bufferedAmount > limits.behindBytes) return;
    const count = client.dropped;
    client.dropped = 0;
    client.ws.send(encodeFrame({ type: 'event', channel: 'messages.dropped', payload: { count } }, HOST_BASE64), afterWrite(client));
  };

  /** Responses and events other than message batches are never dropped; a socket that holds too much of them is closed. */
  const sendControl = (client: Client, text: string) => {
    const { ws } = client;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > limits.maxSocketControlBytes) {
      // A page this far behind is not reading: a close frame would only queue behind the rest.
      ws.terminate();
      return;
    }
    ws.send(text, afterWrite(client));
  };

  /**
   * The firehose: each batch is encoded once and the same bytes are queued to every page (ws sends
   * unmasked frames without copying them). A page that fell behind (its own queue over the
   * per-socket cap, or over `behindBytes` while all queues together are over the total) gets no
   * batches until it catches up, and is then told how many messages it missed.
   */
  const sendBatch = (encodeEventFrame: EncodeEventFrame, messages: LiveMessage[]) => {
    let frame: Uint8Array | undefined;
    let total = 0;
    for (const client of clients) total += client.ws.bufferedAmount;
    for (const client of clients) {
      const { ws } = client;
      if (ws.readyState !== ws.OPEN) continue;
      const queued = ws.bufferedAmount;
      if (queued > limits.maxSocketQueuedBytes || (total > limits.maxQueuedBytes && queued > limits.behindBytes)) {
        client.dropped += messages.length;
        continue;
      }
      frame ??= encodeEventFrame('messages.batch', { messages }, HOST_BASE64);
      ws.send(frame, { binary: true }, afterWrite(client));
      total += frame.byteLength;
    }
  };

  let closed = false;
  let unsubscribe = () => {};
  // The contract's index (zod and every schema) comes with the core, after the page is served.
  const ready = Promise.resolve(options.core).then(async (core) => {
    const { encodeEventFrame } = await import('../../shared/contract');
    if (closed) return core;
    unsubscribe = core.events.subscribe((channel, payload) => {
      if (clients.size === 0) return;
      // Message batches go as binary frames (the contract's binary events): far cheaper for the page to decode.
      if (channel === 'messages.batch') return sendBatch(encodeEventFrame, (payload as { messages: LiveMessage[] }).messages);
      const text = encodeFrame({ type: 'event', channel, payload } as ServerFrame, HOST_BASE64);
      for (const client of clients) sendControl(client, text);
    });
    return core;
  });
  // The host's owner reports a core that failed to start; this keeps it from being unhandled here too.
  ready.catch(() => {});

  wss.on('connection', (ws: WebSocket) => {
    const client: Client = { ws, dropped: 0 };
    clients.add(client);
    const send = (frame: ServerFrame) => sendControl(client, encodeFrame(frame, HOST_BASE64));
    ws.on('close', () => clients.delete(client));
    ws.on('error', () => ws.terminate());

    ws.on('message', async (data, isBinary) => {
      if (isBinary) {
        send({ type: 'response', id: -1, result: fail('BAD_FRAME', 'Binary frames are not part of the contract') });
        return;
      }
      let frame: unknown;
      try {
        frame = decodeFrame(data.toString());
      } catch (error) {
        send({ type: 'response', id: -1, result: fail('BAD_FRAME', `Frame is not valid JSON: ${(error as Error).message}`, undefined, { detail: (error as Error).message }) });
        return;
      }
      const request = frame as { type?: unknown; id?: unknown; channel?: unknown; input?: unknown };
      const id = typeof request?.id === 'number' && Number.isSafeInteger(request.id) ? request.id : -1;
      if (typeof frame !== 'object' || frame === null || request.type !== 'request' || id < 0) {
        send({ type: 'response', id, result: fail('BAD_FRAME', 'Expected { type: "request", id, channel, input }') });
        return;
      }
      // In arrival order: every request waits on the same promise while the core is being created.
      let core: WorkbenchCore;
      try {
        core = await ready;
      } catch (error) {
        send({ type: 'response', id, result: fail('INTERNAL', `The workbench core failed to start: ${(error as Error).message}`) });
        return;
      }
      send({ type: 'response', id, result: await core.dispatcher.handle(request.channel, request.input) });
    });
  });

  return {
    close: () =>
      new Promise((resolve) => {
        closed = true;
        unsubscribe();
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
