import { type Base64Codec, fromByteJson, toByteJson } from '../../../shared/codecs/byte-envelope';

/**
 * MQTT 5 properties are stored as JSON. Byte values (correlation data) are written in the app's
 * byte envelope `{ "$bytes": ... }` and become Uint8Array again when read, so a stored message's
 * properties have the same shape as the engine's (shared/contract ReceivedProperties). Rows and
 * export files from before the one envelope hold `{ "$base64": ... }`: still read.
 */

/** Node's Base64; lenient when reading, as the stored rows were always read. */
const NODE_BASE64: Base64Codec = {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  decode: (text) => {
    const bytes = Buffer.from(text, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};

/** JSON-safe copy: bytes become byte envelopes, undefined members are left out. */
export function toJsonSafe(value: unknown): unknown {
  return toByteJson(value, NODE_BASE64);
}

export function encodeProperties(properties: Record<string, unknown> | null | undefined): string | null {
  if (!properties || Object.keys(properties).length === 0) return null;
  return JSON.stringify(toJsonSafe(properties));
}

export function decodeProperties(json: string): Record<string, unknown> {
  return fromByteJson(JSON.parse(json), NODE_BASE64, true) as Record<string, unknown>;
}
