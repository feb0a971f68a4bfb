import { ConnectionDialog } from '../features/connection/connection-dialog';
import { ConnectionInfo } from '../features/connections/connection-info';
import { ConnectionTabs } from '../features/connections/connection-tabs';
import { InspectorPanel, InspectorToolbar } from '../features/inspector/inspector-panel';
import { MessagesPanel, MessagesToolbar } from '../features/messages/messages-panel';
import { PlotsDock } from '../features/plots/plots-panel';
import { ProfilesPanel } from '../features/profiles/profiles-panel';
import { PublishPanel, PublishToggle } from '../features/publish/publish-panel';
import { SubscriptionsPanel } from '../features/subscriptions/subscriptions-panel';
import { TopicsColumn, TopicsToggle } from '../features/topic-tree/topics-column';
import { useUiStore } from '../stores/ui-store';
import { AppInfo } from './app-info';
import { HelpOverlay } from './help-overlay';
import { HostBanner } from './host-banner';
import { RecoveredNotice } from './recovered-notice';
import { DataSafetyNotice } from './data-safety-notice';
import { Panel } from './panel';
import { useGlobalShortcuts } from './shortcuts';
import { TopBarControls } from './top-bar-controls';
import { SecondaryViews, ViewSwitcher } from './views';

function InspectorToggle() {
  const open = useUiStore((s) => s.inspectorOpen);
  const setOpen = useUiStore((s) => s.setInspectorOpen);
  return (
    <button type="button" className="small" data-testid="inspector-toggle" aria-pressed={open} title="Packet inspector (Alt+P)" onClick={() => setOpen(!open)}>
      {open ? 'Hide packets' : 'Packets'}
    </button>
  );
}

export function App() {
  useGlobalShortcuts();
  const inspectorOpen = useUiStore((s) => s.inspectorOpen);
  const publishOpen = useUiStore((s) => s.publishOpen);
  const view = useUiStore((s) => s.view);
  return (
    <div className="app">
      <header className="topbar">
        <h1>MQTT Workbench</h1>
        <ViewSwitcher />
        <AppInfo />
        <TopBarControls />
      </header>
      <HostBanner />
      <RecoveredNotice />
      <DataSafetyNotice />
      <div className={`workspace${inspectorOpen ? ' with-inspector' : ''}`} hidden={view !== 'workbench'}>
        <aside className="sidebar">
          <Panel name="profiles" title="Profiles" className="grow">
            <ProfilesPanel />
          </Panel>
          <Panel name="subscriptions" title="Subscriptions" className="grow">
            <SubscriptionsPanel />
          </Panel>
        </aside>
        <main className="center">
          <div className="connection-bar">
            <ConnectionTabs />
            <TopicsToggle />
            <InspectorToggle />
          </div>
          <ConnectionInfo />
          <div className="center-split">
            <TopicsColumn />
            <Panel name="messages" title="Messages" className="grow" actions={<MessagesToolbar />}>
              <MessagesPanel />
            </Panel>
          </div>
          <PlotsDock />
          <Panel name="publish" title="Publish" className="publish-panel" collapsed={!publishOpen} actions={<PublishToggle />}>
            <PublishPanel />
          </Panel>
        </main>
        {inspectorOpen && (
          <aside className="inspector-column">
            <Panel name="inspector" title="Packet inspector" className="grow" actions={<InspectorToolbar />}>
              <InspectorPanel />
            </Panel>
          </aside>
        )}
      </div>
      <SecondaryViews />
      <ConnectionDialog />
      <HelpOverlay />
    </div>
  );
}
