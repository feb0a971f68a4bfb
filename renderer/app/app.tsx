import { ConnectionPanel } from '../features/connection/connection-panel';
import { MessagesPanel, MessagesToolbar } from '../features/messages/messages-panel';
import { PublishPanel } from '../features/publish/publish-panel';
import { SubscriptionsPanel } from '../features/subscriptions/subscriptions-panel';
import { AppInfo } from './app-info';
import { HostBanner } from './host-banner';
import { Panel } from './panel';

export function App() {
  return (
    <div className="app">
      <header className="topbar">
        <h1>MQTT Workbench</h1>
        <AppInfo />
      </header>
      <HostBanner />
      <div className="workspace">
        <aside className="sidebar">
          <Panel name="connection" title="Connection">
            <ConnectionPanel />
          </Panel>
          <Panel name="subscriptions" title="Subscriptions" className="grow">
            <SubscriptionsPanel />
          </Panel>
        </aside>
        <main className="center">
          <Panel name="messages" title="Messages" className="grow" actions={<MessagesToolbar />}>
            <MessagesPanel />
          </Panel>
          <Panel name="publish" title="Publish" className="publish-panel">
            <PublishPanel />
          </Panel>
        </main>
      </div>
    </div>
  );
}
