import type { CodecProblem, CodecRule, CodecSchema, CodecSettings, DecodedPayload, SchemaViolation } from '../../../shared/contract/codec-rules';
import { CodecError, problemOf } from '../../../shared/codecs/codec-error';
import { CODEC_MODULES, type CodecModules, type CompiledAvro, type CompiledLayout, type CompiledProtobuf, type CompiledScript, type ScriptMessageSource } from './codec-modules';
import { type DecodeOptions, type EncodeOutcome, decodeWithRule, encodeWithRule } from './decode-with-rule';
import { createRuleMatcher } from './rule-matcher';

/** A rule as an engine holds it: where it came from decides which schemas it sees. */
export interface CompiledRule {
  rule: CodecRule;
  /** A profile's rule sees the profile's schemas, then the global ones; a global rule only the global ones. */
  scope: 'profile' | 'global';
}

/**
 * What a rule's decoder needs beyond the bytes: its schemas compiled (once per engine, on first
 * use) and the codec modules. Each getter throws a CodecError with a code when it cannot serve.
 */
export interface RuleResources {
  modules: CodecModules;
  protobuf(rule: CompiledRule, schemaId: string): CompiledProtobuf;
  avro(rule: CompiledRule, schemaId: string): CompiledAvro;
  /** The Avro schema the user mapped a Confluent registry id to, seen from this rule. */
  avroByRegistryId(rule: CompiledRule, registryId: number): { schema: CodecSchema; compiled: CompiledAvro } | undefined;
  /** The registry ids the rule's own schema stands for (the first is written when encoding). */
  registryIds(rule: CompiledRule, schemaId: string): number[];
  jsonSchema(rule: CompiledRule, schemaId: string): (value: unknown) => SchemaViolation[];
  layout(rule: CompiledRule): CompiledLayout;
  script(rule: CompiledRule, schemaId: string): CompiledScript;
}

export interface CodecEngine {
  /** The profile's rules, then the global ones, in order (disabled ones included). */
  readonly rules: readonly CompiledRule[];
  /** True when no rule is enabled: nothing to match. */
  readonly idle: boolean;
  match(topic: string, contentType?: string): CompiledRule | undefined;
  /** A rule by id (the profile's first). */
  rule(id: string): CompiledRule | undefined;
  decode(rule: CompiledRule, bytes: Uint8Array, options?: DecodeOptions): DecodedPayload;
  /** `message`: what a script rule's encode(value, message) is told (the topic published to). */
  encode(rule: CompiledRule, text: string, message?: ScriptMessageSource): EncodeOutcome;
}

export interface EngineSettings {
  /** The profile's own settings; absent for an ad-hoc connection (global rules only). */
  profile?: CodecSettings | undefined;
  global: CodecSettings;
  modules?: CodecModules;
}

const KIND_NAMES = { protobuf: 'Protobuf', avro: 'Avro', 'json-schema': 'JSON Schema', javascript: 'JavaScript' } as const;

function unavailable(what: string): CodecError {
  return new CodecError(`${what} is not available in this build yet`, { code: 'CODEC_FORMAT_UNAVAILABLE' });
}

/** Compiles one schema with the modules given; throws a CodecError (file/line/column when the codec knows them). */
export function compileSchema(schema: CodecSchema, modules: CodecModules): CompiledProtobuf | CompiledAvro | ((value: unknown) => SchemaViolation[]) | CompiledScript {
  const first = schema.files[0]!;
  switch (schema.kind) {
    case 'protobuf':
      if (!modules.protobuf) throw unavailable('Protobuf');
      return modules.protobuf(schema.files);
    case 'avro':
      if (!modules.avro) throw unavailable('Avro');
      return modules.avro.compile(first);
    case 'json-schema':
      if (!modules.jsonSchema) throw unavailable('JSON Schema checking');
      return modules.jsonSchema(first);
    case 'javascript':
      if (!modules.script) throw unavailable('Scripts');
      return modules.script(first);
  }
}

/**
 * A profile's codec settings and the global ones as one engine: rules in order (the profile's
 * first), matched with a bounded per-topic cache; each schema compiled once, on first use, so a
 * broken schema only makes the rules that use it report its problem while the others work.
 */
