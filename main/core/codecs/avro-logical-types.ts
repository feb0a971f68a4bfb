/**
 * Avro logical types shown the way people read them (issue 16): instants and dates as ISO 8601
 * text, times of day as HH:MM:SS.fff, decimals as exact decimal text, UUIDs as text, durations as
 * {months, days, milliseconds}. Each type reads its display form back when publishing, and also
 * the plain number (epoch units, days) a script might send.
 *
 * 64-bit values are bigints (see BIGINT_LONG): a micro- or nanosecond timestamp needs every digit.
 * Per the Avro spec a logical type on the wrong underlying type (a timestamp-millis on a string)
 * is ignored and the underlying type used: the constructors throw and avsc falls back.
 */
import { Type, types, type Schema } from 'avsc';

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const INT32_MIN = -(2 ** 31);
export const INT32_MAX = 2 ** 31 - 1;

/** avsc's long as an exact bigint (its default is a JS number, inexact beyond 2^53). */
export const BIGINT_LONG: Type = types.LongType.__with({
  fromBuffer: (buffer: Buffer) => buffer.readBigInt64LE(0),
  toBuffer: (value: bigint) => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigInt64LE(value);
    return buffer;
  },
  // Schema defaults ("default": 5) arrive as JSON numbers or strings.
  fromJSON: (value: unknown) => BigInt(value as number | string),
  toJSON: (value: bigint) => (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()),
  isValid: (value: unknown) => typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX,
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

type LogicalTypeClass = new (schema: Schema, opts?: unknown) => types.LogicalType;

/** What kind of JSON value a logical type shows as: unions decide from it whether branches can be told apart. */
export type DisplayBucket = 'string' | 'object' | 'number';

/** The face every logical type here shows the reader and the JSON encoder. */
export interface DisplayLogicalType {
  readonly logicalName: string;
  readonly bucket: DisplayBucket;
  /** The underlying value (bigint for longs, Buffer for bytes/fixed) as shown. */
  display(raw: unknown): unknown;
  /** A shown (or plain numeric) value back to the underlying one; throws an Error saying what is wrong. */
  parse(value: unknown): unknown;
  /** What the JSON encoder expects, for messages. */
  readonly expects: string;
}

export function isDisplayLogicalType(type: unknown): type is DisplayLogicalType {
  return typeof (type as Partial<DisplayLogicalType> | null)?.display === 'function' && typeof (type as Partial<DisplayLogicalType>).parse === 'function';
}

// While a long-based logical type builds its underlying type, the typeHook must hand it the bigint
// long although the schema still names the logical type (avsc passes the same schema object).
let buildingLongLogicalType = 0;

/** The typeHook every schema is compiled with: every long is the bigint long. */
export function bigintLongHook(schema: unknown): Type | undefined {
  if (schema === 'long') return BIGINT_LONG;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const { type, logicalType } = schema as { type?: unknown; logicalType?: unknown };
  if (type !== 'long') return undefined;
  // A long-based logical type of ours is built by avsc first (and comes back here for its long).
  if (buildingLongLogicalType === 0 && typeof logicalType === 'string' && LONG_LOGICAL_TYPES.has(logicalType)) return undefined;
  return BIGINT_LONG;
}

/** A logical type class whose construction is marked, for bigintLongHook. */
function longBased(Class: LogicalTypeClass): LogicalTypeClass {
  // A constructor that returns an object: `new` (as avsc calls it) gives that object.
  function LongBased(schema: Schema, opts?: unknown): types.LogicalType {
    buildingLongLogicalType++;
    try {
      return new Class(schema, opts);
    } finally {
      buildingLongLogicalType--;
    }
  }
  return LongBased as unknown as LogicalTypeClass;
}

abstract class DisplayType extends types.LogicalType implements DisplayLogicalType {
  abstract readonly bucket: DisplayBucket;
  abstract readonly expects: string;
  abstract display(raw: unknown): unknown;
  abstract parse(value: unknown): unknown;

  get logicalName(): string {
    return (this as unknown as { _logicalTypeName: string })._logicalTypeName;
  }

  protected override _fromValue(raw: unknown): unknown {
    return this.display(raw);
  }

  protected override _toValue(value: unknown): unknown {
    return this.parse(value);
  }

  protected underlyingName(): string {
    return this.underlyingType.typeName;
  }
}

function requireUnderlying(type: DisplayType, ...allowed: string[]): void {
  const name = type.underlyingType.typeName;
  if (!allowed.includes(name)) throw new Error(`${type.logicalName} cannot annotate ${name}`);
}

const MS_PER_DAY = 86_400_000;
/** The range of a JS Date: beyond it an instant is shown as its number. */
const MAX_DATE_MS = 8.64e15;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/**
 * Date.prototype.toISOString without the Date: the same text, in a fifth of the time (a payload
 * with a timestamp is read thousands of times a second). Years outside 0000-9999 go to the Date,
 * which writes them in ISO's extended form.
 */
export function isoFromMillis(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return new Date(ms).toISOString();
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  const yearText = year < 1000 ? String(year).padStart(4, '0') : String(year);
  return `${yearText}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`;
}

/** An integer given as a number, a bigint or decimal digits. */
function integerOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value)) return BigInt(value);
  return undefined;
}

