import { describeReason, hexCode, reasonName } from '../../../shared/mqtt/reason-codes';
import type { Subscription } from '../../stores/connections-store';

function optionsSummary({ options }: Subscription): string {
  const parts: string[] = [];
  if (options.noLocal) parts.push('no local');
  if (options.retainAsPublished) parts.push('RAP');
  if (options.retainHandling) parts.push(`RH ${options.retainHandling}`);
  if (options.subscriptionIdentifier !== undefined) parts.push(`id ${options.subscriptionIdentifier}`);
  if (options.userProperties?.length) parts.push(`${options.userProperties.length} user prop.`);
  return parts.join(' · ');
}

/**
 * "Granted QoS 1" (the name of SUBACK's 0x01), or "Granted QoS 1 (asked 2)" when the broker granted
 * less than requested; a failure with the code's name. The hex code follows it, muted.
 */
function grantLabel({ state, grantedQos, options, reasonCode }: Subscription): string {
  if (state === 'pending') return '…';
  if (state === 'failed') return reasonCode === undefined ? 'failed' : `failed: ${reasonName(reasonCode, 'suback')}`;
  const requested = options.qos ?? 0;
  return grantedQos !== undefined && grantedQos < requested ? `Granted QoS ${grantedQos} (asked ${requested})` : `Granted QoS ${grantedQos}`;
}

export function SubscriptionRow({
  subscription,
  onRemove,
  onSubscribeLiterally,
  saved,
  onToggleSaved,
}: {
  subscription: Subscription;
  onRemove(): void;
  /** Offered when a shared subscription was refused on MQTT 3.1.1 (see SHARED_SUBSCRIPTION_UNSUPPORTED). */
  onSubscribeLiterally(): void;
  /** Whether it is saved with the connection's profile; null for a connection without a profile. */
  saved: boolean | null;
  onToggleSaved(): void;
}) {
  const { filter, state, reasonCode, error } = subscription;
  const summary = optionsSummary(subscription);
  const downgraded = state === 'active' && subscription.grantedQos !== undefined && subscription.grantedQos < (subscription.options.qos ?? 0);
  return (
    <li className={`subscription subscription-${state}`} data-testid="subscription-row" data-filter={filter} data-state={state}>
      <span className="subscription-filter" title={`${filter} — requested QoS ${subscription.options.qos ?? 0}`}>
        {filter}
      </span>
      <span
        className={`subscription-qos${downgraded ? ' warning-text' : ''}`}
        data-testid="subscription-qos"
        data-reason-code={reasonCode}
        title={
          reasonCode === undefined
            ? 'Waiting for SUBACK'
            : `SUBACK ${describeReason(reasonCode, 'suback')}${downgraded ? ': the broker granted less than the QoS asked for, and delivers at most that' : ''}`
        }
      >
        {grantLabel(subscription)}
        {reasonCode !== undefined && <span className="reason-code"> {hexCode(reasonCode)}</span>}
      </span>
      {saved !== null && (
        <button
          type="button"
          className={`icon-button save-subscription${saved ? ' saved' : ''}`}
          data-testid="save-subscription"
          aria-pressed={saved}
          aria-label={saved ? `Remove ${filter} from the profile` : `Save ${filter} with the profile`}
          title={saved ? 'Saved with the profile: subscribed on every connect (click to remove it from the profile)' : 'Save with the profile: subscribe on every connect'}
          onClick={onToggleSaved}
        >
          {saved ? '★' : '☆'}
        </button>
      )}
      <button type="button" className="icon-button" data-testid="unsubscribe-button" title={`Unsubscribe from ${filter}`} aria-label={`Unsubscribe from ${filter}`} onClick={onRemove} disabled={state === 'pending'}>
        ×
      </button>
      {summary && <span className="subscription-options muted">{summary}</span>}
      {error && (
        <span className="subscription-error" data-testid="subscription-error">
          {error.message}
          {error.code === 'SHARED_SUBSCRIPTION_UNSUPPORTED' && (
            <button type="button" className="link-button" data-testid="subscribe-literally" onClick={onSubscribeLiterally}>
              Subscribe anyway, as a literal filter
            </button>
          )}
        </span>
      )}
    </li>
  );
}
