import { Field } from '../../../ui/field';
import { KeyValueEditor } from '../../../ui/key-value-editor';
import { mayUseV5 } from './form-model';
import type { SectionProps } from './section-props';
import { TriSelect } from './tri-select';

export function Mqtt5Section({ form, update, problems }: SectionProps) {
  if (!mayUseV5(form.protocolVersion)) return <p className="hint">CONNECT properties exist in MQTT 5.0 only (General → MQTT version).</p>;
  const num = (key: 'sessionExpiry' | 'receiveMaximum' | 'maximumPacketSize' | 'topicAliasMaximum', label: string, problemKey: string, placeholder: string) => (
    <Field label={label} className="span-2" problem={problems[problemKey]} testId={`connect-${key}`}>
      <input data-testid={`connect-${key}`} value={form[key]} inputMode="numeric" placeholder={placeholder} onChange={(e) => update(key, e.target.value)} />
    </Field>
  );
  return (
    <div className="form-grid">
      {num('sessionExpiry', 'Session expiry interval (s)', 'properties.sessionExpiryInterval', '0 (ends with the connection)')}
      {num('receiveMaximum', 'Receive maximum', 'properties.receiveMaximum', '65535')}
      {num('maximumPacketSize', 'Maximum packet size (bytes)', 'properties.maximumPacketSize', 'no limit')}
      {num('topicAliasMaximum', 'Topic alias maximum', 'properties.topicAliasMaximum', '0')}
      <Field label="Request response information" className="span-2">
        <TriSelect testId="connect-request-response-info" value={form.requestResponseInformation} onChange={(v) => update('requestResponseInformation', v)} unset="default (no)" />
      </Field>
      <Field label="Request problem information" className="span-2">
        <TriSelect testId="connect-request-problem-info" value={form.requestProblemInformation} onChange={(v) => update('requestProblemInformation', v)} unset="default (yes)" />
      </Field>
      <Field label="User properties" className="span-4" problem={problems['properties.userProperties']}>
        <KeyValueEditor testId="connect-user-properties" pairs={form.userProperties} onChange={(pairs) => update('userProperties', pairs)} />
      </Field>
    </div>
  );
}
