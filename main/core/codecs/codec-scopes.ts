import type { CodecSettings } from '../../../shared/contract/codec-rules';
import { profileIdOfKey } from '../../../shared/contract/connections';
import { loadQuickJs } from '../scripts/quickjs-loader';
import { type CodecEngine, compileCodecRules } from './compile-rules';

/**
 * Every rule set there is, as plain data a worker thread can be handed: the global rules and the
 * profiles' own (keyed by profile id, only those that have rules). `stamp` changes whenever any of
 * them does, so a holder compiles again only then.
 */
export interface CodecScopes {
  stamp: number;
  global: CodecSettings;
  profiles: Record<string, CodecSettings>;
}

export interface ScopedEngines {
  /** Takes these scopes (a new stamp drops what was compiled); undefined: no rules at all. */
  use(scopes: CodecScopes | undefined): void;
  /** The engine a connection key's messages are read with (`profile:<id>`: that profile's rules, then the global ones); undefined when no rule applies. */
  forKey(connectionKey: string): CodecEngine | undefined;
  /** The stamp in use, or undefined. */
  readonly stamp: number | undefined;
}

/** Engines per connection key, compiled on first use and kept while the stamp holds (History's reader uses it). */
export function createScopedEngines(): ScopedEngines {
  let scopes: CodecScopes | undefined;
  const engines = new Map<string, CodecEngine | undefined>();
  return {
    get stamp() {
      return scopes?.stamp;
    },
    use(next) {
      if (next?.stamp === scopes?.stamp) return;
      scopes = next;
      engines.clear();
      // A script rule needs the sandbox, which loads asynchronously: start it now, before the first query.
      if (next && [next.global, ...Object.values(next.profiles)].some((settings) => settings.schemas.some((schema) => schema.kind === 'javascript'))) void loadQuickJs().catch(() => undefined);
    },
    forKey(connectionKey) {
      if (!scopes) return undefined;
      const profileId = profileIdOfKey(connectionKey);
      const profile = profileId === undefined ? undefined : scopes.profiles[profileId];
      const cacheKey = profile ? connectionKey : '';
      if (engines.has(cacheKey)) return engines.get(cacheKey);
      const engine = compileCodecRules({ profile, global: scopes.global });
      const usable = engine.idle ? undefined : engine;
      engines.set(cacheKey, usable);
      return usable;
    },
  };
}
