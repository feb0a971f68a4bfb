/** JSON-safe copy of MQTT 5 properties: bytes become `{ "$base64": ... }`. */
function toJsonSafe(value: unknown): unknown {
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
