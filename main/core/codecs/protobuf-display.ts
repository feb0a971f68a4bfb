import type Long from 'long';
import protobuf from 'protobufjs';
import { type FieldPlan, MAX_NESTING, type TypePlan, setProperty, subPlan, wellKnownField } from './protobuf-plan';
import { WireProblem, checkMessage } from './protobuf-wire-check';

/**
 * A decoded protobuf message as the app shows it: plain objects with the .proto's field names,
 * enums by name, bytes as Uint8Array, 64-bit integers as bigint (every digit kept; the display JSON
 * prints them exactly), well-known types in protobuf's JSON mapping (Timestamp as RFC 3339 text,
 * Duration as "1.5s", wrappers as their bare value, Struct as plain JSON, Any expanded when its type
 * is in the schema).
 *
 * Scalars without presence (proto3's plain fields, editions' IMPLICIT) are shown even when they hold
 * their default, as protobuf's JSON printers do with "always print fields with no presence": on the
 * wire a 0 and an absent field are the same thing, and in a debugger a reading of 0 or `false` should
 * not look like a missing field. Fields with presence (messages, oneof members, proto2 and `optional`
 * scalars) appear only when sent, which is exactly what presence tells the user.
 */

/** Finds a message type by its full name (without a leading dot), for Any. */
export type TypeResolver = (fullName: string) => TypePlan | undefined;

const cursor = { pos: 0 };

/** Checks, decodes and converts one message; throws WireProblem saying where the bytes stop matching. */
export function decodeForDisplay(plan: TypePlan, bytes: Uint8Array, depth: number, resolve: TypeResolver): unknown {
  checkMessage(plan, bytes, 0, bytes.length, depth, -1, cursor);
  let message: protobuf.Message;
  try {
    message = plan.type.decode(bytes);
  } catch (error) {
    // Not expected once the walk above passed; protobufjs' own words then, with its offset when it gives one.
    const text = error instanceof Error ? error.message : String(error);
    const at = /index out of range: (\d+)|at offset (\d+)/.exec(text);
    throw new WireProblem(text, at ? Number(at[1] ?? at[2]) : bytes.length);
  }
  return messageToDisplay(plan, message as unknown as Record<string, unknown>, depth, resolve);
}

/**
 * The shortest decimal that reads back as the same float32 (`23.4`, not `23.399999618530273`), as
 * protobuf's JSON printers write floats. Tried with 0, 1, 2... decimals by arithmetic (an integer
 * divided by a power of ten is correctly rounded, so it is the double the decimal text would parse
 * to); toPrecision, several times slower, only for magnitudes where that does not work.
 */
export function shortestFloat(value: number): number {
  // Integers up to 2^24 are exact in a float32 and already print shortest.
  if (!Number.isFinite(value) || (Number.isInteger(value) && Math.abs(value) <= 0x100_0000)) return value;
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-6 && magnitude < 1e15) {
    let scale = 1;
    for (let decimals = 0; decimals <= 16; decimals++, scale *= 10) {
      const scaled = Math.round(magnitude * scale);
      if (scaled > Number.MAX_SAFE_INTEGER) break;
      const candidate = (value < 0 ? -scaled : scaled) / scale;
      if (Math.fround(candidate) === value) return candidate;
    }
  }
  for (let precision = 1; precision < 9; precision++) {
    const candidate = Number(value.toPrecision(precision));
    if (Math.fround(candidate) === value) return candidate;
  }
  return Number(value.toPrecision(9));
}

/** A protobufjs 64-bit value (a Long; a number or string only without long.js) as an exact bigint. */
export function longToBigInt(value: unknown, unsigned: boolean): bigint {
  if (typeof value === 'number' || typeof value === 'string') return BigInt(value);
  const long = value as Long;
  const low = long.low >>> 0;
  // Most counters fit 2^53: one BigInt from a double, not three from the halves.
  if (unsigned ? long.high >>> 0 < 0x200000 : long.high >= -0x200000 && long.high < 0x200000) {
    return BigInt((unsigned ? long.high >>> 0 : long.high) * 0x1_0000_0000 + low);
  }
  const bits = (BigInt(long.high >>> 0) << 32n) | BigInt(low);
  return unsigned ? bits : BigInt.asIntN(64, bits);
}

function scalarToDisplay(field: FieldPlan, value: unknown): unknown {
  if (field.long) return longToBigInt(value, field.unsigned);
  switch (field.scalar) {
    case 'float':
      return shortestFloat(value as number);
    case 'bytes':
      // A copy: protobufjs returns a view into the payload (and a Node Buffer's view into an 8 KB slab).
      // An unsent proto3 bytes field reads protobufjs' default, an empty array.
      return value instanceof Uint8Array ? Uint8Array.prototype.slice.call(value) : Uint8Array.from(value as ArrayLike<number>);
    default:
      return value;
  }
}

