import { decodeBase64 } from '../../../shared/codecs/base64';
import { fromByteJson, toByteJson } from '../../../shared/codecs/byte-envelope';
import { nodeBase64 } from '../files/node-base64';

/**
 * How profiles are written to disk: a profile's public options in the `options` column of
 * profiles.db, and profile export files. JSON, bytes (a CA certificate, a will payload) in the app's
 * byte envelope `{ "$bytes": base64 }`. Its own format, not the WebSocket wire's (shared/wire.ts),
 * which profiles were saved with before: the wire may change (binary frames, another encoding)
 * without touching what users saved. Rows and files the wire encoder wrote spell bytes the same
 * way, so they read as they are: no migration, and an older app still reads what this one writes.
 */

/** The stored JSON of a value holding bytes; `indent` for files a person may read. */
export function encodeStored(value: unknown, indent?: number): string {
  return JSON.stringify(toByteJson(value, nodeBase64), null, indent);
}

/**
 * The value back, its byte envelopes as Uint8Array. Throws on invalid JSON, and with `strict` (a
 * file chosen for import, not one we wrote) on invalid Base64.
 */
export function decodeStored(json: string, { strict = false } = {}): unknown {
  return fromByteJson(JSON.parse(json), strict ? { encode: nodeBase64.encode, decode: decodeBase64 } : nodeBase64);
}
