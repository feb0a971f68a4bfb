import { type QuickJSWASMModule, RELEASE_SYNC, newQuickJSWASMModule } from 'quickjs-emscripten';

/**
 * The QuickJS WebAssembly module, loaded once per thread (about 25 ms, asynchronous: WebAssembly
 * is compiled off the caller's stack). Scripts compile and run synchronously once it is loaded, so
 * the codec rules (synchronous) ask `loadedQuickJs()` and report "still starting" until then.
 */
let loading: Promise<QuickJSWASMModule> | undefined;
let loaded: QuickJSWASMModule | undefined;
/** Why the last load failed (a later call tries again). */
let lastError: Error | undefined;

/** Starts loading (once) and resolves with the module. */
export function loadQuickJs(): Promise<QuickJSWASMModule> {
  loading ??= newQuickJSWASMModule(RELEASE_SYNC).then(
    (module) => {
      loaded = module;
      lastError = undefined;
      return module;
    },
    (error: unknown) => {
      lastError = error instanceof Error ? error : new Error(String(error));
      loading = undefined;
      throw lastError;
    },
  );
  return loading;
}

/** The module when it has loaded; otherwise starts loading it and returns undefined. */
export function loadedQuickJs(): QuickJSWASMModule | undefined {
  if (!loaded) void loadQuickJs().catch(() => undefined);
  return loaded;
}

/** Why the sandbox could not load the last time it tried, if it failed. */
export function quickJsLoadError(): Error | undefined {
  return lastError;
}
