/**
 * Binary layouts: packed structs described in a few lines, decoded to JSON (and plotted) and
 * encoded back from JSON for publishing.
 *
 *     # A sensor frame, 21 bytes
 *     u16be temperature /10 -40     # raw 0..65535 shown as raw / 10 - 40
 *     i32le pressure
 *     f32 accel[3]                  # three big-endian floats
 *     u8 version:bits(4); u8 mode:bits(4)
 *     pad(2)
 *
 * One statement per line or separated by `;`. `#` and `//` start a comment to the end of the line.
 *
 * Fields: `type name`, then optionally `[N]`, `:bits(N)` and a scale, in that order.
 * - Integers: u8 i8 u16 i16 u24 i24 u32 i32 u64 i64, with an optional byte order suffix `be`
 *   (big-endian) or `le` (little-endian), e.g. `u32le`. No suffix means big-endian (network
 *   order), unless an `endian le` line came before. u64 and i64 decode to BigInt (exact), the
 *   others to numbers.
 * - Floats: f32 f64 (IEEE 754), with `be`/`le` the same way; an f32 reads as the shortest decimal
 *   that is the same float (0.1, not 0.10000000149011612).
 * - bool: one byte, true when not 0.
 * - Fixed-length text: `char[16] name` (one byte per character, Latin-1) or `utf8[16] name`
 *   (UTF-8); trailing NUL bytes are trimmed. `bytes[16] name` reads 16 bytes as a hex string.
 *   `char[16] names[4]` is four such strings.
 * - Arrays: `f32 accel[3]` (or `f32[3] accel`) reads 3 values into a JSON array; at most 65536.
 * - Bit fields: `u8 flags:bits(4)` (or `u8 flags:4`). Consecutive bit fields share bytes: they are
 *   read as one stream of bits starting at the next whole byte, most significant bit first and
 *   bytes in order, each field taking its N bits as an unsigned number (i-types: two's complement
 *   over N bits; bool: true when not 0). The first field that is not a bit field, a pad, or the
 *   end of a struct or layout ends the run: its unused low bits are skipped on decode and written
 *   as 0 on encode. So `u8 version:4; u8 ihl:4` reads 0x45 as version 4, ihl 5, and
 *   `u16 a:bits(3); u16 b:bits(13)` fills two bytes. N is at most the type's width (u16: 16); byte
 *   order suffixes do not apply (`le` is refused). After a `bitorder lsb` line the run is read
 *   least significant bit first instead, as C compilers lay out bit fields on little-endian CPUs
 *   (GCC, Clang and MSVC on x86 and ARM): the first field takes a byte's lowest bits, and a field
 *   crossing bytes reads them as a little-endian number. `struct { uint8_t a:1, b:3, c:4; }` is
 *   `bitorder lsb; u8 a:1; u8 b:3; u8 c:4`.
 * - Scale (integers and floats): `*0.1` or `/10`, then optionally `+ offset` or `- offset`; the
 *   field decodes to raw * factor + offset (or raw / divisor + offset) as a number rounded to 15
 *   significant digits (so 235 /10 reads 23.5), and encoding does the reverse, rounded to the
 *   nearest integer for integer types.
 * - Structs: `struct gps { f64 lat; f64 lon }` decodes to a nested object and
 *   `struct samples[8] { u32 t; i16 v }` to an array of objects. At most 16 levels deep.
 *
 * Other statements:
 * - `pad(N)`, `pad N`, `skip N` or `skip(N)`: N bytes that are skipped (written as 0 on encode).
 * - `endian le` or `endian be` (also `little`/`big`): the byte order of the fields after it with
 *   no suffix, to the end of the struct or layout (nested structs inherit it).
 * - `bitorder lsb` or `bitorder msb` (the default): the bit order of the bit fields after it, in
 *   the same scope.
 *
 * Names are letters, digits and `_` (not starting with a digit), unique within their struct;
 * `_rest` is reserved: bytes after the layout's end decode into `_rest` as a hex string (a debugger
 * wants to see them; the first 4096 bytes, then `…`), and an encoded `_rest` (whole) is appended.
 * A payload shorter than the layout fails naming the first field it cuts, with its byte offset.
 * A layout is at most 1 MiB of payload and 2^20 values.
 */
import { CodecError } from './codec-error';
import { shortestFloat32 } from './typed-view';
import { decodeHex, encodeHex, HexError } from './hex';
import { decodeUtf8Lenient, encodeUtf8 } from './utf8';

/** The grammar in a few lines, for the layout editor's tooltip (the comment above is the full reference). */
export const LAYOUT_HELP = [
  'One field per line or separated by ";". # or // starts a comment.',
  'Field: type name [N] :bits(N) *factor or /divisor, +offset (all optional but type and name)',
  'Types: u8 i8 u16 i16 u24 i24 u32 i32 u64 i64 f32 f64, with be or le (default be: network order); bool; char[N] utf8[N] bytes[N]',
  'Example: u16be temperature /10 -40; i32le pressure; f32 accel[3]; u8 flags:bits(4)',
  'Also: struct gps { f64 lat; f64 lon }, struct samples[8] { ... }, pad(2), endian le',
  'Bit fields are read most significant bit first (bitorder lsb: least first, as C compilers on x86/ARM); consecutive ones share bytes.',
  'Bytes after the layout show as _rest.',
].join('\n');

