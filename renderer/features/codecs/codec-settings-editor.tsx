import { useMemo, useState } from 'react';
import {
  CONTENT_ENCODINGS,
  type CodecFormatKind,
  type CodecRule,
  type CodecSchema,
  type CodecSettings,
  type ContentEncoding,
  TYPED_VIEW_TYPES,
  type TypedViewType,
} from '../../../shared/contract/codec-rules';
import { topicFilterProblem } from '../../../shared/mqtt/topic';
import type { RuleSeed } from '../../stores/codecs-store';
import { FORMAT_KINDS, LAYOUT_HINT, describeFormat, formatName, formatOfKind, newId, ruleProblem } from './rule-model';
import { translate, useTranslation } from '../../ui/i18n';
import { type SchemaChecks, SchemaList, useSchemaChecks } from './schema-list';

/** Encoding names: the algorithms' own; only "none" is a word to translate. */
const ENCODING_NAMES: Record<Exclude<ContentEncoding, 'none'>, string> = { gzip: 'gzip', deflate: 'deflate', brotli: 'Brotli' };
const encodingName = (encoding: ContentEncoding) => (encoding === 'none' ? translate('codecs:encodingNone') : ENCODING_NAMES[encoding]);
/** The kind of schema each schema-using format picks from. */
const SCHEMA_KIND_OF: Record<'protobuf' | 'avro' | 'script', CodecSchema['kind']> = { protobuf: 'protobuf', avro: 'avro', script: 'javascript' };
/** A binary layout's example: the layout language reads the same in every language. */
const LAYOUT_PLACEHOLDER = 'u16be temperature; i32le pressure; f32le accel[3]; u8 flags:bits(4)';

/** A new rule for a filter (the seed's when made from a message). */
function newRule(settings: CodecSettings, seed?: RuleSeed): CodecRule {
  const filter = seed?.filter ?? '';
  return {
    id: newId(filter ? `rule-${filter.replace(/[+#/]+/g, '-')}` : 'rule', settings.rules.map((r) => r.id)),
    name: '',
    enabled: true,
    filter,
    ...(seed?.contentType ? { contentType: seed.contentType } : {}),
    encoding: 'none',
    format: { kind: 'auto' },
  };
}

interface RuleFormProps {
  rule: CodecRule;
  schemas: CodecSchema[];
  checks: SchemaChecks;
  /** Filters offered for a rule made from a message. */
  filterChoices?: string[];
  onChange(rule: CodecRule): void;
}

