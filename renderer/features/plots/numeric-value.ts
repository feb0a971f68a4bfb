import { decodeUtf8Strict } from '../../../shared/codecs/utf8';
import { type JsonPath, valueAt } from '../messages/json-paths';

/** Payloads larger than this are not parsed for plotting: a plot point is not worth a stalled frame. */
export const PLOT_PARSE_LIMIT = 1024 * 1024;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The payload parsed as JSON (or undefined), for reading several paths from one message. */
export function parsePayload(bytes: Uint8Array): unknown {
  if (bytes.length === 0 || bytes.length > PLOT_PARSE_LIMIT) return undefined;
  const text = decodeUtf8Strict(bytes);
  if (text === null) return undefined;
  const trimmed = text.trim();
  // A plain number ("21.5", "+3", "1e3") is a value too, even where JSON would refuse it.
  if (NUMBER.test(trimmed)) return Number(trimmed);
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

/** The finite number at `path` of a parsed payload, or undefined. [] is the payload itself. */
export function numberAt(parsed: unknown, path: JsonPath): number | undefined {
  const value = valueAt(parsed, path);
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
