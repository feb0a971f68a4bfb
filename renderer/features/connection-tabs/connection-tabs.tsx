import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { useUiStore } from '../../stores/ui-store';
import { useTranslation } from '../../ui/i18n';
import './connection-tabs.css';

/**
 * One tab per open connection, with its status; the selected one is what every panel acts on. The
 * tabs scroll when they overflow; "+ New connection" sits after them, outside the scroller, so it
 * is always in view.
 */
/** A tab's status while the host's list is not read again (a CSS class and data value, not text). */
const UNKNOWN = 'unknown';

export function ConnectionTabs() {
  const { t } = useTranslation('connectionTabs');
  const order = useConnectionsStore((s) => s.order);
  const summaries = useConnectionsStore((s) => s.summaries);
  const origins = useConnectionsStore((s) => s.origins);
  const activeId = useConnectionsStore((s) => s.activeId);
  const profiles = useProfilesStore((s) => s.profiles);
  const select = useConnectionsStore((s) => s.select);
  const close = useConnectionsStore((s) => s.close);
  const openEditor = useUiStore((s) => s.openEditor);
  // Without the host (or before its list is read again), a tab's last status may be stale.
  const known = useUiStore((s) => s.hostSynced);
  return (
    <>
    <nav className="connection-tabs" role="tablist" aria-label={t('tabs.label')} data-testid="connection-tabs">
      {order.map((id) => {
        const summary = summaries[id];
        if (!summary) return null;
        // A tab this page did not open knows only its profile: its colour is the profile's.
        const origin = origins[id];
        const color = origin?.color ?? profiles.find((p) => p.id === origin?.profileId)?.color;
        const status = known ? summary.status : UNKNOWN;
        return (
          <div
            key={id}
            role="tab"
            tabIndex={0}
            aria-selected={id === activeId}
            className={`connection-tab${id === activeId ? ' active' : ''}`}
            data-testid="connection-tab"
            data-connection-id={id}
            data-name={summary.name}
            data-client-id={summary.clientId}
            data-status={status}
            style={color ? { borderTopColor: color } : undefined}
            onClick={() => select(id)}
            onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && select(id)}
            title={`${summary.url} · ${summary.clientId}`}
          >
            <span className={`status-dot status-${status}`} aria-label={known ? t(`status.${summary.status}`) : t('status.unknown', { status: t(`status.${summary.status}`) })} />
            <span className="connection-tab-name">{summary.name}</span>
            {summary.clientId && <span className="connection-tab-client muted">{summary.clientId}</span>}
            {known && summary.status === 'reconnecting' && <span className="muted">#{summary.reconnectAttempts}</span>}
            <button
              type="button"
              className="icon-button"
              title={t('tabs.close')}
              aria-label={t('tabs.closeNamed', { name: summary.name })}
              data-testid="connection-tab-close"
              onClick={(e) => {
                e.stopPropagation();
                void close(id);
              }}
            >
              ×
            </button>
          </div>
        );
      })}
    </nav>
    <button type="button" className="new-connection" data-testid="new-connection" title={t('tabs.newTitle')} onClick={() => openEditor({ mode: 'new' })}>
      {t('tabs.new')}
    </button>
    </>
  );
}
