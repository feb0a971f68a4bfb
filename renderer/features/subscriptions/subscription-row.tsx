import { describeReason, hexCode, reasonName } from '../../../shared/mqtt/reason-codes';
import type { Subscription } from '../../stores/connections-store';
import { translate, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** The save toggle's glyphs (its label says what it does). */
const STAR = { saved: '★', unsaved: '☆' };

function optionsSummary({ options }: Subscription): string {
  const parts: string[] = [];
  if (options.noLocal) parts.push(translate('subscriptions:row.noLocal'));
  if (options.retainAsPublished) parts.push('RAP');
  if (options.retainHandling) parts.push(`RH ${options.retainHandling}`);
  if (options.subscriptionIdentifier !== undefined) parts.push(translate('subscriptions:row.identifier', { value: String(options.subscriptionIdentifier) }));
  if (options.userProperties?.length) parts.push(translate('subscriptions:row.userProperties', { count: options.userProperties.length }));
  return parts.join(' · ');
}

/**
 * "Granted QoS 1" (the name of SUBACK's 0x01), or "Granted QoS 1 (asked 2)" when the broker granted
 * less than requested; a failure with the code's name. The hex code follows it, muted.
 */
function grantLabel({ state, grantedQos, options, reasonCode }: Subscription): string {
  if (state === 'pending') return '…';
  if (state === 'failed') return reasonCode === undefined ? translate('subscriptions:row.failed') : translate('subscriptions:row.failedWith', { reason: reasonName(reasonCode, 'suback') });
  const requested = options.qos ?? 0;
  return grantedQos !== undefined && grantedQos < requested
    ? translate('subscriptions:row.grantedLess', { qos: String(grantedQos), requested: String(requested) })
    : translate('subscriptions:row.granted', { qos: String(grantedQos) });
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
  const { t } = useTranslation('subscriptions');
  const { filter, state, reasonCode, error } = subscription;
  const summary = optionsSummary(subscription);
  const downgraded = state === 'active' && subscription.grantedQos !== undefined && subscription.grantedQos < (subscription.options.qos ?? 0);
  const subackTitle = reasonCode === undefined ? t('row.waiting') : `SUBACK ${describeReason(reasonCode, 'suback')}${downgraded ? t('row.downgraded') : ''}`;
  return (
    <li className={`subscription subscription-${state}`} data-testid="subscription-row" data-filter={filter} data-state={state}>
      <span className="subscription-filter" title={t('row.filterTitle', { filter, qos: String(subscription.options.qos ?? 0) })}>
        {filter}
      </span>
      <span
        className={`subscription-qos${downgraded ? ' warning-text' : ''}`}
        data-testid="subscription-qos"
        data-reason-code={reasonCode}
        title={subackTitle}
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
          aria-label={saved ? t('row.unsave', { filter }) : t('row.save', { filter })}
          title={saved ? t('row.savedTitle') : t('row.saveTitle')}
          onClick={onToggleSaved}
        >
          {saved ? STAR.saved : STAR.unsaved}
        </button>
      )}
      <button type="button" className="icon-button" data-testid="unsubscribe-button" title={t('row.unsubscribe', { filter })} aria-label={t('row.unsubscribe', { filter })} onClick={onRemove} disabled={state === 'pending'}>
        ×
      </button>
      {summary && <span className="subscription-options muted">{summary}</span>}
      {error && (
        <span className="subscription-error" data-testid="subscription-error">
          {describeError(error)}
          {error.code === 'SHARED_SUBSCRIPTION_UNSUPPORTED' && (
            <button type="button" className="link-button" data-testid="subscribe-literally" onClick={onSubscribeLiterally}>
              {t('row.literally')}
            </button>
          )}
        </span>
      )}
    </li>
  );
}
