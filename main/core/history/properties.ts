import { fromByteJson, toByteJson } from '../../../shared/codecs/byte-envelope';
import { nodeBase64 } from '../files/node-base64';

/**
 * MQTT 5 properties are stored as JSON. Byte values (correlation data) are written in the app's
 * byte envelope `{ "$bytes": ... }` and become Uint8Array again when read, so a stored message's
 * properties have the same shape as the engine's (shared/contract ReceivedProperties). Rows and
 * export files from before the one envelope hold `{ "$base64": ... }`: still read.
 */

/** JSON-safe copy: bytes become byte envelopes, undefined members are left out. */
export function toJsonSafe(value: unknown): unknown {
  return toByteJson(value, nodeBase64);
}

export function encodeProperties(properties: Record<string, unknown> | null | undefined): string | null {
  if (!properties || Object.keys(properties).length === 0) return null;
  return JSON.stringify(toJsonSafe(properties));
}

export function decodeProperties(json: string): Record<string, unknown> {
  return fromByteJson(JSON.parse(json), nodeBase64, true) as Record<string, unknown>;
}