interface DateTimeParts {
  /** Milliseconds since the epoch of the whole seconds (UTC, or wall time for local). */
  secondsMs: number;
  /** Nanoseconds within the second. */
  fractionNs: bigint;
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

function parseDateTime(text: string, local: boolean): DateTimeParts {
  const m = ISO_DATE_TIME.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not an ISO 8601 date-time (like 2024-05-01T12:30:00.000Z)`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  const zoned = m[8] !== undefined || m[9] !== undefined;
  if (local && zoned) throw new Error(`'${text}' has a time zone; a local timestamp is a wall-clock time without one`);
  const base = utcMillis(year, month, day, text) + ((hour * 60 + minute) * 60 + second) * 1000;
  if (hour > 23 || minute > 59 || second > 59) throw new Error(`'${text}' is not a valid time of day`);
  const offsetMinutes = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  const fraction = (m[7] ?? '').padEnd(9, '0');
  return { secondsMs: base - offsetMinutes * 60_000, fractionNs: BigInt(fraction) };
}

function utcMillis(year: number, month: number, day: number, text: string): number {
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to March; a date that does not exist is refused instead.
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new Error(`'${text}' is not a valid date`);
  return ms;
}

/** timestamp-millis/-micros/-nanos and their local- forms, on long. */
class TimestampType extends DisplayType {
  readonly bucket = 'string';
  private readonly perMs: bigint;
  private readonly perMsNumber: number;
  private readonly digits: number;
  private readonly local: boolean;

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    requireUnderlying(this, 'abstract:long', 'long');
    const name = this.logicalName;
    this.local = name.startsWith('local-');
    const unit = name.slice(name.lastIndexOf('-') + 1);
    this.perMs = unit === 'nanos' ? 1_000_000n : unit === 'micros' ? 1000n : 1n;
    this.perMsNumber = Number(this.perMs);
    this.digits = unit === 'nanos' ? 6 : unit === 'micros' ? 3 : 0;
  }

  get expects(): string {
    return `${this.local ? 'a local date-time without zone' : 'an ISO 8601 date-time'} or ${this.perMs === 1n ? 'milliseconds' : this.perMs === 1000n ? 'microseconds' : 'nanoseconds'} since the epoch`;
  }

  display(raw: unknown): unknown {
    const value = raw as bigint;
    const units = Number(value);
    let ms: number;
    let rest: number;
    if (Number.isSafeInteger(units)) {
      // Number arithmetic while exact (every date a Date holds, in millis and micros): bigint division costs more.
      ms = Math.floor(units / this.perMsNumber);
      rest = units - ms * this.perMsNumber;
    } else {
      let big = value / this.perMs;
      let bigRest = value % this.perMs;
      if (bigRest < 0n) {
        bigRest += this.perMs;
        big -= 1n;
      }
      ms = Number(big);
      rest = Number(bigRest);
    }
    if (ms > MAX_DATE_MS || ms < -MAX_DATE_MS) return value;
    let text = isoFromMillis(ms);
    if (this.digits > 0) text = text.slice(0, -1) + String(rest).padStart(this.digits, '0') + 'Z';
    return this.local ? text.slice(0, -1) : text;
  }

  parse(value: unknown): unknown {
    const integer = integerOf(value);
    if (integer !== undefined) return integer;
    if (typeof value !== 'string') throw new Error(`expected ${this.expects}`);
    const { secondsMs, fractionNs } = parseDateTime(value, this.local);
    const nsPerUnit = 1_000_000n / this.perMs;
    if (fractionNs % nsPerUnit !== 0n) throw new Error(`'${value}' is more precise than ${this.logicalName} keeps`);
    return BigInt(secondsMs) * this.perMs + fractionNs / nsPerUnit;
  }
}

/** date: days since 1970-01-01, on int. */
class DateType extends DisplayType {
  readonly bucket = 'string';
  readonly expects = 'a date YYYY-MM-DD or days since 1970-01-01';

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    requireUnderlying(this, 'int');
  }

  display(raw: unknown): unknown {
    const ms = (raw as number) * MS_PER_DAY;
    if (Math.abs(ms) > MAX_DATE_MS) return raw;
    return isoFromMillis(ms).slice(0, -14);
  }

  parse(value: unknown): unknown {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value !== 'string') throw new Error(`expected ${this.expects}`);
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
    if (!m) throw new Error(`'${value}' is not a date YYYY-MM-DD`);
    return utcMillis(Number(m[1]), Number(m[2]), Number(m[3]), value) / MS_PER_DAY;
  }
}

/** time-millis (on int) and time-micros (on long): time since midnight. */
class TimeType extends DisplayType {
  readonly bucket = 'string';
  private readonly micros: boolean;

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    this.micros = this.logicalName === 'time-micros';
    requireUnderlying(this, ...(this.micros ? ['abstract:long', 'long'] : ['int']));
  }

  get expects(): string {
    return `a time of day HH:MM:SS${this.micros ? '.ffffff' : '.fff'} or ${this.micros ? 'microseconds' : 'milliseconds'} since midnight`;
  }

  display(raw: unknown): unknown {
    const units = this.micros ? Number(raw as bigint) : (raw as number);
    const perSecond = this.micros ? 1_000_000 : 1000;
    if (units < 0 || units >= 86_400 * perSecond) return raw;
    const seconds = Math.floor(units / perSecond);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}.${pad(units % perSecond, this.micros ? 6 : 3)}`;
  }

