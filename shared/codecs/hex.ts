/**
 * Hex <-> bytes. Input may contain whitespace, colons or dashes between bytes (as copied from a
 * packet dump) and an optional 0x prefix; anything else is an error with its position.
 */

export class HexError extends Error {
  constructor(
    message: string,
    /** Zero-based index of the offending character in the input. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'HexError';
  }
}

const DIGITS = '0123456789abcdef';

export function encodeHex(bytes: Uint8Array, separator = ''): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = DIGITS[bytes[i]! >> 4]! + DIGITS[bytes[i]! & 15]!;
  return parts.join(separator);
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

export function decodeHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  let length = 0;
  let high = -1;
  let highPosition = 0;
  let i = 0;
  if (/^\s*0[xX]/.test(text)) i = text.indexOf('0') + 2;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a /* : */ || c === 0x2d /* - */) {
      if (high >= 0) throw new HexError(`Odd hex digit at position ${highPosition}: a byte needs two digits`, highPosition);
      continue;
    }
    const v = nibble(c);
    if (v < 0) throw new HexError(`Invalid hex character '${text[i]}' at position ${i}`, i);
    if (high < 0) {
      high = v;
      highPosition = i;
    } else {
      out[length++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) throw new HexError(`Odd hex digit at position ${highPosition}: a byte needs two digits`, highPosition);
  return out.slice(0, length);
}
