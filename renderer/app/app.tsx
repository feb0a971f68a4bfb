import { CodecRulesDialog, DecodingButton, RuleProblemNotices } from '../features/codecs';
import { ConnectionDialog } from '../features/connection-dialog/connection-dialog';
import { ConnectionInfo } from '../features/connection-tabs/connection-info';
import { ConnectionTabs } from '../features/connection-tabs/connection-tabs';
import { InspectorPanel, InspectorToolbar } from '../features/inspector/inspector-panel';
import { ProfilesPanel } from '../features/profiles/profiles-panel';
import { SubscriptionsPanel } from '../features/subscriptions/subscriptions-panel';
import { TopicsToggle } from '../features/topic-tree/topics-column';
import { UpdatesButton, UpdatesPanel, UpdatesPrompt } from '../features/updates';
import type { WindowTarget } from '../../shared/contract/app';
import { useConnectionsStore } from '../stores/connections-store';
import { useUiStore } from '../stores/ui-store';
import { SplitGroup, SplitHandle, SplitPane } from '../ui/split';
import { AppInfo } from './app-info';
import { CenterRows } from './center-rows';
import { SidebarPane } from './sidebar-pane';
import { HelpOverlay } from './help-overlay';
import { HostBanner } from './host-banner';
import { RecoveredNotice } from './recovered-notice';
import { DataSafetyNotice } from './data-safety-notice';
import { Panel } from '../ui/panel';
import { useGlobalShortcuts } from './shortcuts';
import { TopBarControls } from './top-bar-controls';
import { useTranslation } from '../ui/i18n';
import { SecondaryViews, ViewSwitcher } from './views';
import { OpenInWindowButton, WindowView } from './window-view';
import { useEffect } from 'react';

function InspectorToggle() {
  const { t } = useTranslation('app');
  const open = useUiStore((s) => s.inspectorOpen);
  const setOpen = useUiStore((s) => s.setInspectorOpen);
  return (
    <button type="button" className="small" data-testid="inspector-toggle" aria-pressed={open} title={t('inspectorToggle.title')} onClick={() => setOpen(!open)}>
      {open ? t('inspectorToggle.hide') : t('inspectorToggle.show')}
    </button>
  );
}

function OpenConnectionWindow() {
  const activeId = useConnectionsStore((s) => s.activeId);
  if (!activeId) return null;
  return <OpenInWindowButton target={{ kind: 'connection', connectionId: activeId }} />;
}

/**
 * The page: the whole workbench, or (in a window opened for one view, see shared/window-url.ts)
 * that view alone, full size. Every window is served by the same core, so both show the same.
 */
export function App({ target = { kind: 'main' }, onDrawn }: { target?: WindowTarget; onDrawn?: () => void }) {
  // Alt+1…9 switch the main window's tabs; a window for one view (its own connection) has none.
  useGlobalShortcuts({ switchConnections: target.kind === 'main' });
  // After the first screen is committed and painted (a passive effect): main.tsx opens the host link then.
  useEffect(() => onDrawn?.(), [onDrawn]);
  if (target.kind !== 'main') {
    return (
      <div className="app" data-window-kind={target.kind}>
        <header className="topbar">
          <h1>MQTT Workbench</h1>
          <AppInfo />
          <TopBarControls />
        </header>
        <HostBanner />
        <RecoveredNotice />
        <DataSafetyNotice />
        <RuleProblemNotices />
        <WindowView target={target} />
        <ConnectionDialog />
        <CodecRulesDialog />
        <HelpOverlay />
      </div>
    );
  }
  return <MainWindow />;
}

function MainWindow() {
  const { t } = useTranslation('app');
  const inspectorOpen = useUiStore((s) => s.inspectorOpen);
  const view = useUiStore((s) => s.view);
  return (
    <div className="app">
      <header className="topbar">
        <h1>MQTT Workbench</h1>
        <ViewSwitcher />
        <AppInfo />
        <UpdatesButton />
        <DecodingButton />
        <TopBarControls />
      </header>
      <HostBanner />
      <RecoveredNotice />
      <UpdatesPrompt />
      <DataSafetyNotice />
      <RuleProblemNotices />
      <div className="workspace" hidden={view !== 'workbench'}>
        <SplitGroup id="columns" orientation="horizontal" panes={inspectorOpen ? ['sidebar', 'center', 'inspector'] : ['sidebar', 'center']} remember={['sidebar', 'inspector']}>
          <SidebarPane>
            <Panel name="profiles" title={t('panels.profiles')} className="grow">
              <ProfilesPanel />
            </Panel>
            <Panel name="subscriptions" title={t('panels.subscriptions')} className="grow">
              <SubscriptionsPanel />
            </Panel>
          </SidebarPane>
          <SplitPane id="center" className="split-pane center" minSize="420px">
            <div className="connection-bar">
              <ConnectionTabs />
              <TopicsToggle />
              <InspectorToggle />
              <OpenConnectionWindow />
            </div>
            <ConnectionInfo />
            <CenterRows />
          </SplitPane>
          {inspectorOpen && <SplitHandle id="inspector" label={t('resize.inspector')} />}
          {inspectorOpen && (
            <SplitPane id="inspector" className="split-pane inspector-column" rememberedDefault="28%" minSize="300px" maxSize="60%" groupResizeBehavior="preserve-pixel-size">
              <Panel name="inspector" title={t('panels.inspector')} className="grow" actions={<InspectorToolbar />}>
                <InspectorPanel />
              </Panel>
            </SplitPane>
          )}
        </SplitGroup>
      </div>
      <SecondaryViews />
      <ConnectionDialog />
      <CodecRulesDialog />
      <HelpOverlay />
      <UpdatesPanel />
    </div>
  );
}
