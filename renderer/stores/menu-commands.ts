/**
 * The desktop app's native menu, on the page's side: each `app.menuCommand` does what the same
 * action does on screen or on the keyboard. Only stores are touched, so it runs outside React
 * (the event feed calls it).
 */
import type { MenuCommand } from '../../shared/contract/app';
import { useUiStore } from './ui-store';

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
    case 'toggleInspector':
      // The inspector sits beside the live messages: opening it from another view goes there.
      if (!ui.inspectorOpen) ui.setView('workbench');
      ui.setInspectorOpen(!ui.inspectorOpen);
      return;
    case 'showShortcuts':
      return ui.setHelpOpen(true);
  }
}
