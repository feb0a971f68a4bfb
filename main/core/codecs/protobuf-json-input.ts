import Long from 'long';
import protobuf from 'protobufjs';
import { BYTES_KEY } from '../../../shared/codecs/byte-envelope';
import { type FieldPlan, MAX_NESTING, type TypePlan, WIRE, setProperty, subPlan, wellKnownField } from './protobuf-plan';

/**
 * A JSON value (what JSON.parse gives for the user's text) as a message protobufjs can encode, checked
 * field by field: protobufjs' fromObject drops unknown fields and turns "hot" into 0 for an int32
 * without a word, which would publish bytes the user never meant. Accepted, as protobuf's JSON mapping
 * reads them: field names as in the .proto or lowerCamelCase; 64-bit integers as strings (or numbers
 * up to 2^53); enums by name or number; bytes as Base64 text or the app's `{"$bytes": ...}`; Timestamp
 * as RFC 3339 text, Duration as "1.5s", wrappers as bare values, Struct/Value/ListValue as any JSON,
 * FieldMask as "a.b,c", Any as `{"@type": url, ...fields}`. Every error names the field path.
 */

export class InputProblem extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** Finds a message type by its full name (without a leading dot), for Any. */
export type InputTypeResolver = (fullName: string) => TypePlan | undefined;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

const INT32 = { min: -0x8000_0000, max: 0x7fff_ffff };
const UINT32 = { min: 0, max: 0xffff_ffff };
const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const UINT64 = { min: 0n, max: 2n ** 64n - 1n };
const FLOAT_MAX = 3.4028234663852886e38;

function integer(value: unknown, path: string, range: { min: number; max: number }, type: string): number {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'bigint') number = Number(value);
  else if (typeof value === 'string' && /^\s*-?\d+(\.0*)?([eE][+-]?\d+)?\s*$/.test(value)) number = Number(value);
  else throw new InputProblem(`expected an integer (${type}), got ${describeValue(value)}`, path);
  if (!Number.isInteger(number)) throw new InputProblem(`expected an integer (${type}), got ${String(value)}`, path);
  if (number < range.min || number > range.max) throw new InputProblem(`${String(value)} is out of range for ${type} (${range.min} to ${range.max})`, path);
  return number;
}

function long(value: unknown, path: string, type: string, unsigned: boolean): Long {
  let big: bigint;
  if (typeof value === 'bigint') big = value;
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new InputProblem(`expected an integer (${type}), got ${value}`, path);
    // Past 2^53 JSON.parse has already rounded the number: the digits the user wrote are gone.
    if (!Number.isSafeInteger(value)) throw new InputProblem(`${value} is beyond 2^53 and was rounded when read as a JSON number; write it as a string ("...") to keep every digit`, path);
    big = BigInt(value);
  } else if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) big = BigInt(value.trim());
  else throw new InputProblem(`expected an integer (${type}; a string for values beyond 2^53), got ${describeValue(value)}`, path);
  const range = unsigned ? UINT64 : INT64;
  if (big < range.min || big > range.max) throw new InputProblem(`${big} is out of range for ${type} (${range.min} to ${range.max})`, path);
  const bits = BigInt.asUintN(64, big);
  return Long.fromBits(Number(bits & 0xffff_ffffn) | 0, Number(bits >> 32n) | 0, unsigned);
}

function floating(value: unknown, path: string, type: 'float' | 'double'): number {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'bigint') number = Number(value);
  else if (value === 'NaN') number = NaN;
  else if (value === 'Infinity') number = Infinity;
  else if (value === '-Infinity') number = -Infinity;
  else if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) number = Number(value);
  else throw new InputProblem(`expected a number (${type}), got ${describeValue(value)}`, path);
  if (type === 'float' && Number.isFinite(number) && Math.abs(number) > FLOAT_MAX) throw new InputProblem(`${number} is out of range for float`, path);
  return number;
}

const BASE64 = /^[A-Za-z0-9+/\-_]*={0,2}$/;

function bytes(value: unknown, path: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  let text: unknown = value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === BYTES_KEY) text = (value as Record<string, unknown>)[BYTES_KEY];
  }
  if (typeof text !== 'string') throw new InputProblem(`expected bytes as Base64 text or {"${BYTES_KEY}": "<Base64>"}, got ${describeValue(value)}`, path);
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) throw new InputProblem(`${describeValue(text)} is not Base64`, path);
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

