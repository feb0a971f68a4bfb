import { describeProblem, useCodecsStore } from '../../stores/codecs-store';
import { formatNumber, useTranslation } from '../../ui/i18n';

/**
 * A rule that fails (or falls behind) is reported once per rule, its counts kept up to date, until
 * the user dismisses it: never a notice per message.
 */
export function RuleProblemNotices() {
  const { t } = useTranslation('codecs');
  const notices = useCodecsStore((s) => s.notices);
  const dismiss = useCodecsStore((s) => s.dismissNotice);
  const openDialog = useCodecsStore((s) => s.openDialog);
  if (notices.length === 0) return null;
  return (
    <div className="codec-notices" data-testid="codec-notices">
      {notices.map((n) => (
        <p key={`${n.profileId ?? ''}:${n.ruleId}`} className="notice-box codec-notice" role="status" data-testid="codec-notice" data-rule-id={n.ruleId}>
          <strong>{t('notice.rule', { rule: n.ruleName || n.ruleId })}</strong>{' '}
          {n.failures > 0 && <span data-testid="codec-notice-failures">{t('notice.failures', { count: n.failures })}</span>}
          {n.failures > 0 && n.skipped > 0 && '; '}
          {n.skipped > 0 && <span data-testid="codec-notice-skipped">{t('notice.skipped', { n: formatNumber(n.skipped) })}</span>}
          : <span className="muted">{describeProblem(n.lastProblem)}</span>
          <button type="button" className="link-button" onClick={() => openDialog({ scope: n.profileId ? { kind: 'profile', profileId: n.profileId } : { kind: 'global' } })}>
            {t('notice.editRules')}
          </button>
          <button type="button" className="icon-button" aria-label={t('notice.dismiss', { rule: n.ruleName || n.ruleId })} title={t('notice.dismissTitle')} data-testid="codec-notice-dismiss" onClick={() => dismiss(n.ruleId)}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
