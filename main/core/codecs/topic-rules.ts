import { loadedCodecEngines } from './codec-engines-loader';
import type { CodecScopes, ScopedEngines } from './codec-scopes';
import type { CodecEngine, CompiledRule } from './compile-rules';

export interface TopicRule {
  engine: CodecEngine;
  rule: CompiledRule;
  topic: string;
}

/** A stored topic as a history store knows it: its name and its connection. */
export type TopicLookup = (topicId: number) => { name: string; connectionKey: string } | undefined;

export interface TopicRules {
  /** The rules the next queries read covered topics with (undefined: none); a new stamp drops the cache. */
  use(scopes: CodecScopes | undefined): void;
  /** False when no rule set is in use (nothing to decode). */
  readonly active: boolean;
  /** The rule that decodes a topic's payloads, or null; cached per topic id while the stamp holds. */
  of(topicId: number): TopicRule | null;
}

/**
 * Which codec rule covers each stored topic: one cache for the SQLite and the PostgreSQL queries.
 * The engines are created with the first rules given, from the lazily loaded codec modules: a
 * caller that passes rules awaits `loadCodecEngines()` first (codec-engines-loader.ts).
 */
export function createTopicRules(lookup: TopicLookup): TopicRules {
  let engines: ScopedEngines | undefined;
  const cache = new Map<number, TopicRule | null>();
  let stamp: number | undefined;
  return {
    use(scopes) {
      if (!engines && !scopes) return;
      engines ??= loadedCodecEngines().createScopedEngines();
      engines.use(scopes);
      if (engines.stamp !== stamp) {
        cache.clear();
        stamp = engines.stamp;
      }
    },
    get active() {
      return engines?.stamp !== undefined;
    },
    of(topicId) {
      if (engines?.stamp === undefined) return null;
      let found = cache.get(topicId);
      if (found === undefined) {
        const entry = lookup(topicId);
        if (!entry) return null;
        const engine = engines.forKey(entry.connectionKey);
        const rule = engine?.match(entry.name);
        found = engine && rule ? { engine, rule, topic: entry.name } : null;
        cache.set(topicId, found);
      }
      return found;
    },
  };
}
