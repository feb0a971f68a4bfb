import { type FormEvent, useState } from 'react';
import { topicFilterProblem } from '../../../shared/mqtt/topic';
import type { SavedSubscription } from '../../../shared/contract';
import { type Subscription, useActiveConnection, useConnectionsStore } from '../../stores/connections-store';
import { useProfilesStore } from '../../stores/profiles-store';
import { QOS_LEVELS, type Qos } from '../../stores/qos';
import { formatNumber, translate, useTranslation } from '../../ui/i18n';
import { INITIAL_SUBSCRIBE_OPTIONS, SubscribeOptionsFields, type SubscribeOptionsForm } from './subscribe-options';
import { SubscriptionRow } from './subscription-row';
import './subscriptions.css';

/** The options toggle's glyph (its label says what it does). */
const GEAR = '⚙';
const NO_SUBSCRIPTIONS: Subscription[] = [];
/** Rows rendered at most; a connection with more says how many are hidden. */
const MAX_ROWS = 500;

function identifierProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 268_435_455 ? undefined : translate('subscriptions:panel.identifierProblem', { min: formatNumber(1), max: formatNumber(268_435_455) });
}

export function SubscriptionsPanel() {
  const { t } = useTranslation('subscriptions');
  const [filter, setFilter] = useState('');
  const [qos, setQos] = useState<Qos>(0);
  const [showOptions, setShowOptions] = useState(false);
  const [options, setOptions] = useState<SubscribeOptionsForm>(INITIAL_SUBSCRIBE_OPTIONS);
  const active = useActiveConnection();
  const subscriptions = useConnectionsStore((s) => (s.activeId ? s.subscriptions[s.activeId] : undefined)) ?? NO_SUBSCRIPTIONS;
  const subscribe = useConnectionsStore((s) => s.subscribe);
  const unsubscribe = useConnectionsStore((s) => s.unsubscribe);
  const isConnected = active?.status === 'connected';
  const problem = filter === '' ? null : topicFilterProblem(filter);
  const idProblem = identifierProblem(options.subscriptionIdentifier);
  const v5 = active?.protocolVersion === 5;
  const profileId = useConnectionsStore((s) => (s.activeId ? s.origins[s.activeId]?.profileId : undefined));
  const profile = useProfilesStore((s) => (profileId ? s.profiles.find((p) => p.id === profileId) : undefined));
  const saveProfile = useProfilesStore((s) => s.save);

  /** ☆: a subscription saved with the profile is subscribed on every connect, with all its options. */
  const toggleSaved = (subscription: Subscription) => {
    if (!profile) return;
    const { filter, options: o } = subscription;
    const exists = profile.subscriptions.some((s) => s.filter === filter);
    const saved: SavedSubscription = {
      filter,
      qos: o.qos ?? 0,
      noLocal: o.noLocal ?? false,
      retainAsPublished: o.retainAsPublished ?? false,
      retainHandling: o.retainHandling ?? 0,
      enabled: true,
      ...(o.subscriptionIdentifier !== undefined ? { subscriptionIdentifier: o.subscriptionIdentifier } : {}),
      ...(o.userProperties?.length ? { userProperties: o.userProperties } : {}),
    };
    const subscriptions = exists ? profile.subscriptions.filter((s) => s.filter !== filter) : [...profile.subscriptions, saved];
    void saveProfile({ id: profile.id, name: profile.name, folder: profile.folder, ...(profile.color ? { color: profile.color } : {}), options: profile.options, subscriptions });
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!isConnected || filter === '' || problem || idProblem) return;
    const userProperties = options.userProperties.filter((p) => p.key !== '' || p.value !== '');
    void subscribe({
      filter,
      qos,
      ...(v5
        ? {
            noLocal: options.noLocal,
            retainAsPublished: options.retainAsPublished,
            retainHandling: options.retainHandling,
            ...(options.subscriptionIdentifier.trim() ? { subscriptionIdentifier: Number(options.subscriptionIdentifier) } : {}),
            ...(userProperties.length ? { userProperties } : {}),
          }
        : {}),
    });
  };

  return (
    <div className="subscriptions">
      <form className="subscribe-form" onSubmit={onSubmit}>
        <input data-testid="subscribe-filter" value={filter} placeholder={t('panel.filterPlaceholder')} spellCheck={false} aria-invalid={problem !== null} onChange={(e) => setFilter(e.target.value)} />
        <select data-testid="subscribe-qos" value={qos} title={t('panel.requestedQos')} onChange={(e) => setQos(Number(e.target.value) as Qos)}>
          {QOS_LEVELS.map((level) => (
            <option key={level} value={level}>
              QoS {level}
            </option>
          ))}
        </select>
        <button type="button" className="icon-button options-toggle" data-testid="subscribe-options-toggle" aria-expanded={showOptions} title={t('panel.optionsTitle')} aria-label={t('panel.optionsTitle')} onClick={() => setShowOptions(!showOptions)}>
          {GEAR}
        </button>
        <button type="submit" data-testid="subscribe-button" className="primary" disabled={!isConnected || filter === '' || problem !== null || idProblem !== undefined}>
          {t('panel.subscribe')}
        </button>
      </form>
      {problem && (
        <p className="field-problem" data-testid="subscribe-error">
          {problem}
        </p>
      )}
      {!problem && active && !v5 && filter.startsWith('$share/') && (
        <p className="hint warning-text" data-testid="shared-subscription-warning">
          {t('panel.sharedWarning', { filter })}
        </p>
      )}
      {showOptions && (v5 || !active ? <SubscribeOptionsFields value={options} onChange={setOptions} problem={idProblem} /> : <p className="hint">{t('panel.optionsNeedV5')}</p>)}
      {!isConnected && <p className="hint">{t('panel.connectHint')}</p>}
      <ul className="subscription-list" data-testid="subscription-list">
        {subscriptions.slice(0, MAX_ROWS).map((subscription) => (
          <SubscriptionRow
            key={subscription.filter}
            subscription={subscription}
            onRemove={() => void unsubscribe(subscription.filter)}
            onSubscribeLiterally={() => void subscribe({ ...subscription.options, filter: subscription.filter, literalSharedSubscription: true })}
            saved={profile && subscription.state === 'active' ? profile.subscriptions.some((s) => s.filter === subscription.filter) : null}
            onToggleSaved={() => toggleSaved(subscription)}
          />
        ))}
      </ul>
      {subscriptions.length > MAX_ROWS && <p className="hint">{t('panel.more', { count: subscriptions.length - MAX_ROWS, n: formatNumber(subscriptions.length - MAX_ROWS) })}</p>}
    </div>
  );
}
