import { Check, Field } from '../../ui/field';
import { useTranslation } from '../../ui/i18n';
import { KeyValueEditor } from '../../ui/key-value-editor';

export interface SubscribeOptionsForm {
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
  subscriptionIdentifier: string;
  userProperties: { key: string; value: string }[];
}

export const INITIAL_SUBSCRIBE_OPTIONS: SubscribeOptionsForm = { noLocal: false, retainAsPublished: false, retainHandling: 0, subscriptionIdentifier: '', userProperties: [] };

/** MQTT 5 subscription options (3.8.3.1), a subscription identifier and user properties. */
export function SubscribeOptionsFields({ value, onChange, problem }: { value: SubscribeOptionsForm; onChange(value: SubscribeOptionsForm): void; problem?: string | undefined }) {
  const { t } = useTranslation('subscriptions');
  const set = <K extends keyof SubscribeOptionsForm>(key: K, v: SubscribeOptionsForm[K]) => onChange({ ...value, [key]: v });
  return (
    <div className="subscribe-options form-grid" data-testid="subscribe-options">
      <Check className="span-2" label={t('options.noLocal')} testId="subscribe-no-local" checked={value.noLocal} onChange={(v) => set('noLocal', v)} />
      <Check className="span-2" label={t('options.retainAsPublished')} testId="subscribe-rap" checked={value.retainAsPublished} onChange={(v) => set('retainAsPublished', v)} />
      <Field label={t('options.retainHandling')} className="span-2">
        <select data-testid="subscribe-retain-handling" value={value.retainHandling} onChange={(e) => set('retainHandling', Number(e.target.value) as 0 | 1 | 2)}>
          <option value={0}>{t('options.sendRetained')}</option>
          <option value={1}>{t('options.onlyIfNew')}</option>
          <option value={2}>{t('options.never')}</option>
        </select>
      </Field>
      <Field label={t('options.identifier')} className="span-2" problem={problem} testId="subscribe-identifier">
        <input data-testid="subscribe-identifier" value={value.subscriptionIdentifier} inputMode="numeric" placeholder="1-268435455" onChange={(e) => set('subscriptionIdentifier', e.target.value)} />
      </Field>
      <Field label={t('options.userProperties')} className="span-4">
        <KeyValueEditor testId="subscribe-user-properties" pairs={value.userProperties} onChange={(pairs) => set('userProperties', pairs)} />
      </Field>
    </div>
  );
}
