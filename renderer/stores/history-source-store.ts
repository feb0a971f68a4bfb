import { create } from 'zustand';
import type { HistorySourceInput, HistorySourceTest, HistorySourceView, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';
import { useHistoryStore } from './history-store';

interface HistorySourceState {
  /** Null until the host said. */
  view: HistorySourceView | null;
  loadError: WorkbenchError | null;
  dialogOpen: boolean;
  load(): Promise<void>;
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

export const useHistorySourceStore = create<HistorySourceState>((set, get) => ({
  view: null,
  loadError: null,
  dialogOpen: false,
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
  follow() {
    void get().load();
    return getApi().on('history.sourceChanged', (view) => get().apply(view));
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