function scalar(field: FieldPlan, value: unknown, path: string): unknown {
  if (field.long) return long(value, path, field.scalar, field.unsigned);
  switch (field.scalar) {
    case 'int32': case 'sint32': case 'sfixed32':
      return integer(value, path, INT32, field.scalar);
    case 'uint32': case 'fixed32':
      return integer(value, path, UINT32, field.scalar);
    case 'double': case 'float':
      return floating(value, path, field.scalar);
    case 'bool':
      if (typeof value !== 'boolean') throw new InputProblem(`expected true or false, got ${describeValue(value)}`, path);
      return value;
    case 'string':
      if (typeof value !== 'string') throw new InputProblem(`expected a string, got ${describeValue(value)}`, path);
      return value;
    case 'bytes':
      return bytes(value, path);
    default:
      throw new InputProblem(`unsupported type ${field.scalar}`, path);
  }
}

function enumValue(field: FieldPlan, value: unknown, path: string): number {
  const type = field.enumType!;
  if (type.fullName === '.google.protobuf.NullValue' && value === null) return 0;
  if (typeof value === 'string') {
    const number = type.values[value];
    if (number !== undefined) return number;
    throw new InputProblem(`${JSON.stringify(value)} is not a value of enum ${type.name} (${Object.keys(type.values).join(', ')})`, path);
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (field.closedEnum && type.valuesById[value] === undefined) {
      throw new InputProblem(`${value} is not a value of closed enum ${type.name} (${Object.keys(type.values).join(', ')})`, path);
    }
    if (value < INT32.min || value > INT32.max) throw new InputProblem(`${value} is out of range for an enum (int32)`, path);
    return value;
  }
  throw new InputProblem(`expected a name of enum ${type.name} (${Object.keys(type.values).join(', ')}) or a number, got ${describeValue(value)}`, path);
}

function mapKey(field: FieldPlan, key: string, path: string): string {
  const keyPath = `${path}[${JSON.stringify(key)}]`;
  switch (field.keyType) {
    case 'string':
      return key;
    case 'bool':
      if (key !== 'true' && key !== 'false') throw new InputProblem(`a map<bool, ...> key must be "true" or "false"`, keyPath);
      return key;
    case 'int32': case 'sint32': case 'sfixed32':
      return String(integer(key, keyPath, INT32, field.keyType));
    case 'uint32': case 'fixed32':
      return String(integer(key, keyPath, UINT32, field.keyType));
    default: {
      // protobufjs writes a 64-bit key from its decimal text, read as signed: the same bits for uint64.
      const value = long(key, keyPath, field.keyType, field.keyType === 'uint64' || field.keyType === 'fixed64');
      return Long.fromBits(value.low, value.high, false).toString();
    }
  }
}

export interface InputContext {
  resolve: InputTypeResolver;
}

function single(field: FieldPlan, value: unknown, path: string, depth: number, context: InputContext): unknown {
  if (field.kind === 'message') return messageFromJson(subPlan(field), value, path, depth + 1, context);
  if (field.kind === 'enum') return enumValue(field, value, path);
  return scalar(field, value, path);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** The message object (protobufjs' shape: its field names, Long, Uint8Array, enum numbers) for `value`. */
export function messageFromJson(plan: TypePlan, value: unknown, path: string, depth: number, context: InputContext): Record<string, unknown> {
  if (depth > MAX_NESTING) throw new InputProblem(`nested deeper than ${MAX_NESTING} levels`, path);
  if (plan.wellKnown) {
    const special = wellKnownFromJson(plan, value, path, depth, context);
    if (special) return special;
  }
  if (!isPlainObject(value)) throw new InputProblem(`expected an object (message ${plan.fullName}), got ${describeValue(value)}`, path);
  const message: Record<string, unknown> = {};
  const setBy = new Map<FieldPlan, string>();
  const oneofs = new Map<string, string>();
  for (const key of Object.keys(value)) {
    const field = plan.byKey.get(key);
    const fieldPath = childPath(path, key);
    if (!field) {
      const names = plan.fields.map((f) => f.displayName);
      const guess = closest(key, names);
      const listed = names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ') || 'none';
      throw new InputProblem(`no field '${key}' in ${plan.fullName}${guess ? ` (did you mean '${guess}'?)` : ''}; its fields: ${listed}`, fieldPath);
    }
    const previous = setBy.get(field);
    if (previous !== undefined) throw new InputProblem(`'${previous}' and '${key}' both name field '${field.name}'`, fieldPath);
    setBy.set(field, key);
    const item = value[key];
    // null means "not set" in protobuf's JSON mapping, except where a Value holds it.
    if (item === null && !(field.kind === 'message' && subPlan(field).wellKnown === 'Value') && !(field.enumType?.fullName === '.google.protobuf.NullValue')) continue;
    if (field.oneof) {
      const other = oneofs.get(field.oneof);
      if (other !== undefined) throw new InputProblem(`oneof '${field.oneof}' can hold one field, but both '${other}' and '${field.name}' are set`, fieldPath);
      oneofs.set(field.oneof, field.name);
    }
    setProperty(message, field.name, fieldFromJson(field, item, fieldPath, depth, context));
  }
  for (const field of plan.required) {
    if (message[field.name] === undefined) throw new InputProblem(`required field '${field.name}' of ${plan.fullName} is missing`, childPath(path, field.name));
  }
  return message;
}

function fieldFromJson(field: FieldPlan, value: unknown, path: string, depth: number, context: InputContext): unknown {
  if (field.map) {
    if (!isPlainObject(value)) throw new InputProblem(`expected an object (a map), got ${describeValue(value)}`, path);
    const entries: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const itemPath = `${path}[${JSON.stringify(key)}]`;
      setProperty(entries, mapKey(field, key, path), single(field, value[key], itemPath, depth, context));
    }
    return entries;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) throw new InputProblem(`expected an array (repeated field), got ${describeValue(value)}`, path);
    return value.map((item, i) => {
      if (item === null && !(field.kind === 'message' && subPlan(field).wellKnown === 'Value')) throw new InputProblem('null is not allowed in a repeated field', `${path}[${i}]`);
      return single(field, item, `${path}[${i}]`, depth, context);
    });
  }
  return single(field, value, path, depth, context);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(text: string): { seconds: bigint; nanos: number } | undefined {
  const match = RFC3339.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const date = new Date(millis);
  // Date.UTC rolls 2024-02-30 over to March: a date that does not exist is refused.
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let seconds = Math.floor(millis / 1000);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  if (seconds < -62_135_596_800 || seconds > 253_402_300_799) return undefined;
  return { seconds: BigInt(seconds), nanos: frac ? Number(frac.padEnd(9, '0')) : 0 };
}

const DURATION = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/;

export function parseDuration(text: string): { seconds: bigint; nanos: number } | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, minus, whole, frac] = match;
  const seconds = BigInt(whole!);
  if (seconds > 315_576_000_000n) return undefined;
  const nanos = frac ? Number(frac.padEnd(9, '0')) : 0;
  return minus ? { seconds: -seconds, nanos: -nanos } : { seconds, nanos };
}

