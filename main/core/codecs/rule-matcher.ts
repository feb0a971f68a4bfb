import type { CodecRule } from '../../../shared/contract/codec-rules';
import { topicMatches } from '../../../shared/mqtt/topic';

/** Topics remembered per engine: a fleet of many devices hits the cache, a stream of unique topics only recycles it. */
export const RULE_MATCH_CACHE_TOPICS = 4096;

/** The media type of a Content Type, without `;` parameters, for comparing (RFC 9110: case-insensitive). */
export function baseContentType(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

/** A Content Type's `;` parameters, names lowercased, quoted values unquoted. */
export function contentTypeParameters(contentType: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const part of contentType.split(';').slice(1)) {
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    let value = part.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    parameters.set(part.slice(0, equals).trim().toLowerCase(), value);
  }
  return parameters;
}

export interface RuleMatcher<R> {
  /** The first enabled rule whose filter matches the topic and whose content type (if it names one) is the message's. */
  match(topic: string, contentType?: string): R | undefined;
}

/**
 * First match wins, in the order given (the profile's rules before the global ones). Answers are
 * cached per topic and content type, bounded: the oldest entry goes first when it is full.
 */
export function createRuleMatcher<R extends { rule: CodecRule }>(rules: readonly R[], cacheSize = RULE_MATCH_CACHE_TOPICS): RuleMatcher<R> {
  const enabled = rules
    .filter((entry) => entry.rule.enabled)
    .map((entry) => ({ entry, contentType: entry.rule.contentType === undefined ? undefined : baseContentType(entry.rule.contentType) }));
  if (enabled.length === 0) return { match: () => undefined };
  const cache = new Map<string, R | null>();
  return {
    match(topic, contentType) {
      const type = contentType === undefined ? '' : baseContentType(contentType);
      // Topic names never hold U+0000 [MQTT-4.7.3-2], so it cannot make two keys collide.
      const key = type === '' ? topic : `${type}\u0000${topic}`;
      const cached = cache.get(key);
      if (cached !== undefined) return cached ?? undefined;
      const found = enabled.find((candidate) => (candidate.contentType === undefined || candidate.contentType === type) && topicMatches(candidate.entry.rule.filter, topic));
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(key, found?.entry ?? null);
      return found?.entry;
    },
  };
}
