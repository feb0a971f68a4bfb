import { decode, encode } from 'cborg';
import { TaggedValue } from './display-json';

/**
 * CBOR (RFC 8949), as MQTTX offers it: JSON typed in the editor is published as CBOR, and a CBOR
 * payload is shown as JSON. cborg is strict by default; for viewing, what a device may legally
 * send (undefined, NaN, indefinite lengths, big integers, any tag) is accepted instead of refused.
 */

/** Tags 2 and 3 (RFC 8949 §3.4.3) are big integers; every other tag is shown with its number. */
function bignum(bytes: unknown, negative: boolean): unknown {
  if (!(bytes instanceof Uint8Array)) return new TaggedValue(negative ? 3 : 2, bytes);
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return negative ? -1n - n : n;
}

/** cborg looks decoders up by tag number; this answers for every number. */
const anyTag = new Proxy([] as ((inner: unknown) => unknown)[], {
  get(target, key) {
    if (typeof key !== 'string' || !/^\d+$/.test(key)) return Reflect.get(target, key);
    const tag = Number(key);
    if (tag === 2 || tag === 3) return (inner: unknown) => bignum(inner, tag === 3);
    return (inner: unknown) => new TaggedValue(tag, inner);
  },
});

/** Decodes one CBOR data item; throws with cborg's message on malformed or trailing bytes. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return decode(bytes, { useMaps: true, allowUndefined: true, allowIndefinite: true, allowNaN: true, allowInfinity: true, allowBigInt: true, tags: anyTag });
}

/** JSON values as CBOR: integers as CBOR integers, other numbers as the shortest exact float. */
export function encodeCbor(value: unknown): Uint8Array {
  return encode(value);
}