function wellKnownMessage(plan: TypePlan, values: Record<number, unknown>): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(values)) message[wellKnownField(plan, Number(id)).name] = value;
  return message;
}

function jsonToValueMessage(plan: TypePlan, value: unknown, path: string, depth: number, context: InputContext): Record<string, unknown> {
  if (depth > MAX_NESTING) throw new InputProblem(`nested deeper than ${MAX_NESTING} levels`, path);
  if (value === null || value === undefined) return wellKnownMessage(plan, { 1: 0 });
  if (typeof value === 'number' || typeof value === 'bigint') return wellKnownMessage(plan, { 2: Number(value) });
  if (typeof value === 'string') return wellKnownMessage(plan, { 3: value });
  if (typeof value === 'boolean') return wellKnownMessage(plan, { 4: value });
  if (Array.isArray(value)) return wellKnownMessage(plan, { 6: messageFromJson(subPlan(wellKnownField(plan, 6)), value, path, depth + 1, context) });
  if (value instanceof Uint8Array) throw new InputProblem('bytes have no google.protobuf.Value form', path);
  return wellKnownMessage(plan, { 5: messageFromJson(subPlan(wellKnownField(plan, 5)), value, path, depth + 1, context) });
}

/** A well-known type's JSON form as its message, or undefined to read `value` as an ordinary message. */
function wellKnownFromJson(plan: TypePlan, value: unknown, path: string, depth: number, context: InputContext): Record<string, unknown> | undefined {
  switch (plan.wellKnown) {
    case 'Timestamp': {
      if (isPlainObject(value)) return undefined;
      const parsed = typeof value === 'string' ? parseTimestamp(value) : undefined;
      if (!parsed) throw new InputProblem(`expected an RFC 3339 time such as "2026-12-07T15:30:00.250Z" (google.protobuf.Timestamp), got ${describeValue(value)}`, path);
      return wellKnownMessage(plan, { 1: Long.fromString(parsed.seconds.toString()), 2: parsed.nanos });
    }
    case 'Duration': {
      if (isPlainObject(value)) return undefined;
      const parsed = typeof value === 'string' ? parseDuration(value) : undefined;
      if (!parsed) throw new InputProblem(`expected a duration such as "1.5s" or "-0.250s" (google.protobuf.Duration), got ${describeValue(value)}`, path);
      return wellKnownMessage(plan, { 1: Long.fromString(parsed.seconds.toString()), 2: parsed.nanos });
    }
    case 'DoubleValue': case 'FloatValue': case 'Int64Value': case 'UInt64Value': case 'Int32Value':
    case 'UInt32Value': case 'BoolValue': case 'StringValue': case 'BytesValue': {
      const field = wellKnownField(plan, 1);
      // {"$bytes": ...} is a BytesValue's bare value, not a message.
      if (isPlainObject(value) && !(plan.wellKnown === 'BytesValue' && Object.keys(value).length === 1 && BYTES_KEY in value)) return undefined;
      return wellKnownMessage(plan, { 1: scalar(field, value, path) });
    }
    case 'Struct': {
      if (!isPlainObject(value)) throw new InputProblem(`expected an object (google.protobuf.Struct), got ${describeValue(value)}`, path);
      const field = wellKnownField(plan, 1);
      const fields: Record<string, unknown> = {};
      for (const key of Object.keys(value)) setProperty(fields, key, jsonToValueMessage(subPlan(field), value[key], childPath(path, key), depth + 1, context));
      return wellKnownMessage(plan, { 1: fields });
    }
    case 'ListValue': {
      if (!Array.isArray(value)) throw new InputProblem(`expected an array (google.protobuf.ListValue), got ${describeValue(value)}`, path);
      const field = wellKnownField(plan, 1);
      return wellKnownMessage(plan, { 1: value.map((item, i) => jsonToValueMessage(subPlan(field), item, `${path}[${i}]`, depth + 1, context)) });
    }
    case 'Value':
      return jsonToValueMessage(plan, value, path, depth, context);
    case 'FieldMask': {
      if (typeof value !== 'string') throw new InputProblem(`expected field paths such as "a.b,c" (google.protobuf.FieldMask), got ${describeValue(value)}`, path);
      return wellKnownMessage(plan, { 1: value === '' ? [] : value.split(',').map((item) => item.trim()) });
    }
    case 'Any':
      return anyFromJson(plan, value, path, depth, context);
    default:
      return undefined;
  }
}

