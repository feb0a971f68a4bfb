/**
 * MQTT 5 properties are stored as JSON. Byte values (correlation data) become `{ "$base64": ... }`
 * in the JSON and Uint8Array again when read, so a stored message's properties have the same shape
 * as the engine's (shared/contract ReceivedProperties).
 */

/** JSON-safe copy: bytes become `{ "$base64": ... }`, undefined members are left out. */
export function toJsonSafe(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) if (inner !== undefined) out[key] = toJsonSafe(inner);
    return out;
  }
  return value;
}

export function encodeProperties(properties: Record<string, unknown> | null | undefined): string | null {
  if (!properties || Object.keys(properties).length === 0) return null;
  return JSON.stringify(toJsonSafe(properties));
}

function isBytesBox(value: unknown): value is { $base64: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$base64' && typeof (value as { $base64: unknown }).$base64 === 'string';
}

export function decodeProperties(json: string): Record<string, unknown> {
  return JSON.parse(json, (_key, value: unknown) => {
    if (!isBytesBox(value)) return value;
    const bytes = Buffer.from(value.$base64, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }) as Record<string, unknown>;
}
