import { type RememberedTab, useConnectionsStore } from '../stores/connections-store';
import { useUiStore } from '../stores/ui-store';
import { choiceStorage } from '../ui/stored-choice';

/** The saved profiles' tabs this page has open, in order, and the one shown (in the UI state). */
const TABS_KEY = 'workbench.openTabs';
/** More tabs than anyone keeps open: the entry stays small. */
const MAX_TABS = 50;

interface Remembered {
  tabs: RememberedTab[];
  active?: string;
}

function read(): Remembered {
  try {
    const parsed = JSON.parse(choiceStorage.getItem(TABS_KEY) ?? '{}') as Partial<Remembered>;
    const tabs = Array.isArray(parsed.tabs)
      ? parsed.tabs.filter((tab) => typeof tab?.connectionKey === 'string' && tab.connectionKey.startsWith('profile:') && typeof tab.name === 'string' && typeof tab.url === 'string' && [3, 4, 5].includes(tab.protocolVersion))
      : [];
    return { tabs, ...(typeof parsed.active === 'string' ? { active: parsed.active } : {}) };
  } catch {
    return { tabs: [] }; // an edited or damaged entry: no tabs to bring back
  }
}

function write(): void {
  const { order, summaries, origins, activeId } = useConnectionsStore.getState();
  const tabs: RememberedTab[] = [];
  for (const id of order) {
    const summary = summaries[id];
    // A connection typed in is not kept: its secrets are stored nowhere, so it could not reconnect.
    if (!summary?.connectionKey.startsWith('profile:') || tabs.some((tab) => tab.connectionKey === summary.connectionKey)) continue;
    const color = origins[id]?.color;
    tabs.push({ connectionKey: summary.connectionKey, name: summary.name, url: summary.url, protocolVersion: summary.protocolVersion, ...(color ? { color } : {}) });
  }
  const active = activeId ? summaries[activeId]?.connectionKey : undefined;
  const text = JSON.stringify({ tabs: tabs.slice(0, MAX_TABS), ...(active ? { active } : {}) });
  if (text !== choiceStorage.getItem(TABS_KEY)) choiceStorage.setItem(TABS_KEY, text);
}

/**
 * A page opened after a restart (or a reload) shows the saved profiles' tabs that were open before:
 * the connections the host holds come from it (the core reconnects those that were connected, see
 * UI_STATE_KEYS.reconnectOnLaunch), the others come back closed with their Reconnect button. Starts
 * following the tabs once the host's list is in, so an empty page at load never overwrites them.
 */
export function startOpenTabs(): () => void {
  let restored = false;
  const restore = () => {
    if (restored || !useUiStore.getState().hostSynced) return;
    restored = true;
    const { tabs, active } = read();
    useConnectionsStore.getState().restoreTabs(tabs, active);
    write();
  };
  const stopUi = useUiStore.subscribe(restore);
  const stopTabs = useConnectionsStore.subscribe((state, previous) => {
    if (restored && (state.order !== previous.order || state.summaries !== previous.summaries || state.activeId !== previous.activeId || state.origins !== previous.origins)) write();
  });
  restore();
  return () => {
    stopUi();
    stopTabs();
  };
}
