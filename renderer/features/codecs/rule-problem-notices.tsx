import { describeProblem, useCodecsStore } from '../../stores/codecs-store';
import { formatCount } from '../../ui/numbers';

/**
 * A rule that fails (or falls behind) is reported once per rule, its counts kept up to date, until
 * the user dismisses it: never a notice per message.
 */
export function RuleProblemNotices() {
  const notices = useCodecsStore((s) => s.notices);
  const dismiss = useCodecsStore((s) => s.dismissNotice);
  const openDialog = useCodecsStore((s) => s.openDialog);
  if (notices.length === 0) return null;
  return (
    <div className="codec-notices" data-testid="codec-notices">
      {notices.map((n) => (
        <p key={`${n.profileId ?? ''}:${n.ruleId}`} className="notice-box codec-notice" role="status" data-testid="codec-notice" data-rule-id={n.ruleId}>
          <strong>Rule {n.ruleName || n.ruleId}</strong>{' '}
          {n.failures > 0 && <span data-testid="codec-notice-failures">could not decode {formatCount(n.failures)} {n.failures === 1 ? 'message' : 'messages'}</span>}
          {n.failures > 0 && n.skipped > 0 && '; '}
          {n.skipped > 0 && <span data-testid="codec-notice-skipped">{formatCount(n.skipped)} not decoded live (too slow; opened ones are decoded on demand)</span>}
          : <span className="muted">{describeProblem(n.lastProblem)}</span>
          <button type="button" className="link-button" onClick={() => openDialog({ scope: n.profileId ? { kind: 'profile', profileId: n.profileId } : { kind: 'global' } })}>
            Edit rules
          </button>
          <button type="button" className="icon-button" aria-label={`Dismiss the notice of rule ${n.ruleName || n.ruleId}`} title="Dismiss" data-testid="codec-notice-dismiss" onClick={() => dismiss(n.ruleId)}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