function enumToDisplay(field: FieldPlan, value: number): unknown {
  const type = field.enumType!;
  if (type.fullName === '.google.protobuf.NullValue') return null;
  // An open enum may carry numbers the schema does not name: shown as the number, as protobuf's JSON does.
  return type.valuesById[value] ?? value;
}

function valueToDisplay(field: FieldPlan, value: unknown, depth: number, resolve: TypeResolver): unknown {
  if (field.kind === 'message') return value == null ? null : messageToDisplay(subPlan(field), value as Record<string, unknown>, depth + 1, resolve);
  if (field.kind === 'enum') return enumToDisplay(field, value as number);
  return scalarToDisplay(field, value);
}

function mapKeyToDisplay(field: FieldPlan, key: string): string {
  // protobufjs keys 64-bit map keys by an 8-character hash of their bits.
  if (field.keyType === 'int64' || field.keyType === 'uint64' || field.keyType === 'sint64' || field.keyType === 'fixed64' || field.keyType === 'sfixed64') {
    if (key.length !== 8) return key;
    const long = protobuf.util.LongBits.fromHash(key).toLong(field.keyType === 'uint64' || field.keyType === 'fixed64');
    return longToBigInt(long, field.keyType === 'uint64' || field.keyType === 'fixed64').toString();
  }
  return key;
}

const hasOwn = Object.prototype.hasOwnProperty;

export function messageToDisplay(plan: TypePlan, message: Record<string, unknown>, depth: number, resolve: TypeResolver): unknown {
  if (depth > MAX_NESTING) throw new WireProblem(`messages are nested deeper than ${MAX_NESTING} levels`, 0);
  if (plan.wellKnown) {
    const special = wellKnownToDisplay(plan, message, depth, resolve);
    if (special !== NOT_SPECIAL) return special;
  }
  const out: Record<string, unknown> = {};
  for (const field of plan.fields) {
    const value = message[field.name];
    let shown: unknown;
    if (field.repeated) {
      const items = (value as unknown[] | undefined) ?? [];
      const list = new Array<unknown>(items.length);
      for (let i = 0; i < items.length; i++) list[i] = valueToDisplay(field, items[i], depth, resolve);
      shown = list;
    } else if (field.map) {
      const entries: Record<string, unknown> = {};
      if (value) for (const key of Object.keys(value)) setProperty(entries, mapKeyToDisplay(field, key), valueToDisplay(field, (value as Record<string, unknown>)[key], depth, resolve));
      shown = entries;
    } else if (field.presence || field.kind === 'message') {
      if (!hasOwn.call(message, field.name) || value == null) continue;
      shown = valueToDisplay(field, value, depth, resolve);
    } else {
      shown = valueToDisplay(field, value, depth, resolve);
    }
    if (field.unsafeName) setProperty(out, field.displayName, shown);
    else out[field.displayName] = shown;
  }
  for (const members of plan.oneofs) keepLastOneofMember(members, message, out);
  return out;
}

/**
 * A payload may set several members of one oneof; the last one on the wire wins (protobuf's rule),
 * but protobufjs keeps them all. Its message holds them in the order they first came, so the last of
 * those is kept: exact unless a member comes back after another (a, b, a), which no encoder writes.
 */
function keepLastOneofMember(members: readonly FieldPlan[], message: Record<string, unknown>, out: Record<string, unknown>): void {
  let present = 0;
  for (const field of members) if (hasOwn.call(message, field.name) && message[field.name] != null) present++;
  if (present < 2) return;
  const names = new Set(members.map((field) => field.name));
  const last = Object.keys(message).filter((key) => names.has(key) && message[key] != null).at(-1);
  for (const field of members) if (field.name !== last) delete out[field.displayName];
}

const NOT_SPECIAL = Symbol('not special');

function fieldValue(plan: TypePlan, message: Record<string, unknown>, id: number): unknown {
  return message[wellKnownField(plan, id).name];
}

const MIN_TIMESTAMP_SECONDS = -62_135_596_800; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP_SECONDS = 253_402_300_799; // 9999-12-31T23:59:59Z
const MAX_DURATION_SECONDS = 315_576_000_000; // 10,000 years

