/** UTF-8 text <-> bytes. TextEncoder/TextDecoder exist in every runtime we target. */

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });
const lenientDecoder = new TextDecoder('utf-8');

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes, replacing invalid sequences with U+FFFD (for previews). */
export function decodeUtf8Lenient(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes);
}

/** Decodes, or returns null when the bytes are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}
