/**
 * The one way the app writes bytes in JSON: `{ "$bytes": "<Base64>" }`, an object with that single
 * key. The WebSocket wire, History's stored properties and exports, saved profiles and the JSON
 * shown for decoded binary payloads all use it, so a value read from one can be pasted into another.
 *
 * Older History rows and export files wrote `{ "$base64": "<Base64>" }`: it is read (readLegacy),
 * never written, so nothing a user saved is lost.
 */
import { decodeBase64, encodeBase64 } from './base64';

export const BYTES_KEY = '$bytes';
/** History's properties and exports before the one envelope. */
const LEGACY_BYTES_KEY = '$base64';

export type ByteEnvelope = { [BYTES_KEY]: string };

/** How bytes become Base64 text and back; Node callers may pass a Buffer-based one (faster). */
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

export function byteEnvelope(bytes: Uint8Array, codec: Base64Codec = defaultBase64): ByteEnvelope {
  return { [BYTES_KEY]: codec.encode(bytes) };
}

/** A copy of `value` with every Uint8Array (Node Buffers included) as a byte envelope; undefined members left out. */
export function toByteJson(value: unknown, codec: Base64Codec = defaultBase64): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return byteEnvelope(value, codec);
  if (Array.isArray(value)) return value.map((item) => toByteJson(item, codec));
  // Anything with its own JSON form (a Date) is left to JSON.stringify.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) Object.defineProperty(out, key, { value: toByteJson(item, codec), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The Base64 text of a byte envelope, or undefined for any other object. */
function envelopeText(record: Record<string, unknown>, readLegacy: boolean): string | undefined {
  // A property lookup first: most objects are not envelopes, and a for-in on each costs more.
  let key: string;
  if (typeof record[BYTES_KEY] === 'string') key = BYTES_KEY;
  else if (readLegacy && typeof record[LEGACY_BYTES_KEY] === 'string') key = LEGACY_BYTES_KEY;
  else return undefined;
  for (const other in record) if (other !== key) return undefined;
  return record[key] as string;
}

/**
 * Replaces byte envelopes in a freshly parsed JSON value, in place (the inverse of toByteJson).
 * `readLegacy`: also the `$base64` form, where data saved before the one envelope may hold it.
 */
export function fromByteJson(value: unknown, codec: Base64Codec = defaultBase64, readLegacy = false): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = fromByteJson(value[i], codec, readLegacy);
    return value;
  }
  const record = value as Record<string, unknown>;
  const text = envelopeText(record, readLegacy);
  if (text !== undefined) return codec.decode(text);
  for (const key of Object.keys(record)) {
    const item = record[key];
    const revived = fromByteJson(item, codec, readLegacy);
    // defineProperty, not assignment: a "__proto__" key from JSON must stay a plain property.
    if (revived !== item) Object.defineProperty(record, key, { value: revived, enumerable: true, writable: true, configurable: true });
  }
  return record;
}
