/**
 * The browser-mode WebSocket wire format. JSON text frames; bytes travel as `{ "$bytes": base64 }`
 * so a payload is never turned into a lossy string.
 */
import { decodeBase64, encodeBase64 } from './codecs/base64';
import type { Result } from './contract/errors';

export type ClientFrame = { type: 'request'; id: number; channel: string; input: unknown };
export type ServerFrame =
  | { type: 'response'; id: number; result: Result<unknown> }
  | { type: 'event'; channel: string; payload: unknown };

/** Query parameter carrying the per-launch token on the WebSocket URL. */
export const TOKEN_PARAM = 'token';
/** Path of the contract WebSocket on the host. */
export const WIRE_PATH = '/contract';

const BYTES_KEY = '$bytes';

export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  // Read the holder's original value: a Node Buffer's toJSON runs before the replacer sees it.
  return JSON.stringify(frame, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? { [BYTES_KEY]: encodeBase64(original) } : value;
  });
}

/** Parses a frame's JSON, reviving byte envelopes. Throws on invalid JSON or base64. */
export function decodeFrame(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const encoded = record[BYTES_KEY];
      if (typeof encoded === 'string' && Object.keys(record).length === 1) return decodeBase64(encoded);
    }
    return value;
  });
}
