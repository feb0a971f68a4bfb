/**
 * Base64 (RFC 4648, standard alphabet, padded) for Uint8Array without Node's Buffer or the DOM's
 * atob/btoa, so the same code runs in main, preload and renderer. Decoding is strict and reports
 * the position of the first bad character.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export function encodeBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]! + ALPHABET[(v >> 6) & 63]! + ALPHABET[v & 63]!;
    // Flush periodically: huge string concatenations are slower than joining chunks.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (i < n) {
    const a = bytes[i]!;
    const b = i + 1 < n ? bytes[i + 1]! : 0;
    const v = (a << 16) | (b << 8);
    chunk += ALPHABET[v >> 18]! + ALPHABET[(v >> 12) & 63]!;
    chunk += i + 1 < n ? ALPHABET[(v >> 6) & 63]! + '=' : '==';
  }
  parts.push(chunk);
  return parts.join('');
}

export class Base64Error extends Error {
  constructor(
    message: string,
    /** Zero-based index of the offending character in the input. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'Base64Error';
  }
}

/** Decodes padded or unpadded Base64; whitespace is ignored; anything else throws Base64Error. */
export function decodeBase64(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 3) / 4) + 3);
  let length = 0;
  let acc = 0;
  let bits = 0;
  let padding = 0;
  let significant = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (c === 0x3d /* = */) {
      padding++;
      if (padding > 2) throw new Base64Error(`Too much padding at position ${i}`, i);
      continue;
    }
    if (padding > 0) throw new Base64Error(`Data after padding at position ${i}`, i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) throw new Base64Error(`Invalid Base64 character '${text[i]}' at position ${i}`, i);
    significant++;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[length++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (significant % 4 === 1) {
    throw new Base64Error('Truncated Base64: a single trailing character cannot encode a byte', text.length);
  }
  if (padding > 0 && (significant + padding) % 4 !== 0) {
    throw new Base64Error('Wrong amount of padding', text.length);
  }
  return out.slice(0, length);
}
