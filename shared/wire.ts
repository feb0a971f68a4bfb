/**
 * The browser-mode WebSocket wire format. JSON text frames; bytes travel as `{ "$bytes": base64 }`
 * so a payload is never turned into a lossy string. One exception, for speed: the contract's
 * binary events (`messages.batch`, shared/contract BINARY_EVENTS) go as binary frames.
 */
import { decodeBase64, encodeBase64 } from './codecs/base64';
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

const BYTES_KEY = '$bytes';

/** How bytes become Base64 text and back; the host passes Node's Buffer-based one (faster). */
export interface Base64Codec {
  encode(bytes: Uint8Array): string;
  decode(text: string): Uint8Array;
}

// The built-in Uint8Array Base64 methods (Chromium 140+, so the renderer in Electron and browser
// mode; not Node 20/22) are native and several times faster than the portable JavaScript codec.
const native = Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array; prototype: { toBase64?: () => string } };
export const defaultBase64: Base64Codec = {
  encode: native.prototype.toBase64 ? (bytes) => native.prototype.toBase64!.call(bytes) : encodeBase64,
  decode: native.fromBase64 ?? decodeBase64,
};

/** A copy of `value` with every Uint8Array (Node Buffers included) as a `{ $bytes }` envelope. */
export function toWire(value: unknown, codec: Base64Codec): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return { [BYTES_KEY]: codec.encode(value) };
  if (Array.isArray(value)) return value.map((item) => toWire(item, codec));
  // Anything with its own JSON form (a Date) is left to JSON.stringify.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) Object.defineProperty(out, key, { value: toWire(item, codec), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Serialises a frame. A walk, then JSON.stringify without a replacer: a replacer is a call back
 * into JavaScript for every value, which dominated the cost of large message batches.
 */
export function encodeFrame(frame: ClientFrame | ServerFrame, codec: Base64Codec = defaultBase64): string {
  return JSON.stringify(toWire(frame, codec));
}

function isEnvelope(record: Record<string, unknown>): boolean {
  if (typeof record[BYTES_KEY] !== 'string') return false;
  for (const key in record) if (key !== BYTES_KEY) return false;
  return true;
}

/** Replaces byte envelopes in a freshly parsed JSON value, in place (the inverse of toWire). */
export function fromWire(value: unknown, codec: Base64Codec): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromWire(value[i], codec);
    return value;
  }
  const record = value as Record<string, unknown>;
  if (isEnvelope(record)) return codec.decode(record[BYTES_KEY] as string);
  for (const key of Object.keys(record)) {
    const item = record[key];
    const revived = fromWire(item, codec);
    // defineProperty, not assignment: a "__proto__" key from JSON must stay a plain property.
    if (revived !== item) Object.defineProperty(record, key, { value: revived, enumerable: true, writable: true, configurable: true });
  }
  return record;
}

/**
 * Parses a frame's JSON, reviving byte envelopes. Throws on invalid JSON or base64. A plain parse
 * and then a walk: a JSON.parse reviver costs a call per value, several times slower on batches.
 */
export function decodeFrame(text: string, codec: Base64Codec = defaultBase64): unknown {
  return fromWire(JSON.parse(text), codec);
}

/** Where the host serves a single-use download: GET /download/<id>?token=… (main/host/download-route.ts). */
export const DOWNLOAD_PATH = '/download/';
