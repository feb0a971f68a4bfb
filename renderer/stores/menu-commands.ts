/**
 * The desktop app's native menu, on the page's side: each `app.menuCommand` does what the same
 * action does on screen or on the keyboard. Only stores are touched, so it runs outside React
 * (the event feed calls it). Also "open in a new window", which the menu, the keys and the views'
 * own header buttons share.
 */
import type { MenuCommand, WindowTarget } from '../../shared/contract/app';
import { windowHash } from '../../shared/window-url';
import { tokenFromHash } from '../bridge/token';
import { getApi } from './api';
import { useConnectionsStore } from './connections-store';
import { useTopicTreeStore } from './topic-tree-store';
import { useUiStore } from './ui-store';

/**
 * Shows `target` in a window of its own. The desktop app opens (or brings forward) a window on the
 * same core; in browser mode the host answers that it cannot, and this page opens a tab of the same
 * origin with its own token in the fragment: the same host, so the same connections and events.
 */
export async function openInNewWindow(target: WindowTarget): Promise<void> {
  const result = await getApi().app.openWindow(target);
  if (result.ok && result.value.opened) return;
  // Typed by shape: unit tests compile the stores without the DOM's types.
  const page = globalThis as unknown as { location: { origin: string; pathname: string; hash: string }; open(url: string, target: string, features: string): unknown };
  const { origin, pathname, hash } = page.location;
  // noopener: the new tab gets no handle on this one (it talks to the host, not to this page).
  page.open(`${origin}${pathname}${windowHash(target, tokenFromHash(hash))}`, '_blank', 'noopener');
}

export function runMenuCommand(command: MenuCommand): void {
  const ui = useUiStore.getState();
  switch (command) {
    case 'newConnection':
      return ui.openEditor({ mode: 'new' });
    case 'showWorkbench':
      return ui.setView('workbench');
    case 'showHistory':
      return ui.setView('history');
    case 'showBroker':
      return ui.setView('broker');
    case 'toggleTopics': {
      const topics = useTopicTreeStore.getState();
      return topics.setPanelOpen(!topics.panelOpen);
    }
    case 'toggleInspector':
      // The inspector sits beside the live messages: opening it from another view goes there.
      if (!ui.inspectorOpen) ui.setView('workbench');
      ui.setInspectorOpen(!ui.inspectorOpen);
      return;
    case 'openConnectionWindow': {
      const connectionId = useConnectionsStore.getState().activeId;
      if (connectionId) void openInNewWindow({ kind: 'connection', connectionId });
      return;
    }
    case 'openHistoryWindow':
      return void openInNewWindow({ kind: 'history' });
    case 'openBrokerWindow':
      return void openInNewWindow({ kind: 'broker' });
    case 'showShortcuts':
      return ui.setHelpOpen(true);
    default: {
      // selectConnection1…9: the nth open connection, as Alt+1…9 selects it.
      const id = useConnectionsStore.getState().order[Number(command.slice('selectConnection'.length)) - 1];
      if (id) useConnectionsStore.getState().select(id);
    }
  }
}
