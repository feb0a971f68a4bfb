import { type ReceivedProperties, publishProperties } from '../../../shared/contract';
import { HexError, decodeHex } from '../../../shared/codecs/hex';
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

/** The form's label of each property the schemas name (publishProperties, savedProperties). */
const PROPERTY_LABELS = {
  payloadFormatIndicator: 'publish:properties.payloadFormat',
  messageExpiryInterval: 'publish:properties.expiry',
  contentType: 'publish:properties.contentType',
  responseTopic: 'publish:properties.responseTopic',
  correlationData: 'publish:properties.correlationHex',
  correlationDataFormat: 'publish:properties.writtenAs',
  userProperties: 'publish:properties.userProperties',
  topicAlias: 'publish:properties.topicAlias',
} as const;

/** A property's name as the form labels it, in the UI language. */
export function propertyLabel(key: PropertyKey | undefined): string {
  const label = PROPERTY_LABELS[String(key) as keyof typeof PROPERTY_LABELS];
  return label ? translate(label) : String(key ?? '');
}

/** What a schema issue reports (zod's issue, by shape). */
interface SchemaIssue {
  code: string;
  message: string;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
}

/**
 * A property's schema problem in the UI language. zod words its issues in English: the usual
 * ones (not a number, out of range, too long) are worded from the catalog; a rule's own message
 * (the contract's) is kept as it is.
 */
export function propertyProblem(issue: SchemaIssue): string {
  const limit = (value: unknown) => (typeof value === 'number' || typeof value === 'bigint' ? String(value) : undefined);
  if (issue.code === 'invalid_type' && issue.expected === 'number') return translate('publish:errors.enterNumber');
  if (issue.code === 'invalid_type' && issue.expected === 'int') return translate('publish:errors.wholeNumber');
  const min = limit(issue.minimum);
  const max = limit(issue.maximum);
  if (issue.code === 'too_small' && issue.origin === 'number' && min !== undefined) return translate('publish:errors.atLeast', { min });
  if (issue.code === 'too_big' && issue.origin === 'number' && max !== undefined) return translate('publish:errors.atMost', { max });
  if (issue.code === 'too_big' && issue.origin === 'string' && max !== undefined) return translate('publish:errors.tooLong', { max });
  if (issue.code === 'too_big' && issue.origin === 'array' && max !== undefined) return translate('publish:errors.tooMany', { max });
  return issue.message;
}

/** Why hex digits are not bytes, in the UI language (the codec's error is English; its position says which). */
function hexProblem(error: unknown, text: string): string {
  if (!(error instanceof HexError)) return (error as Error).message;
  const char = text[error.position] ?? '';
  const position = String(error.position);
  return /[0-9a-f]/i.test(char) ? translate('publish:errors.hexOdd', { position }) : translate('publish:errors.hexInvalid', { char, position });
}

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
      problems.correlationData = hexProblem(error, form.correlationHex);
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
      problems[key] ??= propertyProblem(issue);
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
