import { create } from 'zustand';
import type { EventPayload, HistorySourceInput, HistorySourceTest, HistorySourceView, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';
import { HISTORY_PAGE_SIZE, toHistoryQuery, useHistoryStore } from './history-store';

/** A live tail re-runs the shown search at most this often. */
const TAIL_REFRESH_MS = 1000;

interface HistorySourceState {
  /** Null until the host said. */
  view: HistorySourceView | null;
  loadError: WorkbenchError | null;
  dialogOpen: boolean;
  /** Rows other writers stored in the team database since the list was searched, when they were not shown at once. */
  tail: { count: number } | null;
  load(): Promise<void>;
  /** From history.tail: new rows appear (the newest page is searched again) or are counted for the user to show. */
  noteTail(event: EventPayload<'history.tail'>): void;
  /** From history.sourceChanged (another window, the store's state, a read-only role found). */
  apply(view: HistorySourceView): void;
  openDialog(open: boolean): void;
  /** Switches, then searches again: every list and count now comes from the new source. Null when it worked. */
  choose(input: HistorySourceInput): Promise<WorkbenchError | null>;
  test(input: HistorySourceInput): Promise<HistorySourceTest | WorkbenchError>;
  /** Loads the source and follows history.sourceChanged; returns the disposer. */
  follow(): () => void;
  /**
   * Deletes a connection's stored messages (under a topic filter, or all), then lists again. Here
   * because a team database's role decides whether it may: the answer, or the failure to show.
   */
  clearStored(connectionKey: string, topicFilter?: string): Promise<{ deleted: number } | WorkbenchError>;
}

/** What the History view shows of the list it had, once the source changed: all of it again, from there. */
function reloadHistory(): void {
  const history = useHistoryStore.getState();
  void history.loadStatus();
  void history.loadConnections();
  if (history.applied !== null) void history.search();
}

/**
 * The list shows the newest rows of the search as it is typed, nothing opened, nothing paged in:
 * searching it again only adds the new rows at the top, and takes nothing the user is looking at.
 */
function showsNewest(): boolean {
  const history = useHistoryStore.getState();
  if (history.applied === null || history.loading || history.selectedId !== null || history.rows.length >= HISTORY_PAGE_SIZE) return false;
  if (history.applied.until !== undefined) return false;
  const typed = toHistoryQuery(history.form);
  return 'query' in typed && JSON.stringify(typed.query) === JSON.stringify(history.applied);
}

let tailTimer: ReturnType<typeof setTimeout> | null = null;

export const useHistorySourceStore = create<HistorySourceState>((set, get) => ({
  view: null,
  loadError: null,
  dialogOpen: false,
  tail: null,
  async load() {
    const result = await getApi().history.getSource({});
    if (result.ok) set({ view: result.value, loadError: null });
    else set({ loadError: result.error });
  },
  apply(view) {
    const before = get().view;
    set({ view });
    // A source that (re)connected serves other rows than the list shows.
    if (before && (before.kind !== view.kind || (view.kind === 'postgres' && (before.kind !== 'postgres' || before.url !== view.url || before.state !== view.state)))) reloadHistory();
  },
  openDialog(open) {
    set({ dialogOpen: open });
  },
  async choose(input) {
    const result = await getApi().history.setSource(input);
    if (!result.ok) return result.error;
    get().apply(result.value);
    reloadHistory();
    return null;
  },
  async test(input) {
    const result = await getApi().history.testSource(input);
    return result.ok ? result.value : result.error;
  },
  noteTail(event) {
    if (tailTimer) return; // a refresh is coming: it shows these rows too
    if (!showsNewest()) {
      set((state) => ({ tail: { count: (state.tail?.count ?? 0) + event.count } }));
      return;
    }
    tailTimer = setTimeout(() => {
      tailTimer = null;
      if (showsNewest()) void useHistoryStore.getState().search();
      else void useHistoryStore.getState().loadStatus();
    }, TAIL_REFRESH_MS);
  },
  follow() {
    void get().load();
    const stopSource = getApi().on('history.sourceChanged', (view) => get().apply(view));
    const stopTail = getApi().on('history.tail', (event) => get().noteTail(event));
    // A new search shows what was new: the count starts again.
    const stopSearch = useHistoryStore.subscribe((state, previous) => {
      if (state.applied !== previous.applied && get().tail) set({ tail: null });
    });
    return () => {
      stopSource();
      stopTail();
      stopSearch();
      if (tailTimer) clearTimeout(tailTimer);
      tailTimer = null;
    };
  },
  async clearStored(connectionKey, topicFilter) {
    const result = await getApi().history.clear({ connectionKey, ...(topicFilter ? { topicFilter } : {}) });
    if (!result.ok) return result.error;
    reloadHistory();
    return result.value;
  },
}));

/** A team database whose role may only read: History browses, and offers no delete. */
export function useReadOnlySource(): boolean {
  return useHistorySourceStore((s) => s.view?.kind === 'postgres' && s.view.readOnly === true);
}

export function useTeamSource(): boolean {
  return useHistorySourceStore((s) => s.view?.kind === 'postgres');
}
