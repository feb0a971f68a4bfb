import type { ConnectionStatus } from '../../../shared/contract';

/**
 * A connection's status. `unknown`: the page has lost its host (or is reading its state again),
 * so the last status it heard may no longer be true: shown grey, never as a stale "connected".
 */
export function StatusBadge({ status, unknown }: { status: ConnectionStatus; unknown?: 'unreachable' | 'checking' }) {
  if (unknown) {
    return (
      <span className="status-badge status-unknown" data-testid="connection-status" data-status="unknown" title={`Last known: ${status}`}>
        <span className="status-dot" aria-hidden="true" />
        {unknown === 'unreachable' ? 'Host unreachable' : 'Checking…'}
      </span>
    );
  }
  return (
    <span className={`status-badge status-${status}`} data-testid="connection-status" data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {status}
    </span>
  );
}
