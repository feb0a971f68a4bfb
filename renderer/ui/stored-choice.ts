/**
 * A small choice the user made (theme, chart axes, time window, pane sizes) remembered across
 * launches: read from localStorage, the last known copy of the UI state kept in the data folder
 * (app/ui-state-cache.ts keeps one copy per data folder), and written to both. The page starts from
 * that copy; when the host's state differs, app/ui-state-sync.ts writes it here and tells the
 * readers (onStoredChoicesChanged) to read again. Storage can be disabled or full: then the choice
 * still holds for this session.
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

type ChangedListener = (keys: ReadonlySet<string>) => void;
const changedListeners = new Set<ChangedListener>();

/**
 * Called when stored choices changed under the page (the host's UI state came in and differed from
 * the copy the page started with): a reader that read them once reads them again. Returns a disposer.
 */
export function onStoredChoicesChanged(listener: ChangedListener): () => void {
  changedListeners.add(listener);
  return () => changedListeners.delete(listener);
}

/** Tells the readers which keys changed (their new values are in storage already). */
export function storedChoicesChanged(keys: ReadonlySet<string>): void {
  if (keys.size === 0) return;
  for (const listener of [...changedListeners]) listener(keys);
}

/** A listener for the keys in `keys` only (or those starting with a prefix ending in '*'). */
export function onChoicesChanged(keys: readonly string[], listener: () => void): () => void {
  const matches = (key: string) => keys.some((wanted) => (wanted.endsWith('*') ? key.startsWith(wanted.slice(0, -1)) : key === wanted));
  return onStoredChoicesChanged((changed) => {
    for (const key of changed) if (matches(key)) return listener();
  });
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
