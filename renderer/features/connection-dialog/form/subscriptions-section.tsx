import { useState } from 'react';
import { MAX_SAVED_SUBSCRIPTIONS, type SavedSubscription } from '../../../../shared/contract';
import { topicFilterProblem } from '../../../../shared/mqtt/topic';
import { Check } from '../../../ui/field';
import type { SectionProps } from './section-props';

const QOS_LEVELS = [0, 1, 2] as const;

/** What the MQTT 5 options of a saved subscription are, in a few words (set where it was subscribed). */
function optionsSummary(s: SavedSubscription): string {
  const parts: string[] = [];
  if (s.noLocal) parts.push('no local');
  if (s.retainAsPublished) parts.push('retain as published');
  if (s.retainHandling) parts.push(`retain handling ${s.retainHandling}`);
  if (s.subscriptionIdentifier !== undefined) parts.push(`id ${s.subscriptionIdentifier}`);
  if (s.userProperties?.length) parts.push(`${s.userProperties.length} user propert${s.userProperties.length === 1 ? 'y' : 'ies'}`);
  return parts.join(' · ');
}

/**
 * The profile's subscriptions, editable while disconnected: each is subscribed when the profile
 * connects unless switched off. The Subscriptions panel's ☆ saves one with every MQTT 5 option.
 */
export function SubscriptionsSection({ form, update, problems }: SectionProps) {
  const [draft, setDraft] = useState('');
  const [qos, setQos] = useState<0 | 1 | 2>(0);
  const list = form.subscriptions;
  const draftProblem = draft === '' ? null : (topicFilterProblem(draft) ?? (list.some((s) => s.filter === draft) ? 'Already in the list' : null));
  const change = (index: number, patch: Partial<SavedSubscription>) => update('subscriptions', list.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const add = () => {
    if (draft === '' || draftProblem || list.length >= MAX_SAVED_SUBSCRIPTIONS) return;
    update('subscriptions', [...list, { filter: draft, qos, noLocal: false, retainAsPublished: false, retainHandling: 0, enabled: true }]);
    setDraft('');
  };
  return (
    <div className="form-grid saved-subscriptions">
      <p className="span-4 hint">
        Subscribed when this connection opens, in this order (switched-off ones are kept for later). MQTT Explorer subscribes to <code>#</code> and{' '}
        <code>$SYS/#</code>; add them here for the same start.
      </p>
      <ul className="span-4 saved-subscription-list" data-testid="saved-subscriptions">
        {list.map((s, index) => (
          <li key={s.filter} className="saved-subscription" data-testid="saved-subscription" data-filter={s.filter}>
            <input type="checkbox" aria-label={`Subscribe to ${s.filter} on connect`} title="Subscribe on connect" checked={s.enabled} onChange={(e) => change(index, { enabled: e.target.checked })} />
            <code className="saved-subscription-filter" title={s.filter}>
              {s.filter}
            </code>
            <select aria-label={`QoS of ${s.filter}`} value={s.qos} onChange={(e) => change(index, { qos: Number(e.target.value) as 0 | 1 | 2 })}>
              {QOS_LEVELS.map((level) => (
                <option key={level} value={level}>
                  QoS {level}
                </option>
              ))}
            </select>
            <span className="muted saved-subscription-options">{optionsSummary(s)}</span>
            <button type="button" className="icon-button" aria-label={`Remove ${s.filter}`} title={`Remove ${s.filter}`} onClick={() => update('subscriptions', list.filter((_, i) => i !== index))}>
              ×
            </button>
          </li>
        ))}
        {list.length === 0 && <li className="muted">No saved subscriptions.</li>}
      </ul>
      <div className="span-4 saved-subscription-add">
        <input
          data-testid="saved-subscription-filter"
          aria-label="Topic filter to add"
          value={draft}
          placeholder="topic/filter/#"
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
        <select aria-label="QoS of the filter to add" data-testid="saved-subscription-qos" value={qos} onChange={(e) => setQos(Number(e.target.value) as 0 | 1 | 2)}>
          {QOS_LEVELS.map((level) => (
            <option key={level} value={level}>
              QoS {level}
            </option>
          ))}
        </select>
        <button type="button" data-testid="saved-subscription-add" disabled={draft === '' || draftProblem !== null} onClick={add}>
          Add
        </button>
      </div>
      {(draftProblem ?? problems.subscriptions) && <p className="span-4 field-problem">{draftProblem ?? problems.subscriptions}</p>}
      <Check className="span-4" label="Connect this profile when the workbench starts" testId="profile-connect-on-launch" checked={form.connectOnLaunch} onChange={(v) => update('connectOnLaunch', v)} />
    </div>
  );
}
