import { encodePayload } from '../codecs/payload-format';
import { decodeHex } from '../codecs/hex';
import { encodeUtf8 } from '../codecs/utf8';
import { topicNameProblem } from '../mqtt/topic';
import type { ExpandedMessage, MessageTemplate, SavedProperties, VariableSet } from '../contract/collections';
import { publishProperties } from '../contract/mqtt5';
import { BUILT_IN_VARIABLES, type VariableContext, type VariableProblem, expandVariables } from './message-variables';

/**
 * A saved message (or the publish panel's draft) made ready to send: variables expanded in the
 * topic, the payload and the text MQTT 5 properties (content type, response topic, correlation
 * data, user properties' keys and values), then the payload encoded in its format. One draw of
 * `now` per message, so every part of it agrees on the time.
 */
export type ExpandedTemplate = { ok: true; message: ExpandedMessage } | { ok: false; error: string };

/** Where a problem is, in words: "the payload at line 2, column 5". */
function at(part: string, problem: VariableProblem, multiline: boolean): string {
  const where = multiline ? `line ${problem.line}, column ${problem.column}` : `column ${problem.column}`;
  return `Variables in the ${part} at ${where}: ${problem.message}`;
}

class ExpandError extends Error {}

/**
 * The variables in force, lowest first: the user's own, then the profile's environment, then
 * extra ones (the publish panel's list). A later set's value wins.
 */
export function mergeVariables(...sets: (VariableSet | undefined)[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const set of sets) if (set) for (const [name, value] of Object.entries(set)) if (!(BUILT_IN_VARIABLES as readonly string[]).includes(name)) merged[name] = value;
  return merged;
}

/** The properties with their text expanded (still as written: correlation data is text here). */
export function expandProperties(properties: SavedProperties, expand: (text: string, part: string, multiline?: boolean) => string): SavedProperties {
  const out: SavedProperties = { ...properties };
  if (properties.contentType !== undefined) out.contentType = expand(properties.contentType, 'content type');
  if (properties.responseTopic !== undefined) out.responseTopic = expand(properties.responseTopic, 'response topic');
  if (properties.correlationData !== undefined) out.correlationData = expand(properties.correlationData, 'correlation data');
  if (properties.userProperties)
    out.userProperties = properties.userProperties.map((p, i) => ({ key: expand(p.key, `user property ${i + 1} name`), value: expand(p.value, `user property ${i + 1} value`, true) }));
  return out;
}

/** The properties as MQTT 5 PUBLISH properties (bytes for correlation data); throws with a readable reason. */
function toPublishProperties(properties: SavedProperties): ExpandedMessage['properties'] {
  const { correlationData, correlationDataFormat, ...rest } = properties;
  const candidate: Record<string, unknown> = { ...rest };
  if (correlationData !== undefined && correlationData !== '') {
    if ((correlationDataFormat ?? 'hex') === 'text') candidate.correlationData = encodeUtf8(correlationData);
    else {
      try {
        candidate.correlationData = decodeHex(correlationData);
      } catch (error) {
        throw new ExpandError(`Correlation data: ${(error as Error).message}`);
      }
    }
  }
  if (candidate.contentType === '') delete candidate.contentType;
  if (candidate.responseTopic === '') delete candidate.responseTopic;
  if (Array.isArray(candidate.userProperties) && candidate.userProperties.length === 0) delete candidate.userProperties;
  for (const key of Object.keys(candidate)) if (candidate[key] === undefined) delete candidate[key];
  if (Object.keys(candidate).length === 0) return undefined;
  const parsed = publishProperties.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ExpandError(`Properties: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`);
  }
  return parsed.data;
}

/** Expands and encodes one message template with these variables. */
export function expandTemplate(template: MessageTemplate, context: VariableContext): ExpandedTemplate {
  // One time for the whole message: now, now.iso and now.unix agree across topic, payload and properties.
  let nowMs: number | undefined;
  const shared: VariableContext = { ...context, now: () => (nowMs ??= (context.now ?? Date.now)()) };
  const expand = (text: string, part: string, multiline = false): string => {
    if (!template.variables) return text;
    const result = expandVariables(text, shared);
    if (!result.ok) throw new ExpandError(at(part, result.problem, multiline));
    return result.text;
  };
  try {
    const topic = expand(template.topic, 'topic');
    const text = expand(template.payload, 'payload', true);
    const properties = template.properties ? toPublishProperties(expandProperties(template.properties, expand)) : undefined;
    const aliasOnly = topic === '' && properties?.topicAlias !== undefined;
    const problem = aliasOnly ? null : topicNameProblem(topic);
    if (problem) throw new ExpandError(`Topic: ${problem}`);
    if (properties?.responseTopic !== undefined) {
      const responseProblem = topicNameProblem(properties.responseTopic);
      if (responseProblem) throw new ExpandError(`Response topic: ${responseProblem}`);
    }
    const encoded = encodePayload(text, template.format);
    if (!encoded.ok) {
      const { line, column, message } = encoded.problem;
      throw new ExpandError(`Payload (${template.format})${line !== undefined ? ` at line ${line}, column ${column}` : ''}: ${message}`);
    }
    return { ok: true, message: { topic, payload: encoded.bytes, qos: template.qos, retain: template.retain, ...(properties ? { properties } : {}) } };
  } catch (error) {
    if (error instanceof ExpandError) return { ok: false, error: error.message };
    throw error;
  }
}
