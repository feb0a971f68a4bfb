/**
 * The browser-mode WebSocket wire format. JSON text frames; bytes travel in the app's byte envelope
 * `{ "$bytes": base64 }` (shared/codecs/byte-envelope.ts) so a payload is never turned into a lossy
 * string. One exception, for speed: the contract's binary events (`messages.batch`, shared/contract
 * BINARY_EVENTS) go as binary frames.
 */
import { type Base64Codec, defaultBase64, fromByteJson, toByteJson } from './codecs/byte-envelope';
import type { Result } from './contract/errors';

export type ClientFrame = { type: 'request'; id: number; channel: string; input: unknown };
export type ServerFrame =
  | { type: 'response'; id: number; result: Result<unknown> }
  | { type: 'event'; channel: string; payload: unknown };

/** Query parameter carrying the host's token (one per data folder) on the WebSocket URL. */
export const TOKEN_PARAM = 'token';
/** Path of the contract WebSocket on the host. */
export const WIRE_PATH = '/contract';
/** Where a page asks the host whether its token is right: 200 or 401 (main/host/token-check.ts). */
export const TOKEN_CHECK_PATH = '/api/token-check';
/** Header carrying the token to TOKEN_CHECK_PATH: kept out of URLs, and cross-origin it needs a preflight the host never grants. */
export const TOKEN_HEADER = 'X-Workbench-Token';

export type { Base64Codec };

/**
 * Serialises a frame. A walk, then JSON.stringify without a replacer: a replacer is a call back
 * into JavaScript for every value, which dominated the cost of large message batches.
 */
export function encodeFrame(frame: ClientFrame | ServerFrame, codec: Base64Codec = defaultBase64): string {
  return JSON.stringify(toByteJson(frame, codec));
}

/**
 * Parses a frame's JSON, reviving byte envelopes. Throws on invalid JSON or base64. A plain parse
 * and then a walk: a JSON.parse reviver costs a call per value, several times slower on batches.
 */
export function decodeFrame(text: string, codec: Base64Codec = defaultBase64): unknown {
  return fromByteJson(JSON.parse(text), codec);
}

/** Where the host serves a single-use download: GET /download/<id>?token=… (main/host/download-route.ts). */
export const DOWNLOAD_PATH = '/download/';
