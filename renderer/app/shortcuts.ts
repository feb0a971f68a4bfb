import { useEffect } from 'react';
import { useConnectionsStore } from '../stores/connections-store';
import { useUiStore } from '../stores/ui-store';

/**
 * Keys that work anywhere: Ctrl/Cmd+K new connection, Alt+1..9 select an open connection,
 * Alt+P show or hide the packet inspector.
 */
export function useGlobalShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const ui = useUiStore.getState();
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        ui.openEditor({ mode: 'new' });
      } else if (event.altKey && /^[1-9]$/.test(event.key)) {
        const id = useConnectionsStore.getState().order[Number(event.key) - 1];
        if (id) {
          event.preventDefault();
          useConnectionsStore.getState().select(id);
        }
      } else if (event.altKey && event.key.toLowerCase() === 'p') {
        event.preventDefault();
        ui.setInspectorOpen(!ui.inspectorOpen);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
