import { type KeyboardEvent, Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { PAYLOAD_FORMATS, type PayloadFormat, encodePayload, isEmptyPayloadText, isJsonEdited } from '../../../shared/codecs/payload-format';
import { topicNameProblem } from '../../../shared/mqtt/topic';
import { type VariableProblem, expandVariables, parseUserVariables } from '../../../shared/templates/message-variables';
import { mergeVariables } from '../../../shared/templates/message-template';
import type { VariableSet } from '../../../shared/contract';
import { startCollections, useCollectionsStore, variablesForProfile } from '../../stores/collections-store';
import { publishMessage } from '../../stores/publish-actions';
import { useActiveConnection } from '../../stores/connections-store';
import { useTopicSuggestions } from '../../stores/topic-tree-store';
import { QOS_LEVELS, type Qos } from '../../stores/qos';
import { formatNumber, translate, useTranslation } from '../../ui/i18n';
import { Tabs } from '../../ui/tabs';
import type { PreparedMessage } from './prepared-message';
import { type PublishedEntry, usePublishHistory } from './publish-history';
import { PublishHistoryList } from './publish-history-list';
import { PropertiesFields } from './properties-fields';
import { type PublishPropertiesForm, checkProperties, expandPropertiesForm } from './publish-properties';
import { toTemplate } from './saved-template';
import { EMPTY_DRAFT, DRAFT_PAYLOAD_LIMIT, type PublishDraft, payloadTooLongToKeep, usePublishDrafts } from './publish-drafts';
import { RepeatControls } from './repeat-controls';
import { RequestControls } from './request-controls';
import { VariablesFields } from './variables-fields';
import { useDarkMode } from '../../ui/theme';
import { EncodeRulePicker, RuleEncodingStatus, cannotEncode, encodeText, useRuleEncoding } from './rule-encoding';
import { useConnectionsStore } from '../../stores/connections-store';
import { useUiStore } from '../../stores/ui-store';
import './publish.css';
import { describeError } from '../../ui/errors';

const PayloadEditor = lazy(() => import('./payload-editor'));

/** How many seen topics the topic field suggests. */
const TOPIC_SUGGESTIONS = 20;

const MODE_LABELS: Record<Exclude<PayloadFormat, 'text'>, string> = { json: 'JSON', hex: 'Hex', base64: 'Base64', cbor: 'CBOR', msgpack: 'MsgPack' };
/** A payload mode's name: the formats are named alike in every language, "Text" is translated. */
const modeLabel = (format: PayloadFormat) => (format === 'text' ? translate('publish:modeText') : MODE_LABELS[format]);
/** The variables the Variables tooltip shows: written the same in every language. */
const VARIABLE_EXAMPLES = { examples: '{{now}}, {{uuid}}, {{seq}}, {{random 1 100}}, {{site}}…', escape: '\\{{', open: '{{' };
type Outcome = { kind: 'error'; message: string } | { kind: 'sent'; message: string } | null;
type Side = 'properties' | 'variables' | 'repeat' | 'request' | 'history';
/** How much of the expanded payload the preview shows. */
const PREVIEW_CHARS = 200;

type Expanded = { ok: true; topic: string; text: string; properties?: PublishPropertiesForm } | { ok: false; error: string };

function where(part: string, problem: VariableProblem): string {
  const at = part === translate('publish:parts.payload') ? translate('publish:errors.atLineColumn', { line: String(problem.line), column: String(problem.column) }) : translate('publish:errors.atColumn', { column: String(problem.column) });
  return translate('publish:errors.variablesAt', { part, at, problem: problem.message });
}

class ExpandFailure extends Error {}

/**
 * The topic, payload and MQTT 5 properties with their variables expanded for message number `seq`:
 * the user's and the profile's environment variables (from Collections) under this draft's own list.
 */
function expandMessage(topic: string, text: string, properties: PublishPropertiesForm, variablesText: string, seq: number, inherited: VariableSet[]): Expanded {
  const user = parseUserVariables(variablesText);
  if (!user.ok) return { ok: false, error: translate('publish:errors.variables', { problem: user.problem }) };
  // One clock reading for the whole message, so {{now}} agrees across its parts.
  const now = Date.now();
  const context = { seq, now: () => now, variables: mergeVariables(...inherited, user.variables) };
  const expand = (value: string, part: string) => {
    const result = expandVariables(value, context);
    if (!result.ok) throw new ExpandFailure(where(part, result.problem));
    return result.text;
  };
  try {
    return { ok: true, topic: expand(topic, translate('publish:parts.topic')), text: expand(text, translate('publish:parts.payload')), properties: expandPropertiesForm(properties, expand) };
  } catch (error) {
    if (error instanceof ExpandFailure) return { ok: false, error: error.message };
    throw error;
  }
}

/** The expanded MQTT 5 text properties in the preview, those that are set. */
function PreviewProperties({ form }: { form: PublishPropertiesForm }) {
  const { t } = useTranslation('publish');
  const parts = [
    form.contentType && t('preview.contentType', { value: form.contentType }),
    form.responseTopic && t('preview.responseTopic', { value: form.responseTopic }),
    form.correlationHex && t('preview.correlation', { value: form.correlationHex }),
    ...form.userProperties.filter((p) => p.key !== '' || p.value !== '').map((p) => `${p.key}=${p.value}`),
  ].filter(Boolean);
  if (parts.length === 0) return null;
  return <span data-testid="publish-variables-preview-properties">{` · ${parts.join(' · ')}`}</span>;
}

/** Topics seen on the connection (the topic tree) that continue what is typed; live while the field has focus. */
function TopicSuggestions({ connectionId, prefix }: { connectionId: string; prefix: string }) {
  const suggestions = useTopicSuggestions(connectionId, prefix, TOPIC_SUGGESTIONS);
  return (
    <datalist id="publish-topic-suggestions" data-testid="publish-topic-suggestions">
      {suggestions.map((name) => (
        <option key={name} value={name} />
      ))}
    </datalist>
  );
}

/** Hides the publish form to give the messages and plots its height; the draft is kept. */
export function PublishToggle() {
  const { t } = useTranslation('publish');
  const open = useUiStore((s) => s.publishOpen);
  const setOpen = useUiStore((s) => s.setPublishOpen);
  return (
    <button type="button" className="small" data-testid="publish-toggle" aria-expanded={open} title={open ? t('toggle.hideTitle') : t('toggle.showTitle')} onClick={() => setOpen(!open)}>
      {open ? t('toggle.hide') : t('toggle.show')}
    </button>
  );
}

export function PublishPanel() {
  const { t } = useTranslation('publish');
  const active = useActiveConnection();
  // Each connection has its own draft, kept by who it is across runs (not by this run's id).
  const draftKey = active?.connectionKey ?? '';
  const draft = usePublishDrafts((s) => s.drafts[draftKey]) ?? EMPTY_DRAFT;
  const { topic, qos, retain, mode, payload, properties: propertiesForm, variablesOn, variables: variablesText } = draft;
  const updateDraft = usePublishDrafts((s) => s.update);
  const change = useCallback((next: Partial<PublishDraft>) => updateDraft(draftKey, next), [updateDraft, draftKey]);
  const setTopic = (value: string) => change({ topic: value });
  const setQos = (value: Qos) => change({ qos: value });
  const setRetain = (value: boolean) => change({ retain: value });
  // The mode says how to read the editor's text; switching keeps the text as typed.
  const setMode = (value: PayloadFormat) => change({ mode: value });
  const setPropertiesForm = (value: PublishPropertiesForm) => change({ properties: value });
  const setVariablesOn = (value: boolean) => change({ variablesOn: value });
  const setVariablesText = (value: string) => change({ variables: value });
  // {{seq}}: per connection, one more for each message this page sends with variables (Publish, or Start of a repeat).
  const sequence = useRef<Record<string, number>>({});
  // Bumped as a message takes its number, so the preview shows the next one.
  const [sent, setSent] = useState(0);
  // Ctrl/Cmd+Enter can follow an edit before React re-renders: publish what the editor holds now.
  const latestPayload = useRef({ key: draftKey, text: payload });
  if (latestPayload.current.key !== draftKey) latestPayload.current = { key: draftKey, text: payload };
  // A draft changed from outside the editor (a saved message loaded from Collections) is what Publish sends.
  const draftPayload = useRef(payload);
  if (draftPayload.current !== payload) {
    draftPayload.current = payload;
    latestPayload.current = { key: draftKey, text: payload };
  }
  const onPayloadChange = useCallback(
    (text: string) => {
      latestPayload.current = { key: draftKey, text };
      change({ payload: text });
    },
    [change, draftKey],
  );
  const [sending, setSending] = useState(false);
  // State updates land after the render; the ref stops a double Ctrl+Enter sending twice.
  const inFlight = useRef(false);
  // Said under the draft it came from: another tab's draft does not show it.
  const [said, setOutcome] = useState<{ key: string; outcome: Outcome }>({ key: '', outcome: null });
  const outcome = said.key === draftKey ? said.outcome : null;
  const [side, setSide] = useState<Side>('properties');
  const dark = useDarkMode();
  const isConnected = active?.status === 'connected';
  const v5 = active?.protocolVersion === 5;
  const topicProblem = topic === '' ? null : topicNameProblem(topic);
  const [topicFocused, setTopicFocused] = useState(false);
  // "Encode with rule…" (issue 16): the JSON typed in becomes the rule's bytes; per connection, this page only.
  const [encodeRules, setEncodeRules] = useState<Record<string, string>>({});
  const encodeRuleId = encodeRules[draftKey] || null;
  const profileId = useConnectionsStore((s) => (active ? s.origins[active.connectionId]?.profileId : undefined));
  // The user's variables and the profile's environment (Collections) expand here too, under the draft's own list.
  const collectionsState = useCollectionsStore((s) => s.state);
  const openSave = useCollectionsStore((s) => s.openSave);
  useEffect(startCollections, []);
  const inherited = useMemo(() => {
    const { user, environment } = variablesForProfile(collectionsState, profileId);
    return environment ? [user, environment] : [user];
  }, [collectionsState, profileId]);
  // With variables the rule encodes the expanded text, at Publish (the template itself is rarely valid input).
  const encoding = useRuleEncoding(active?.connectionId, variablesOn ? null : encodeRuleId, payload);
  // What the next message would be, as typed: a new draw of random values and uuids on each edit.
  const preview = useMemo(
    () => (variablesOn ? expandMessage(topic, payload, propertiesForm, variablesText, (sequence.current[draftKey] ?? 0) + 1, inherited) : null),
    [variablesOn, topic, payload, propertiesForm, variablesText, draftKey, sent, inherited],
  );
  // With variables, the properties are checked as they will be sent (a {{uuid}} is not a problem of the form).
  const propertiesCheck = checkProperties(preview?.ok && preview.properties ? preview.properties : propertiesForm);

  /** Expands the variables for the next message and counts it; the plain topic and text when Variables is off. */
  const expandNext = useCallback((): Expanded => {
    const text = latestPayload.current.text;
    if (!variablesOn) return { ok: true, topic, text };
    const seq = (sequence.current[draftKey] ?? 0) + 1;
    const expanded = expandMessage(topic, text, propertiesForm, variablesText, seq, inherited);
    if (expanded.ok) {
      sequence.current[draftKey] = seq;
      setSent((n) => n + 1);
    }
    return expanded;
  }, [variablesOn, topic, propertiesForm, variablesText, draftKey, inherited]);

  /** The message as it would be sent now (topic, payload bytes, QoS, retain, MQTT 5 properties). */
  const prepare = useCallback((encodedNow?: Uint8Array, expandedNow?: Expanded): PreparedMessage => {
    if (!active) return { ok: false, error: t('errors.noConnection') };
    if (variablesOn && encodeRuleId && !encodedNow) {
      return { ok: false, error: t('errors.variablesWithRule') };
    }
    const expanded = expandedNow ?? expandNext();
    if (!expanded.ok) return { ok: false, error: expanded.error };
    const { topic } = expanded;
    const alias = v5 && propertiesCheck.ok && propertiesCheck.properties?.topicAlias !== undefined;
    // With a topic alias already set up, the topic may be empty [MQTT-3.3.2-?]; otherwise it is required.
    const problem = alias && topic === '' ? null : topicNameProblem(topic);
    if (problem) return { ok: false, error: t('errors.topic', { problem }) };
    const { text } = expanded;
    if (encodeRuleId && !encodedNow) {
      // Repeat and request/response take the bytes the rule made of this very text.
      if (encoding.state === 'error' && encoding.text === text) return { ok: false, error: cannotEncode(encoding.message) };
      if (encoding.state !== 'ok' || encoding.text !== text) return { ok: false, error: t('errors.stillEncoding') };
    }
    const encoded = encodedNow ? { ok: true as const, bytes: encodedNow } : encodeRuleId && encoding.state === 'ok' ? { ok: true as const, bytes: encoding.bytes } : encodePayload(text, mode);
    if (!encoded.ok) {
      const { line, column, message } = encoded.problem;
      const error =
        line !== undefined
          ? t('errors.invalidAt', { mode: modeLabel(mode), line: String(line), column: String(column), message })
          : t('errors.invalid', { mode: modeLabel(mode), message });
      return { ok: false, error };
    }
    // The properties as expanded for this very message (each has its own {{seq}} and {{uuid}}).
    const check = expanded.properties ? checkProperties(expanded.properties) : propertiesCheck;
    if (v5 && !check.ok) return { ok: false, error: t('errors.properties', { problems: Object.values(check.problems).join('; ') }) };
    const properties = v5 && check.ok ? check.properties : undefined;
    return { ok: true, message: { connectionId: active.connectionId, topic, payload: encoded.bytes, qos, retain, ...(properties ? { properties } : {}) } };
  }, [active, v5, propertiesCheck, mode, qos, retain, encodeRuleId, encoding, variablesOn, expandNext, t]);

  const publish = useCallback(async () => {
    if (!isConnected || inFlight.current) return;
    let prepared: PreparedMessage;
    if (variablesOn && encodeRuleId && active) {
      const expanded = expandNext();
      const fresh = expanded.ok ? await encodeText(active.connectionId, encodeRuleId, expanded.text) : null;
      prepared = !expanded.ok
        ? { ok: false, error: expanded.error }
        : fresh?.state === 'ok'
          ? prepare(fresh.bytes, expanded)
          : { ok: false, error: fresh?.state === 'error' ? cannotEncode(fresh.message) : t('errors.couldNotEncode') };
    } else prepared = prepare();
    if (!variablesOn && encodeRuleId && active && !(encoding.state === 'ok' && encoding.text === latestPayload.current.text)) {
      // Published before the typed text was encoded: encode it now.
      const fresh = await encodeText(active.connectionId, encodeRuleId, latestPayload.current.text);
      prepared = fresh.state === 'ok' ? prepare(fresh.bytes) : { ok: false, error: fresh.state === 'error' ? cannotEncode(fresh.message) : t('errors.couldNotEncode') };
    }
    if (!prepared.ok) return setOutcome({ key: draftKey, outcome: { kind: 'error', message: prepared.error } });
    const { message } = prepared;
    inFlight.current = true;
    setSending(true);
    const result = await publishMessage(message);
    inFlight.current = false;
    setSending(false);
    // With variables, the history keeps the templates (sent again, they expand anew).
    if (result.ok) usePublishHistory.getState().record({ topic: variablesOn ? topic : message.topic, qos, retain, mode, payload: latestPayload.current.text, properties: propertiesForm, variablesOn });
    setOutcome({
      key: draftKey,
      outcome: result.ok
        ? { kind: 'sent', message: t('published', { bytes: formatNumber(message.payload.byteLength), topic: message.topic }) }
        : { kind: 'error', message: `${result.error.code}: ${describeError(result.error)}` },
    });
  }, [isConnected, prepare, qos, retain, mode, propertiesForm, draftKey, encodeRuleId, active, encoding, variablesOn, expandNext, topic, t]);

  /** Puts a remembered message back in the panel, exactly as it was written. */
  const restoreEntry = useCallback(
    (entry: PublishedEntry) => {
      const { topic: t, qos: q, retain: r, mode: m, payload: p, properties, variablesOn: v } = entry;
      latestPayload.current = { key: draftKey, text: p };
      change({ topic: t, qos: q, retain: r, mode: m, payload: p, properties, variablesOn: v ?? false });
      setOutcome({ key: draftKey, outcome: null });
    },
    [change, draftKey],
  );

  /** Offers the message as typed to Collections' save dialog. */
  const saveToCollection = useCallback(
    (written: Parameters<typeof toTemplate>[0], name: string) => {
      const made = toTemplate(written);
      if (!made.ok) return setOutcome({ key: draftKey, outcome: { kind: 'error', message: made.error } });
      openSave({ template: made.template, name: name || t('bar.messageName') });
    },
    [draftKey, openSave, t],
  );

  const onKeyDown = (event: KeyboardEvent) => {
    // Monaco handles its own Ctrl/Cmd+Enter (and marks the event handled); this covers the inputs.
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.defaultPrevented) {
      event.preventDefault();
      void publish();
    }
  };

  return (
    <div className="publish" onKeyDown={onKeyDown}>
      <div className="publish-bar">
        <input
          className="publish-topic"
          data-testid="publish-topic"
          value={topic}
          placeholder={t('bar.topicPlaceholder')}
          spellCheck={false}
          aria-invalid={topicProblem !== null}
          list="publish-topic-suggestions"
          autoComplete="off"
          onChange={(e) => setTopic(e.target.value)}
          onFocus={() => setTopicFocused(true)}
          onBlur={() => setTopicFocused(false)}
        />
        {topicFocused && active && <TopicSuggestions connectionId={active.connectionId} prefix={topic} />}
        <select data-testid="publish-qos" value={qos} title="QoS" onChange={(e) => setQos(Number(e.target.value) as Qos)}>
          {QOS_LEVELS.map((level) => (
            <option key={level} value={level}>
              QoS {level}
            </option>
          ))}
        </select>
        <label className="checkbox">
          <input data-testid="publish-retain" type="checkbox" checked={retain} onChange={(e) => setRetain(e.target.checked)} />
          {t('bar.retain')}
        </label>
        <div className="segmented" role="group" aria-label={t('bar.payloadMode')}>
          {PAYLOAD_FORMATS.map((format) => (
            <button
              key={format}
              type="button"
              data-testid={`publish-mode-${format}`}
              aria-pressed={mode === format && !encodeRuleId}
              disabled={encodeRuleId !== null}
              title={encodeRuleId ? t('bar.ruleModeTitle') : undefined}
              onClick={() => setMode(format)}
            >
              {modeLabel(format)}
            </button>
          ))}
        </div>
        <label className="checkbox" title={t('bar.variablesTitle', VARIABLE_EXAMPLES)}>
          <input data-testid="publish-variables" type="checkbox" checked={variablesOn} onChange={(e) => setVariablesOn(e.target.checked)} />
          {t('bar.variables')}
        </label>
        <EncodeRulePicker profileId={profileId} ruleId={encodeRuleId} onChange={(ruleId) => setEncodeRules((rules) => ({ ...rules, [draftKey]: ruleId ?? '' }))} />
        <button
          type="button"
          data-testid="publish-save-to-collection"
          title={t('bar.saveTitle')}
          onClick={() => saveToCollection({ topic, qos, retain, mode, payload: latestPayload.current.text, properties: propertiesForm, variablesOn }, topic)}
        >
          {t('bar.save')}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="publish-button"
          title={t('bar.publishTitle')}
          disabled={!isConnected || sending || (topic === '' && propertiesForm.topicAlias === '') || topicProblem !== null || preview?.ok === false}
          onClick={() => void publish()}
        >
          {t('bar.publish')}
        </button>
      </div>
      {topicProblem && (
        <p className="field-problem" data-testid="publish-topic-error">
          {topicProblem}
        </p>
      )}
      <div className="publish-main">
        <Suspense fallback={<div className="payload-editor loading">{t('loadingEditor')}</div>}>
          <PayloadEditor value={payload} language={isJsonEdited(mode) || encodeRuleId ? 'json' : 'plaintext'} dark={dark} onChange={onPayloadChange} onSubmit={() => void publish()} />
        </Suspense>
        <div className="publish-side">
          <Tabs<Side>
            testId="publish-tab"
            active={side}
            onSelect={setSide}
            tabs={[
              { key: 'properties', label: t('tabs.properties'), flagged: !propertiesCheck.ok },
              { key: 'variables', label: t('tabs.variables'), flagged: preview?.ok === false },
              { key: 'repeat', label: t('tabs.repeat') },
              { key: 'request', label: t('tabs.request') },
              { key: 'history', label: t('tabs.history') },
            ]}
          />
          <div className="publish-side-body">
            {side === 'properties' &&
              (v5 || !active ? (
                <PropertiesFields value={propertiesForm} onChange={setPropertiesForm} problems={propertiesCheck.ok ? {} : propertiesCheck.problems} />
              ) : (
                <p className="hint">{t('needV5Properties')}</p>
              ))}
            {side === 'variables' && <VariablesFields value={variablesText} onChange={setVariablesText} on={variablesOn} />}
            {side === 'repeat' && <RepeatControls prepare={() => prepare()} connected={isConnected} variablesOn={variablesOn} />}
            {side === 'request' &&
              (v5 ? <RequestControls prepare={() => prepare()} connected={isConnected} topicReady={topic !== '' && topicProblem === null} /> : <p className="hint">{t('needV5Request')}</p>)}
            {side === 'history' && <PublishHistoryList onUse={restoreEntry} onSave={(entry) => saveToCollection(entry, entry.topic)} />}
          </div>
        </div>
      </div>
      <div className="publish-status">
        {preview?.ok === false && (
          <p className="error-box" role="alert" data-testid="publish-variables-error">
            {preview.error}
          </p>
        )}
        {preview?.ok && (
          <p className="hint publish-variables-preview" data-testid="publish-variables-preview" title={t('preview.title')}>
            <span data-testid="publish-variables-preview-topic">{preview.topic}</span>
            {' · '}
            <span data-testid="publish-variables-preview-payload">
              {preview.text.length > PREVIEW_CHARS ? `${preview.text.slice(0, PREVIEW_CHARS)}…` : preview.text}
            </span>
            {v5 && preview.properties && <PreviewProperties form={preview.properties} />}
          </p>
        )}
        <RuleEncodingStatus encoding={encoding} />
        {outcome?.kind === 'error' && (
          <p className="error-box" role="alert" data-testid="publish-error">
            {outcome.message}
          </p>
        )}
        {outcome?.kind === 'sent' && (
          <p className="muted" data-testid="publish-result">
            {outcome.message}
          </p>
        )}
        {isEmptyPayloadText(payload, mode) && (mode !== 'text' || retain) && (
          <p className="hint" data-testid="publish-empty-hint">
            {mode === 'text' ? t('empty.text') : t('empty.mode', { mode: modeLabel(mode) })}
            {retain ? t('empty.retainClears') : t('empty.retainWouldClear')}
          </p>
        )}
        {payloadTooLongToKeep(payload) && (
          <p className="hint" data-testid="publish-draft-too-long">
            {t('tooLong', { size: formatNumber(DRAFT_PAYLOAD_LIMIT / 1024) })}
          </p>
        )}
        {!isConnected && <p className="hint">{t('connectHint')}</p>}
      </div>
    </div>
  );
}
