import { type QuickJSWASMModule, RELEASE_SYNC, newQuickJSWASMModule } from 'quickjs-emscripten';

/**
 * The QuickJS WebAssembly module, loaded once per thread (about 25 ms, asynchronous: WebAssembly
 * is compiled off the caller's stack). Scripts compile and run synchronously once it is loaded, so
 * the codec rules (synchronous) ask `loadedQuickJs()` and report "still loading" until then.
 */
let loading: Promise<QuickJSWASMModule> | undefined;
let loaded: QuickJSWASMModule | undefined;

/** Starts loading (once) and resolves with the module. */
export function loadQuickJs(): Promise<QuickJSWASMModule> {
  loading ??= newQuickJSWASMModule(RELEASE_SYNC).then((module) => {
    loaded = module;
    return module;
  });
  return loading;
}

/** The module when it has loaded; otherwise starts loading it and returns undefined. */
export function loadedQuickJs(): QuickJSWASMModule | undefined {
  if (!loaded) void loadQuickJs().catch(() => undefined);
  return loaded;
}
