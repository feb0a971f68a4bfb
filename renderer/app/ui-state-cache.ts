/**
 * The page's copy of the UI state: the last known state of the data folder, in localStorage, so the
 * page renders at once with the user's theme, language and layout instead of waiting for the host's
 * core (app/ui-state-sync.ts brings the host's state in after that). One origin can serve several
 * data folders (the default port, another `--data-dir`): the copy in the plain keys is marked with
 * the folder it belongs to, and another folder's copy is put aside (a snapshot) and its own put back,
 * so two folders' choices never mix.
 */

/** Which folder the plain keys belong to (a hash of its host token: the token is kept per data folder). */
const FOLDER_KEY = 'workbench.uiState.folder';
/** Another folder's copy, put aside: `<prefix><folder>` holds its entries as JSON. */
const SNAPSHOT_PREFIX = 'workbench.uiState.snapshot.';
/** The bookkeeping of the copy (this module's and ui-state-sync's keys), never UI state itself. */
const META_PREFIX = 'workbench.uiState.';
/** Kept by this browser alone, not part of the data folder's UI state. */
const LOCAL_ONLY = new Set(['workbench.publishHistory']);
/** Snapshots kept for other folders; the oldest goes first. */
const MAX_SNAPSHOTS = 4;

/** The page's localStorage, by shape (the unit tests compile this without the DOM's types). */
export interface PageStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** True for a key of the UI state (not this copy's bookkeeping, not a browser-only key). */
export function isUiStateKey(key: string): boolean {
  return !key.startsWith(META_PREFIX) && !LOCAL_ONLY.has(key);
}

/**
 * A short, stable id of a data folder from its host token (cyrb53: a 53-bit hash). The token itself
 * is a secret and is not stored; 53 bits of it tell folders apart and give nothing useful away.
 */
export function folderIdOf(token: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The UI-state entries in `storage` now. */
export function uiStateEntries(storage: PageStorage): Record<string, string> {
  const entries: Record<string, string> = {};
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key === null || !isUiStateKey(key)) continue;
    const value = storage.getItem(key);
    if (value !== null) entries[key] = value;
  }
  return entries;
}

/**
 * Makes the plain keys the copy of `folder`'s UI state, before anything reads them: when they
 * belong to another folder, they are put aside and `folder`'s own snapshot (or nothing: the
 * defaults) takes their place. A page of an older version left no mark: its keys are taken as this
 * folder's. Storage disabled or full: the page starts from what is there (or the defaults).
 */
export function selectUiStateCopy(folder: string, storage: PageStorage | undefined = (globalThis as { localStorage?: PageStorage }).localStorage): void {
  if (!storage) return;
  try {
    const current = storage.getItem(FOLDER_KEY);
    if (current === folder) return;
    if (current !== null) {
      const entries = uiStateEntries(storage);
      for (const key of Object.keys(entries)) storage.removeItem(key);
      if (Object.keys(entries).length > 0) keepSnapshot(storage, current, entries);
      const own = storage.getItem(SNAPSHOT_PREFIX + folder);
      if (own !== null) {
        storage.removeItem(SNAPSHOT_PREFIX + folder);
        const parsed: unknown = JSON.parse(own);
        if (parsed && typeof parsed === 'object') {
          for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) if (typeof value === 'string' && isUiStateKey(key)) storage.setItem(key, value);
        }
      }
    }
    storage.setItem(FOLDER_KEY, folder);
  } catch {
    // Full or disabled: what is there is used, and the host's state replaces it when it arrives.
  }
}

function keepSnapshot(storage: PageStorage, folder: string, entries: Record<string, string>): void {
  const snapshots: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(SNAPSHOT_PREFIX)) snapshots.push(key);
  }
  // Storage keeps no order: drop arbitrary ones beyond the bound (a dropped folder starts from the host's state).
  for (const key of snapshots.slice(0, Math.max(0, snapshots.length - MAX_SNAPSHOTS + 1))) storage.removeItem(key);
  try {
    storage.setItem(SNAPSHOT_PREFIX + folder, JSON.stringify(entries));
  } catch {
    // No room: that folder starts from its host's state next time.
  }
}
