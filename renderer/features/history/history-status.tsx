import { Trans, formatNumber, useTranslation } from '../../ui/i18n';
import { useHistoryStore } from '../../stores/history-store';
import { describeError } from '../../ui/errors';

const number = (n: number) => formatNumber(n);

/** 655 B, 12.3 KB, 4.5 MB, 1.2 GB. */
export function formatSize(n: number): string {
  if (n < 1024) return `${number(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  for (; value >= 1024 && unit < units.length - 1; unit++) value /= 1024;
  const digits = value < 10 ? 1 : 0;
  return `${formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${units[unit]}`;
}

/** Whether history is on, how much it holds and what it lost (or where a damaged database went). */
export function HistoryStatusLine() {
  const { t } = useTranslation('history');
  const status = useHistoryStore((s) => s.status);
  const error = useHistoryStore((s) => s.statusError);
  const loadStatus = useHistoryStore((s) => s.loadStatus);
  if (error) {
    return (
      <p className="history-status field-problem" data-testid="history-status" data-enabled="unknown">
        {t('status.unavailable', { error: describeError(error) })}
      </p>
    );
  }
  if (!status) return null;
  if (!status.enabled) {
    return (
      <p className="history-status" data-testid="history-status" data-enabled="false">
        <strong>{t('status.off')}</strong> {status.error ?? t('status.noDataFolder')}
      </p>
    );
  }
  return (
    <div className="history-status" data-testid="history-status" data-enabled="true">
      <span data-testid="history-status-stored">
        <Trans t={t} i18nKey="status.stored" count={status.totalMessages} values={{ n: number(status.totalMessages) }} components={{ strong: <strong /> }} />
      </span>
      <span className="muted">· {formatSize(status.totalBytes)}</span>
      {status.pending > 0 && <span className="muted">{t('status.pending', { n: number(status.pending) })}</span>}
      {status.dropped > 0 && (
        <span className="history-warn" data-testid="history-status-dropped" title={t('status.droppedTitle')}>
          {t('status.dropped', { n: number(status.dropped) })}
        </span>
      )}
      {status.failed > 0 && <span className="history-warn">{t('status.failed', { n: number(status.failed) })}</span>}
      {status.lostInCrash !== undefined && status.lostInCrash > 0 && (
        <span className="history-warn" data-testid="history-status-lost-in-crash" title={t('status.lostTitle')}>
          {t('status.lost', { n: number(status.lostInCrash) })}
        </span>
      )}
      {status.isDropping && <span className="history-warn">{t('status.dropping')}</span>}
      {status.damage ? (
        <span className="history-warn" data-testid="history-status-recovered" data-state={status.damage.state} data-recovered={status.damage.recovered?.messages}>
          <Trans t={t} i18nKey="status.moved" components={{ code: <code>{status.damage.movedTo}</code> }} />
          {status.damage.state === 'recovering' && t('status.recovering')}
          {status.damage.recovered && t('status.recovered', { count: status.damage.recovered.messages })}
          {status.damage.state === 'failed' && t('status.recoveryFailed', { error: status.damage.error ?? '' })}
        </span>
      ) : (
        status.recoveredTo && (
          <span className="history-warn" data-testid="history-status-recovered">
            <Trans t={t} i18nKey="status.moved" components={{ code: <code>{status.recoveredTo}</code> }} />
          </span>
        )
      )}
      {status.error && <span className="field-problem">{status.error}</span>}
      <button type="button" className="link-button" data-testid="history-status-refresh" title={t('status.refreshTitle')} onClick={() => void loadStatus()}>
        {t('status.refresh')}
      </button>
    </div>
  );
}
