import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { fail } from '../../shared/contract';
import { decodeBase64 } from '../../shared/codecs/base64';
import type { LiveMessage } from '../../shared/contract';
import { encodeMessageBatchFrame } from '../../shared/message-batch-frame';
import { type Base64Codec, type ServerFrame, TOKEN_PARAM, WIRE_PATH, decodeFrame, encodeFrame } from '../../shared/wire';
import type { WorkbenchCore } from '../core/create-core';

/** Node's native Base64 for what the host sends (message batches); what it receives is decoded strictly. */
const HOST_BASE64: Base64Codec = {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  decode: decodeBase64,
};

/** Frames above this are refused (close 1009); a payload of this size would freeze the UI anyway. */
export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
/** Event frames stop being queued to a socket whose unsent data exceeds this: see sendEvent. */
const MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

export interface WebSocketTransportOptions {
  server: Server;
  core: WorkbenchCore;
  token: string;
  /** Origins allowed to open the socket, e.g. http://127.0.0.1:18830. */
  allowedOrigins: () => string[];
  maxFrameBytes?: number;
}

function tokensEqual(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Serves the contract over a WebSocket: the browser-mode twin of the Electron IPC transport.
 * Upgrades are refused without the per-launch token or from a foreign Origin; every frame is
 * parsed defensively and every request validated by the dispatcher.
 */
export function attachWebSocketTransport(options: WebSocketTransportOptions): { close(): Promise<void> } {
  const { server, core, token } = options;
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
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  });

  wss.on('connection', (ws: WebSocket) => {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeFrame(frame, HOST_BASE64));
    };
    const unsubscribe = core.events.subscribe((channel, payload) => {
      // A stalled page must not grow the host's memory without bound: past the cap the socket
      // is closed (the page reconnects and resyncs) rather than silently losing events.
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        ws.close(1013, 'Client too slow');
        return;
      }
      // Message batches, the firehose, go as binary frames: far cheaper for the page to decode.
      if (channel === 'messages.batch') {
        if (ws.readyState === ws.OPEN) ws.send(encodeMessageBatchFrame((payload as { messages: LiveMessage[] }).messages, HOST_BASE64));
        return;
      }
      send({ type: 'event', channel, payload });
    });
    ws.on('close', unsubscribe);
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
        send({ type: 'response', id: -1, result: fail('BAD_FRAME', `Frame is not valid JSON: ${(error as Error).message}`) });
        return;
      }
      const request = frame as { type?: unknown; id?: unknown; channel?: unknown; input?: unknown };
      const id = typeof request?.id === 'number' && Number.isSafeInteger(request.id) ? request.id : -1;
      if (typeof frame !== 'object' || frame === null || request.type !== 'request' || id < 0) {
        send({ type: 'response', id, result: fail('BAD_FRAME', 'Expected { type: "request", id, channel, input }') });
        return;
      }
      send({ type: 'response', id, result: await core.dispatcher.handle(request.channel, request.input) });
    });
  });

  return {
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
