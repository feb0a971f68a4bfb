import { formatNumber, translate } from '../ui/i18n';
import { encodeBase64 } from '../../shared/codecs/base64';
import { encodeHex } from '../../shared/codecs/hex';
import { VIEW_FORMATS, type ViewFormat, decodeStructured, isStructuredBinary } from '../../shared/codecs/payload-format';
import { decodeSparkplugB, isSparkplugTopic } from '../../shared/codecs/sparkplug-b';
import { decodeUtf8Lenient, decodeUtf8Strict } from '../../shared/codecs/utf8';
import { formatBytes } from './format';
import { hexDump } from './hex-dump';
import { type TypedMode, TYPED_MODES, isTypedMode, renderTyped } from './typed-modes';

/**
 * How the detail shows a payload: a format, or `auto` (Sparkplug B under `spBv1.0/`, else JSON,
 * text or hex, whichever fits).
 */
export type ViewMode = 'auto' | ViewFormat | TypedMode;
export const VIEW_MODES: readonly ViewMode[] = ['auto', ...VIEW_FORMATS, ...TYPED_MODES];
/** What a payload is shown as: a format, or a typed array. */
export type ShownFormat = ViewFormat | TypedMode;

/**
 * What the editor is given at first, and at most with "Show all". Measured in Chromium: Monaco
 * takes a 256 KB model in a few tens of ms; a hex dump is ~5 characters per byte, so it is cut
 * sooner. Beyond the "all" limits, saving to a file is the way to see everything.
 */
export const SHOWN_LIMITS = { chars: 256 * 1024, hexBytes: 64 * 1024 };
export const ALL_LIMITS = { chars: 16 * 1024 * 1024, hexBytes: 2 * 1024 * 1024 };
/** JSON larger than this is shown as text: parsing and pretty-printing it would stall the UI. */
export const JSON_FORMAT_LIMIT = 16 * 1024 * 1024;

// C0 controls other than tab, LF and CR, and DEL: text rarely has them, binary does.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export interface RenderedPayload {
  /** The format actually shown (what `auto` resolved to). */
  format: ShownFormat;
  /** The editor's text, within the limits. When `problem` is set, the hex dump of the raw bytes. */
  text: string;
  language: 'json' | 'plaintext';
  /** Why the payload cannot be shown in the chosen format. */
  problem?: string;
  /** Set when `text` shows only part of the payload. */
  cut?: string;
  /** True when "Show all" would show more than `text` does. */
  canShowAll: boolean;
}

/** Decodes at most `maxBytes` of UTF-8, not cutting a character in two; null when invalid. */
function decodeHead(bytes: Uint8Array, maxBytes: number): string | null {
  if (bytes.length <= maxBytes) return decodeUtf8Strict(bytes);
  for (let cut = 0; cut <= 3; cut++) {
    const text = decodeUtf8Strict(bytes.subarray(0, maxBytes - cut));
    if (text !== null) return text;
  }
  return null;
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const byte of bytes.subarray(0, 64)) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b || byte === 0x5b; // { or [
  }
  return false;
}

