import type { ConnectionStatus } from '../../../shared/contract';

export function StatusBadge({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`status-badge status-${status}`} data-testid="connection-status" data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {status}
    </span>
  );
}
