import { type ReceivedProperties, publishProperties } from '../../../shared/contract';
import { decodeHex } from '../../../shared/codecs/hex';
import { encodeUtf8 } from '../../../shared/codecs/utf8';
import type { KeyValue } from '../../ui/key-value-editor';
import { translate } from '../../ui/i18n';

export interface PublishPropertiesForm {
  payloadFormatIndicator: '' | 'on' | 'off';
  messageExpiry: string;
  contentType: string;
  responseTopic: string;
  /** Correlation data as written: hex digits (the default), or UTF-8 text when correlationFormat is 'text'. */
  correlationHex: string;
  correlationFormat?: 'hex' | 'text';
  userProperties: KeyValue[];
  topicAlias: string;
}

export const INITIAL_PROPERTIES: PublishPropertiesForm = {
  payloadFormatIndicator: '',
  messageExpiry: '',
  contentType: '',
  responseTopic: '',
  correlationHex: '',
  userProperties: [],
  topicAlias: '',
};

export type PublishProperties = Omit<ReceivedProperties, 'subscriptionIdentifiers'>;
export type PropertiesCheck = { ok: true; properties: PublishProperties | undefined } | { ok: false; problems: Record<string, string> };

const optionalNumber = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** The form as MQTT 5 PUBLISH properties, checked by the contract's schema (undefined when none set). */
export function checkProperties(form: PublishPropertiesForm): PropertiesCheck {
  const problems: Record<string, string> = {};
  let correlationData: Uint8Array | undefined;
  if (form.correlationFormat === 'text') {
    if (form.correlationHex !== '') correlationData = encodeUtf8(form.correlationHex);
  } else if (form.correlationHex.trim()) {
    try {
      correlationData = decodeHex(form.correlationHex);
    } catch (error) {
      problems.correlationData = (error as Error).message;
    }
  }
  const userProperties = form.userProperties.filter((p) => p.key !== '' || p.value !== '');
  const candidate: Record<string, unknown> = {
    payloadFormatIndicator: form.payloadFormatIndicator === '' ? undefined : form.payloadFormatIndicator === 'on',
    messageExpiryInterval: optionalNumber(form.messageExpiry),
    contentType: form.contentType || undefined,
    responseTopic: form.responseTopic || undefined,
    correlationData,
    userProperties: userProperties.length ? userProperties : undefined,
    topicAlias: optionalNumber(form.topicAlias),
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  const parsed = publishProperties.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? 'properties');
      problems[key] ??= issue.message.startsWith('Invalid input: expected number') ? translate('publish:errors.enterNumber') : issue.message;
    }
  }
  if (Object.keys(problems).length) return { ok: false, problems };
  return { ok: true, properties: Object.keys(candidate).length ? (candidate as PublishProperties) : undefined };
}

/** The form with variables expanded in its text fields (content type, response topic, correlation data, user properties). */
export function expandPropertiesForm(form: PublishPropertiesForm, expand: (text: string, part: string) => string): PublishPropertiesForm {
  return {
    ...form,
    contentType: expand(form.contentType, translate('publish:parts.contentType')),
    responseTopic: expand(form.responseTopic, translate('publish:parts.responseTopic')),
    correlationHex: expand(form.correlationHex, translate('publish:parts.correlation')),
    userProperties: form.userProperties.map((p, i) => ({
      key: expand(p.key, translate('publish:parts.userPropertyName', { n: String(i + 1) })),
      value: expand(p.value, translate('publish:parts.userPropertyValue', { n: String(i + 1) })),
    })),
  };
}