export const MAX_LAYOUT_BYTES = 1024 * 1024;
export const MAX_LAYOUT_ARRAY = 65536;
export const MAX_LAYOUT_VALUES = 1 << 20;
export const MAX_LAYOUT_DEPTH = 16;
/** Leftover bytes shown in `_rest`; beyond it the hex ends in `…`. */
export const MAX_REST_BYTES = 4096;
export const REST_FIELD = '_rest';

export interface LayoutField {
  name: string;
  /** Canonical, byte order resolved: `u16be`, `f32le[3]`, `u8:bits(4)`, `i8[2]:bits(4)`, `char[16]`, `char[16][4]`, `struct`, `struct[8]`. */
  type: string;
  /** Byte offset from the start of the enclosing struct (top level: the payload); a bit field: the byte of its first bit. */
  offset: number;
  /** Bytes the field spans (a bit field: the bytes its bits touch). */
  size: number;
  /** Bit fields: the first bit, counted MSB-first from the start of the enclosing struct, and the bits per element. */
  bitOffset?: number;
  bits?: number;
  bitOrder?: 'msb' | 'lsb';
  /** Scaled fields: value = raw * factor + offset. */
  scale?: { factor: number; offset: number };
  /** Struct members. */
  fields?: readonly LayoutField[];
}

export interface BinaryLayout {
  /**
   * Reads the fields in order into an object (u64/i64 as BigInt, scaled fields as numbers).
   * Bytes after the layout's end go into `_rest` as hex. A payload too short: CodecError with the
   * byte offset of the first field it cuts, named by its path (`samples[2].t`).
   */
  decode(bytes: Uint8Array): Record<string, unknown>;
  /**
   * The reverse, from a JSON value: every field present, no unknown ones; 64-bit integers as
   * BigInt, number or decimal string; floats also as "NaN"/"Infinity"; `bytes` as hex. CodecError
   * naming the field otherwise.
   */
  encode(value: unknown): Uint8Array;
  /** The top-level fields in order (pads left out). */
  readonly fields: readonly LayoutField[];
  /** Bytes the layout spans (a payload may be longer: see `_rest`). */
  readonly size: number;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'word' | 'number' | 'punct' | 'newline' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
}

