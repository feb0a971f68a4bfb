import { PAYLOAD_FORMATS, type PayloadFormat } from '../../../../shared/codecs/payload-format';
import { Check, Field } from '../../../ui/field';
import { useTranslation } from '../../../ui/i18n';
import { KeyValueEditor } from '../../../ui/key-value-editor';
import { mayUseV5 } from './form-model';
import type { SectionProps } from './section-props';
import { TriSelect } from './tri-select';

export function WillSection({ form, update, problems }: SectionProps) {
  const { t } = useTranslation('connectionDialog');
  const v5 = mayUseV5(form.protocolVersion);
  return (
    <div className="form-grid">
      <Check className="span-4" label={t('will.enabled')} testId="connect-will-enabled" checked={form.willEnabled} onChange={(v) => update('willEnabled', v)} />
      {form.willEnabled && (
        <>
          <Field label={t('will.topic')} className="span-2" problem={problems['will.topic']} testId="connect-will-topic">
            <input data-testid="connect-will-topic" value={form.willTopic} spellCheck={false} onChange={(e) => update('willTopic', e.target.value)} />
          </Field>
          <Field label="QoS" className="span-1">
            <select data-testid="connect-will-qos" value={form.willQos} onChange={(e) => update('willQos', Number(e.target.value) as 0 | 1 | 2)}>
              <option value={0}>0</option>
              <option value={1}>1</option>
              <option value={2}>2</option>
            </select>
          </Field>
          <Check className="span-1" label={t('will.retain')} testId="connect-will-retain" checked={form.willRetain} onChange={(v) => update('willRetain', v)} />
          <Field label={t('will.payload')} className="span-3" problem={problems['will.payload']} testId="connect-will-payload">
            <input data-testid="connect-will-payload" value={form.willPayload} spellCheck={false} onChange={(e) => update('willPayload', e.target.value)} />
          </Field>
          <Field label={t('will.as')} className="span-1">
            <select data-testid="connect-will-format" value={form.willFormat} onChange={(e) => update('willFormat', e.target.value as PayloadFormat)}>
              {PAYLOAD_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </Field>
          {v5 && (
            <>
              <Field label={t('will.delay')} className="span-1" problem={problems['will.properties.willDelayInterval']}>
                <input data-testid="connect-will-delay" value={form.willDelay} inputMode="numeric" onChange={(e) => update('willDelay', e.target.value)} />
              </Field>
              <Field label={t('will.expiry')} className="span-1" problem={problems['will.properties.messageExpiryInterval']}>
                <input data-testid="connect-will-expiry" value={form.willMessageExpiry} inputMode="numeric" onChange={(e) => update('willMessageExpiry', e.target.value)} />
              </Field>
              <Field label={t('will.utf8')} className="span-1">
                <TriSelect testId="connect-will-format-indicator" value={form.willPayloadFormatIndicator} onChange={(v) => update('willPayloadFormatIndicator', v)} unset={t('tri.unset')} />
              </Field>
              <Field label={t('will.contentType')} className="span-1" problem={problems['will.properties.contentType']}>
                <input data-testid="connect-will-content-type" value={form.willContentType} onChange={(e) => update('willContentType', e.target.value)} />
              </Field>
              <Field label={t('will.responseTopic')} className="span-2" problem={problems['will.properties.responseTopic']}>
                <input data-testid="connect-will-response-topic" value={form.willResponseTopic} spellCheck={false} onChange={(e) => update('willResponseTopic', e.target.value)} />
              </Field>
              <Field label={t('will.correlation')} className="span-2" problem={problems['will.properties.correlationData']}>
                <input data-testid="connect-will-correlation" value={form.willCorrelationHex} spellCheck={false} onChange={(e) => update('willCorrelationHex', e.target.value)} />
              </Field>
              <Field label={t('will.userProperties')} className="span-4" problem={problems['will.properties.userProperties']}>
                <KeyValueEditor testId="connect-will-user-properties" pairs={form.willUserProperties} onChange={(pairs) => update('willUserProperties', pairs)} />
              </Field>
            </>
          )}
        </>
      )}
    </div>
  );
}