  parse(value: unknown): unknown {
    if (typeof value !== 'string') {
      const integer = integerOf(value);
      if (integer === undefined) throw new Error(`expected ${this.expects}`);
      return this.micros ? integer : Number(integer);
    }
    const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(value.trim());
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) throw new Error(`'${value}' is not a time of day HH:MM:SS.fff`);
    const fraction = (m[4] ?? '').padEnd(9, '0');
    const digits = this.micros ? 6 : 3;
    if (/[^0]/.test(fraction.slice(digits))) throw new Error(`'${value}' is more precise than ${this.logicalName} keeps`);
    const units = BigInt(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 10 ** digits) + BigInt(fraction.slice(0, digits));
    return this.micros ? units : Number(units);
  }
}

/** decimal on bytes or fixed: a two's-complement big-endian unscaled integer, shown as exact decimal text. */
class DecimalType extends DisplayType {
  readonly bucket = 'string';
  private readonly precision: number;
  private readonly scale: number;
  private readonly size: number | undefined;

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    requireUnderlying(this, 'bytes', 'fixed');
    const { precision, scale = 0 } = schema as { precision?: unknown; scale?: unknown };
    if (typeof precision !== 'number' || !Number.isInteger(precision) || precision < 1) throw new Error('decimal needs a positive integer precision');
    if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 0 || scale > precision) throw new Error('decimal scale must be an integer from 0 to its precision');
    this.precision = precision;
    this.scale = scale;
    if (this.underlyingType.typeName === 'fixed') {
      this.size = (this.underlyingType as types.FixedType).size;
      if (precision > Math.floor(Math.log10(2) * (8 * this.size - 1))) throw new Error(`a fixed of ${this.size} bytes cannot hold ${precision} digits`);
    }
  }

  get expects(): string {
    return `a decimal with at most ${this.precision} digits, ${this.scale} after the point (as text, to keep every digit)`;
  }

  display(raw: unknown): unknown {
    const bytes = raw as Uint8Array;
    let unscaled = 0n;
    for (const byte of bytes) unscaled = (unscaled << 8n) | BigInt(byte);
    if (bytes.length > 0 && bytes[0]! & 0x80) unscaled -= 1n << BigInt(bytes.length * 8);
    const negative = unscaled < 0n;
    let digits = (negative ? -unscaled : unscaled).toString();
    if (this.scale > 0) {
      digits = digits.padStart(this.scale + 1, '0');
      digits = `${digits.slice(0, -this.scale)}.${digits.slice(-this.scale)}`;
    }
    return negative ? `-${digits}` : digits;
  }

  parse(value: unknown): unknown {
    const text = typeof value === 'number' || typeof value === 'bigint' ? String(value) : value;
    if (typeof text !== 'string') throw new Error(`expected ${this.expects}`);
    const m = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,6}))?$/.exec(text.trim());
    if (!m || (m[2] ?? '') + (m[3] ?? '') === '') throw new Error(`'${text}' is not a decimal number`);
    const mantissa = `${m[2] ?? ''}${m[3] ?? ''}`.replace(/^0+/, '');
    // The value is mantissa × 10^shift once scaled to the unscaled integer Avro stores.
    const shift = Number(m[4] ?? 0) - (m[3] ?? '').length + this.scale;
    let unscaledDigits: string;
    if (shift >= 0) {
      if (mantissa.length > 0 && mantissa.length + shift > this.precision) throw new Error(`'${text}' has more than ${this.precision} digits`);
      unscaledDigits = mantissa === '' ? '0' : mantissa + '0'.repeat(shift);
    } else {
      const dropped = mantissa.slice(Math.max(0, mantissa.length + shift));
      if (/[^0]/.test(dropped)) throw new Error(`'${text}' has more than ${this.scale} digits after the point`);
      unscaledDigits = mantissa.slice(0, Math.max(0, mantissa.length + shift)) || '0';
      if (unscaledDigits.replace(/^0+/, '').length > this.precision) throw new Error(`'${text}' has more than ${this.precision} digits`);
    }
    let unscaled = BigInt(unscaledDigits);
    if (m[1] === '-') unscaled = -unscaled;
    return twosComplement(unscaled, this.size);
  }
}

