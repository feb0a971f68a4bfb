/**
 * Decoded binary formats (CBOR, MessagePack, Sparkplug B) hold values JSON has no word for: 64-bit
 * integers, byte strings, maps with non-string keys, undefined, NaN. The detail shows every decoded
 * payload as JSON, so each such value is given a faithful JSON spelling here instead of being lost
 * (JSON.stringify would throw on a BigInt and drop undefined).
 */
import { byteEnvelope } from './byte-envelope';

/** A CBOR tag the decoder does not interpret: its number and the value it wraps. */
export class TaggedValue {
  constructor(
    readonly tag: number,
    readonly value: unknown,
  ) {}
}


/**
 * A key from decoded data is the device's, not ours: `out[key] = v` with the key "__proto__" would
 * set the object's prototype and the entry would vanish from the JSON. An own property keeps it.
 */
function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The value with every non-JSON part spelled in JSON. Depth-bounded: decoded input is untrusted. */
export function toDisplayJson(value: unknown, depth = 0): unknown {
  if (depth > 200) return '(nested too deeply to show)';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value); // NaN, Infinity
  // Exact digits: a 64-bit counter must not be rounded to the nearest double.
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  // The app's one byte envelope: what the detail shows can be pasted where bytes are read.
  if (value instanceof Uint8Array) return byteEnvelope(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof TaggedValue) return { $tag: value.tag, value: toDisplayJson(value.value, depth + 1) };
  if (Array.isArray(value)) return value.map((item) => toDisplayJson(item, depth + 1));
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of value) setOwn(out, typeof key === 'string' ? key : JSON.stringify(toDisplayJson(key, depth + 1)), toDisplayJson(item, depth + 1));
    return out;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, toDisplayJson(item, depth + 1));
    return out;
  }
  return String(value);
}

export function prettyDisplayJson(value: unknown): string {
  return JSON.stringify(toDisplayJson(value), null, 2);
}
