import { describeReason, hexCode } from '../../mqtt/reason-codes';
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

export function SubscriptionRow({ subscription, onRemove }: { subscription: Subscription; onRemove(): void }) {
  const { filter, state, reasonCode, error } = subscription;
  const summary = optionsSummary(subscription);
  return (
    <li className={`subscription subscription-${state}`} data-testid="subscription-row" data-filter={filter} data-state={state}>
      <span className="subscription-filter" title={`${filter} — requested QoS ${subscription.options.qos ?? 0}`}>
        {filter}
      </span>
      <span
        className="subscription-qos"
        data-testid="subscription-qos"
        data-reason-code={reasonCode}
        title={reasonCode === undefined ? 'Waiting for SUBACK' : `SUBACK ${describeReason(reasonCode, 'suback')}`}
      >
        {state === 'pending' ? '…' : state === 'active' ? `QoS ${subscription.grantedQos}` : 'failed'}
        {reasonCode !== undefined && <span className="reason-code"> {hexCode(reasonCode)}</span>}
      </span>
      <button type="button" className="icon-button" data-testid="unsubscribe-button" title={`Unsubscribe from ${filter}`} aria-label={`Unsubscribe from ${filter}`} onClick={onRemove} disabled={state === 'pending'}>
        ×
      </button>
      {summary && <span className="subscription-options muted">{summary}</span>}
      {error && (
        <span className="subscription-error" data-testid="subscription-error">
          {error.message}
        </span>
      )}
    </li>
  );
}