const NUMBER = /^(?:0[xX][0-9A-Fa-f]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;
const WORD = /^[A-Za-z_][A-Za-z0-9_]*/;
const PUNCT = '[](){}:;*/+-';

function fail(message: string, token: { line: number; column: number }): never {
  throw new CodecError(message, { line: token.line, column: token.column });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const column = i - lineStart + 1;
    if (c === '\n') {
      tokens.push({ kind: 'newline', text: c, line, column });
      i++;
      line++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (PUNCT.includes(c)) {
      tokens.push({ kind: 'punct', text: c, line, column });
      i++;
    } else {
      const rest = text.slice(i, i + 400);
      const word = WORD.exec(rest);
      const number = word ? null : NUMBER.exec(rest);
      const match = word ?? number;
      if (!match) fail(`Unexpected character '${c}'`, { line, column });
      const end = i + match[0].length;
      // `10abc` or `1.2.3` is one bad number, not a number and a name.
      if (number && end < text.length && /[A-Za-z0-9_.]/.test(text[end]!)) {
        const bad = /^[A-Za-z0-9_.]*/.exec(text.slice(i, i + 100))![0];
        fail(`Bad number '${bad}'`, { line, column });
      }
      tokens.push({ kind: word ? 'word' : 'number', text: match[0], line, column });
      i = end;
    }
  }
  tokens.push({ kind: 'eof', text: '', line, column: i - lineStart + 1 });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Compiled form

interface Scale {
  factor: number;
  /** `/10`: divide by factor (exact for decimal steps) instead of multiplying by 0.1. */
  divide: boolean;
  offset: number;
}

type Kind =
  | { kind: 'int'; width: 1 | 2 | 3 | 4 | 8; signed: boolean; le: boolean; scale: Scale | null }
  | { kind: 'float'; width: 4 | 8; le: boolean; scale: Scale | null }
  | { kind: 'bool' }
  | { kind: 'text'; encoding: 'char' | 'utf8' | 'bytes'; length: number }
  | { kind: 'struct'; members: Node[] }
  | { kind: 'pad' };

type Node = Kind & {
  name: string;
  /** Canonical type for `fields`, and of one element (no `[N]`) for messages about one value. */
  type: string;
  elementType: string;
  /** null: a single value; N: an array of N. */
  count: number | null;
  /** Bits per element when a bit field, else null. */
  bits: number | null;
  /** Bit fields: least significant bit first (`bitorder lsb`) instead of most. */
  lsb: boolean;
  /** Position in bits from the start of the enclosing struct. */
  bitOffset: number;
  /** Size of one element in bits. */
  elementBits: number;
  line: number;
};

const MAX_BITS = MAX_LAYOUT_BYTES * 8;

const ALIASES: Record<string, string> = {
  uint8: 'u8', int8: 'i8', uint16: 'u16', int16: 'i16', uint32: 'u32', int32: 'i32', uint64: 'u64', int64: 'i64',
  byte: 'u8', float: 'f32', double: 'f64', float32: 'f32', float64: 'f64', string: 'char[N] or utf8[N]', boolean: 'bool',
};
const TYPE_LIST = 'u8 i8 u16 i16 u24 i24 u32 i32 u64 i64 (suffix be or le), f32 f64 (be/le), bool, char[N], utf8[N], bytes[N]';

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private expectPunct(text: string, what: string): Token {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== text) fail(`Expected '${text}' ${what}, found ${describe(token)}`, token);
    return this.next();
  }

  private skipSeparators(): void {
    for (;;) {
      const token = this.peek();
      if (token.kind === 'newline' || (token.kind === 'punct' && token.text === ';')) this.next();
      else return;
    }
  }

  /** A whole number in [min, max]; hex allowed. */
  private integer(what: string, min: number, max: number, over?: string): number {
    const token = this.peek();
    if (token.kind !== 'number') fail(`Expected ${what}, found ${describe(token)}`, token);
    const value = Number(token.text);
    if (!Number.isInteger(value) || value < min) fail(`${capitalize(what)} must be a whole number from ${min} to ${max}, not ${token.text}`, token);
    if (value > max) fail(over ?? `${capitalize(what)} must be a whole number from ${min} to ${max}, not ${token.text}`, token);
    this.next();
    return value;
  }

  /** A number with an optional sign (`-0.5`, `+40`, `1e-3`). */
  private signedNumber(what: string): number {
    let sign = 1;
    if (this.isPunct('-') || this.isPunct('+')) sign = this.next().text === '-' ? -1 : 1;
    const token = this.peek();
    if (token.kind !== 'number') fail(`Expected ${what}, found ${describe(token)}`, token);
    const value = Number(token.text) * sign;
    if (!Number.isFinite(value)) fail(`Bad number '${token.text}'`, token);
    this.next();
    return value;
  }

  /** `[N]` if present. */
  private arrayLength(what: string): number | null {
    if (!this.isPunct('[')) return null;
    this.next();
    const length = this.integer(what, 1, MAX_LAYOUT_ARRAY, `${capitalize(what)} ${this.peek().text} is over the limit of ${MAX_LAYOUT_ARRAY}`);
    this.expectPunct(']', `after ${what}`);
    return length;
  }

  parseLayout(): Node[] {
    const nodes = this.block(0, { littleEndian: false, lsb: false }, null);
    const token = this.peek();
    if (token.kind !== 'eof') fail(`Unexpected ${describe(token)}`, token);
    return nodes;
  }

  /** Statements up to `}` (not consumed) or the end; offsets relative to the block's start. */
  private block(depth: number, inherited: Orders, opener: { name: string; token: Token } | null): Node[] {
    const nodes: Node[] = [];
    const names = new Map<string, number>();
    const orders = { ...inherited };
    let position = 0; // bits
    let values = 0;
    for (;;) {
      this.skipSeparators();
      const token = this.peek();
      if (token.kind === 'eof') {
        if (opener) fail(`Expected '}' to close struct '${opener.name}' (opened on line ${opener.token.line})`, token);
        break;
      }
      if (token.kind === 'punct' && token.text === '}') {
        if (!opener) fail(`Unexpected '}': no struct is open`, token);
        break;
      }
      if (token.kind !== 'word') fail(`Expected a field such as 'u16be temperature' (or pad, struct, endian), found ${describe(token)}`, token);

      let node: Node | null = null;
      if (token.text === 'endian') {
        this.next();
        const order = this.peek();
        if (order.kind !== 'word' || !['le', 'be', 'little', 'big'].includes(order.text)) fail(`Expected 'le' or 'be' after 'endian', found ${describe(order)}`, order);
        orders.littleEndian = order.text === 'le' || order.text === 'little';
        this.next();
      } else if (token.text === 'bitorder') {
        this.next();
        const order = this.peek();
        if (order.kind !== 'word' || !['msb', 'lsb'].includes(order.text)) fail(`Expected 'msb' or 'lsb' after 'bitorder', found ${describe(order)}`, order);
        orders.lsb = order.text === 'lsb';
        this.next();
      } else if (token.text === 'pad' || token.text === 'skip') {
        this.next();
        const parens = this.isPunct('(');
        if (parens) this.next();
        const length = this.integer(`a byte count after '${token.text}'`, 1, MAX_LAYOUT_BYTES);
        if (parens) this.expectPunct(')', `after the byte count`);
        position = roundUp(position);
        node = { kind: 'pad', name: '', type: `pad(${length})`, elementType: `pad(${length})`, count: null, bits: null, lsb: false, bitOffset: position, elementBits: length * 8, line: token.line };
      } else if (token.text === 'struct') {
        this.next();
        if (depth + 1 > MAX_LAYOUT_DEPTH) fail(`Structs nest at most ${MAX_LAYOUT_DEPTH} deep`, token);
        const nameToken = this.name(names, depth === 0, 'struct');
        const count = this.arrayLength('an array length');
        while (this.peek().kind === 'newline') this.next();
        this.expectPunct('{', `to open struct '${nameToken.text}'`);
        const members = this.block(depth + 1, orders, { name: nameToken.text, token: nameToken });
        this.expectPunct('}', `to close struct '${nameToken.text}'`);
        const last = members[members.length - 1];
        const size = last ? roundUp(last.bitOffset + last.elementBits * (last.count ?? 1)) : 0;
        if (size === 0) fail(`Struct '${nameToken.text}' has no fields`, nameToken);
        position = roundUp(position);
        node = {
          kind: 'struct', members, name: nameToken.text, type: count === null ? 'struct' : `struct[${count}]`, elementType: 'struct',
          count, bits: null, lsb: false, bitOffset: position, elementBits: size, line: nameToken.line,
        };
        values += (count ?? 1) * countValues(members);
      } else {
        node = this.field(names, depth === 0, orders, position);
        position = node.bitOffset;
        values += (node.count ?? 1);
      }
      if (node) {
        nodes.push(node);
        position = node.bitOffset + node.elementBits * (node.count ?? 1);
        if (position > MAX_BITS) fail(`The layout is over the limit of ${MAX_LAYOUT_BYTES} bytes at ${node.name ? `'${node.name}'` : node.type}`, token);
        if (values > MAX_LAYOUT_VALUES) fail(`The layout has over ${MAX_LAYOUT_VALUES} values at '${node.name}'`, token);
      }

      const after = this.peek();
      const ends = after.kind === 'newline' || after.kind === 'eof' || (after.kind === 'punct' && (after.text === ';' || after.text === '}'));
      if (!ends) fail(`Expected ';' or a new line after ${node?.name ? `'${node.name}'` : `'${token.text}'`}, found ${describe(after)}`, after);
    }
    return nodes;
  }

  private name(names: Map<string, number>, topLevel: boolean, after: string): Token {
    const token = this.peek();
    if (token.kind !== 'word') fail(`Expected a field name after '${after}', found ${describe(token)}`, token);
    if (token.text === '__proto__') fail(`'__proto__' cannot be a field name`, token);
    if (topLevel && token.text === REST_FIELD) fail(`'${REST_FIELD}' is reserved for the bytes after the layout`, token);
    const first = names.get(token.text);
    if (first !== undefined) fail(`Duplicate field name '${token.text}' (first on line ${first})`, token);
    names.set(token.text, token.line);
    return this.next();
  }

  private field(names: Map<string, number>, topLevel: boolean, orders: Orders, position: number): Node {
    const typeToken = this.next();
    const spec = parseType(typeToken.text);
    if (!spec) {
      const alias = ALIASES[typeToken.text];
      fail(`Unknown type '${typeToken.text}'${alias ? ` (did you mean ${alias}?)` : ''}. Types: ${TYPE_LIST}`, typeToken);
    }
    const typeLength = this.arrayLength(spec.kind === 'text' ? 'a length' : 'an array length');
    const nameToken = this.name(names, topLevel, typeToken.text);
    const bracket = this.peek();
    const nameLength = this.arrayLength('an array length');

    let count: number | null;
    let kind: Kind;
    if (spec.kind === 'text') {
      const length = typeLength ?? nameLength;
      if (length === null) fail(`'${typeToken.text}' needs a length, e.g. ${typeToken.text}[16] ${nameToken.text}`, typeToken);
      count = typeLength !== null ? nameLength : null;
      kind = { kind: 'text', encoding: spec.encoding, length };
    } else {
      if (typeLength !== null && nameLength !== null) fail(`Give the array length once, after the type or after the name`, bracket);
      count = typeLength ?? nameLength;
      kind = spec.kind === 'bool' ? { kind: 'bool' } : { ...spec, le: spec.le ?? orders.littleEndian, scale: null };
    }

    let bits: number | null = null;
    if (this.isPunct(':')) {
      const colon = this.next();
      if (kind.kind !== 'int' && kind.kind !== 'bool') fail(`Only integers and bool can be bit fields, not '${typeToken.text}'`, colon);
      if (kind.kind === 'int' && spec.kind === 'int' && spec.le === true) fail(`A bit field's order is set by 'bitorder msb' (the default) or 'bitorder lsb', not a suffix: drop the 'le' of '${typeToken.text}'`, typeToken);
      const width = kind.kind === 'int' ? kind.width * 8 : 8;
      const word = this.peek();
      const parens = word.kind === 'word' && word.text === 'bits';
      if (parens) {
        this.next();
        this.expectPunct('(', `after 'bits'`);
      } else if (word.kind !== 'number') {
        fail(`Expected bits(N) after ':', found ${describe(word)}`, word);
      }
      bits = this.integer(`the bit count`, 1, width, `'${typeToken.text}' holds at most ${width} bits, not ${this.peek().text}`);
      if (parens) this.expectPunct(')', `after the bit count`);
    }

    if (this.isPunct('*') || this.isPunct('/') || this.isPunct('+') || this.isPunct('-')) {
      const at = this.peek();
      if (kind.kind !== 'int' && kind.kind !== 'float') fail(`Only numbers can be scaled, not '${typeToken.text}'`, at);
      const scale: Scale = { factor: 1, divide: false, offset: 0 };
      if (this.isPunct('*') || this.isPunct('/')) {
        scale.divide = this.next().text === '/';
        const factorToken = this.peek();
        scale.factor = this.signedNumber(scale.divide ? 'a divisor after /' : 'a factor after *');
        if (scale.factor === 0) fail(`A scale factor of 0 loses the value`, factorToken);
      }
      if (this.isPunct('+') || this.isPunct('-')) scale.offset = this.signedNumber(`an offset`);
      kind.scale = scale;
    }

    const elementBits = bits ?? sizeOf(kind) * 8;
    const bitOffset = bits === null ? roundUp(position) : position;
    // A bit field has no byte order, so its type names none (`u16:bits(12)`).
    const base =
      kind.kind === 'text' ? `${kind.encoding}[${kind.length}]` : kind.kind === 'int' && bits !== null ? `${kind.signed ? 'i' : 'u'}${kind.width * 8}` : canonical(kind);
    const suffix = bits === null ? '' : `:bits(${bits})`;
    const type = `${base}${count === null ? '' : `[${count}]`}${suffix}`;
    return { ...kind, name: nameToken.text, type, elementType: base + suffix, count, bits, lsb: bits !== null && orders.lsb, bitOffset, elementBits, line: nameToken.line };
  }
}