/** Sparkplug B data on a Sparkplug topic, when it decodes; `auto` shows any other payload as usual. */
function isSparkplugPayload(bytes: Uint8Array, topic: string): boolean {
  if (!isSparkplugTopic(topic) || bytes.length > JSON_FORMAT_LIMIT) return false;
  try {
    decodeSparkplugB(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The format `auto` shows: Sparkplug B for Sparkplug topics, JSON for objects and arrays that
 * parse, text when it reads as text, hex otherwise. CBOR and MessagePack are chosen, not guessed:
 * almost any bytes are a valid start of either.
 */
export function autoFormat(bytes: Uint8Array, topic = ''): ViewFormat {
  if (bytes.length === 0) return 'text';
  if (isSparkplugPayload(bytes, topic)) return 'sparkplug';
  if (looksLikeJson(bytes) && bytes.length <= JSON_FORMAT_LIMIT) {
    const text = decodeUtf8Strict(bytes);
    if (text !== null) {
      try {
        JSON.parse(text);
        return 'json';
      } catch {
        // not JSON after all
      }
    }
  }
  const head = decodeHead(bytes, 4096);
  return head === null || CONTROL_CHARS.test(head) ? 'hex' : 'text';
}

function cutText(text: string, limit: number): { text: string; cut?: string } {
  if (text.length <= limit) return { text };
  return { text: text.slice(0, limit), cut: translate('payload:showingChars', { shown: formatNumber(limit), total: formatNumber(text.length) }) };
}

function hexView(bytes: Uint8Array, limits: typeof SHOWN_LIMITS, problem?: string): RenderedPayload {
  const shown = Math.min(bytes.length, limits.hexBytes);
  return {
    format: 'hex',
    text: hexDump(bytes, shown),
    language: 'plaintext',
    ...(problem ? { problem } : {}),
    ...(shown < bytes.length ? { cut: translate('payload:showingBytes', { shown: formatBytes(shown), total: formatBytes(bytes.length) }) } : {}),
    canShowAll: shown < bytes.length && limits.hexBytes < ALL_LIMITS.hexBytes,
  };
}

/**
 * The payload as the detail shows it. Never throws and never hides the bytes: a payload that is not
 * valid in the chosen format comes back with `problem` and its hex dump.
 */
export function renderPayload(bytes: Uint8Array, mode: ViewMode, showAll = false, topic = ''): RenderedPayload {
  const limits = showAll ? ALL_LIMITS : SHOWN_LIMITS;
  const more = (shown: boolean) => shown && limits.chars < ALL_LIMITS.chars;
  const structured = (format: 'cbor' | 'msgpack' | 'sparkplug' | 'protobuf'): RenderedPayload | Error => {
    if (bytes.length > JSON_FORMAT_LIMIT) return new Error(translate('payload:tooLarge', { size: formatBytes(bytes.length) }));
    let decoded: string;
    try {
      decoded = decodeStructured(bytes, format);
    } catch (error) {
      return error as Error;
    }
    const shown = cutText(decoded, limits.chars);
    return { format, text: shown.text, language: 'json', ...(shown.cut ? { cut: shown.cut } : {}), canShowAll: more(shown.cut !== undefined) };
  };
  // `auto` on a Sparkplug topic decodes once: the view itself, or, when the bytes are not
  // Sparkplug B, the usual guess (autoFormat would decode them a first time only to choose).
  if (mode === 'auto' && isSparkplugTopic(topic)) {
    const view = structured('sparkplug');
    if (!(view instanceof Error)) return view;
  }
  if (isTypedMode(mode)) {
    const typed = renderTyped(bytes, mode);
    return { format: mode, text: typed.text, language: 'json', ...(typed.cut ? { cut: typed.cut } : {}), canShowAll: false };
  }
  const format = mode === 'auto' ? autoFormat(bytes) : mode;
  switch (format) {
    case 'cbor':
    case 'msgpack':
    case 'sparkplug':
    case 'protobuf': {
      const view = structured(format);
      return view instanceof Error ? hexView(bytes, limits, translate('payload:rawBytes', { problem: view.message })) : view;
    }
    case 'hex':
      return hexView(bytes, limits);
    case 'base64': {
      const headBytes = Math.floor(limits.chars / 4) * 3;
      const text = encodeBase64(bytes.subarray(0, headBytes));
      const cut = bytes.length > headBytes;
      return {
        format,
        text,
        language: 'plaintext',
        ...(cut ? { cut: translate('payload:showingBytes', { shown: formatBytes(headBytes), total: formatBytes(bytes.length) }) } : {}),
        canShowAll: more(cut),
      };
    }
    case 'text': {
      const text = decodeHead(bytes, limits.chars);
      if (text === null) return hexView(bytes, limits, translate('payload:notUtf8'));
      const cut = bytes.length > limits.chars;
      return {
        format,
        text,
        language: 'plaintext',
        ...(cut ? { cut: translate('payload:showingBytes', { shown: formatBytes(limits.chars), total: formatBytes(bytes.length) }) } : {}),
        canShowAll: more(cut),
      };
    }
    case 'json': {
      if (bytes.length > JSON_FORMAT_LIMIT) {
        const text = decodeUtf8Lenient(bytes.subarray(0, limits.chars));
        return { format, text, language: 'plaintext', cut: translate('payload:tooLargeJson', { size: formatBytes(bytes.length) }), canShowAll: false };
      }
      const text = decodeUtf8Strict(bytes);
      if (text === null) return hexView(bytes, limits, translate('payload:notJsonUtf8'));
      let pretty: string;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch (error) {
        return hexView(bytes, limits, translate('payload:notJson', { problem: (error as Error).message }));
      }
      const shown = cutText(pretty, limits.chars);
      return { format, text: shown.text, language: 'json', ...(shown.cut ? { cut: shown.cut } : {}), canShowAll: more(shown.cut !== undefined) };
    }
  }
}

/** Lines longer than this are not wrapped: wrapping one multi-MB line costs Monaco seconds. */
const WRAP_LINE_LIMIT = 10_000;

/** True when the text reads best wrapped: prose and JSON, unless a line is too long to wrap cheaply. */
export function shouldWrap(rendered: RenderedPayload): boolean {
  if (rendered.format === 'hex') return false;
  const { text } = rendered;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const lineEnd = end < 0 ? text.length : end;
    if (lineEnd - start > WRAP_LINE_LIMIT) return false;
    start = lineEnd + 1;
  }
  return true;
}

/**
 * The whole payload in a format, for copying: text, JSON (pretty), spaced hex (pastes into
 * Publish), Base64, or a binary format decoded to JSON (its hex when it does not decode).
 */
export function fullText(bytes: Uint8Array, format: ShownFormat): string {
  if (isTypedMode(format)) return renderTyped(bytes, format).text;
  if (isStructuredBinary(format)) {
    try {
      return decodeStructured(bytes, format);
    } catch {
      return encodeHex(bytes, ' ');
    }
  }
  switch (format) {
    case 'hex':
      return encodeHex(bytes, ' ');
    case 'base64':
      return encodeBase64(bytes);
    case 'json':
      try {
        return JSON.stringify(JSON.parse(decodeUtf8Lenient(bytes)), null, 2);
      } catch {
        return decodeUtf8Lenient(bytes);
      }
    case 'text':
      return decodeUtf8Lenient(bytes);
  }
}
