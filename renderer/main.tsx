import '../shared/zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { startTheme } from './app/theme';
import './app/app.css';
import { createBridge } from './bridge';
import { setApi } from './stores/api';
import { startEventFeed } from './stores/event-feed';

startTheme();
const bridge = createBridge();
setApi(bridge.api);
startEventFeed(bridge);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
