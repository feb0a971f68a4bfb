import { useEffect, useState } from 'react';
import type { WorkbenchError } from '../../../shared/contract';
import { useActiveConnection, useConnectionsStore } from '../../stores/connections-store';
import { useUiStore } from '../../stores/ui-store';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { StatusBadge } from './status-badge';
import { ConnackDetails } from './connack-info';
import { ConnectionProblems, VersionNote } from './connection-notes';
import { versionLabel } from '../../../shared/mqtt/versions';
import './connection-tabs.css';
import { describeError } from '../../ui/errors';

/** Seconds until the next reconnect attempt, ticking while one is due. */
function useCountdown(at: number | undefined): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [at]);
  return at === undefined ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The selected connection: status, reconnect state, last error, what the broker granted. */
export function ConnectionInfo() {
  // Keyed by connection: another tab starts fresh, so a failed reopen is never shown on the wrong one.
  const activeId = useConnectionsStore((s) => s.activeId);
  return <ConnectionInfoBody key={activeId ?? 'none'} />;
}

function ConnectionInfoBody() {
  const { t } = useTranslation('connectionTabs');
  const active = useActiveConnection();
  const storeError = useConnectionsStore((s) => s.error);
  const disconnect = useConnectionsStore((s) => s.disconnect);
  const reconnect = useConnectionsStore((s) => s.reconnect);
  const fromProfile = useConnectionsStore((s) => (active ? s.origins[active.connectionId]?.profileId !== undefined : false));
  const [reopenError, setReopenError] = useState<WorkbenchError | null>(null);
  const [showConnack, setShowConnack] = useState(false);
  // Without the host, the connections' state is not known: what was heard last may be long gone.
  const unknown = useUiStore((s) => (s.hostSynced ? undefined : s.hostLink.state === 'open' ? 'checking' : 'unreachable'));
  const countdown = useCountdown(active?.status === 'reconnecting' && !unknown ? active.nextReconnectAt : undefined);
  if (!active) {
    return (
      <div className="connection-info empty-info" data-testid="connection-info">
        <span className="muted">{t('info.none')}</span>
      </div>
    );
  }
  // The last error stays while connected (an error of the open connection, a refused message) until the next successful connect.
  const error = reopenError ?? storeError ?? active.lastError;
  const open = active.status !== 'disconnected';
  return (
    <div className="connection-info" data-testid="connection-info">
      <div className="connection-info-line">
        <StatusBadge status={active.status} unknown={unknown} />
        {active.status === 'reconnecting' && !unknown && (
          <span className="muted" data-testid="reconnect-state">
            {t('info.attempt', { n: formatNumber(active.reconnectAttempts) })}
            {countdown !== null ? t('info.nextIn', { seconds: formatNumber(countdown) }) : ''}
          </span>
        )}
        <span className="connection-detail" data-testid="connection-detail">
          {`${active.url} · ${active.clientId || t('info.noClientId')} · MQTT ${versionLabel(active.protocolVersion)}`}
          {active.requestedVersion === 'auto' ? t('info.auto') : ''}
        </span>
        {active.connack && (
          <button type="button" className="link-button" data-testid="connack-toggle" aria-expanded={showConnack} onClick={() => setShowConnack(!showConnack)}>
            CONNACK {showConnack ? '▴' : '▾'}
          </button>
        )}
        {open && !unknown && (
          <button type="button" className="danger small" data-testid="disconnect-button" onClick={() => void disconnect(active.connectionId)}>
            {t('info.disconnect')}
          </button>
        )}
        {!open && fromProfile && !unknown && (
          <button
            type="button"
            className="primary small"
            data-testid="reconnect-button"
            onClick={() => {
              setReopenError(null);
              void reconnect(active.connectionId).then(setReopenError);
            }}
          >
            {t('info.connectAgain')}
          </button>
        )}
      </div>
      {showConnack && active.connack && <ConnackDetails connack={active.connack} />}
      <VersionNote connection={active} />
      <ConnectionProblems connection={active} />
      {error && (
        <p className="error-box" role="alert" data-testid="connection-error">
          <strong>{error.code}</strong> {describeError(error)}
        </p>
      )}
    </div>
  );
}
