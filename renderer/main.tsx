import '../shared/zod-jitless';
import './app/app.css';
import { startUiStateSync } from './app/ui-state-sync';
import { createBridge } from './bridge';
import { setApi } from './stores/api';

const bridge = createBridge();
setApi(bridge.api);

// The stores read the remembered choices when they are created: bring the data folder's first.
void startUiStateSync(bridge).then(async () => {
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
  startTheme();
  // Both wait for the host's list of connections: the tabs first, then what they show.
  startOpenTabs();
  startLiveRestore();
  startEventFeed(bridge);
  createRoot(document.getElementById('root')!).render(createElement(StrictMode, null, createElement(App)));
});
