/**
 * A JSON value (as JSON.parse gives it, or as the views show a decoded datum) turned into the
 * value avsc writes, for publishing Avro. Lenient where JSON cannot say what Avro means (a long
 * as digits in a string, bytes as {"$bytes": base64}, a union value with or without Avro JSON's
 * {"branch": value} wrapper, logical types in their shown form), strict where a slip would send
 * wrong data (an unknown field name, a fraction for an int, a long beyond 2^53 as a JSON number).
 * Every refusal names the path of the value in the JSON, e.g. `/readings/2/temp`.
 */
import { Base64Error } from '../../../shared/codecs/base64';
import { BYTES_KEY, defaultBase64 } from '../../../shared/codecs/byte-envelope';
import { CodecError } from '../../../shared/codecs/codec-error';
import { INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, isDisplayLogicalType } from './avro-logical-types';
import { branchKey, displayBucket, setKey, unionShowsPlain, type AvscNode } from './avro-reader';

/** The value avsc writes (unions wrapped as avsc's wrapUnions expects, longs as bigint, bytes as Buffer). */
export function avroValueFromJson(type: AvscNode, value: unknown): unknown {
  return coerce(type, value, []);
}

/** A JSON pointer for a path of keys and indexes ('' for the whole value). */
export function pointer(path: readonly (string | number)[]): string {
  return path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

class MismatchError extends CodecError {}

function mismatch(path: readonly (string | number)[], message: string): never {
  throw new MismatchError(`${path.length ? `At ${pointer(path)}` : 'The value'}: ${message}`);
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function describeType(type: AvscNode): string {
  if (isDisplayLogicalType(type)) return type.expects;
  switch (type.typeName) {
    case 'null':
      return 'null';
    case 'boolean':
      return 'true or false';
    case 'int':
      return 'an int (32-bit)';
    case 'long':
    case 'abstract:long':
      return 'a long (64-bit integer; as a string beyond 2^53)';
    case 'float':
    case 'double':
      return `a ${type.typeName} (a number, or "NaN", "Infinity", "-Infinity")`;
    case 'string':
      return 'a string';
    case 'bytes':
      return 'bytes ({"$bytes": base64}, or a string of characters U+0000 to U+00FF)';
    case 'fixed':
      return `${type.name ?? 'fixed'}: exactly ${type.size ?? 0} bytes ({"$bytes": base64})`;
    case 'enum': {
      const symbols = type.symbols ?? [];
      return `one of ${type.name ?? 'the enum'}'s symbols (${symbols.slice(0, 10).join(', ')}${symbols.length > 10 ? ', ...' : ''})`;
    }
    case 'array':
      return 'an array';
    case 'map':
      return 'a map (a JSON object)';
    case 'record':
    case 'error':
      return `a ${type.name ?? 'record'} object`;
    default:
      if (type.types) return `one of the union's branches (${type.types.map(branchKey).join(', ')})`;
      return type.underlyingType ? describeType(type.underlyingType) : type.typeName;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function coerce(type: AvscNode, value: unknown, path: (string | number)[]): unknown {
  if (isDisplayLogicalType(type)) {
    try {
      type.parse(value);
    } catch (error) {
      mismatch(path, `${error instanceof Error ? error.message : String(error)} (${type.logicalName})`);
    }
    return value; // avsc's logical type reads the shown form itself when writing.
  }
  const expected = () => mismatch(path, `expected ${describeType(type)}, got ${preview(value)}`);
  switch (type.typeName) {
    case 'null':
      return value === null ? null : expected();
    case 'boolean':
      return typeof value === 'boolean' ? value : expected();
    case 'int': {
      const n = typeof value === 'string' && /^[+-]?\d+$/.test(value) ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n)) return expected();
      if (n < INT32_MIN || n > INT32_MAX) mismatch(path, `${preview(value)} does not fit in an int (32-bit)`);
      return n;
    }
    case 'long':
    case 'abstract:long': {
      let n: bigint;
      if (typeof value === 'bigint') n = value;
      else if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) n = BigInt(value.trim());
      else if (typeof value === 'number' && Number.isInteger(value)) {
        if (!Number.isSafeInteger(value)) mismatch(path, `${preview(value)} is beyond 2^53, where JSON numbers lose digits: write the long as a string ("12345678901234567890")`);
        n = BigInt(value);
      } else return expected();
      if (n < INT64_MIN || n > INT64_MAX) mismatch(path, `${n} does not fit in a long (64-bit)`);
      return n;
    }
    case 'float':
    case 'double':
      if (typeof value === 'number') return value;
      if (typeof value === 'bigint') return Number(value);
      if (value === 'NaN') return NaN;
      if (value === 'Infinity') return Infinity;
      if (value === '-Infinity') return -Infinity;
      return expected();
    case 'string':
      return typeof value === 'string' ? value : expected();
    case 'bytes':
      return bytesOf(type, value, path) ?? expected();
    case 'fixed': {
      const bytes = bytesOf(type, value, path) ?? expected();
      if (bytes.length !== type.size) mismatch(path, `${type.name ?? 'fixed'} takes exactly ${type.size ?? 0} bytes, got ${bytes.length}`);
      return bytes;
    }
    case 'enum':
      return typeof value === 'string' && (type.symbols ?? []).includes(value) ? value : expected();
    case 'array':
      if (!Array.isArray(value)) return expected();
      return value.map((item, i) => coerce(type.itemsType!, item, [...path, i]));
    case 'map': {
      if (!isPlainObject(value)) return expected();
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) setKey(out, key, coerce(type.valuesType!, value[key], [...path, key]));
      return out;
    }
    case 'record':
    case 'error':
      return recordOf(type, value, path);
    default:
      if (type.types) return unionOf(type, value, path);
      if (type.underlyingType) return coerce(type.underlyingType, value, path);
      return mismatch(path, `Avro type '${type.typeName}' cannot be written`);
  }
}