export function compileCodecRules({ profile, global, modules = CODEC_MODULES }: EngineSettings): CodecEngine {
  const rules: CompiledRule[] = [...(profile?.rules ?? []).map((rule) => ({ rule, scope: 'profile' as const })), ...global.rules.map((rule) => ({ rule, scope: 'global' as const }))];
  const schemas = {
    profile: new Map((profile?.schemas ?? []).map((schema) => [schema.id, schema])),
    global: new Map(global.schemas.map((schema) => [schema.id, schema])),
  };
  const compiled = new Map<CodecSchema, { ok: true; value: unknown } | { ok: false; error: CodecError }>();
  const layouts = new Map<CompiledRule, { ok: true; value: CompiledLayout } | { ok: false; error: CodecError }>();
  const matcher = createRuleMatcher(rules);

  function schemaOf(rule: CompiledRule, id: string, kind: CodecSchema['kind']): CodecSchema {
    const schema = (rule.scope === 'profile' ? schemas.profile.get(id) : undefined) ?? schemas.global.get(id);
    if (!schema) throw new CodecError(`Rule "${rule.rule.name || rule.rule.id}" names schema "${id}", which is not there`, { code: 'CODEC_SCHEMA_UNKNOWN' });
    if (schema.kind !== kind) throw new CodecError(`Schema "${schema.name}" is ${KIND_NAMES[schema.kind]}, not ${KIND_NAMES[kind]}`, { code: 'CODEC_SCHEMA_UNKNOWN' });
    return schema;
  }

  function compiledSchema<T>(schema: CodecSchema): T {
    let entry = compiled.get(schema);
    if (!entry) {
      try {
        entry = { ok: true, value: compileSchema(schema, modules) };
      } catch (error) {
        const problem = problemOf(error);
        entry = { ok: false, error: error instanceof CodecError && error.where.code ? error : new CodecError(`Schema "${schema.name}" does not compile: ${problem.message}`, { ...problem, code: 'CODEC_SCHEMA_INVALID' }) };
        // A codec that is not there yet (the script sandbox still loading) is asked again next time.
        if (problem.code === 'CODEC_FORMAT_UNAVAILABLE') throw entry.error;
      }
      compiled.set(schema, entry);
    }
    if (!entry.ok) throw entry.error;
    return entry.value as T;
  }

  const resources: RuleResources = {
    modules,
    protobuf: (rule, id) => compiledSchema<CompiledProtobuf>(schemaOf(rule, id, 'protobuf')),
    avro: (rule, id) => compiledSchema<CompiledAvro>(schemaOf(rule, id, 'avro')),
    avroByRegistryId(rule, registryId) {
      const visible = rule.scope === 'profile' ? [...schemas.profile.values(), ...schemas.global.values()] : [...schemas.global.values()];
      const schema = visible.find((candidate) => candidate.kind === 'avro' && candidate.registryIds?.includes(registryId));
      return schema ? { schema, compiled: compiledSchema<CompiledAvro>(schema) } : undefined;
    },
    registryIds: (rule, id) => schemaOf(rule, id, 'avro').registryIds ?? [],
    jsonSchema: (rule, id) => compiledSchema<(value: unknown) => SchemaViolation[]>(schemaOf(rule, id, 'json-schema')),
    script: (rule, id) => compiledSchema<CompiledScript>(schemaOf(rule, id, 'javascript')),
    layout(rule) {
      let entry = layouts.get(rule);
      if (!entry) {
        const text = rule.rule.format.kind === 'layout' ? rule.rule.format.layout : '';
        try {
          if (!modules.layout) throw unavailable('Binary layouts');
          entry = { ok: true, value: modules.layout(text) };
        } catch (error) {
          entry = { ok: false, error: error instanceof CodecError ? error : new CodecError(problemOf(error).message) };
        }
        layouts.set(rule, entry);
      }
      if (!entry.ok) throw entry.error;
      return entry.value;
    },
  };

  return {
    rules,
    idle: !rules.some((entry) => entry.rule.enabled),
    match: (topic, contentType) => matcher.match(topic, contentType),
    rule: (id) => rules.find((entry) => entry.rule.id === id),
    decode: (rule, bytes, options = {}) => decodeWithRule(resources, rule, bytes, options),
    encode: (rule, text, message) => encodeWithRule(resources, rule, text, message),
  };
}

