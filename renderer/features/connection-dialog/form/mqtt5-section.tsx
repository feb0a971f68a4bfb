import { Field } from '../../../ui/field';
import { useTranslation } from '../../../ui/i18n';
import { KeyValueEditor } from '../../../ui/key-value-editor';
import { mayUseV5 } from './form-model';
import type { SectionProps } from './section-props';
import { TriSelect } from './tri-select';

export function Mqtt5Section({ form, update, problems }: SectionProps) {
  const { t } = useTranslation('connectionDialog');
  if (!mayUseV5(form.protocolVersion)) return <p className="hint">{t('mqtt5.onlyV5')}</p>;
  const num = (key: 'sessionExpiry' | 'receiveMaximum' | 'maximumPacketSize' | 'topicAliasMaximum', label: string, problemKey: string, placeholder: string) => (
    <Field key={key} label={label} className="span-2" problem={problems[problemKey]} testId={`connect-${key}`}>
      <input data-testid={`connect-${key}`} value={form[key]} inputMode="numeric" placeholder={placeholder} onChange={(e) => update(key, e.target.value)} />
    </Field>
  );
  const numbers = [
    num('sessionExpiry', t('mqtt5.sessionExpiry'), 'properties.sessionExpiryInterval', t('mqtt5.sessionExpiryPlaceholder')),
    num('receiveMaximum', t('mqtt5.receiveMaximum'), 'properties.receiveMaximum', '65535'),
    num('maximumPacketSize', t('mqtt5.maximumPacketSize'), 'properties.maximumPacketSize', t('mqtt5.noLimit')),
    num('topicAliasMaximum', t('mqtt5.topicAliasMaximum'), 'properties.topicAliasMaximum', '0'),
  ];
  return (
    <div className="form-grid">
      {numbers}
      <Field label={t('mqtt5.requestResponseInfo')} className="span-2">
        <TriSelect testId="connect-request-response-info" value={form.requestResponseInformation} onChange={(v) => update('requestResponseInformation', v)} unset={t('mqtt5.defaultNo')} />
      </Field>
      <Field label={t('mqtt5.requestProblemInfo')} className="span-2">
        <TriSelect testId="connect-request-problem-info" value={form.requestProblemInformation} onChange={(v) => update('requestProblemInformation', v)} unset={t('mqtt5.defaultYes')} />
      </Field>
      <Field label={t('mqtt5.userProperties')} className="span-4" problem={problems['properties.userProperties']}>
        <KeyValueEditor testId="connect-user-properties" pairs={form.userProperties} onChange={(pairs) => update('userProperties', pairs)} />
      </Field>
    </div>
  );
}
