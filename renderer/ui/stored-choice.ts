/**
 * A small choice the user made (theme, chart axes, time window, pane sizes) remembered across
 * launches: read from localStorage, which app/ui-state-sync.ts fills from the UI state kept in the
 * data folder before anything reads it, and written to both. Storage can be disabled or full: then
 * the choice still holds for this session.
 */

interface ChoiceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The page's localStorage; absent outside a page (unit tests under Node). */
const storage = () => (globalThis as { localStorage?: ChoiceStorage }).localStorage;

/** The stored value of `key` when it is one of `allowed`, else `fallback` (a stale or edited entry). */
export function readChoice<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const stored = storage()?.getItem(key);
    return allowed.find((choice) => choice === stored) ?? fallback;
  } catch {
    return fallback;
  }
}

let written: ((key: string, value: string) => void) | null = null;

/** Every choice written from now on is also told here (app/ui-state-sync.ts keeps them in the data folder). */
export function onChoiceWritten(listener: (key: string, value: string) => void): void {
  written = listener;
}

export function writeChoice(key: string, value: string): void {
  try {
    storage()?.setItem(key, value);
  } catch {
    // Not remembered in this browser, still applied now.
  }
  written?.(key, value);
}

/**
 * The same storage as a `getItem`/`setItem` pair for code that keeps its own format (the pane
 * layouts): failures read as nothing stored and writes that fail are dropped, as above.
 */
export const choiceStorage: ChoiceStorage = {
  getItem(key) {
    try {
      return storage()?.getItem(key) ?? null;
    } catch {
      return null;
    }
  },
  setItem(key, value) {
    writeChoice(key, value);
  },
};
