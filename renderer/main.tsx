import '../shared/zod-jitless';
import './app/app.css';
import { folderIdOf, selectUiStateCopy } from './app/ui-state-cache';
import { startUiStateSync } from './app/ui-state-sync';
import { createBridge } from './bridge';
import { tokenFromHash } from './bridge/token';
import { setApi } from './stores/api';
import { windowTargetFromHash } from '../shared/window-url';

// The link to the host opens once the first screen is drawn (App's onDrawn): that tells the host
// the page's files are out, and it makes its core then (main/host/host-server.ts). What the page
// asks before waits for the link, and the host answers it once its core is ready.
const bridge = createBridge({ connectLater: true });
setApi(bridge.api);

// The page renders at once from its copy of this data folder's UI state (theme, language, layout),
// before the stores read it; the host's state is asked for now and applied when its core answers.
const folder = window.workbench ? 'desktop' : folderIdOf(tokenFromHash(location.hash) ?? '');
selectUiStateCopy(folder);
startUiStateSync(bridge, folder);

void (async () => {
  const [{ StrictMode, createElement }, { createRoot }, { App }, { startTheme }, { startEventFeed }, { startOpenTabs }, { startLiveRestore }, { startI18n }] = await Promise.all([
    import('react'),
    import('react-dom/client'),
    import('./app/app'),
    import('./ui/theme'),
    import('./stores/event-feed'),
    import('./app/open-tabs'),
    import('./app/live-restore'),
    import('./ui/i18n'),
  ]);
  startI18n();
  // A window opened for one view (#window=history, ...) shows only that view; the main window's
  // tabs and restored selection are its own, so only the main window keeps and restores them.
  const target = windowTargetFromHash(location.hash);
  startTheme();
  if (target.kind === 'main') {
    // Both wait for the host's list of connections: the tabs first, then what they show.
    startOpenTabs();
    startLiveRestore();
  }
  startEventFeed(bridge);
  createRoot(document.getElementById('root')!).render(createElement(StrictMode, null, createElement(App, { target, onDrawn: bridge.connect })));
})();
