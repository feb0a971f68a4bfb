import { AutomationView } from '../features/automation';
import { BrokerPanel } from '../features/broker/broker-panel';
import { BrokerStatsPanel } from '../features/broker-stats/broker-stats-panel';
import { HistoryView } from '../features/history/history-view';
import { type WorkbenchView, useUiStore } from '../stores/ui-store';
import { Panel } from '../ui/panel';
import { OpenInWindowButton } from './window-view';
import './views.css';

const VIEWS: { key: WorkbenchView; label: string; title: string }[] = [
  { key: 'workbench', label: 'Workbench', title: 'Connections, live messages and publishing' },
  { key: 'history', label: 'History', title: 'Search and export stored messages' },
  { key: 'broker', label: 'Broker', title: 'The embedded MQTT broker' },
  { key: 'stats', label: 'Statistics', title: "The selected connection's broker statistics ($SYS) and what is flooding it" },
  { key: 'automation', label: 'Automation', title: 'Responders, scenarios and checks: scripts that answer, simulated devices, broker and scripted checks' },
];

/** The top-level views, as tabs in the top bar. */
export function ViewSwitcher() {
  const view = useUiStore((s) => s.view);
  const setView = useUiStore((s) => s.setView);
  return (
    <nav className="view-switcher" role="tablist" aria-label="Views" data-testid="view-switcher">
      {VIEWS.map((v) => (
        <button key={v.key} type="button" role="tab" aria-selected={view === v.key} title={v.title} data-testid={`view-${v.key}`} onClick={() => setView(v.key)}>
          {v.label}
        </button>
      ))}
    </nav>
  );
}

/** History, Broker and Automation fill the space of the workbench (which stays mounted, hidden, underneath). */
export function SecondaryViews() {
  const view = useUiStore((s) => s.view);
  if (view === 'workbench') return null;
  return (
    <div className="view-page">
      {view === 'history' ? (
        <Panel name="history" title="History" className="grow" actions={<OpenInWindowButton target={{ kind: 'history' }} />}>
          <HistoryView />
        </Panel>
      ) : view === 'stats' ? (
        <Panel name="broker-stats" title="Broker statistics" className="grow">
          <BrokerStatsPanel />
        </Panel>
      ) : view === 'automation' ? (
        <Panel name="automation" title="Automation" className="grow">
          <AutomationView />
        </Panel>
      ) : (
        <Panel name="broker" title="Embedded broker" className="grow" actions={<OpenInWindowButton target={{ kind: 'broker' }} />}>
          <BrokerPanel />
        </Panel>
      )}
    </div>
  );
}