/** What `endian` and `bitorder` lines set for the statements after them. */
interface Orders {
  littleEndian: boolean;
  lsb: boolean;
}

type Spec =
  | { kind: 'int'; width: 1 | 2 | 3 | 4 | 8; signed: boolean; le: boolean | null }
  | { kind: 'float'; width: 4 | 8; le: boolean | null }
  | { kind: 'bool' }
  | { kind: 'text'; encoding: 'char' | 'utf8' | 'bytes' };

function parseType(text: string): Spec | null {
  if (text === 'bool') return { kind: 'bool' };
  if (text === 'char' || text === 'utf8' || text === 'bytes') return { kind: 'text', encoding: text };
  const int = /^([ui])(8|16|24|32|64)(be|le)?$/.exec(text);
  if (int) return { kind: 'int', width: (Number(int[2]) / 8) as 1 | 2 | 3 | 4 | 8, signed: int[1] === 'i', le: int[3] ? int[3] === 'le' : null };
  const float = /^f(32|64)(be|le)?$/.exec(text);
  if (float) return { kind: 'float', width: float[1] === '32' ? 4 : 8, le: float[2] ? float[2] === 'le' : null };
  return null;
}

function canonical(kind: Kind): string {
  if (kind.kind === 'int') return `${kind.signed ? 'i' : 'u'}${kind.width * 8}${kind.width > 1 ? (kind.le ? 'le' : 'be') : ''}`;
  if (kind.kind === 'float') return `f${kind.width * 8}${kind.le ? 'le' : 'be'}`;
  return kind.kind;
}

