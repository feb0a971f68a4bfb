import { useState } from 'react';
import { MAX_SAVED_SUBSCRIPTIONS, type SavedSubscription } from '../../../../shared/contract';
import { topicFilterProblem } from '../../../../shared/mqtt/topic';
import { Check } from '../../../ui/field';
import { translate, useTranslation } from '../../../ui/i18n';
import type { SectionProps } from './section-props';

const QOS_LEVELS = [0, 1, 2] as const;

/** What the MQTT 5 options of a saved subscription are, in a few words (set where it was subscribed). */
function optionsSummary(s: SavedSubscription): string {
  const parts: string[] = [];
  if (s.noLocal) parts.push(translate('connectionDialog:subscriptions.noLocal'));
  if (s.retainAsPublished) parts.push(translate('connectionDialog:subscriptions.retainAsPublished'));
  if (s.retainHandling) parts.push(translate('connectionDialog:subscriptions.retainHandling', { value: String(s.retainHandling) }));
  if (s.subscriptionIdentifier !== undefined) parts.push(translate('connectionDialog:subscriptions.id', { value: String(s.subscriptionIdentifier) }));
  if (s.userProperties?.length) parts.push(translate('connectionDialog:subscriptions.userProperties', { count: s.userProperties.length }));
  return parts.join(' · ');
}

/**
 * The profile's subscriptions, editable while disconnected: each is subscribed when the profile
 * connects unless switched off. The Subscriptions panel's ☆ saves one with every MQTT 5 option.
 */
export function SubscriptionsSection({ form, update, problems }: SectionProps) {
  const { t } = useTranslation('connectionDialog');
  const [draft, setDraft] = useState('');
  const [qos, setQos] = useState<0 | 1 | 2>(0);
  const list = form.subscriptions;
  const draftProblem = draft === '' ? null : (topicFilterProblem(draft) ?? (list.some((s) => s.filter === draft) ? t('subscriptions.already') : null));
  const change = (index: number, patch: Partial<SavedSubscription>) => update('subscriptions', list.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const add = () => {
    if (draft === '' || draftProblem || list.length >= MAX_SAVED_SUBSCRIPTIONS) return;
    update('subscriptions', [...list, { filter: draft, qos, noLocal: false, retainAsPublished: false, retainHandling: 0, enabled: true }]);
    setDraft('');
  };
  return (
    <div className="form-grid saved-subscriptions">
      <p className="span-4 hint">
        {t('subscriptions.hintBefore')} <code>#</code> {t('subscriptions.hintAnd')} <code>$SYS/#</code>
        {t('subscriptions.hintAfter')}
      </p>
      <ul className="span-4 saved-subscription-list" data-testid="saved-subscriptions">
        {list.map((s, index) => (
          <li key={s.filter} className="saved-subscription" data-testid="saved-subscription" data-filter={s.filter}>
            <input type="checkbox" aria-label={t('subscriptions.subscribeFilterOnConnect', { filter: s.filter })} title={t('subscriptions.subscribeOnConnect')} checked={s.enabled} onChange={(e) => change(index, { enabled: e.target.checked })} />
            <code className="saved-subscription-filter" title={s.filter}>
              {s.filter}
            </code>
            <select aria-label={t('subscriptions.qosOf', { filter: s.filter })} value={s.qos} onChange={(e) => change(index, { qos: Number(e.target.value) as 0 | 1 | 2 })}>
              {QOS_LEVELS.map((level) => (
                <option key={level} value={level}>
                  QoS {level}
                </option>
              ))}
            </select>
            <span className="muted saved-subscription-options">{optionsSummary(s)}</span>
            <button type="button" className="icon-button" aria-label={t('subscriptions.remove', { filter: s.filter })} title={t('subscriptions.remove', { filter: s.filter })} onClick={() => update('subscriptions', list.filter((_, i) => i !== index))}>
              ×
            </button>
          </li>
        ))}
        {list.length === 0 && <li className="muted">{t('subscriptions.empty')}</li>}
      </ul>
      <div className="span-4 saved-subscription-add">
        <input
          data-testid="saved-subscription-filter"
          aria-label={t('subscriptions.filterToAdd')}
          value={draft}
          placeholder={t('subscriptions.filterPlaceholder')}
          spellCheck={false}
          aria-invalid={draftProblem !== null}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <select aria-label={t('subscriptions.qosToAdd')} data-testid="saved-subscription-qos" value={qos} onChange={(e) => setQos(Number(e.target.value) as 0 | 1 | 2)}>
          {QOS_LEVELS.map((level) => (
            <option key={level} value={level}>
              QoS {level}
            </option>
          ))}
        </select>
        <button type="button" data-testid="saved-subscription-add" disabled={draft === '' || draftProblem !== null} onClick={add}>
          {t('subscriptions.add')}
        </button>
      </div>
      {(draftProblem ?? problems.subscriptions) && <p className="span-4 field-problem">{draftProblem ?? problems.subscriptions}</p>}
      <Check className="span-4" label={t('subscriptions.connectOnLaunch')} testId="profile-connect-on-launch" checked={form.connectOnLaunch} onChange={(v) => update('connectOnLaunch', v)} />
    </div>
  );
}
