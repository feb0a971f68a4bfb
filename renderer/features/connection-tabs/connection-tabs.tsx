import { useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { useUiStore } from '../../stores/ui-store';
import './connection-tabs.css';

/**
 * One tab per open connection, with its status; the selected one is what every panel acts on. The
 * tabs scroll when they overflow; "+ New connection" sits after them, outside the scroller, so it
 * is always in view.
 */
export function ConnectionTabs() {
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
    <nav className="connection-tabs" role="tablist" aria-label="Open connections" data-testid="connection-tabs">
      {order.map((id) => {
        const summary = summaries[id];
        if (!summary) return null;
        // A tab this page did not open knows only its profile: its colour is the profile's.
        const origin = origins[id];
        const color = origin?.color ?? profiles.find((p) => p.id === origin?.profileId)?.color;
        const status = known ? summary.status : 'unknown';
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
            <span className={`status-dot status-${status}`} aria-label={known ? status : `unknown (host unreachable; last known ${summary.status})`} />
            <span className="connection-tab-name">{summary.name}</span>
            {summary.clientId && <span className="connection-tab-client muted">{summary.clientId}</span>}
            {known && summary.status === 'reconnecting' && <span className="muted">#{summary.reconnectAttempts}</span>}
            <button
              type="button"
              className="icon-button"
              title="Disconnect and close"
              aria-label={`Disconnect and close ${summary.name}`}
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
    <button type="button" className="new-connection" data-testid="new-connection" title="New connection (Ctrl/Cmd+K)" onClick={() => openEditor({ mode: 'new' })}>
      + New connection
    </button>
    </>
  );
}
