import { decodeBase64 } from '../../../shared/codecs/base64';
import { type Base64Codec, fromByteJson, toByteJson } from '../../../shared/codecs/byte-envelope';

/**
 * How profiles are written to disk: a profile's public options in the `options` column of
 * profiles.db, and profile export files. JSON, bytes (a CA certificate, a will payload) in the app's
 * byte envelope `{ "$bytes": base64 }`. Its own format, not the WebSocket wire's (shared/wire.ts),
 * which profiles were saved with before: the wire may change (binary frames, another encoding)
 * without touching what users saved. Rows and files the wire encoder wrote spell bytes the same
 * way, so they read as they are: no migration, and an older app still reads what this one writes.
 */

/** Node's Base64, lenient when reading: one damaged value must not make every profile unreadable. */
const NODE_BASE64: Base64Codec = {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  decode: (text) => {
    const bytes = Buffer.from(text, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};

/** The stored JSON of a value holding bytes; `indent` for files a person may read. */
export function encodeStored(value: unknown, indent?: number): string {
  return JSON.stringify(toByteJson(value, NODE_BASE64), null, indent);
}

/**
 * The value back, its byte envelopes as Uint8Array. Throws on invalid JSON, and with `strict` (a
 * file chosen for import, not one we wrote) on invalid Base64.
 */
export function decodeStored(json: string, { strict = false } = {}): unknown {
  return fromByteJson(JSON.parse(json), strict ? { encode: NODE_BASE64.encode, decode: decodeBase64 } : NODE_BASE64);
}
