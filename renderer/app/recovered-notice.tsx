import { recoveryMessage, useRecoveryStore } from '../stores/recovery-store';
import { useTranslation } from '../ui/i18n';

/** The notice itself, for the details of the page that went away. */
export function RecoveryBanner({ details, onDismiss }: { details: { reason: string; exitCode: number }; onDismiss: () => void }) {
  const { t } = useTranslation('app');
  return (
    <div className="host-banner" role="status" data-testid="recovered-notice" style={{ background: 'var(--panel-header)', color: 'inherit', borderColor: 'var(--border)' }}>
      {recoveryMessage(details)}{' '}
      <button type="button" className="link-button" data-testid="recovered-notice-dismiss" onClick={onDismiss}>
        {t('notices.dismiss')}
      </button>
    </div>
  );
}

/** Shown once after the desktop app reloaded a crashed page (see recovery.ts). */
export function RecoveredNotice() {
  const recovered = useRecoveryStore((s) => s.recovered);
  const dismiss = useRecoveryStore((s) => s.dismiss);
  return recovered ? <RecoveryBanner details={recovered} onDismiss={dismiss} /> : null;
}
