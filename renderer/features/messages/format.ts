import { decodeUtf8Lenient, decodeUtf8Strict } from '../../../shared/codecs/utf8';

/** Characters shown in a row's preview; the detail pane shows more. */
export const PREVIEW_CHARS = 200;
/** Bytes decoded for a preview: enough for PREVIEW_CHARS of any script, bounded for huge payloads. */
const PREVIEW_BYTES = PREVIEW_CHARS * 4;

// C0 controls other than tab, LF and CR, and DEL: text payloads rarely contain them, binary ones do.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** HH:MM:SS.mmm in local time. */
export function formatTime(timestamp: number): string {
  const d = new Date(timestamp);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatBytes(size: number): string {
  return `${size.toLocaleString('en-US')} B`;
}

export function toHex(bytes: Uint8Array, max = bytes.length): string {
  const parts: string[] = [];
  for (let i = 0; i < Math.min(max, bytes.length); i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ') + (bytes.length > max ? ' …' : '');
}

/** Decodes a prefix of the payload as UTF-8, or returns null when it looks binary. */
function decodeText(bytes: Uint8Array, maxBytes: number): string | null {
  const head = bytes.subarray(0, maxBytes);
  let text = decodeUtf8Strict(head);
  // A prefix may cut a multi-byte character in two: drop up to 3 trailing bytes and retry.
  for (let cut = 1; text === null && head.length < bytes.length && cut <= 3; cut++) {
    text = decodeUtf8Strict(head.subarray(0, head.length - cut));
  }
  if (text === null) {
    // Mostly-text with a stray bad byte still reads better as text (U+FFFD marks the byte).
    const lenient = decodeUtf8Lenient(head);
    const bad = lenient.split('\uFFFD').length - 1;
    if (bad > lenient.length / 20) return null;
    text = lenient;
  }
  return CONTROL_CHARS.test(text) ? null : text;
}

export interface PayloadPreview {
  text: string;
  isBinary: boolean;
}

const previews = new WeakMap<Uint8Array, PayloadPreview>();

/** One line of preview; cached per payload because rows re-render as the list scrolls. */
export function payloadPreview(bytes: Uint8Array): PayloadPreview {
  let preview = previews.get(bytes);
  if (!preview) {
    const text = decodeText(bytes, PREVIEW_BYTES);
    preview =
      text === null
        ? { text: toHex(bytes, 64), isBinary: true }
        : { text: text.slice(0, PREVIEW_CHARS).replace(/[\r\n\t]+/g, ' '), isBinary: false };
    previews.set(bytes, preview);
  }
  return preview;
}

/** The payload as the detail pane shows it: pretty JSON, text, or a hex dump; bounded in size. */
export function payloadDetail(bytes: Uint8Array, maxBytes = 256 * 1024): { text: string; kind: 'json' | 'text' | 'hex' } {
  const text = decodeText(bytes, maxBytes);
  if (text === null) return { text: hexDump(bytes.subarray(0, Math.min(bytes.length, 16 * 1024))), kind: 'hex' };
  if (bytes.length <= maxBytes) {
    try {
      const value: unknown = JSON.parse(text);
      if (typeof value === 'object' && value !== null) return { text: JSON.stringify(value, null, 2), kind: 'json' };
    } catch {
      // Not JSON: shown as text.
    }
  }
  return { text: bytes.length > maxBytes ? `${text}\n… (${formatBytes(bytes.length)} in total)` : text, kind: 'text' };
}

function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${toHex(row).padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}