/** Big-endian two's complement: the fewest bytes that keep the sign, or exactly `size` (a fixed). */
function twosComplement(value: bigint, size: number | undefined): Buffer {
  let length = 1;
  while (value < -(1n << BigInt(length * 8 - 1)) || value >= 1n << BigInt(length * 8 - 1)) length++;
  if (size !== undefined) {
    if (length > size) throw new Error(`${value} does not fit in ${size} bytes`);
    length = size;
  }
  const out = Buffer.alloc(length);
  let rest = BigInt.asUintN(length * 8, value);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

const UUID_TEXT = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** uuid on string (or, since Avro 1.12, on a fixed of 16 bytes). */
class UuidType extends DisplayType {
  readonly bucket = 'string';
  readonly expects = 'a UUID like 123e4567-e89b-12d3-a456-426614174000';

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    requireUnderlying(this, 'string', 'fixed');
    if (this.underlyingType.typeName === 'fixed' && (this.underlyingType as types.FixedType).size !== 16) throw new Error('a uuid fixed has 16 bytes');
  }

  display(raw: unknown): unknown {
    if (typeof raw === 'string') return raw;
    const hex = Buffer.from(raw as Uint8Array).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  parse(value: unknown): unknown {
    if (typeof value !== 'string' || !UUID_TEXT.test(value)) throw new Error(`expected ${this.expects}`);
    return this.underlyingType.typeName === 'string' ? value : Buffer.from(value.replace(/-/g, ''), 'hex');
  }
}

/** duration on fixed(12): three little-endian unsigned 32-bit counts. */
class DurationType extends DisplayType {
  readonly bucket = 'object';
  readonly expects = 'an object {"months", "days", "milliseconds"} of unsigned 32-bit integers';

  constructor(schema: Schema, opts?: unknown) {
    super(schema, opts);
    requireUnderlying(this, 'fixed');
    if ((this.underlyingType as types.FixedType).size !== 12) throw new Error('a duration fixed has 12 bytes');
  }

  display(raw: unknown): unknown {
    const bytes = raw as Uint8Array;
    const view = new DataView(bytes.buffer, bytes.byteOffset, 12);
    return { months: view.getUint32(0, true), days: view.getUint32(4, true), milliseconds: view.getUint32(8, true) };
  }

  parse(value: unknown): unknown {
    const parts = value as Record<string, unknown> | null;
    if (parts === null || typeof parts !== 'object' || Array.isArray(parts)) throw new Error(`expected ${this.expects}`);
    const out = Buffer.alloc(12);
    ['months', 'days', 'milliseconds'].forEach((key, i) => {
      const n = parts[key] ?? 0;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`${key} must be an unsigned 32-bit integer`);
      out.writeUInt32LE(n, i * 4);
    });
    for (const key of Object.keys(parts)) if (!['months', 'days', 'milliseconds'].includes(key)) throw new Error(`a duration has no '${key}'`);
    return out;
  }
}

const LONG_LOGICAL_TYPES = new Set([
  'timestamp-millis',
  'timestamp-micros',
  'timestamp-nanos',
  'local-timestamp-millis',
  'local-timestamp-micros',
  'local-timestamp-nanos',
  'time-micros',
]);

/** The logical types avsc builds for every schema (forSchema's logicalTypes). */
export const LOGICAL_TYPES: Record<string, LogicalTypeClass> = {
  date: DateType,
  'time-millis': TimeType,
  decimal: DecimalType,
  uuid: UuidType,
  duration: DurationType,
};
for (const name of LONG_LOGICAL_TYPES) LOGICAL_TYPES[name] = longBased(name === 'time-micros' ? TimeType : TimestampType);
