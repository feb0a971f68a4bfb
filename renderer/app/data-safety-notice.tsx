import { useTimeFormat } from '../stores/ui-store';
import { useTranslation } from '../ui/i18n';
import { historyDamageMessage, profilesRecoveryMessage, useDataSafetyStore } from '../stores/data-safety-store';

function Notice({ testId, message }: { testId: string; message: string }) {
  const { t } = useTranslation('app');
  const dismiss = useDataSafetyStore((s) => s.dismiss);
  return (
    <div className="host-banner" role="status" data-testid={testId} style={{ background: 'var(--panel-header)', color: 'inherit', borderColor: 'var(--border)' }}>
      {message}{' '}
      <button type="button" className="link-button" data-testid={`${testId}-dismiss`} onClick={() => dismiss(message)}>
        {t('notices.dismiss')}
      </button>
    </div>
  );
}

/** Damaged data files found and what was done about them (see data-safety.ts), until dismissed. */
export function DataSafetyNotice() {
  useTimeFormat();
  const historyDamage = useDataSafetyStore((s) => s.historyDamage);
  const profilesRecovery = useDataSafetyStore((s) => s.profilesRecovery);
  const dismissed = useDataSafetyStore((s) => s.dismissed);
  const history = historyDamage ? historyDamageMessage(historyDamage) : null;
  const profiles = profilesRecovery ? profilesRecoveryMessage(profilesRecovery) : null;
  return (
    <>
      {history && !dismissed.includes(history) && <Notice testId="data-safety-history" message={history} />}
      {profiles && !dismissed.includes(profiles) && <Notice testId="data-safety-profiles" message={profiles} />}
    </>
  );
}
