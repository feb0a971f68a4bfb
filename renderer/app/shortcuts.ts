import { useEffect } from 'react';
import { useConnectionsStore } from '../stores/connections-store';
import { useUiStore } from '../stores/ui-store';

/** Typing in a field must not trigger single-key shortcuts such as `?`. */
function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.closest('.monaco-editor') !== null;
}

/**
 * Keys that work anywhere: Ctrl/Cmd+K new connection, Alt+1..9 select an open connection,
 * Alt+P show or hide the packet inspector, ? or F1 the shortcuts overlay.
 */
export function useGlobalShortcuts({ switchConnections = true }: { switchConnections?: boolean } = {}): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const ui = useUiStore.getState();
      if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'k') {
        event.preventDefault();
        ui.openEditor({ mode: 'new' });
      } else if (switchConnections && event.altKey && /^[1-9]$/.test(event.key)) {
        const id = useConnectionsStore.getState().order[Number(event.key) - 1];
        if (id) {
          event.preventDefault();
          useConnectionsStore.getState().select(id);
        }
      } else if (event.altKey && event.key.toLowerCase() === 'p') {
        event.preventDefault();
        ui.setInspectorOpen(!ui.inspectorOpen);
      } else if (event.key === 'F1' || (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !isEditable(event.target))) {
        event.preventDefault();
        ui.setHelpOpen(!ui.helpOpen);
      } else if (event.key === 'Escape' && ui.helpOpen) {
        event.preventDefault();
        ui.setHelpOpen(false);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [switchConnections]);
}