function sizeOf(kind: Kind): number {
  switch (kind.kind) {
    case 'int':
    case 'float':
      return kind.width;
    case 'bool':
      return 1;
    case 'text':
      return kind.length;
    default:
      return 0;
  }
}

function countValues(nodes: readonly Node[]): number {
  let values = 0;
  for (const node of nodes) {
    if (node.kind === 'pad') continue;
    values += (node.count ?? 1) * (node.kind === 'struct' ? countValues(node.members) : 1);
  }
  return values;
}

const roundUp = (bits: number) => Math.ceil(bits / 8) * 8;
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the layout';
  if (token.kind === 'newline') return 'the end of the line';
  return `'${token.text}'`;
}

function describeFields(nodes: readonly Node[]): LayoutField[] {
  const fields: LayoutField[] = [];
  for (const node of nodes) {
    if (node.kind === 'pad') continue;
    const totalBits = node.elementBits * (node.count ?? 1);
    const offset = Math.floor(node.bitOffset / 8);
    const field: LayoutField = { name: node.name, type: node.type, offset, size: Math.ceil((node.bitOffset + totalBits) / 8) - offset };
    if (node.bits !== null) {
      field.bitOffset = node.bitOffset;
      field.bits = node.bits;
      field.bitOrder = node.lsb ? 'lsb' : 'msb';
    }
    if ((node.kind === 'int' || node.kind === 'float') && node.scale) {
      field.scale = { factor: node.scale.divide ? 1 / node.scale.factor : node.scale.factor, offset: node.scale.offset };
    }
    if (node.kind === 'struct') field.fields = describeFields(node.members);
    fields.push(field);
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Bits. MSB-first: a byte's bits from the most significant down, bytes in order, the first bit
// read the most significant of the value. LSB-first: from the least significant up, the first bit
// read the least significant of the value (a little-endian number's bits, from the bottom).

function readBits(bytes: Uint8Array, bitPosition: number, bits: number, lsb: boolean): number {
  let value = 0;
  let weight = 1;
  let position = bitPosition;
  let left = bits;
  while (left > 0) {
    const used = position & 7;
    const take = Math.min(8 - used, left);
    const byte = bytes[position >> 3]!;
    const mask = (1 << take) - 1;
    if (lsb) {
      value += ((byte >> used) & mask) * weight;
      weight *= 2 ** take;
    } else {
      value = value * 2 ** take + ((byte >> (8 - used - take)) & mask);
    }
    position += take;
    left -= take;
  }
  return value;
}

function readBitsBig(bytes: Uint8Array, bitPosition: number, bits: number, lsb: boolean): bigint {
  if (bits <= 32) return BigInt(readBits(bytes, bitPosition, bits, lsb));
  const first = readBits(bytes, bitPosition, lsb ? 32 : bits - 32, lsb);
  const second = readBits(bytes, bitPosition + (lsb ? 32 : bits - 32), lsb ? bits - 32 : 32, lsb);
  return lsb ? (BigInt(second) << 32n) | BigInt(first) : (BigInt(first) << 32n) | BigInt(second);
}

/** `value`: unsigned, below 2^bits (bits <= 32). */
function writeBits(out: Uint8Array, bitPosition: number, bits: number, value: number, lsb: boolean): void {
  let position = bitPosition;
  let left = bits;
  let rest = value;
  while (left > 0) {
    const used = position & 7;
    const take = Math.min(8 - used, left);
    const mask = (1 << take) - 1;
    const shift = lsb ? used : 8 - used - take;
    let chunk: number;
    if (lsb) {
      chunk = rest % 2 ** take;
      rest = Math.floor(rest / 2 ** take);
    } else {
      chunk = Math.floor(rest / 2 ** (left - take)) % 2 ** take;
    }
    out[position >> 3] = (out[position >> 3]! & ~(mask << shift)) | (chunk << shift);
    position += take;
    left -= take;
  }
}

function writeBitsBig(out: Uint8Array, bitPosition: number, bits: number, value: bigint, lsb: boolean): void {
  if (bits <= 32) return writeBits(out, bitPosition, bits, Number(value), lsb);
  const [high, low] = [Number(value >> 32n), Number(value & 0xffff_ffffn)];
  if (lsb) {
    writeBits(out, bitPosition, 32, low, true);
    writeBits(out, bitPosition + 32, bits - 32, high, true);
  } else {
    writeBits(out, bitPosition, bits - 32, high, false);
    writeBits(out, bitPosition + bits - 32, 32, low, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Decode

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);
const at = (path: string, count: number | null, index: number) => (count === null ? path : `${path}[${index}]`);

function scaled(raw: number, scale: Scale): number {
  const value = (scale.divide ? raw / scale.factor : raw * scale.factor) + scale.offset;
  // 15 significant digits: a decimal step reads as 23.5, not 23.500000000000004.
  return Number.isFinite(value) ? Number(value.toPrecision(15)) : value;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

function decodeOne(node: Node, bytes: Uint8Array, view: DataView, bitPosition: number, path: string): unknown {
  const offset = bitPosition >> 3;
  switch (node.kind) {
    case 'int': {
      let raw: number | bigint;
      if (node.bits !== null) {
        if (node.width === 8) {
          const value = readBitsBig(bytes, bitPosition, node.bits, node.lsb);
          raw = node.signed ? BigInt.asIntN(node.bits, value) : value;
        } else {
          const value = readBits(bytes, bitPosition, node.bits, node.lsb);
          raw = node.signed && value >= 2 ** (node.bits - 1) ? value - 2 ** node.bits : value;
        }
      } else {
        switch (node.width) {
          case 1:
            raw = node.signed ? view.getInt8(offset) : view.getUint8(offset);
            break;
          case 2:
            raw = node.signed ? view.getInt16(offset, node.le) : view.getUint16(offset, node.le);
            break;
          case 3: {
            const [a, b, c] = [bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!];
            const value = node.le ? a | (b << 8) | (c << 16) : (a << 16) | (b << 8) | c;
            raw = node.signed && value >= 0x800000 ? value - 0x1000000 : value;
            break;
          }
          case 4:
            raw = node.signed ? view.getInt32(offset, node.le) : view.getUint32(offset, node.le);
            break;
          case 8:
            raw = node.signed ? view.getBigInt64(offset, node.le) : view.getBigUint64(offset, node.le);
            break;
        }
      }
      return node.scale ? scaled(Number(raw), node.scale) : raw;
    }
    case 'float': {
      if (node.width === 8) return node.scale ? scaled(view.getFloat64(offset, node.le), node.scale) : view.getFloat64(offset, node.le);
      const raw = view.getFloat32(offset, node.le);
      return node.scale ? scaled(raw, node.scale) : shortestFloat32(raw);
    }
    case 'bool':
      return (node.bits !== null ? readBits(bytes, bitPosition, node.bits, node.lsb) : bytes[offset]!) !== 0;
    case 'text': {
      const slice = bytes.subarray(offset, offset + node.length);
      if (node.encoding === 'bytes') return encodeHex(slice);
      let end = slice.length;
      while (end > 0 && slice[end - 1] === 0) end--;
      return node.encoding === 'char' ? latin1(slice.subarray(0, end)) : decodeUtf8Lenient(slice.subarray(0, end));
    }
    case 'struct':
      return decodeStruct(node.members, bytes, view, offset, path);
    case 'pad':
      return undefined;
  }
}

function decodeStruct(nodes: readonly Node[], bytes: Uint8Array, view: DataView, base: number, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const available = bytes.length * 8;
  for (const node of nodes) {
    const start = base * 8 + node.bitOffset;
    const count = node.count ?? 1;
    const fieldPath = node.kind === 'pad' ? path : join(path, node.name);
    if (node.kind !== 'struct') {
      // The first element that does not fit, checked once per field rather than per element.
      const fit = available < start ? 0 : Math.floor((available - start) / node.elementBits);
      if (fit < count) {
        const missing = start + fit * node.elementBits;
        const [first, last] = [missing >> 3, Math.ceil((missing + node.elementBits) / 8) - 1];
        const what = node.kind === 'pad' ? `${node.type}${path ? ` in '${path}'` : ''} on line ${node.line}` : `'${at(fieldPath, node.count, fit)}' (${node.elementType})`;
        const span = first === last ? `byte ${first}` : `bytes ${first} to ${last}`;
        throw new CodecError(`The payload is ${bytes.length} bytes, too short: ${what} needs ${span}`, { offset: first });
      }
    }
    if (node.kind === 'pad') continue;
    if (node.count === null) {
      out[node.name] = decodeOne(node, bytes, view, start, fieldPath);
    } else {
      const values = new Array<unknown>(count);
      // Only a struct's members need the element's path (for their messages).
      const struct = node.kind === 'struct';
      for (let i = 0; i < count; i++) values[i] = decodeOne(node, bytes, view, start + i * node.elementBits, struct ? `${fieldPath}[${i}]` : fieldPath);
      out[node.name] = values;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Encode

function encodeError(message: string): never {
  throw new CodecError(message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function toInteger(value: unknown, path: string, type: string, wide: boolean): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) encodeError(`'${path}' (${type}) needs a whole number, not ${show(value)}`);
    // JSON.parse has already rounded such a number: refuse it rather than send other digits.
    if (wide && !Number.isSafeInteger(value)) encodeError(`'${path}' (${type}): ${show(value)} is beyond 2^53, where JSON numbers lose digits; write it as a string, e.g. "18446744073709551615"`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^\s*[+-]?(\d+|0[xX][0-9A-Fa-f]+)\s*$/.test(value)) {
    const text = value.trim();
    const negative = text.startsWith('-');
    const magnitude = BigInt(text.replace(/^[+-]/, ''));
    return negative ? -magnitude : magnitude;
  }
  return encodeError(`'${path}' (${type}) needs a whole number, not ${show(value)}`);
}

function toNumber(value: unknown, path: string, type: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === 'NaN') return NaN;
    if (text === 'Infinity' || text === '+Infinity') return Infinity;
    if (text === '-Infinity') return -Infinity;
    if (text !== '' && Number.isFinite(Number(text))) return Number(text);
  }
  return encodeError(`'${path}' (${type}) needs a number, not ${show(value)}`);
}

function unscaled(value: unknown, scale: Scale, path: string, type: string): number {
  const number = toNumber(value, path, type);
  const shifted = number - scale.offset;
  return scale.divide ? shifted * scale.factor : shifted / scale.factor;
}

function encodeOne(node: Node, value: unknown, out: Uint8Array, view: DataView, bitPosition: number, path: string): void {
  const offset = bitPosition >> 3;
  switch (node.kind) {
    case 'int': {
      let integer: bigint;
      if (node.scale) {
        const raw = Math.round(unscaled(value, node.scale, path, node.elementType));
        if (!Number.isFinite(raw)) encodeError(`'${path}' (${node.elementType}) cannot hold ${show(value)}`);
        integer = BigInt(raw);
      } else {
        integer = toInteger(value, path, node.elementType, node.width === 8);
      }
      const bits = node.bits ?? node.width * 8;
      const min = node.signed ? -(1n << BigInt(bits - 1)) : 0n;
      const max = node.signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
      if (integer < min || integer > max) {
        encodeError(`'${path}' (${node.elementType}) is out of range: ${show(value)}${node.scale ? ` is ${integer} raw` : ''}, the range is ${min} to ${max}`);
      }
      if (node.bits !== null) {
        writeBitsBig(out, bitPosition, node.bits, BigInt.asUintN(node.bits, integer), node.lsb);
        return;
      }
      switch (node.width) {
        case 1:
          view.setUint8(offset, Number(BigInt.asUintN(8, integer)));
          return;
        case 2:
          view.setUint16(offset, Number(BigInt.asUintN(16, integer)), node.le);
          return;
        case 3: {
          const bits24 = Number(BigInt.asUintN(24, integer));
          const [high, middle, low] = [bits24 >>> 16, (bits24 >>> 8) & 0xff, bits24 & 0xff];
          out.set(node.le ? [low, middle, high] : [high, middle, low], offset);
          return;
        }
        case 4:
          view.setUint32(offset, Number(BigInt.asUintN(32, integer)), node.le);
          return;
        case 8:
          view.setBigUint64(offset, BigInt.asUintN(64, integer), node.le);
          return;
      }
      return;
    }
    case 'float': {
      const raw = node.scale ? unscaled(value, node.scale, path, node.elementType) : toNumber(value, path, node.elementType);
      if (node.width === 4) view.setFloat32(offset, raw, node.le);
      else view.setFloat64(offset, raw, node.le);
      return;
    }
    case 'bool': {
      if (typeof value !== 'boolean' && value !== 0 && value !== 1) encodeError(`'${path}' (bool) needs true or false, not ${show(value)}`);
      const bit = value === true || value === 1 ? 1 : 0;
      if (node.bits !== null) writeBits(out, bitPosition, node.bits, bit, node.lsb);
      else out[offset] = bit;
      return;
    }
    case 'text': {
      if (typeof value !== 'string') encodeError(`'${path}' (${node.elementType}) needs a string, not ${show(value)}`);
      let bytes: Uint8Array;
      if (node.encoding === 'bytes') {
        try {
          bytes = decodeHex(value);
        } catch (error) {
          encodeError(`'${path}' (${node.elementType}) needs hex: ${error instanceof HexError ? error.message : String(error)}`);
        }
      } else if (node.encoding === 'utf8') {
        bytes = encodeUtf8(value);
      } else {
        bytes = new Uint8Array(value.length);
        for (let i = 0; i < value.length; i++) {
          const code = value.charCodeAt(i);
          if (code > 0xff) encodeError(`'${path}' (${node.elementType}) holds one byte per character: '${value[i]}' is not Latin-1`);
          bytes[i] = code;
        }
      }
      if (bytes.length > node.length) encodeError(`'${path}' (${node.elementType}) holds at most ${node.length} bytes, the value has ${bytes.length}`);
      out.set(bytes, offset); // the rest stays NUL
      return;
    }
    case 'struct':
      encodeStruct(node.members, value, out, view, offset, path);
      return;
    case 'pad':
      return;
  }
}

function encodeStruct(nodes: readonly Node[], value: unknown, out: Uint8Array, view: DataView, base: number, path: string, rest = false): void {
  if (!isRecord(value)) encodeError(`${path ? `'${path}'` : 'The layout'} needs an object with its fields, not ${show(value)}`);
  const known = new Set(nodes.filter((node) => node.kind !== 'pad').map((node) => node.name));
  for (const key of Object.keys(value)) {
    if (!known.has(key) && !(rest && key === REST_FIELD)) encodeError(`Unknown field '${join(path, key)}': the layout has ${[...known].map((name) => `'${name}'`).join(', ')}`);
  }
  for (const node of nodes) {
    if (node.kind === 'pad') continue;
    const fieldPath = join(path, node.name);
    if (!Object.hasOwn(value, node.name)) encodeError(`Missing field '${fieldPath}' (${node.type})`);
    const item = value[node.name];
    const start = base * 8 + node.bitOffset;
    if (node.count === null) {
      encodeOne(node, item, out, view, start, fieldPath);
    } else {
      if (!Array.isArray(item) || item.length !== node.count) {
        encodeError(`'${fieldPath}' (${node.type}) needs an array of ${node.count}, not ${Array.isArray(item) ? `${item.length} items` : show(item)}`);
      }
      for (let i = 0; i < node.count; i++) encodeOne(node, item[i], out, view, start + i * node.elementBits, `${fieldPath}[${i}]`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

/** Compiles layout text (grammar above); a CodecError with line and column when it does not parse. */
export function compileLayout(text: string): BinaryLayout {
  const nodes = new Parser(tokenize(text)).parseLayout();
  const last = nodes[nodes.length - 1];
  const size = last ? roundUp(last.bitOffset + last.elementBits * (last.count ?? 1)) / 8 : 0;
  if (size === 0) throw new CodecError('The layout has no fields', { line: 1, column: 1 });
  const fields = describeFields(nodes);

  return {
    fields,
    size,
    decode(bytes) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out = decodeStruct(nodes, bytes, view, 0, '');
      if (bytes.length > size) {
        const rest = bytes.subarray(size);
        out[REST_FIELD] = rest.length > MAX_REST_BYTES ? `${encodeHex(rest.subarray(0, MAX_REST_BYTES))}…` : encodeHex(rest);
      }
      return out;
    },
    encode(value) {
      let rest: Uint8Array = new Uint8Array(0);
      if (isRecord(value) && Object.hasOwn(value, REST_FIELD)) {
        const hex = value[REST_FIELD];
        if (typeof hex !== 'string') encodeError(`'${REST_FIELD}' needs hex, not ${show(hex)}`);
        if (hex.endsWith('…')) encodeError(`'${REST_FIELD}' was cut when decoded: give all its bytes, or leave it out`);
        try {
          rest = decodeHex(hex);
        } catch (error) {
          encodeError(`'${REST_FIELD}' needs hex: ${error instanceof HexError ? error.message : String(error)}`);
        }
      }
      const out = new Uint8Array(size + rest.length);
      encodeStruct(nodes, value, out, new DataView(out.buffer), 0, '', true);
      out.set(rest, size);
      return out;
    },
  };
}
