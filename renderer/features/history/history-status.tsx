import { formatCount, formatCountOf } from '../../ui/numbers';
import { useHistoryStore } from '../../stores/history-store';

const number = formatCount;

/** 655 B, 12.3 KB, 4.5 MB, 1.2 GB. */
export function formatSize(n: number): string {
  if (n < 1024) return `${number(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  for (; value >= 1024 && unit < units.length - 1; unit++) value /= 1024;
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Whether history is on, how much it holds and what it lost (or where a damaged database went). */
export function HistoryStatusLine() {
  const status = useHistoryStore((s) => s.status);
  const error = useHistoryStore((s) => s.statusError);
  const loadStatus = useHistoryStore((s) => s.loadStatus);
  if (error) {
    return (
      <p className="history-status field-problem" data-testid="history-status" data-enabled="unknown">
        History status unavailable: {error.message}
      </p>
    );
  }
  if (!status) return null;
  if (!status.enabled) {
    return (
      <p className="history-status" data-testid="history-status" data-enabled="false">
        <strong>History off.</strong> {status.error ?? 'The workbench runs without a data folder, so messages are not stored.'}
      </p>
    );
  }
  return (
    <div className="history-status" data-testid="history-status" data-enabled="true">
      <span data-testid="history-status-stored">
        <strong>{number(status.totalMessages)}</strong> messages stored
      </span>
      <span className="muted">· {formatSize(status.totalBytes)}</span>
      {status.pending > 0 && <span className="muted">· {number(status.pending)} being written</span>}
      {status.dropped > 0 && (
        <span className="history-warn" data-testid="history-status-dropped" title="Dropped under backpressure; recorded as gaps">
          · {number(status.dropped)} dropped
        </span>
      )}
      {status.failed > 0 && <span className="history-warn">· {number(status.failed)} failed to write</span>}
      {status.lostInCrash !== undefined && status.lostInCrash > 0 && (
        <span className="history-warn" data-testid="history-status-lost-in-crash" title="Accepted but not yet written when the app was killed; recorded as gaps">
          · {number(status.lostInCrash)} lost when the app was last killed
        </span>
      )}
      {status.isDropping && <span className="history-warn">· dropping now (too fast to store)</span>}
      {status.damage ? (
        <span className="history-warn" data-testid="history-status-recovered" data-state={status.damage.state} data-recovered={status.damage.recovered?.messages}>
          · a damaged database was moved to <code>{status.damage.movedTo}</code>
          {status.damage.state === 'recovering' && ', recovering its messages…'}
          {status.damage.recovered && `, ${formatCountOf(status.damage.recovered.messages, 'message')} recovered`}
          {status.damage.state === 'failed' && `, recovery failed: ${status.damage.error ?? ''}`}
        </span>
      ) : (
        status.recoveredTo && (
          <span className="history-warn" data-testid="history-status-recovered">
            · a damaged database was moved to <code>{status.recoveredTo}</code>
          </span>
        )
      )}
      {status.error && <span className="field-problem">{status.error}</span>}
      <button type="button" className="link-button" data-testid="history-status-refresh" title="Refresh" onClick={() => void loadStatus()}>
        refresh
      </button>
    </div>
  );
}
