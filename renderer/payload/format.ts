import { formatClock } from '../ui/clock';
import { formatNumber, translate } from '../ui/i18n';
import { encodeHex } from '../../shared/codecs/hex';
import { type ViewFormat, decodePayload, isStructuredBinary } from '../../shared/codecs/payload-format';
import { isSparkplugTopic } from '../../shared/codecs/sparkplug-b';
import { decodeUtf8Lenient, decodeUtf8Strict } from '../../shared/codecs/utf8';

/** Characters shown in a row's preview; the detail pane shows more. */
export const PREVIEW_CHARS = 200;
/** Bytes decoded for a preview: enough for PREVIEW_CHARS of any script, bounded for huge payloads. */
const PREVIEW_BYTES = PREVIEW_CHARS * 4;

// C0 controls other than tab, LF and CR, and DEL: text payloads rarely contain them, binary ones do.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** HH:MM:SS.mmm in local time. */
export function formatTime(timestamp: number): string {
  return formatClock(timestamp, 3);
}

export function formatBytes(size: number): string {
  return `${formatNumber(size)} B`;
}

function hexPreview(bytes: Uint8Array, max: number): string {
  return encodeHex(bytes.subarray(0, max), ' ') + (bytes.length > max ? ' …' : '');
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
        ? { text: hexPreview(bytes, 64), isBinary: true }
        : { text: text.slice(0, PREVIEW_CHARS).replace(/[\r\n\t]+/g, ' '), isBinary: false };
    previews.set(bytes, preview);
  }
  return preview;
}

/** The detail pane decodes at most this much: enough to read, bounded for huge payloads. */
const DETAIL_MAX_BYTES = 1024 * 1024;

export type DetailFormat = 'auto' | ViewFormat;

/**
 * The payload as the detail pane shows it, in the chosen format; `auto` picks Sparkplug B on a
 * Sparkplug topic, else JSON, text or hex. A binary format decodes only a whole payload.
 */
export function payloadDetail(bytes: Uint8Array, format: DetailFormat, topic = ''): { text: string; format: ViewFormat; problem?: string } {
  const head = bytes.subarray(0, DETAIL_MAX_BYTES);
  const truncated = bytes.length > head.length ? `\n${translate('payload:firstOf', { shown: formatBytes(head.length), total: formatBytes(bytes.length) })}` : '';
  const textual: ViewFormat[] = ['json', 'text', 'hex'];
  const candidates: ViewFormat[] = format !== 'auto' ? [format] : isSparkplugTopic(topic) ? ['sparkplug', ...textual] : textual;
  let problem: string | undefined;
  for (const candidate of candidates) {
    if (isStructuredBinary(candidate) && truncated) {
      problem ??= translate('payload:tooLargeAs', { format: candidate, size: formatBytes(bytes.length) });
      continue;
    }
    const decoded = decodePayload(head, candidate);
    if (decoded.ok) return { text: decoded.text + truncated, format: candidate };
    problem ??= decoded.problem.message;
  }
  return { text: '', format: candidates[0]!, ...(problem ? { problem } : {}) };
}