function bytesOf(type: AvscNode, value: unknown, path: (string | number)[]): Buffer | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === 'string') {
    // Avro JSON's spelling of bytes: one character per byte.
    for (let i = 0; i < value.length; i++) {
      if (value.charCodeAt(i) > 0xff) mismatch(path, `a string for ${type.typeName} takes characters U+0000 to U+00FF only (one per byte, as Avro JSON); write {"$bytes": base64} for other bytes`);
    }
    return Buffer.from(value, 'latin1');
  }
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255)) return Buffer.from(value as number[]);
  if (isPlainObject(value) && typeof value[BYTES_KEY] === 'string' && Object.keys(value).length === 1) {
    try {
      const bytes = defaultBase64.decode(value[BYTES_KEY]);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      mismatch(path, `the Base64 in {"$bytes": ...} is not valid: ${error instanceof Base64Error || error instanceof Error ? error.message : String(error)}`);
    }
  }
  return undefined;
}

function recordOf(type: AvscNode, value: unknown, path: (string | number)[]): Record<string, unknown> {
  if (!isPlainObject(value)) return mismatch(path, `expected ${describeType(type)}, got ${preview(value)}`);
  const fields = type.fields ?? [];
  const known = new Set(fields.map((field) => field.name));
  // An unknown name is most often a typo of a field that then gets its default: refuse it.
  for (const key of Object.keys(value)) {
    if (!known.has(key)) mismatch([...path, key], `${type.name ?? 'the record'} has no field '${key}' (its fields: ${fields.map((f) => f.name).join(', ')})`);
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const given = Object.prototype.hasOwnProperty.call(value, field.name) ? value[field.name] : undefined;
    if (given !== undefined) {
      setKey(out, field.name, coerce(field.type, given, [...path, field.name]));
      continue;
    }
    const fallback = field.defaultValue();
    if (fallback === undefined) mismatch([...path, field.name], `missing field '${field.name}' (${describeType(field.type)}), which has no default`);
    setKey(out, field.name, fallback);
  }
  return out;
}

type JsonBucket = ReturnType<typeof displayBucket>;

function jsonBucket(value: unknown): JsonBucket | undefined {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'bytes';
  if (isPlainObject(value)) return Object.keys(value).length === 1 && typeof value[BYTES_KEY] === 'string' ? 'bytes' : 'object';
  return undefined;
}

/** A union value in avsc's wrapped form: null, or {branchKey: value}. */
function unionOf(type: AvscNode, value: unknown, path: (string | number)[]): unknown {
  const branches = type.types ?? [];
  const wrap = (branch: AvscNode, coerced: unknown): unknown => {
    if (branch.typeName === 'null') return null;
    const out: Record<string, unknown> = {};
    setKey(out, branchKey(branch), coerced);
    return out;
  };
  const wrapper = (): { branch: AvscNode; inner: unknown; key: string } | undefined => {
    if (!isPlainObject(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length !== 1) return undefined;
    const key = keys[0]!;
    // Avro JSON names a branch by its full name; the short name is accepted when only one branch has it.
    let matches = branches.filter((b) => branchKey(b) === key);
    if (matches.length === 0) matches = branches.filter((b) => b.name !== undefined && b.name.slice(b.name.lastIndexOf('.') + 1) === key);
    return matches.length === 1 ? { branch: matches[0]!, inner: value[key], key } : undefined;
  };
  const tryWrapped = (): { ok: true; value: unknown } | { ok: false; error: CodecError } | undefined => {
    const found = wrapper();
    if (!found) return undefined;
    try {
      return { ok: true, value: wrap(found.branch, coerce(found.branch, found.inner, [...path, found.key])) };
    } catch (error) {
      if (error instanceof MismatchError) return { ok: false, error };
      throw error;
    }
  };
  const plain = unionShowsPlain(type);
  if (!plain) {
    const wrapped = tryWrapped();
    if (wrapped?.ok) return wrapped.value;
    if (wrapped) throw wrapped.error;
  }
  // The plain value: the branch that shows as this kind of value first, then any that accepts it.
  const kind = jsonBucket(value);
  const ordered = [...branches.filter((b) => displayBucket(b) === kind), ...branches.filter((b) => displayBucket(b) !== kind)];
  const accepted: { branch: AvscNode; value: unknown }[] = [];
  let firstError: CodecError | undefined;
  for (const branch of ordered) {
    try {
      accepted.push({ branch, value: coerce(branch, value, path) });
    } catch (error) {
      if (!(error instanceof MismatchError)) throw error;
      if (displayBucket(branch) === kind) firstError ??= error;
      continue;
    }
    // A union shown plain has one branch per kind: the first that accepts is the one.
    if (plain) break;
  }
  if (accepted.length === 1 || (plain && accepted.length > 0)) return wrap(accepted[0]!.branch, accepted[0]!.value);
  if (accepted.length > 1) {
    // Two branches take this value alike (e.g. 5 for ["int", "long"]): the wrapper must say which.
    const natural = accepted.filter((a) => displayBucket(a.branch) === kind);
    if (natural.length === 1) return wrap(natural[0]!.branch, natural[0]!.value);
    mismatch(path, `${preview(value)} fits several branches of the union (${accepted.map((a) => branchKey(a.branch)).join(', ')}): wrap it as {"${branchKey(accepted[0]!.branch)}": ...}`);
  }
  if (plain) {
    const wrapped = tryWrapped();
    if (wrapped?.ok) return wrapped.value;
    if (wrapped) throw wrapped.error;
  }
  if (firstError) throw firstError;
  return mismatch(path, `expected ${describeType(type)}, got ${preview(value)}`);
}