/** Frees what a compiled schema holds outside the JavaScript heap (a script's sandbox), for checks that compile and drop. */
export function releaseCompiled(schema: CodecSchema, compiled: unknown): void {
  if (schema.kind === 'javascript') (compiled as CompiledScript).dispose();
}

/** A problem as one line a person can act on: `telemetry.proto:12:5: ...`. */
export function describeProblem(problem: CodecProblem): string {
  const where = problem.file ? `${problem.file}${problem.line !== undefined ? `:${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''}` : ''}: ` : '';
  return `${where}${problem.message}`;
}

/**
 * Why these settings cannot be saved, one line each (empty: they can): ids used twice, a rule
 * naming a schema that is missing or of another kind, a schema that does not compile (file, line
 * and column), a Protobuf message type the schema lacks, a layout that does not parse. Formats this
 * build cannot decode yet are kept (their rules report CODEC_FORMAT_UNAVAILABLE when used).
 * `fallback`: the global schemas a profile's rules may also name.
 */
export function codecSettingsProblems(settings: CodecSettings, { modules = CODEC_MODULES, fallback }: { modules?: CodecModules; fallback?: CodecSettings } = {}): string[] {
  const problems: string[] = [];
  const duplicates = (ids: string[]) => ids.filter((id, index) => ids.indexOf(id) !== index);
  for (const id of new Set(duplicates(settings.rules.map((r) => r.id)))) problems.push(`Two rules have the id "${id}"`);
  for (const id of new Set(duplicates(settings.schemas.map((s) => s.id)))) problems.push(`Two schemas have the id "${id}"`);
  const compiled = new Map<string, unknown>();
  for (const schema of settings.schemas) {
    try {
      compiled.set(schema.id, compileSchema(schema, modules));
    } catch (error) {
      const problem = problemOf(error);
      if (problem.code === 'CODEC_FORMAT_UNAVAILABLE') continue;
      problems.push(`Schema "${schema.name}" does not compile: ${describeProblem(problem)}`);
    }
  }
  const find = (id: string) => settings.schemas.find((s) => s.id === id) ?? fallback?.schemas.find((s) => s.id === id);
  for (const rule of settings.rules) {
    const label = `Rule "${rule.name || rule.id}"`;
    const format = rule.format;
    const wanted: { id: string; kind: CodecSchema['kind'] }[] = [];
    if (format.kind === 'protobuf' || format.kind === 'avro') wanted.push({ id: format.schemaId, kind: format.kind });
    if (format.kind === 'script') wanted.push({ id: format.schemaId, kind: 'javascript' });
    if (rule.jsonSchemaId !== undefined) wanted.push({ id: rule.jsonSchemaId, kind: 'json-schema' });
    for (const { id, kind } of wanted) {
      const schema = find(id);
      if (!schema) problems.push(`${label} names schema "${id}", which is not there`);
      else if (schema.kind !== kind) problems.push(`${label} needs a ${KIND_NAMES[kind]} schema; "${schema.name}" is ${KIND_NAMES[schema.kind]}`);
    }
    if (format.kind === 'protobuf') {
      const schema = find(format.schemaId);
      let types: string[] | undefined;
      if (schema?.kind === 'protobuf') {
        if (compiled.has(schema.id)) types = (compiled.get(schema.id) as CompiledProtobuf).messageTypes;
        else if (!settings.schemas.includes(schema)) {
          try {
            types = (compileSchema(schema, modules) as CompiledProtobuf).messageTypes;
          } catch {
            // The global schema's own problem is the global settings' to report.
          }
        }
      }
      if (types && !types.includes(format.messageType)) {
        problems.push(`${label}: schema "${schema!.name}" has no message type ${format.messageType}${types.length > 0 ? ` (it has ${types.slice(0, 5).join(', ')}${types.length > 5 ? ', ...' : ''})` : ''}`);
      }
    }
    if (format.kind === 'layout' && modules.layout) {
      try {
        modules.layout(format.layout);
      } catch (error) {
        problems.push(`${label}: the layout does not parse: ${describeProblem(problemOf(error))}`);
      }
    }
  }
  for (const schema of settings.schemas) if (compiled.has(schema.id)) releaseCompiled(schema, compiled.get(schema.id));
  return problems;
}
