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
import { FORMAT_KINDS, FORMAT_NAMES, LAYOUT_HINT, describeFormat, formatOfKind, newId, ruleProblem } from './rule-model';
import { type SchemaChecks, SchemaList, useSchemaChecks } from './schema-list';


const ENCODING_NAMES: Record<ContentEncoding, string> = { none: 'None', gzip: 'gzip', deflate: 'deflate', brotli: 'Brotli' };

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
  const set = (change: Partial<CodecRule>) => onChange({ ...rule, ...change });
  const format = rule.format;
  const filterProblem = rule.filter === '' ? 'A topic filter is required' : topicFilterProblem(rule.filter);
  const schemasOf = (kind: CodecSchema['kind']) => schemas.filter((s) => s.kind === kind);
  const messageTypes = format.kind === 'protobuf' ? (checks[format.schemaId]?.result?.messageTypes ?? []) : [];
  return (
    <div className="codec-rule-form" data-testid="codec-rule-form" data-rule-id={rule.id}>
      <label>
        Name
        <input data-testid="codec-rule-name" value={rule.name} placeholder="e.g. Line telemetry" maxLength={200} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        Topic filter
        <input data-testid="codec-rule-filter" value={rule.filter} placeholder="e.g. factory/+/telemetry" spellCheck={false} aria-invalid={filterProblem !== null} onChange={(e) => set({ filter: e.target.value })} />
        {filterProblem && (
          <span className="field-problem" data-testid="codec-rule-filter-problem">
            {filterProblem}
          </span>
        )}
      </label>
      {filterChoices && filterChoices.length > 1 && (
        <div className="codec-filter-choices" data-testid="codec-filter-choices">
          <span className="muted">Messages like this:</span>
          {filterChoices.map((choice) => (
            <button key={choice} type="button" className="small" aria-pressed={rule.filter === choice} data-testid="codec-filter-choice" onClick={() => set({ filter: choice })}>
              {choice}
            </button>
          ))}
        </div>
      )}
      <label>
        Content type (optional)
        <input
          data-testid="codec-rule-content-type"
          value={rule.contentType ?? ''}
          placeholder="MQTT 5 Content Type it must carry, e.g. application/x-protobuf"
          spellCheck={false}
          onChange={(e) => {
            const { contentType: _omit, ...rest } = rule;
            onChange(e.target.value.trim() ? { ...rest, contentType: e.target.value } : rest);
          }}
        />
      </label>
      <label>
        Content encoding
        <select data-testid="codec-rule-encoding" value={rule.encoding} onChange={(e) => set({ encoding: e.target.value as ContentEncoding })}>
          {CONTENT_ENCODINGS.map((encoding) => (
            <option key={encoding} value={encoding}>
              {ENCODING_NAMES[encoding]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Format
        <select data-testid="codec-rule-format" value={format.kind} onChange={(e) => set({ format: formatOfKind(e.target.value as CodecFormatKind, schemas, format) })}>
          {FORMAT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {FORMAT_NAMES[kind]}
            </option>
          ))}
        </select>
      </label>
      {(format.kind === 'protobuf' || format.kind === 'avro') && (
        <label>
          Schema
          <select data-testid="codec-rule-schema" value={format.schemaId} onChange={(e) => set({ format: format.kind === 'protobuf' ? { ...format, schemaId: e.target.value, messageType: '' } : { ...format, schemaId: e.target.value } })}>
            <option value="">Pick a schema…</option>
            {schemasOf(format.kind).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {format.kind === 'protobuf' && (
        <label>
          Message type
          <select data-testid="codec-rule-message-type" value={format.messageType} onChange={(e) => set({ format: { ...format, messageType: e.target.value } })}>
            <option value="">{format.schemaId && !checks[format.schemaId]?.result ? 'Reading the schema…' : 'Pick a message type…'}</option>
            {/* A saved type the schema no longer lists stays visible, so it is not silently lost. */}
            {format.messageType && !messageTypes.includes(format.messageType) && <option value={format.messageType}>{format.messageType} (not in the schema)</option>}
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
          Wire format
          <select data-testid="codec-rule-avro-wire" value={format.wire} onChange={(e) => set({ format: { ...format, wire: e.target.value as 'datum' | 'confluent' } })}>
            <option value="datum">Single datum (bare binary)</option>
            <option value="confluent">Confluent (magic byte + schema id)</option>
          </select>
        </label>
      )}
      {format.kind === 'layout' && (
        <label className="codec-wide">
          Layout
          <textarea data-testid="codec-rule-layout" rows={3} spellCheck={false} value={format.layout} placeholder="u16be temperature; i32le pressure; f32le accel[3]; u8 flags:bits(4)" onChange={(e) => set({ format: { ...format, layout: e.target.value } })} />
          <span className="field-hint codec-layout-help" data-testid="codec-layout-help">{LAYOUT_HINT}</span>
        </label>
      )}
      {format.kind === 'typed' && (
        <>
          <label>
            Number type
            <select data-testid="codec-rule-typed-type" value={format.type} onChange={(e) => set({ format: { ...format, type: e.target.value as TypedViewType } })}>
              {TYPED_VIEW_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            Byte order
            <select data-testid="codec-rule-typed-endian" value={format.littleEndian ? 'le' : 'be'} onChange={(e) => set({ format: { ...format, littleEndian: e.target.value === 'le' } })}>
              <option value="be">Big endian</option>
              <option value="le">Little endian</option>
            </select>
          </label>
        </>
      )}
      <label>
        JSON Schema check (optional)
        <select
          data-testid="codec-rule-json-schema"
          value={rule.jsonSchemaId ?? ''}
          onChange={(e) => {
            const { jsonSchemaId: _omit, ...rest } = rule;
            onChange(e.target.value ? { ...rest, jsonSchemaId: e.target.value } : rest);
          }}
        >
          <option value="">None</option>
          {schemasOf('json-schema').map((s) => (
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
  const [selectedId, setSelectedId] = useState<string | null>(initialRuleId ?? null);
  const checks = useSchemaChecks(value.schemas);
  const usedIds = useMemo(() => {
    const used = new Set<string>();
    for (const rule of value.rules) {
      if (rule.format.kind === 'protobuf' || rule.format.kind === 'avro') used.add(rule.format.schemaId);
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
          <h3>Rules</h3>
          <span className="muted">{scopeNote ?? 'The first enabled rule whose filter matches decodes a message.'}</span>
          <button type="button" className="small" data-testid="codec-rule-add" onClick={add}>
            Add rule
          </button>
        </header>
        {rules.length === 0 ? (
          <p className="muted" data-testid="codec-rules-empty">
            No rules: payloads are shown as JSON, text or hex, whichever fits.
          </p>
        ) : (
          <ol className="codec-rule-list">
            {rules.map((rule, index) => {
              const problem = ruleProblem(rule, value.schemas);
              const label = rule.name || rule.filter || '(new rule)';
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
                    aria-label={`Use rule ${label}`}
                    data-testid="codec-rule-enabled"
                    onClick={(e) => e.stopPropagation()}
                    onChange={(e) => setRules(rules.map((r) => (r.id === rule.id ? { ...r, enabled: e.target.checked } : r)))}
                  />
                  <span className="codec-rule-filter">{rule.filter || '(no filter)'}</span>
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
                    <button type="button" className="icon-button" aria-label={`Move ${label} up`} title="Earlier (matched first)" data-testid="codec-rule-up" disabled={index === 0} onClick={(e) => (e.stopPropagation(), move(index, -1))}>
                      ↑
                    </button>
                    <button type="button" className="icon-button" aria-label={`Move ${label} down`} title="Later" data-testid="codec-rule-down" disabled={index === rules.length - 1} onClick={(e) => (e.stopPropagation(), move(index, 1))}>
                      ↓
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={`Delete rule ${label}`}
                      title="Delete this rule"
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
    const problem = rule.filter === '' ? 'A topic filter is required' : (topicFilterProblem(rule.filter) ?? ruleProblem(rule, settings.schemas));
    if (problem) problems.push(`${rule.name || rule.filter || rule.id}: ${problem}`);
  }
  return problems;
}
