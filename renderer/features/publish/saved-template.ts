import { type MessageTemplate, type SavedProperties, savedProperties } from '../../../shared/contract';
import type { PublishDraft } from './publish-drafts';
import type { PublishedEntry } from './publish-history';
import { translate } from '../../ui/i18n';
import { INITIAL_PROPERTIES, type PublishPropertiesForm, propertyLabel, propertyProblem } from './publish-properties';

/**
 * The publish form and a saved message, one into the other. A saved message keeps what was typed
 * (templates, the payload as text in its format), so loading it back gives the same form.
 */
type Written = Pick<PublishDraft, 'topic' | 'qos' | 'retain' | 'mode' | 'payload' | 'properties'> & { variablesOn?: boolean | undefined };

const whole = (text: string) => (text.trim() === '' ? undefined : Number(text.trim()));

/** The form's properties as saved properties, or why they cannot be saved. */
export function formToSavedProperties(form: PublishPropertiesForm): { ok: true; properties: SavedProperties | undefined } | { ok: false; error: string } {
  const userProperties = form.userProperties.filter((p) => p.key !== '' || p.value !== '');
  const candidate: Record<string, unknown> = {
    payloadFormatIndicator: form.payloadFormatIndicator === '' ? undefined : form.payloadFormatIndicator === 'on',
    messageExpiryInterval: whole(form.messageExpiry),
    contentType: form.contentType || undefined,
    responseTopic: form.responseTopic || undefined,
    correlationData: form.correlationHex || undefined,
    correlationDataFormat: form.correlationHex ? (form.correlationFormat ?? 'hex') : undefined,
    userProperties: userProperties.length ? userProperties : undefined,
    topicAlias: whole(form.topicAlias),
  };
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  if (Object.keys(candidate).length === 0) return { ok: true, properties: undefined };
  const parsed = savedProperties.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const problems = issue ? translate('publish:errors.propertyProblem', { property: propertyLabel(issue.path[0]), problem: propertyProblem(issue) }) : translate('publish:errors.invalidProperties');
    return { ok: false, error: translate('publish:errors.properties', { problems }) };
  }
  return { ok: true, properties: parsed.data };
}

/** What the form (or a publish history entry) holds, as a message template to save. */
export function toTemplate(written: Written): { ok: true; template: MessageTemplate } | { ok: false; error: string } {
  const properties = formToSavedProperties(written.properties);
  if (!properties.ok) return properties;
  return {
    ok: true,
    template: {
      topic: written.topic,
      payload: written.payload,
      format: written.mode,
      qos: written.qos,
      retain: written.retain,
      variables: written.variablesOn ?? false,
      ...(properties.properties ? { properties: properties.properties } : {}),
    },
  };
}

export const entryToTemplate = (entry: PublishedEntry) => toTemplate(entry);

/** A saved message as the publish form's fields. */
export function templateToDraft(template: MessageTemplate): Partial<PublishDraft> {
  const p = template.properties ?? {};
  const properties: PublishPropertiesForm = {
    ...INITIAL_PROPERTIES,
    payloadFormatIndicator: p.payloadFormatIndicator === undefined ? '' : p.payloadFormatIndicator ? 'on' : 'off',
    messageExpiry: p.messageExpiryInterval === undefined ? '' : String(p.messageExpiryInterval),
    contentType: p.contentType ?? '',
    responseTopic: p.responseTopic ?? '',
    correlationHex: p.correlationData ?? '',
    ...(p.correlationDataFormat === 'text' ? { correlationFormat: 'text' as const } : {}),
    userProperties: p.userProperties ?? [],
    topicAlias: p.topicAlias === undefined ? '' : String(p.topicAlias),
  };
  return { topic: template.topic, payload: template.payload, mode: template.format, qos: template.qos, retain: template.retain, variablesOn: template.variables, properties };
}