function anyFromJson(plan: TypePlan, value: unknown, path: string, depth: number, context: InputContext): Record<string, unknown> {
  if (!isPlainObject(value) || typeof value['@type'] !== 'string') {
    throw new InputProblem(`expected {"@type": "type.googleapis.com/<message type>", ...its fields} (google.protobuf.Any), got ${describeValue(value)}`, path);
  }
  const url = value['@type'];
  const typeName = url.slice(url.lastIndexOf('/') + 1);
  const inner = context.resolve(typeName);
  const { '@type': _type, ...rest } = value;
  let packed: Uint8Array;
  if (!inner) {
    const keys = Object.keys(rest);
    if (keys.length !== 1 || keys[0] !== 'value') {
      throw new InputProblem(`type ${typeName} of this Any is not in the schema: give its encoded bytes as "value" (Base64), or add its .proto`, childPath(path, '@type'));
    }
    packed = bytes(rest.value, childPath(path, 'value'));
  } else {
    const content = inner.wellKnown && inner.wellKnown !== 'Empty' ? rest.value : rest;
    if (inner.wellKnown && inner.wellKnown !== 'Empty' && Object.keys(rest).some((key) => key !== 'value')) {
      throw new InputProblem(`an Any holding ${inner.fullName} takes its JSON form as "value"`, path);
    }
    const message = messageFromJson(inner, content, inner.wellKnown ? childPath(path, 'value') : path, depth + 1, context);
    packed = encodeMessage(inner, message);
  }
  return wellKnownMessage(plan, { 1: url, 2: packed });
}

/** Encodes a checked message object; map<bool, ...> entries are written here (protobufjs would write the key "false" as true). */
export function encodeMessage(plan: TypePlan, message: Record<string, unknown>): Uint8Array {
  const boolMaps = plan.fields.filter((field) => field.map && field.keyType === 'bool' && message[field.name] !== undefined);
  if (boolMaps.length === 0) return plan.type.encode(message).finish();
  const rest = { ...message };
  for (const field of boolMaps) delete rest[field.name];
  const writer = plan.type.encode(rest);
  for (const field of boolMaps) {
    const entries = message[field.name] as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      writer.uint32(((field.id << 3) | WIRE.len) >>> 0).fork();
      writer.uint32((1 << 3) | WIRE.varint).bool(key === 'true');
      const value = entries[key];
      if (field.kind === 'message') subPlan(field).type.encode(value as Record<string, unknown>, writer.uint32((2 << 3) | WIRE.len).fork()).ldelim();
      else {
        const type = field.kind === 'enum' ? 'int32' : field.scalar;
        const write = (writer as unknown as Record<string, (v: unknown) => protobuf.Writer>)[type]!;
        write.call(writer.uint32((2 << 3) | scalarWireOf(type)), value);
      }
      writer.ldelim();
    }
  }
  return writer.finish();
}

function scalarWireOf(type: string): number {
  if (type === 'double' || type === 'fixed64' || type === 'sfixed64') return WIRE.i64;
  if (type === 'float' || type === 'fixed32' || type === 'sfixed32') return WIRE.i32;
  if (type === 'string' || type === 'bytes') return WIRE.len;
  return WIRE.varint;
}
