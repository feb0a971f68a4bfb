import { create } from 'zustand';
import type { PublishDraft } from './publish-drafts';

/** One published message as the user wrote it (the editor's text and mode, not the encoded bytes): a draft that went out. */
export interface PublishedEntry extends Omit<PublishDraft, 'variablesOn' | 'variables'> {
  /** Written with Variables on: the topic and payload are the templates, expanded when sent. */
  variablesOn?: boolean;
  id: string;
  /** When it was last published (ms since the epoch). */
  at: number;
  /** How many times this same message was published in a row. */
  count: number;
}

/** Bounded, so localStorage (a few MB) never fills: the newest entries win. */
export const PUBLISH_HISTORY_LIMIT = 200;
/** Bigger payloads are sent but not remembered (the history would crowd out everything else). */
export const PUBLISH_HISTORY_MAX_PAYLOAD = 64 * 1024;

const STORAGE_KEY = 'workbench.publishHistory';

function load(): PublishedEntry[] {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as PublishedEntry[]).filter((e) => typeof e?.topic === 'string' && typeof e.payload === 'string') : [];
  } catch {
    return []; // a corrupt entry must not break publishing: start a fresh history
  }
}

function save(entries: PublishedEntry[]): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
  } catch {
    // Storage full or disabled: the history still works for this session.
  }
}

const sameMessage = (a: Omit<PublishedEntry, 'id' | 'at' | 'count'>, b: PublishedEntry) =>
  a.topic === b.topic && a.payload === b.payload && a.mode === b.mode && a.qos === b.qos && a.retain === b.retain && (a.variablesOn ?? false) === (b.variablesOn ?? false) && JSON.stringify(a.properties) === JSON.stringify(b.properties);

interface PublishHistoryState {
  entries: PublishedEntry[];
  /** Records a published message; an identical one moves to the top with its count raised. */
  record(entry: Omit<PublishedEntry, 'id' | 'at' | 'count'>): void;
  remove(id: string): void;
  clear(): void;
}

export const usePublishHistory = create<PublishHistoryState>()((set, get) => ({
  entries: load(),
  record(entry) {
    if (entry.payload.length > PUBLISH_HISTORY_MAX_PAYLOAD) return;
    const entries = get().entries;
    const existing = entries.find((e) => sameMessage(entry, e));
    const next: PublishedEntry = { ...entry, id: existing?.id ?? crypto.randomUUID(), at: Date.now(), count: (existing?.count ?? 0) + 1 };
    const updated = [next, ...entries.filter((e) => e !== existing)].slice(0, PUBLISH_HISTORY_LIMIT);
    save(updated);
    set({ entries: updated });
  },
  remove(id) {
    const updated = get().entries.filter((e) => e.id !== id);
    save(updated);
    set({ entries: updated });
  },
  clear() {
    save([]);
    set({ entries: [] });
  },
}));

/** Entries whose topic or payload contains the query (case-insensitive), newest first. */
export function searchPublished(entries: readonly PublishedEntry[], query: string): PublishedEntry[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return [...entries];
  return entries.filter((e) => e.topic.toLowerCase().includes(needle) || e.payload.toLowerCase().includes(needle));
}
