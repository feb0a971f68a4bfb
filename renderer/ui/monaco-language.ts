/**
 * Monaco's own interface (context menu, command palette, find widget, screen-reader texts) in the
 * UI language. Monaco reads its messages from `globalThis._VSCODE_NLS_MESSAGES`, many of them once
 * as its modules run, so the pack must be in place before the first Monaco module loads and cannot
 * be swapped afterwards: every lazy import of a Monaco editor goes through `loadMonaco`. The pack
 * (~180 KB) is a chunk of its own, fetched only when the language is Simplified Chinese.
 */
import { type Language, currentLanguage } from './i18n';

let prepared: Promise<void> | undefined;
let loadedIn: Language | undefined;

function prepareMessages(): Promise<void> {
  return (prepared ??= (() => {
    const language = currentLanguage();
    loadedIn = language;
    // English is Monaco's source: no pack.
    if (language !== 'zh-CN') return Promise.resolve();
    // Without the pack Monaco still works, in English.
    return import('monaco-editor/nls/lang/zh-cn').then(
      () => {},
      () => {
        loadedIn = 'en';
      },
    );
  })());
}

/** `import()` of a module that uses Monaco, once Monaco's messages for the UI language are set. */
export function loadMonaco<T>(load: () => Promise<T>): Promise<T> {
  return prepareMessages().then(load);
}

/** The language Monaco's own interface was loaded in, or undefined while no editor has loaded yet. */
export function monacoLanguage(): Language | undefined {
  return loadedIn;
}