/** One rule's fields: what it matches, how the payload is wrapped, and what it is. */
function RuleForm({ rule, schemas, checks, filterChoices, onChange }: RuleFormProps) {
  const { t } = useTranslation('codecs');
  const set = (change: Partial<CodecRule>) => onChange({ ...rule, ...change });
  const format = rule.format;
  const filterProblem = rule.filter === '' ? t('problem.filterRequired') : topicFilterProblem(rule.filter);
  const schemasOf = (kind: CodecSchema['kind']) => schemas.filter((s) => s.kind === kind);
  const jsonSchemas = schemasOf('json-schema');
  const messageTypes = format.kind === 'protobuf' ? (checks[format.schemaId]?.result?.messageTypes ?? []) : [];
  return (
    <div className="codec-rule-form" data-testid="codec-rule-form" data-rule-id={rule.id}>
      <label>
        {t('rule.name')}
        <input data-testid="codec-rule-name" value={rule.name} placeholder={t('rule.namePlaceholder')} maxLength={200} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        {t('rule.filter')}
        <input data-testid="codec-rule-filter" value={rule.filter} placeholder={t('rule.filterPlaceholder')} spellCheck={false} aria-invalid={filterProblem !== null} onChange={(e) => set({ filter: e.target.value })} />
        {filterProblem && (
          <span className="field-problem" data-testid="codec-rule-filter-problem">
            {filterProblem}
          </span>
        )}
      </label>
      {filterChoices && filterChoices.length > 1 && (
        <div className="codec-filter-choices" data-testid="codec-filter-choices">
          <span className="muted">{t('rule.likeThis')}</span>
          {filterChoices.map((choice) => (
            <button key={choice} type="button" className="small" aria-pressed={rule.filter === choice} data-testid="codec-filter-choice" onClick={() => set({ filter: choice })}>
              {choice}
            </button>
          ))}
        </div>
      )}
      <label>
        {t('rule.contentType')}
        <input
          data-testid="codec-rule-content-type"
          value={rule.contentType ?? ''}
          placeholder={t('rule.contentTypePlaceholder')}
          spellCheck={false}
          onChange={(e) => {
            const { contentType: _omit, ...rest } = rule;
            onChange(e.target.value.trim() ? { ...rest, contentType: e.target.value } : rest);
          }}
        />
      </label>
      <label>
        {t('rule.encoding')}
        <select data-testid="codec-rule-encoding" value={rule.encoding} onChange={(e) => set({ encoding: e.target.value as ContentEncoding })}>
          {CONTENT_ENCODINGS.map((encoding) => (
            <option key={encoding} value={encoding}>
              {encodingName(encoding)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('rule.format')}
        <select data-testid="codec-rule-format" value={format.kind} onChange={(e) => set({ format: formatOfKind(e.target.value as CodecFormatKind, schemas, format) })}>
          {FORMAT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {formatName(kind)}
            </option>
          ))}
        </select>
      </label>
      {(format.kind === 'protobuf' || format.kind === 'avro' || format.kind === 'script') && (
        <label>
          {format.kind === 'script' ? t('rule.script') : t('rule.schema')}
          <select data-testid="codec-rule-schema" value={format.schemaId} onChange={(e) => set({ format: format.kind === 'protobuf' ? { ...format, schemaId: e.target.value, messageType: '' } : { ...format, schemaId: e.target.value } })}>
            <option value="">{format.kind === 'script' ? t('rule.pickScript') : t('rule.pickSchema')}</option>
            {schemasOf(SCHEMA_KIND_OF[format.kind]).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {format.kind === 'protobuf' && (
        <label>
          {t('rule.messageType')}
          <select data-testid="codec-rule-message-type" value={format.messageType} onChange={(e) => set({ format: { ...format, messageType: e.target.value } })}>
            <option value="">{format.schemaId && !checks[format.schemaId]?.result ? t('rule.readingSchema') : t('rule.pickMessageType')}</option>
            {/* A saved type the schema no longer lists stays visible, so it is not silently lost. */}
            {format.messageType && !messageTypes.includes(format.messageType) && <option value={format.messageType}>{t('rule.notInSchema', { type: format.messageType })}</option>}
            {messageTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
      )}
      {format.kind === 'avro' && (
        <label>
          {t('rule.wire')}
          <select data-testid="codec-rule-avro-wire" value={format.wire} onChange={(e) => set({ format: { ...format, wire: e.target.value as 'datum' | 'confluent' } })}>
            <option value="datum">{t('rule.wireDatum')}</option>
            <option value="confluent">{t('rule.wireConfluent')}</option>
          </select>
        </label>
      )}
      {format.kind === 'layout' && (
        <label className="codec-wide">
          {t('rule.layout')}
          <textarea data-testid="codec-rule-layout" rows={3} spellCheck={false} value={format.layout} placeholder={LAYOUT_PLACEHOLDER} onChange={(e) => set({ format: { ...format, layout: e.target.value } })} />
          <span className="field-hint codec-layout-help" data-testid="codec-layout-help">{LAYOUT_HINT}</span>
        </label>
      )}
      {format.kind === 'typed' && (
        <>
          <label>
            {t('rule.numberType')}
            <select data-testid="codec-rule-typed-type" value={format.type} onChange={(e) => set({ format: { ...format, type: e.target.value as TypedViewType } })}>
              {TYPED_VIEW_TYPES.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('rule.byteOrder')}
            <select data-testid="codec-rule-typed-endian" value={format.littleEndian ? 'le' : 'be'} onChange={(e) => set({ format: { ...format, littleEndian: e.target.value === 'le' } })}>
              <option value="be">{t('rule.bigEndian')}</option>
              <option value="le">{t('rule.littleEndian')}</option>
            </select>
          </label>
        </>
      )}
      <label>
        {t('rule.jsonSchema')}
        <select
          data-testid="codec-rule-json-schema"
          value={rule.jsonSchemaId ?? ''}
          onChange={(e) => {
            const { jsonSchemaId: _omit, ...rest } = rule;
            onChange(e.target.value ? { ...rest, jsonSchemaId: e.target.value } : rest);
          }}
        >
          <option value="">{t('rule.none')}</option>
          {jsonSchemas.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

interface CodecSettingsEditorProps {
  value: CodecSettings;
  onChange(value: CodecSettings): void;
  /** The rule selected when the editor opens (one "Decode messages like this with…" added). */
  initialRuleId?: string;
  /** Filters offered for that rule (the message's topic and its wildcarded parents). */
  filterChoices?: string[];
  /** Shown above the list: whose rules these are. */
  scopeNote?: string;
}

/**
 * The ordered codec rules and the schemas they use. The first enabled rule whose filter matches a
 * message decodes it, so order matters: up and down move a rule.
 */
export function CodecSettingsEditor({ value, onChange, initialRuleId, filterChoices, scopeNote }: CodecSettingsEditorProps) {
  const { t } = useTranslation('codecs');
  const [selectedId, setSelectedId] = useState<string | null>(initialRuleId ?? null);
  const checks = useSchemaChecks(value.schemas);
  const usedIds = useMemo(() => {
    const used = new Set<string>();
    for (const rule of value.rules) {
      if (rule.format.kind === 'protobuf' || rule.format.kind === 'avro' || rule.format.kind === 'script') used.add(rule.format.schemaId);
      if (rule.jsonSchemaId) used.add(rule.jsonSchemaId);
    }
    return used;
  }, [value.rules]);
  const rules = value.rules;
  const selected = rules.find((r) => r.id === selectedId);

  const setRules = (next: CodecRule[]) => onChange({ ...value, rules: next });
  const move = (index: number, by: number) => {
    const next = [...rules];
    const [rule] = next.splice(index, 1);
    next.splice(index + by, 0, rule!);
    setRules(next);
  };
  const add = () => {
    const rule = newRule(value);
    setRules([...rules, rule]);
    setSelectedId(rule.id);
  };

  return (
    <div className="codec-editor" data-testid="codec-editor">
      <section className="codec-rules">
        <header className="codec-section-header">
          <h3>{t('editor.rules')}</h3>
          <span className="muted">{scopeNote ?? t('editor.firstMatch')}</span>
          <button type="button" className="small" data-testid="codec-rule-add" onClick={add}>
            {t('editor.addRule')}
          </button>
        </header>
        {rules.length === 0 ? (
          <p className="muted" data-testid="codec-rules-empty">
            {t('editor.noRules')}
          </p>
        ) : (
          <ol className="codec-rule-list">
            {rules.map((rule, index) => {
              const problem = ruleProblem(rule, value.schemas);
              const label = rule.name || rule.filter || t('editor.newRule');
              return (
                <li
                  key={rule.id}
                  className={`codec-rule-row${rule.id === selectedId ? ' selected' : ''}${rule.enabled ? '' : ' disabled'}`}
                  data-testid="codec-rule"
                  data-rule-id={rule.id}
                  data-filter={rule.filter}
                  onClick={() => setSelectedId(rule.id)}
                >
                  <input
                    type="checkbox"
                    checked={rule.enabled}
                    aria-label={t('editor.use', { label })}
                    data-testid="codec-rule-enabled"
                    onClick={(e) => e.stopPropagation()}
                    onChange={(e) => setRules(rules.map((r) => (r.id === rule.id ? { ...r, enabled: e.target.checked } : r)))}
                  />
                  <span className="codec-rule-filter">{rule.filter || t('editor.noFilter')}</span>
                  {rule.name && <span className="codec-rule-name">{rule.name}</span>}
                  <span className="muted codec-rule-format" data-testid="codec-rule-summary">
                    {describeFormat(rule, value.schemas)}
                  </span>
                  {problem && (
                    <span className="field-problem" data-testid="codec-rule-problem">
                      {problem}
                    </span>
                  )}
                  <span className="codec-rule-actions">
                    <button type="button" className="icon-button" aria-label={t('editor.moveUp', { label })} title={t('editor.moveUpTitle')} data-testid="codec-rule-up" disabled={index === 0} onClick={(e) => (e.stopPropagation(), move(index, -1))}>
                      ↑
                    </button>
                    <button type="button" className="icon-button" aria-label={t('editor.moveDown', { label })} title={t('editor.moveDownTitle')} data-testid="codec-rule-down" disabled={index === rules.length - 1} onClick={(e) => (e.stopPropagation(), move(index, 1))}>
                      ↓
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={t('editor.delete', { label })}
                      title={t('editor.deleteTitle')}
                      data-testid="codec-rule-delete"
                      onClick={(e) => {
                        e.stopPropagation();
                        setRules(rules.filter((r) => r.id !== rule.id));
                        if (selectedId === rule.id) setSelectedId(null);
                      }}
                    >
                      ×
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
        )}
      </section>
      {selected && (
        <RuleForm
          key={selected.id}
          rule={selected}
          schemas={value.schemas}
          checks={checks}
          {...(filterChoices && selected.id === initialRuleId ? { filterChoices } : {})}
          onChange={(rule) => setRules(rules.map((r) => (r.id === rule.id ? rule : r)))}
        />
      )}
      <SchemaList schemas={value.schemas} checks={checks} usedIds={usedIds} onChange={(schemas) => onChange({ ...value, schemas })} />
    </div>
  );
}

/**
 * The settings with a rule made from a message, and that rule's id. It goes first: the first
 * matching rule wins, and a rule made from a message is meant to decode that message.
 */
export function withSeededRule(settings: CodecSettings, seed: RuleSeed): { settings: CodecSettings; ruleId: string } {
  const rule = newRule(settings, seed);
  return { settings: { ...settings, rules: [rule, ...settings.rules] }, ruleId: rule.id };
}

/** Rules that cannot be saved as they are, by rule, for the dialog's Save. */
export function settingsProblems(settings: CodecSettings): string[] {
  const problems: string[] = [];
  for (const rule of settings.rules) {
    const problem = rule.filter === '' ? translate('codecs:problem.filterRequired') : (topicFilterProblem(rule.filter) ?? ruleProblem(rule, settings.schemas));
    if (problem) problems.push(`${rule.name || rule.filter || rule.id}: ${problem}`);
  }
  return problems;
}
