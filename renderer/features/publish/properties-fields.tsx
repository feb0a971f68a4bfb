import { Field } from '../../ui/field';
import { useTranslation } from '../../ui/i18n';
import { KeyValueEditor } from '../../ui/key-value-editor';
import type { PublishPropertiesForm } from './publish-properties';

/** A variable, written the same in every language. */
const UUID_VARIABLE = '{{uuid}}';
const JSON_CONTENT_TYPE = 'application/json';

export function PropertiesFields({ value, onChange, problems }: { value: PublishPropertiesForm; onChange(value: PublishPropertiesForm): void; problems: Record<string, string> }) {
  const { t } = useTranslation('publish');
  const set = <K extends keyof PublishPropertiesForm>(key: K, v: PublishPropertiesForm[K]) => onChange({ ...value, [key]: v });
  return (
    <div className="form-grid publish-properties" data-testid="publish-properties">
      <Field label={t('properties.payloadFormat')} className="span-2">
        <select data-testid="publish-format-indicator" value={value.payloadFormatIndicator} onChange={(e) => set('payloadFormatIndicator', e.target.value as PublishPropertiesForm['payloadFormatIndicator'])}>
          <option value="">{t('properties.unset')}</option>
          <option value="on">{t('properties.utf8')}</option>
          <option value="off">{t('properties.bytes')}</option>
        </select>
      </Field>
      <Field label={t('properties.expiry')} className="span-1" problem={problems.messageExpiryInterval} testId="publish-expiry">
        <input data-testid="publish-expiry" value={value.messageExpiry} inputMode="numeric" onChange={(e) => set('messageExpiry', e.target.value)} />
      </Field>
      <Field label={t('properties.topicAlias')} className="span-1" problem={problems.topicAlias} testId="publish-topic-alias">
        <input data-testid="publish-topic-alias" value={value.topicAlias} inputMode="numeric" onChange={(e) => set('topicAlias', e.target.value)} />
      </Field>
      <Field label={t('properties.contentType')} className="span-2" problem={problems.contentType}>
        <input data-testid="publish-content-type" value={value.contentType} placeholder={JSON_CONTENT_TYPE} onChange={(e) => set('contentType', e.target.value)} />
      </Field>
      <Field label={t('properties.responseTopic')} className="span-2" problem={problems.responseTopic} testId="publish-response-topic">
        <input data-testid="publish-response-topic" value={value.responseTopic} spellCheck={false} onChange={(e) => set('responseTopic', e.target.value)} />
      </Field>
      <Field label={value.correlationFormat === 'text' ? t('properties.correlationText') : t('properties.correlationHex')} className="span-3" problem={problems.correlationData} testId="publish-correlation">
        <input
          data-testid="publish-correlation"
          value={value.correlationHex}
          placeholder={value.correlationFormat === 'text' ? t('properties.correlationTextPlaceholder', { example: UUID_VARIABLE }) : t('properties.correlationHexPlaceholder')}
          spellCheck={false}
          onChange={(e) => set('correlationHex', e.target.value)}
        />
      </Field>
      <Field label={t('properties.writtenAs')} className="span-1">
        <select data-testid="publish-correlation-format" value={value.correlationFormat ?? 'hex'} onChange={(e) => set('correlationFormat', e.target.value as 'hex' | 'text')}>
          <option value="hex">hex</option>
          <option value="text">{t('properties.text')}</option>
        </select>
      </Field>
      <Field label={t('properties.userProperties')} className="span-4" problem={problems.userProperties}>
        <KeyValueEditor testId="publish-user-properties" pairs={value.userProperties} onChange={(pairs) => set('userProperties', pairs)} />
      </Field>
    </div>
  );
}
