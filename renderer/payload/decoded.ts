import type { DecodedPayload, SchemaViolation } from '../../shared/contract/codec-rules';
import { topicFilterProblem } from '../../shared/mqtt/topic';

/** Characters of decoded text a row shows (as a raw preview). */
const PREVIEW_CHARS = 200;

/** What carries a rule's decoding: a live message (`decoded` set by the host when a rule matched). */
export interface MaybeDecoded {
  decoded?: DecodedPayload;
}

/** The decoded payload a view should show, or undefined (no rule, or decoding failed: show raw). */
export function usableDecoded(message: MaybeDecoded): DecodedPayload | undefined {
  const decoded = message.decoded;
  return decoded && !decoded.problem ? decoded : undefined;
}

const previews = new WeakMap<DecodedPayload, string>();

/** One line of the decoded text, for a row. Cached: rows re-render as the list scrolls. */
export function decodedPreview(decoded: DecodedPayload): string {
  let preview = previews.get(decoded);
  if (preview === undefined) {
    preview = decoded.image ? `${decoded.image.mime} ${decoded.image.width}×${decoded.image.height}` : decoded.text.slice(0, PREVIEW_CHARS).replace(/[\r\n\t]+/g, ' ');
    previews.set(decoded, preview);
  }
  return preview;
}

/** One line per JSON Schema failure: where, which keyword, why. */
export function describeViolations(violations: readonly SchemaViolation[]): string {
  return violations.map((v) => `${v.path || '/'}: ${v.keyword}: ${v.message}`).join('\n');
}

/** Parsed decoded JSON for plots and number pickers, when whole (a cut text is not the value). */
export function parseDecoded(decoded: DecodedPayload | undefined): unknown {
  if (!decoded || !decoded.json || decoded.truncated || decoded.problem) return undefined;
  try {
    return JSON.parse(decoded.text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Filters offered for a rule made from a message: the topic itself, then each parent level with the
 * varying part wildcarded, e.g. factory/line1/telemetry -> factory/+/telemetry, +/line1/telemetry,
 * factory/line1/#, factory/#.
 */
export function filtersForTopic(topic: string): string[] {
  const levels = topic.split('/');
  const found: string[] = [topic];
  const add = (filter: string) => {
    if (!found.includes(filter) && topicFilterProblem(filter) === null) found.push(filter);
  };
  // One level wildcarded, from the middle levels out (device ids sit there most often).
  for (let i = 1; i < levels.length - 1; i++) add(levels.map((level, j) => (j === i ? '+' : level)).join('/'));
  if (levels.length > 1) add(levels.map((level, j) => (j === 0 ? '+' : level)).join('/'));
  for (let keep = levels.length - 1; keep >= 1; keep--) add(`${levels.slice(0, keep).join('/')}/#`);
  return found.filter((filter) => !filter.startsWith('$') || topic.startsWith('$'));
}
