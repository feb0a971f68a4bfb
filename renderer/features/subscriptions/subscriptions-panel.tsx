import { type FormEvent, useState } from 'react';
import { topicFilterProblem } from '../../../shared/mqtt/topic';
import { type Subscription, useActiveConnection, useConnectionsStore } from '../../stores/connections-store';
import { QOS_LEVELS, type Qos } from '../../stores/qos';

const NO_SUBSCRIPTIONS: Subscription[] = [];

function SubscriptionRow({ subscription, onRemove }: { subscription: Subscription; onRemove(): void }) {
  const { filter, state, grantedQos, requestedQos, error } = subscription;
  return (
    <li className={`subscription subscription-${state}`} data-testid="subscription-row" data-filter={filter} data-state={state}>
      <span className="subscription-filter" title={filter}>
        {filter}
      </span>
      <span className="subscription-qos" data-testid="subscription-qos" title={`Requested QoS ${requestedQos}`}>
        {state === 'pending' ? '…' : state === 'active' ? `QoS ${grantedQos}` : 'failed'}
      </span>
      <button type="button" className="icon-button" data-testid="unsubscribe-button" title={`Unsubscribe from ${filter}`} onClick={onRemove} disabled={state === 'pending'}>
        ×
      </button>
      {error && (
        <span className="subscription-error" data-testid="subscription-error">
          {error.message}
        </span>
      )}
    </li>
  );
}

export function SubscriptionsPanel() {
  const [filter, setFilter] = useState('');
  const [qos, setQos] = useState<Qos>(0);
  const active = useActiveConnection();
  const subscriptions = useConnectionsStore((s) => (s.activeId ? s.subscriptions[s.activeId] : undefined)) ?? NO_SUBSCRIPTIONS;
  const subscribe = useConnectionsStore((s) => s.subscribe);
  const unsubscribe = useConnectionsStore((s) => s.unsubscribe);
  const isConnected = active?.status === 'connected';
  const problem = filter === '' ? null : topicFilterProblem(filter);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!isConnected || filter === '' || problem) return;
    void subscribe(filter, qos);
  };

  return (
    <div className="subscriptions">
      <form className="subscribe-form" onSubmit={onSubmit}>
        <input
          data-testid="subscribe-filter"
          value={filter}
          placeholder="topic/filter/#"
          spellCheck={false}
          aria-invalid={problem !== null}
          onChange={(e) => setFilter(e.target.value)}
        />
        <select data-testid="subscribe-qos" value={qos} title="Requested QoS" onChange={(e) => setQos(Number(e.target.value) as Qos)}>
          {QOS_LEVELS.map((level) => (
            <option key={level} value={level}>
              QoS {level}
            </option>
          ))}
        </select>
        <button type="submit" data-testid="subscribe-button" className="primary" disabled={!isConnected || filter === '' || problem !== null}>
          Subscribe
        </button>
      </form>
      {problem && (
        <p className="field-problem" data-testid="subscribe-error">
          {problem}
        </p>
      )}
      {!isConnected && <p className="hint">Connect to a broker to subscribe.</p>}
      <ul className="subscription-list" data-testid="subscription-list">
        {subscriptions.map((subscription) => (
          <SubscriptionRow key={subscription.filter} subscription={subscription} onRemove={() => void unsubscribe(subscription.filter)} />
        ))}
      </ul>
    </div>
  );
}
