import { Trans, formatNumber, useTranslation } from '../../ui/i18n';
import { useEffect } from 'react';
import { useHistoryStore } from '../../stores/history-store';
import { HistoryBackupPanel } from './history-backup';
import { HistoryClearPanel } from './history-clear';
import { HistorySourceControl } from './history-source';
import { HistoryTailNotice } from './history-tail';
import { useHistorySourceStore } from '../../stores/history-source-store';
import { HistoryDetail } from './history-detail';
import { HistoryExport } from './history-export';
import { HistoryReplay } from './history-replay';
import { HistoryQueryForm } from './history-form';
import { HistoryList } from './history-list';
import { HistoryStatusLine } from './history-status';
import './history.css';
import { describeError } from '../../ui/errors';

function HistoryCount() {
  const { t } = useTranslation('history');
  const count = useHistoryStore((s) => s.count);
  const rows = useHistoryStore((s) => s.rows.length);
  const applied = useHistoryStore((s) => s.applied);
  const loading = useHistoryStore((s) => s.loading);
  if (!applied) return <span className="muted">{t('searchFirst')}</span>;
  if (!count) return <span className="muted">{loading ? t('searching') : ''}</span>;
  return (
    <span data-testid="history-count" data-count={count.count} data-capped={count.capped}>
      <Trans
        t={t}
        i18nKey="count"
        count={count.capped ? Math.max(2, count.count) : count.count}
        values={{ n: count.capped ? `${formatNumber(count.count)}+` : formatNumber(count.count) }}
        components={{ strong: <strong /> }}
      />
      <span className="muted">{t('loaded', { n: formatNumber(rows) })}</span>
    </span>
  );
}

/** Stored messages: search, page through, read one, export, replay to a broker. */
export function HistoryView() {
  const { t } = useTranslation('history');
  const loadStatus = useHistoryStore((s) => s.loadStatus);
  const loadConnections = useHistoryStore((s) => s.loadConnections);
  const search = useHistoryStore((s) => s.search);
  const applied = useHistoryStore((s) => s.applied);
  const rows = useHistoryStore((s) => s.rows.length);
  const loading = useHistoryStore((s) => s.loading);
  const error = useHistoryStore((s) => s.error);
  const enabled = useHistoryStore((s) => s.status?.enabled);

  useEffect(() => {
    void loadStatus();
    void loadConnections();
  }, [loadStatus, loadConnections]);
  // The source can change from another window (browser mode) or its state from the host: follow it.
  useEffect(() => useHistorySourceStore.getState().follow(), []);
  // First visit: show the newest messages without asking.
  useEffect(() => {
    if (enabled && useHistoryStore.getState().applied === null) void search();
  }, [enabled, search]);

  return (
    <div className="history-view" data-testid="history-view">
      <aside className="history-side">
        <HistorySourceControl />
        <HistoryQueryForm />
        <HistoryExport />
        <HistoryReplay />
        <HistoryBackupPanel />
        <HistoryClearPanel />
      </aside>
      <section className="history-results">
        <div className="history-bar">
          <HistoryCount />
          <HistoryTailNotice />
          <HistoryStatusLine />
        </div>
        {error && (
          <p className="error-box" role="alert" data-testid="history-error">
            <strong>{error.code}</strong>
            {describeError(error)}
          </p>
        )}
        {applied && rows === 0 && !loading && !error ? (
          <p className="empty" data-testid="history-empty">
            {t('empty')}
          </p>
        ) : (
          <HistoryList />
        )}
        <HistoryDetail />
      </section>
    </div>
  );
}
