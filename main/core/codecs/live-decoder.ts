import { performance } from 'node:perf_hooks';
import { type CodecProblem, type DecodedPayload, type EventPayload, LIVE_DECODED_MAX_CHARS, type MqttMessage } from '../../../shared/contract';
import type { CodecEngine, CompiledRule } from './compile-rules';

/** Decoding time allowed per window: ~10 ms of each 50 ms batch, so ingest never waits on a slow rule. */
export const LIVE_DECODE_BUDGET_MS = 10;
export const LIVE_DECODE_WINDOW_MS = 50;
/**
 * Larger payloads are not decoded live (one synchronous decode of megabytes would stall a batch on
 * its own): they are counted as skipped and decoded when shown, as codecs.decode does.
 */
export const LIVE_DECODE_MAX_PAYLOAD_BYTES = 1024 * 1024;
/** A failing rule's counts are reported at most this often after the first report. */
export const RULE_PROBLEM_INTERVAL_MS = 1000;

type RuleProblem = EventPayload<'codecs.ruleProblem'>;

export interface LiveDecoderOptions {
  /** The engine a connection's messages are read with; undefined for a connection that is not known. */
  engineFor(connectionId: string): CodecEngine | undefined;
  /** The profile whose rules a connection uses (for the report). */
  profileOf(connectionId: string): string | undefined;
  emit(problem: RuleProblem): void;
  /** Wall clock for the once-a-second reports (tests move it). */
  now?: () => number;
  /** Monotonic milliseconds for the decoding budget (tests move it). */
  elapsed?: () => number;
  budgetMs?: number;
  windowMs?: number;
  /**
   * Arms the report of counts held back by the once-a-second rule, so they go out even when no
   * further batch comes (a rule that failed twice in a second, then quiet). Real, unref'd timers by default.
   */
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const realTimer = (fn: () => void, ms: number) => {
  const timer = setTimeout(fn, ms);
  timer.unref?.();
  return { cancel: () => clearTimeout(timer) };
};

export interface LiveDecoder {
  /** The message as its rule reads it, or undefined: no rule, or the budget of this window is spent (counted as skipped). */
  decode(message: MqttMessage): DecodedPayload | undefined;
  /** After each batch: reports the rules whose counts changed, the first time at once, then at most once a second. */
  report(): void;
  /** A live payload's whole decoded text (for the list's text filter), or undefined when no rule reads it or it does not decode. */
  text(connectionId: string, topic: string, payload: Uint8Array, contentType: string | undefined): string | undefined;
  /** Cancels a held-back report (the core closes). */
  dispose(): void;
}

/** Decoded text the live text search reads of one payload. */
export const LIVE_SEARCH_MAX_CHARS = 4 * 1024 * 1024;

interface RuleCounts {
  rule: CompiledRule;
  profileId: string | undefined;
  failures: number;
  skipped: number;
  lastProblem: CodecProblem | undefined;
  /** When last reported; undefined: never. */
  reportedAt: number | undefined;
  changed: boolean;
}

/**
 * Decodes live messages with their connection's rules inside a time budget. Counts are kept per
 * compiled rule, so changed rules start from zero; a rule that fails for every message is one
 * report with its count, not one per message.
 */
export function createLiveDecoder(options: LiveDecoderOptions): LiveDecoder {
  const now = options.now ?? Date.now;
  const elapsed = options.elapsed ?? (() => performance.now());
  const budgetMs = options.budgetMs ?? LIVE_DECODE_BUDGET_MS;
  const windowMs = options.windowMs ?? LIVE_DECODE_WINDOW_MS;
  let windowStart = -Infinity;
  let spent = 0;
  const counts = new Map<CompiledRule, RuleCounts>();
  const setTimer = options.setTimer ?? realTimer;
  /** The report armed for counts held back by the interval; one at a time. */
  let heldBack: { cancel(): void } | undefined;

  function countsOf(rule: CompiledRule, connectionId: string): RuleCounts {
    let entry = counts.get(rule);
    if (!entry) {
      entry = { rule, profileId: rule.scope === 'profile' ? options.profileOf(connectionId) : undefined, failures: 0, skipped: 0, lastProblem: undefined, reportedAt: undefined, changed: false };
      counts.set(rule, entry);
    }
    return entry;
  }

  const decoder: LiveDecoder = {
    decode(message) {
      const engine = options.engineFor(message.connectionId);
      if (!engine || engine.idle) return undefined;
      const contentType = message.properties?.contentType;
      const rule = engine.match(message.topic, contentType);
      if (!rule) return undefined;
      const start = elapsed();
      if (start - windowStart >= windowMs) {
        windowStart = start;
        spent = 0;
      }
      if (spent >= budgetMs || message.payload.byteLength > LIVE_DECODE_MAX_PAYLOAD_BYTES) {
        const entry = countsOf(rule, message.connectionId);
        entry.skipped++;
        entry.changed = true;
        return undefined;
      }
      const decoded = engine.decode(rule, message.payload, { contentType, maxChars: LIVE_DECODED_MAX_CHARS, message });
      spent += elapsed() - start;
      if (decoded.problem) {
        const entry = countsOf(rule, message.connectionId);
        entry.failures++;
        entry.lastProblem = decoded.problem;
        entry.changed = true;
      }
      return decoded;
    },
    text(connectionId, topic, payload, contentType) {
      const engine = options.engineFor(connectionId);
      const rule = engine?.match(topic, contentType);
      if (!engine || !rule) return undefined;
      const decoded = engine.decode(rule, payload, { contentType, maxChars: LIVE_SEARCH_MAX_CHARS, message: { topic } });
      return decoded.problem ? undefined : decoded.text;
    },
    report() {
      const at = now();
      let nextDueIn: number | undefined;
      for (const entry of counts.values()) {
        if (!entry.changed) continue;
        if (entry.reportedAt !== undefined && at - entry.reportedAt < RULE_PROBLEM_INTERVAL_MS) {
          const dueIn = entry.reportedAt + RULE_PROBLEM_INTERVAL_MS - at;
          nextDueIn = nextDueIn === undefined ? dueIn : Math.min(nextDueIn, dueIn);
          continue;
        }
        entry.changed = false;
        entry.reportedAt = at;
        const { rule } = entry.rule;
        options.emit({
          ruleId: rule.id,
          ruleName: rule.name,
          ...(entry.profileId !== undefined ? { profileId: entry.profileId } : {}),
          failures: entry.failures,
          skipped: entry.skipped,
          lastProblem: entry.lastProblem ?? { message: `${entry.skipped} messages were not decoded live (decoding fell behind, or the payload was over 1 MB); they are decoded when shown` },
        });
      }
      // Rules replaced by a change of settings leave their counts behind: drop those already reported.
      if (counts.size > 1000) for (const [rule, entry] of counts) if (!entry.changed) counts.delete(rule);
      if (nextDueIn !== undefined && !heldBack) {
        heldBack = setTimer(() => {
          heldBack = undefined;
          decoder.report();
        }, nextDueIn);
      }
    },
    dispose() {
      heldBack?.cancel();
      heldBack = undefined;
    },
  };
  return decoder;
}
