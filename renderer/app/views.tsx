import { AutomationView } from '../features/automation';
import { BrokerPanel } from '../features/broker/broker-panel';
import { BrokerStatsPanel } from '../features/broker-stats/broker-stats-panel';
import { HistoryView } from '../features/history/history-view';
import { type WorkbenchView, useUiStore } from '../stores/ui-store';
import { useTranslation } from '../ui/i18n';
import { Panel } from '../ui/panel';
import { OpenInWindowButton } from './window-view';
import './views.css';

const VIEWS = ['workbench', 'history', 'broker', 'stats', 'automation'] as const satisfies readonly WorkbenchView[];

/** The top-level views, as tabs in the top bar. */
export function ViewSwitcher() {
  const { t } = useTranslation('app');
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  return (
    <nav className="view-switcher" role="tablist" aria-label={t('views.label')} data-testid="view-switcher">
      {VIEWS.map((key) => (
        <button key={key} type="button" role="tab" aria-selected={view === key} title={t(`views.${key}Title`)} data-testid={`view-${key}`} onClick={() => setView(key)}>
          {t(`views.${key}`)}
        </button>
      ))}
    </nav>
  );
}

/** History, Broker and Automation fill the space of the workbench (which stays mounted, hidden, underneath). */
export function SecondaryViews() {
  const { t } = useTranslation('app');
  const view = useUiStore((s) => s.view);
  if (view === 'workbench') return null;
  return (
    <div className="view-page">
      {view === 'history' ? (
        <Panel name="history" title={t('panels.history')} className="grow" actions={<OpenInWindowButton target={{ kind: 'history' }} />}>
          <HistoryView />
        </Panel>
      ) : view === 'stats' ? (
        <Panel name="broker-stats" title={t('panels.brokerStats')} className="grow">
          <BrokerStatsPanel />
        </Panel>
      ) : view === 'automation' ? (
        <Panel name="automation" title={t('panels.automation')} className="grow">
          <AutomationView />
        </Panel>
      ) : (
        <Panel name="broker" title={t('panels.broker')} className="grow" actions={<OpenInWindowButton target={{ kind: 'broker' }} />}>
          <BrokerPanel />
        </Panel>
      )}
    </div>
  );
}