/** 0, 3, 6 or 9 fraction digits, as protobuf's JSON mapping writes them. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return `.${String(nanos / 1_000_000).padStart(3, '0')}`;
  if (nanos % 1_000 === 0) return `.${String(nanos / 1_000).padStart(6, '0')}`;
  return `.${String(nanos).padStart(9, '0')}`;
}

// Messages of one moment share their second: its text is kept (a Date and toISOString cost more than the rest of a small message).
let lastSeconds = NaN;
let lastSecondText = '';

export function formatTimestamp(seconds: number, nanos: number): string | undefined {
  if (!(seconds >= MIN_TIMESTAMP_SECONDS && seconds <= MAX_TIMESTAMP_SECONDS && nanos >= 0 && nanos <= 999_999_999)) return undefined;
  if (seconds !== lastSeconds) {
    lastSecondText = new Date(seconds * 1000).toISOString().slice(0, 19);
    lastSeconds = seconds;
  }
  return `${lastSecondText}${fraction(nanos)}Z`;
}

export function formatDuration(seconds: number, nanos: number): string | undefined {
  if (Math.abs(seconds) > MAX_DURATION_SECONDS || Math.abs(nanos) > 999_999_999 || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) return undefined;
  const negative = seconds < 0 || nanos < 0;
  return `${negative ? '-' : ''}${Math.abs(seconds)}${fraction(Math.abs(nanos))}s`;
}

function valueMessageToDisplay(plan: TypePlan, message: Record<string, unknown>, depth: number, resolve: TypeResolver): unknown {
  // google.protobuf.Value: its one set member (1 null, 2 number, 3 string, 4 bool, 5 struct, 6 list).
  for (const field of plan.fields) {
    if (!hasOwn.call(message, field.name) || message[field.name] == null) continue;
    return valueToDisplay(field, message[field.name], depth, resolve);
  }
  return null;
}

function wellKnownToDisplay(plan: TypePlan, message: Record<string, unknown>, depth: number, resolve: TypeResolver): unknown {
  switch (plan.wellKnown) {
    case 'Timestamp':
    case 'Duration': {
      const seconds = Number(longToBigInt(fieldValue(plan, message, 1) ?? 0, false));
      const nanos = Number(fieldValue(plan, message, 2) ?? 0);
      // Out of the type's range: shown as its fields, so nothing is hidden.
      return (plan.wellKnown === 'Timestamp' ? formatTimestamp(seconds, nanos) : formatDuration(seconds, nanos)) ?? NOT_SPECIAL;
    }
    case 'DoubleValue': case 'FloatValue': case 'Int64Value': case 'UInt64Value': case 'Int32Value':
    case 'UInt32Value': case 'BoolValue': case 'StringValue': case 'BytesValue': {
      const field = wellKnownField(plan, 1);
      return valueToDisplay(field, message[field.name], depth, resolve);
    }
    case 'Struct': {
      const field = wellKnownField(plan, 1);
      const entries = (message[field.name] as Record<string, unknown> | undefined) ?? {};
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(entries)) setProperty(out, key, valueToDisplay(field, entries[key], depth, resolve));
      return out;
    }
    case 'ListValue': {
      const field = wellKnownField(plan, 1);
      return ((message[field.name] as unknown[] | undefined) ?? []).map((item) => valueToDisplay(field, item, depth, resolve));
    }
    case 'Value':
      return valueMessageToDisplay(plan, message, depth, resolve);
    case 'FieldMask':
      // Paths as the .proto spells them (the app shows field names as declared, not camelCased).
      return ((fieldValue(plan, message, 1) as string[] | undefined) ?? []).join(',');
    case 'Empty':
      return {};
    case 'Any':
      return anyToDisplay(plan, message, depth, resolve);
    default:
      return NOT_SPECIAL;
  }
}

/** `{"@type": url, ...fields}` when the type is in the schema (a well-known one as `value`), else `{"@type": url, "value": bytes}`. */
function anyToDisplay(plan: TypePlan, message: Record<string, unknown>, depth: number, resolve: TypeResolver): unknown {
  const url = String(fieldValue(plan, message, 1) ?? '');
  const bytes = (fieldValue(plan, message, 2) as Uint8Array | undefined) ?? new Uint8Array(0);
  const inner = resolve(url.slice(url.lastIndexOf('/') + 1));
  if (!inner) return { '@type': url, value: Uint8Array.prototype.slice.call(bytes) };
  try {
    const value = decodeForDisplay(inner, bytes, depth + 1, resolve);
    if (inner.wellKnown || value === null || typeof value !== 'object' || Array.isArray(value)) return { '@type': url, value };
    return { '@type': url, ...(value as Record<string, unknown>) };
  } catch (error) {
    if (!(error instanceof WireProblem)) throw error;
    // The outer message is fine; show the packed bytes and why they did not read as their type.
    return { '@type': url, value: Uint8Array.prototype.slice.call(bytes), '@error': `not a ${inner.fullName}: ${error.message}` };
  }
}
