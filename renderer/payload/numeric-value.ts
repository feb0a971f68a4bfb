import { decodeSparkplugB, isSparkplugTopic } from '../../shared/codecs/sparkplug-b';
import { decodeUtf8Strict } from '../../shared/codecs/utf8';
import { type JsonPath, valueAt } from './json-paths';

/** Payloads larger than this are not parsed for plotting: a plot point is not worth a stalled frame. */
export const PLOT_PARSE_LIMIT = 1024 * 1024;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A Sparkplug B payload's metrics as { name: value } (a metric sent by alias only is `alias N`):
 * a metric is plotted by its name, wherever it sits in the message. Numbers and booleans (0/1)
 * only; undefined when the bytes are not Sparkplug B.
 */
function sparkplugValues(bytes: Uint8Array): Record<string, number> | undefined {
  let decoded: ReturnType<typeof decodeSparkplugB>;
  try {
    decoded = decodeSparkplugB(bytes);
  } catch {
    return undefined;
  }
  const values: Record<string, number> = {};
  for (const metric of decoded.metrics as Record<string, unknown>[]) {
    const name = typeof metric.name === 'string' ? metric.name : metric.alias !== undefined ? `alias ${String(metric.alias)}` : undefined;
    const value = metric.value;
    if (name === undefined || metric.isNull === true) continue;
    if (typeof value === 'number' || typeof value === 'bigint') values[name] = Number(value);
    else if (typeof value === 'boolean') values[name] = value ? 1 : 0;
  }
  return values;
}

/**
 * The payload parsed for plotting (or undefined), for reading several paths from one message:
 * JSON or a plain number; on a Sparkplug B topic, its metrics by name.
 */
export function parsePayload(bytes: Uint8Array, topic = ''): unknown {
  if (bytes.length === 0 || bytes.length > PLOT_PARSE_LIMIT) return undefined;
  if (isSparkplugTopic(topic)) {
    const values = sparkplugValues(bytes);
    if (values) return values;
  }
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
