import { useEffect } from 'react';
import type { WindowTarget } from '../../shared/contract/app';
import { BrokerPanel } from '../features/broker/broker-panel';
import { ConnectionInfo } from '../features/connection-tabs/connection-info';
import { HistoryView } from '../features/history/history-view';
import { SubscriptionsPanel } from '../features/subscriptions/subscriptions-panel';
import { TopicsToggle } from '../features/topic-tree/topics-column';
import { useConnectionsStore } from '../stores/connections-store';
import { openInNewWindow } from '../stores/menu-commands';
import { useMessagesStore } from '../stores/messages-store';
import { useUiStore } from '../stores/ui-store';
import { useTranslation } from '../ui/i18n';
import { Panel } from '../ui/panel';
import { SplitGroup, SplitPane } from '../ui/split';
import { CenterRows } from './center-rows';
import { SidebarPane } from './sidebar-pane';
import { NewWindowIcon } from '../ui/icons';
import { REFILL_COUNT } from './live-restore';

/** The small header button that shows a view in a window (a tab, in browser mode) of its own. */
export function OpenInWindowButton({ target }: { target: Exclude<WindowTarget, { kind: 'main' }> }) {
  const { t } = useTranslation('app');
  const label = target.kind === 'history' ? t('windows.openHistory') : target.kind === 'broker' ? t('windows.openBroker') : t('windows.openConnection');
  return (
    <button type="button" className="small" data-testid={`open-window-${target.kind}`} title={label} aria-label={label} onClick={() => void openInNewWindow(target)}>
      <NewWindowIcon />
    </button>
  );
}

/**
 * A connection window shows its one connection: once the host's list is in, it is selected here
 * (this page's own choice; the main window's tabs are not touched) and its latest stored messages
 * fill the list, as the main window's do on load.
 */
function useWindowConnection(connectionId: string): void {
  const synced = useUiStore((s) => s.hostSynced);
  const known = useConnectionsStore((s) => s.summaries[connectionId] !== undefined);
  useEffect(() => {
    if (!synced || !known) return;
    const { summaries, select } = useConnectionsStore.getState();
    select(connectionId);
    const summary = summaries[connectionId];
    if (summary && summary.status !== 'disconnected') void useMessagesStore.getState().refillFromHistory(connectionId, summary.connectionKey, REFILL_COUNT).catch(() => undefined);
  }, [synced, known, connectionId]);
}

function ConnectionWindow({ connectionId }: { connectionId: string }) {
  const { t } = useTranslation('app');
  useWindowConnection(connectionId);
  const synced = useUiStore((s) => s.hostSynced);
  const summary = useConnectionsStore((s) => s.summaries[connectionId]);
  const selected = useConnectionsStore((s) => s.activeId === connectionId);
  useEffect(() => {
    document.title = t('windows.titleConnection', { name: summary?.name ?? connectionId });
  }, [t, connectionId, summary?.name]);
  if (!summary) {
    return (
      <div className="view-page window-missing" data-testid="window-connection-missing">
        {synced ? t('windows.connectionGone') : t('windows.loading')}
      </div>
    );
  }
  if (!selected) return null;
  return (
    <div className="workspace">
      <SplitGroup id="window-columns" orientation="horizontal" panes={['sidebar', 'center']} remember={['sidebar']}>
        <SidebarPane>
          <Panel name="subscriptions" title={t('panels.subscriptions')} className="grow">
            <SubscriptionsPanel />
          </Panel>
        </SidebarPane>
        <SplitPane id="center" className="split-pane center" minSize="420px">
          <div className="connection-bar">
            <strong className="window-connection-name" data-testid="window-connection-name">
              {summary.name}
            </strong>
            <TopicsToggle />
          </div>
          <ConnectionInfo />
          <CenterRows />
        </SplitPane>
      </SplitGroup>
    </div>
  );
}

/** A window showing one view on its own, full size: History, the Broker view or one connection. */
export function WindowView({ target }: { target: Exclude<WindowTarget, { kind: 'main' }> }) {
  const { t } = useTranslation('app');
  useEffect(() => {
    if (target.kind !== 'connection') document.title = target.kind === 'history' ? t('windows.titleHistory') : t('windows.titleBroker');
  }, [t, target]);
  if (target.kind === 'connection') return <ConnectionWindow connectionId={target.connectionId} />;
  return (
    <div className="view-page" data-testid={`window-view-${target.kind}`}>
      {target.kind === 'history' ? (
        <Panel name="history" title={t('panels.history')} className="grow">
          <HistoryView />
        </Panel>
      ) : (
        <Panel name="broker" title={t('panels.broker')} className="grow">
          <BrokerPanel />
        </Panel>
      )}
    </div>
  );
}
