import type { createScopedEngines } from './codec-scopes';
import type { describeProblem } from './compile-rules';

/** What decoding stored messages needs: the rule engines and how a failure reads. */
export interface CodecEngineModules {
  createScopedEngines: typeof createScopedEngines;
  describeProblem: typeof describeProblem;
}

let loaded: CodecEngineModules | undefined;
let loading: Promise<CodecEngineModules> | undefined;

/**
 * Loads the codec engines (protobufjs, avsc, ajv, the QuickJS loader: about 16 MB per thread) on
 * first need. A History worker imports this instead of the engines, so one that never answers a
 * query with codec rules stays small: each of the three workers paid that 16 MB at start before.
 */
export function loadCodecEngines(): Promise<CodecEngineModules> {
  loading ??= Promise.all([import('./codec-scopes'), import('./compile-rules')]).then(([scopes, rules]) => {
    loaded = { createScopedEngines: scopes.createScopedEngines, describeProblem: rules.describeProblem };
    return loaded;
  });
  return loading;
}

/** The engines once `loadCodecEngines()` resolved; a synchronous caller awaits that first. */
export function loadedCodecEngines(): CodecEngineModules {
  if (!loaded) throw new Error('The codec engines are used before loadCodecEngines() resolved');
  return loaded;
}
