import { useTimeFormat } from '../../stores/ui-store';
import { useEffect, useState } from 'react';
import { useHistoryStore } from '../../stores/history-store';
import { formatDateTime } from '../../ui/clock';
import { formatSize } from './history-status';
import { useTeamSource } from '../../stores/history-source-store';
import { useTranslation } from '../../ui/i18n';

/** A consistent copy of the history now, and a restore from one (the replaced file is kept aside). */
export function HistoryBackupPanel() {
  useTimeFormat();
  const { t } = useTranslation('history');
  const backups = useHistoryStore((s) => s.backups);
  const busy = useHistoryStore((s) => s.backupBusy);
  const note = useHistoryStore((s) => s.backupNote);
  const enabled = useHistoryStore((s) => s.status?.enabled ?? false);
  const loadBackups = useHistoryStore((s) => s.loadBackups);
  const makeBackup = useHistoryStore((s) => s.makeBackup);
  const restoreBackup = useHistoryStore((s) => s.restoreBackup);
  const team = useTeamSource();
  const [chosen, setChosen] = useState('');
  const [confirming, setConfirming] = useState(false);
  useEffect(() => {
    if (enabled && !team) void loadBackups();
  }, [enabled, team, loadBackups]);
  const selected = chosen || backups[0]?.fileName || '';
  if (team) {
    return (
      <section className="history-export" data-testid="history-backup">
        <h3>{t('backup.title')}</h3>
        <p className="muted" data-testid="history-backup-team">
          {t('backup.team')}
        </p>
      </section>
    );
  }

  return (
    <section className="history-export" data-testid="history-backup">
      <h3>{t('backup.title')}</h3>
      <button type="button" data-testid="history-backup-now" disabled={!enabled || busy} onClick={() => void makeBackup()}>
        {t('backup.now')}
      </button>
      {backups.length > 0 && (
        <>
          <select data-testid="history-backup-choice" value={selected} disabled={busy} onChange={(e) => setChosen(e.target.value)}>
            {backups.map((b) => (
              <option key={b.fileName} value={b.fileName}>
                {formatDateTime(b.modifiedAt)} · {formatSize(b.bytes)}
              </option>
            ))}
          </select>
          {confirming ? (
            <p className="history-warn" data-testid="history-backup-confirm">
              {t('backup.confirm')}{' '}
              <button
                type="button"
                className="danger"
                data-testid="history-backup-confirm-button"
                disabled={busy}
                onClick={() => {
                  setConfirming(false);
                  void restoreBackup(selected);
                }}
              >
                {t('backup.restore')}
              </button>{' '}
              <button type="button" className="link-button" onClick={() => setConfirming(false)}>
                {t('cancel')}
              </button>
            </p>
          ) : (
            <button type="button" data-testid="history-backup-restore" disabled={busy || !selected} onClick={() => setConfirming(true)}>
              {t('backup.restoreThis')}
            </button>
          )}
        </>
      )}
      {note && (
        <p className={note.ok ? 'muted' : 'field-problem'} data-testid="history-backup-note">
          {note.text}
        </p>
      )}
    </section>
  );
}
