import { Field } from '../../ui/field';
import { KeyValueEditor } from '../../ui/key-value-editor';
import type { PublishPropertiesForm } from './publish-properties';

export function PropertiesFields({ value, onChange, problems }: { value: PublishPropertiesForm; onChange(value: PublishPropertiesForm): void; problems: Record<string, string> }) {
  const set = <K extends keyof PublishPropertiesForm>(key: K, v: PublishPropertiesForm[K]) => onChange({ ...value, [key]: v });
  return (
    <div className="form-grid publish-properties" data-testid="publish-properties">
      <Field label="Payload format" className="span-2">
        <select data-testid="publish-format-indicator" value={value.payloadFormatIndicator} onChange={(e) => set('payloadFormatIndicator', e.target.value as PublishPropertiesForm['payloadFormatIndicator'])}>
          <option value="">unset</option>
          <option value="on">UTF-8 text</option>
          <option value="off">bytes</option>
        </select>
      </Field>
      <Field label="Expiry (s)" className="span-1" problem={problems.messageExpiryInterval} testId="publish-expiry">
        <input data-testid="publish-expiry" value={value.messageExpiry} inputMode="numeric" onChange={(e) => set('messageExpiry', e.target.value)} />
      </Field>
      <Field label="Topic alias" className="span-1" problem={problems.topicAlias} testId="publish-topic-alias">
        <input data-testid="publish-topic-alias" value={value.topicAlias} inputMode="numeric" onChange={(e) => set('topicAlias', e.target.value)} />
      </Field>
      <Field label="Content type" className="span-2" problem={problems.contentType}>
        <input data-testid="publish-content-type" value={value.contentType} placeholder="application/json" onChange={(e) => set('contentType', e.target.value)} />
      </Field>
      <Field label="Response topic" className="span-2" problem={problems.responseTopic} testId="publish-response-topic">
        <input data-testid="publish-response-topic" value={value.responseTopic} spellCheck={false} onChange={(e) => set('responseTopic', e.target.value)} />
      </Field>
      <Field label={value.correlationFormat === 'text' ? 'Correlation data (text)' : 'Correlation data (hex)'} className="span-3" problem={problems.correlationData} testId="publish-correlation">
        <input
          data-testid="publish-correlation"
          value={value.correlationHex}
          placeholder={value.correlationFormat === 'text' ? 'e.g. req-{{uuid}}' : 'e.g. 01 02 0a ff'}
          spellCheck={false}
          onChange={(e) => set('correlationHex', e.target.value)}
        />
      </Field>
      <Field label="Written as" className="span-1">
        <select data-testid="publish-correlation-format" value={value.correlationFormat ?? 'hex'} onChange={(e) => set('correlationFormat', e.target.value as 'hex' | 'text')}>
          <option value="hex">hex</option>
          <option value="text">text</option>
        </select>
      </Field>
      <Field label="User properties" className="span-4" problem={problems.userProperties}>
        <KeyValueEditor testId="publish-user-properties" pairs={value.userProperties} onChange={(pairs) => set('userProperties', pairs)} />
      </Field>
    </div>
  );
}
