/**
 * JSON Schema checks for codec rules (issue 16), with ajv: a schema per rule, compiled once; each
 * decoded value checked gives the failing paths and keywords the list and tree mark.
 *
 * - The draft follows `$schema`: 2020-12 (also when absent), 2019-09, draft-07 and draft-06.
 *   Draft-04 and older are refused with a hint: ajv 8 does not implement them, and reading them as
 *   draft-07 would silently change `exclusiveMaximum` and `id`.
 * - `strict: false`: device schemas often carry keywords of their own (`unit`, `x-...`).
 * - `format` is an annotation, not checked: 2020-12 makes it annotation-only by default and
 *   draft-07 leaves checking optional; ajv-formats is not added (see the commit).
 * - Each schema gets its own ajv instance, so two schemas with the same `$id` do not collide.
 */
import Ajv, { type AnySchema, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json';
import { byteEnvelope } from '../../../shared/codecs/byte-envelope';
import { CodecError } from '../../../shared/codecs/codec-error';
import { toDisplayJson } from '../../../shared/codecs/display-json';
import type { SchemaFile, SchemaViolation } from '../../../shared/contract/codec-rules';
import { SCHEMA_INVALID, locatePointer, locateString, parseSchemaJson } from './json-schema-source';

/** Violations kept per value: the first few say what is wrong; hundreds only slow the views. */
export const MAX_SCHEMA_VIOLATIONS = 20;

const OPTIONS: Options = { allErrors: true, strict: false, logger: false, validateFormats: false };

type Draft = '2020-12' | '2019-09' | '07' | '06';

const META_SCHEMA_URI: Record<Draft, string> = {
  '2020-12': 'https://json-schema.org/draft/2020-12/schema',
  '2019-09': 'https://json-schema.org/draft/2019-09/schema',
  '07': 'http://json-schema.org/draft-07/schema#',
  '06': 'http://json-schema.org/draft-06/schema#',
};

/** Compiles a JSON Schema once; the checker returns [] for a valid value, else at most 20 violations. */
export function compileJsonSchema(file: SchemaFile): (value: unknown) => SchemaViolation[] {
  let schema = parseSchemaJson(file, 'JSON Schema');
  if (typeof schema !== 'boolean' && (schema === null || typeof schema !== 'object' || Array.isArray(schema))) {
    throw new CodecError(`JSON Schema ${file.name} must be an object or a boolean`, { code: SCHEMA_INVALID, file: file.name, line: 1, column: 1 });
  }
  const draft = draftOf(file, schema);
  // Ajv knows each meta-schema by one exact URI; people write http or https, with or without '#'.
  if (typeof schema === 'object' && (schema as { $schema?: unknown }).$schema !== undefined) schema = { ...schema, $schema: META_SCHEMA_URI[draft] };
  let ajv: Ajv;
  let validate: ValidateFunction;
  try {
    ajv = createAjv(draft);
  } catch (error) {
    throw new CodecError(`JSON Schema ${file.name} could not be set up: ${messageOf(error)}`, { code: SCHEMA_INVALID, file: file.name }, { cause: error });
  }
  checkAgainstMetaSchema(ajv, file, schema);
  try {
    validate = ajv.compile(schema as AnySchema);
  } catch (error) {
    throw compileError(file, error);
  }
  // A $ref loop ({"$ref": "#"}) compiles, then recurses without end on any value: found now, once.
  try {
    validate(null);
  } catch (error) {
    throw new CodecError(`JSON Schema ${file.name} cannot check anything: ${messageOf(error)} (does a $ref lead back to itself without a keyword between?)`, { code: SCHEMA_INVALID, file: file.name }, { cause: error });
  }
  return (value) => {
    let valid: boolean;
    try {
      valid = validate(forCheck(value, 0)) as boolean;
    } catch (error) {
      // A value nested deeper than the stack allows, or a recursion only some values reach.
      throw new CodecError(`JSON Schema ${file.name} could not check this value: ${messageOf(error)}`, {}, { cause: error });
    }
    return valid ? [] : violationsOf(validate.errors ?? []);
  };
}

function draftOf(file: SchemaFile, schema: unknown): Draft {
  const uri = typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  if (uri === undefined) return '2020-12';
  const where = () => locatePointer(file.text, '/$schema') ?? {};
  if (typeof uri !== 'string') throw new CodecError(`JSON Schema ${file.name}: $schema must be a URI string`, { code: SCHEMA_INVALID, file: file.name, ...where() });
  // The undated URI names the latest draft.
  if (/json-schema\.org\/draft\/2020-12\/|json-schema\.org\/schema#?$/.test(uri)) return '2020-12';
  if (/json-schema\.org\/draft\/2019-09\//.test(uri)) return '2019-09';
  if (/json-schema\.org\/draft-07\//.test(uri)) return '07';
  if (/json-schema\.org\/draft-06\//.test(uri)) return '06';
  const old = /json-schema\.org\/draft-0[0-5]\//.test(uri);
  throw new CodecError(
    old
      ? `JSON Schema ${file.name} is draft-0${/draft-0(\d)/.exec(uri)?.[1] ?? '4'}, which is not supported: change $schema to draft-07 (https://json-schema.org/draft-07/schema) or 2020-12 and check exclusiveMinimum/exclusiveMaximum (numbers since draft-06) and id ($id)`
      : `JSON Schema ${file.name} names an unknown $schema '${uri}': use draft 2020-12 (https://json-schema.org/draft/2020-12/schema) or draft-07`,
    { code: SCHEMA_INVALID, file: file.name, ...where() },
  );
}

function createAjv(draft: Draft): Ajv {
  switch (draft) {
    case '2020-12':
      return new Ajv2020(OPTIONS);
    case '2019-09':
      return new Ajv2019(OPTIONS);
    case '07':
      return new Ajv(OPTIONS);
    case '06': {
      const ajv = new Ajv(OPTIONS);
      ajv.addMetaSchema(draft06MetaSchema);
      return ajv;
    }
  }
}

/** A schema that breaks its draft's rules (a misspelt type, a negative minLength) is refused at the spot it is wrong. */
function checkAgainstMetaSchema(ajv: Ajv, file: SchemaFile, schema: unknown): void {
  let valid: boolean;
  try {
    valid = ajv.validateSchema(schema as object) as boolean;
  } catch (error) {
    throw compileError(file, error);
  }
  if (valid) return;
  const errors = ajv.errors ?? [];
  const first = errors[0];
  const at = first?.instancePath ?? '';
  const said = errors.filter((e) => e.instancePath === at && e.keyword !== 'anyOf' && e.keyword !== 'oneOf').map(describe);
  const message = `JSON Schema ${file.name} is not a valid schema: at ${at || 'the root'}: ${[...new Set(said.length ? said : errors.slice(0, 1).map(describe))].join('; ')}`;
  throw new CodecError(message, { code: SCHEMA_INVALID, file: file.name, ...(locatePointer(file.text, at) ?? {}) });
}

function compileError(file: SchemaFile, error: unknown): CodecError {
  const message = messageOf(error);
  // An unresolved $ref: point at the first place the file names it.
  const ref = (error as { missingRef?: unknown }).missingRef;
  const where = typeof ref === 'string' ? (locateString(file.text, ref) ?? {}) : {};
  return new CodecError(`JSON Schema ${file.name} does not compile: ${message}`, { code: SCHEMA_INVALID, file: file.name, ...where }, { cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Ajv's message, with the property or value it is about where ajv keeps that in params. */
function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const message = error.message ?? error.keyword;
  switch (error.keyword) {
    case 'additionalProperties':
      return `must NOT have additional property '${String(params.additionalProperty)}'`;
    case 'unevaluatedProperties':
      return `must NOT have unevaluated property '${String(params.unevaluatedProperty)}'`;
    case 'enum':
      return `${message}: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${message} ${JSON.stringify(params.allowedValue)}`;
    default:
      return message;
  }
}

function violationsOf(errors: readonly ErrorObject[]): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const violation = { path: error.instancePath, keyword: error.keyword, message: describe(error) };
    const key = `${violation.path}\u0000${violation.keyword}\u0000${violation.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(violation);
    if (out.length === MAX_SCHEMA_VIOLATIONS) break;
  }
  return out;
}

/**
 * The value as the user reads it in JSON, for checking: other codecs hand over values JSON has no
 * word for. A bigint (a 64-bit integer from Avro, Protobuf, CBOR) is checked as a number, the
 * nearest double beyond 2^53: `type: integer`, `minimum` and `maximum` then answer as for the
 * integer the device sent (a string would fail every `type: integer`), at the cost of exactness
 * for `const`, `enum` and `multipleOf` beyond 2^53. Bytes are their `{"$bytes": base64}` envelope,
 * as shown. Copy on write: a value straight from JSON.parse is checked as it is, without copying.
 */
function forCheck(value: unknown, depth: number): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object' || depth > 200) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const checked = forCheck(item, depth + 1);
      if (checked !== item) (out ??= value.slice())[i] = checked;
    }
    return out ?? value;
  }
  if (value instanceof Uint8Array) return byteEnvelope(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    if (value instanceof Map) return forCheck(Object.fromEntries([...value].map(([k, v]) => [typeof k === 'string' ? k : JSON.stringify(toDisplayJson(k)), v])), depth + 1);
    // Dates, CBOR tags and other class instances: their display JSON.
    return toDisplayJson(value, depth);
  }
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    const checked = forCheck(item, depth + 1);
    if (checked !== item) {
      out ??= { ...record };
      // defineProperty: a "__proto__" key from a payload stays a plain property.
      Object.defineProperty(out, key, { value: checked, enumerable: true, writable: true, configurable: true });
    }
  }
  return out ?? value;
}
