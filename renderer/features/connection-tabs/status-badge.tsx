import type { ConnectionStatus } from '../../../shared/contract';
import { useTranslation } from '../../ui/i18n';

/**
 * A connection's status. `unknown`: the page has lost its host (or is reading its state again),
 * so the last status it heard may no longer be true: shown grey, never as a stale "connected".
 */
export function StatusBadge({ status, unknown }: { status: ConnectionStatus; unknown?: 'unreachable' | 'checking' }) {
  const { t } = useTranslation('connectionTabs');
  if (unknown) {
    return (
      <span className="status-badge status-unknown" data-testid="connection-status" data-status="unknown" title={t('status.lastKnown', { status: t(`status.${status}`) })}>
        <span className="status-dot" aria-hidden="true" />
        {unknown === 'unreachable' ? t('status.unreachable') : t('status.checking')}
      </span>
    );
  }
  return (
    <span className={`status-badge status-${status}`} data-testid="connection-status" data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}
