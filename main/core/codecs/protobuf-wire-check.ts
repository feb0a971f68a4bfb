import { type FieldPlan, MAX_NESTING, type TypePlan, WIRE, fieldByNumber, subPlan } from './protobuf-plan';

/**
 * Checks a payload against a message type before protobufjs decodes it, and says where it stops
 * matching. protobufjs reads a known field by its declared type whatever its wire type, so a payload
 * of another type (the commonest mistake: a rule naming the wrong message) would "decode" to nonsense;
 * and its own errors rarely say where. This walk reads only tags, varints and lengths (no values, no
 * allocation), so it costs a fraction of the decode, and once it passes protobufjs cannot fail.
 */

/** Field numbers run from 1 to 2^29 - 1. */
const MAX_FIELD_NUMBER = 0x1fff_ffff;

const WIRE_NAMES = ['varint', '64-bit', 'length-delimited', 'group start', 'group end', '32-bit', 'wire type 6', 'wire type 7'];

export class WireProblem extends Error {
  /** The fields, from the outermost message, that hold the message where it failed. */
  readonly path: string[] = [];
  /** The nesting depth of the message that failed (its own field is named in the message, not the path). */
  level: number | undefined;
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function describe(field: FieldPlan): string {
  const type = field.map ? `map<${field.keyType}, ${field.scalar === 'message' ? field.messageType!.name : field.scalar === 'enum' ? field.enumType!.name : field.scalar}>`
    : field.kind === 'message' ? field.messageType!.name : field.kind === 'enum' ? field.enumType!.name : field.scalar;
  return `field ${field.id} '${field.name}' (${field.repeated ? 'repeated ' : ''}${type})`;
}

/**
 * What a read is of, for its error message: a known field, an unknown field's number, or a phrase.
 * Passed as is and worded only when a read fails: building the words for every read would cost more
 * than the walk.
 */
type Subject = FieldPlan | number | string;

function words(prefix: string, subject: Subject): string {
  if (typeof subject === 'string') return `${prefix}${subject}`;
  return `${prefix}${typeof subject === 'number' ? `unknown field ${subject}` : describe(subject)}`;
}

/** Reads a varint at `pos`; returns its value (exact up to 2^53) and sets `next.pos`. Throws past `end` or beyond 10 bytes. */
function varint(buf: Uint8Array, pos: number, end: number, next: { pos: number }, subject: Subject, prefix = ''): number {
  if (pos < end && buf[pos]! < 0x80) {
    next.pos = pos + 1;
    return buf[pos]!;
  }
  let value = 0;
  let scale = 1;
  for (let i = pos; i < end && i < pos + 10; i++) {
    const byte = buf[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) {
      next.pos = i + 1;
      return value;
    }
    scale *= 128;
  }
  if (end - pos >= 10) throw new WireProblem(`${words(prefix, subject)} is not a valid varint (more than 10 bytes)`, pos);
  throw new WireProblem(`the payload ends inside ${words(prefix, subject)}`, pos);
}

function need(pos: number, size: number, end: number, subject: Subject, prefix = ''): void {
  if (pos + size > end) {
    const left = end - pos;
    throw new WireProblem(`${words(prefix, subject)} needs ${size} bytes but only ${left} ${left === 1 ? 'is' : 'are'} left`, pos);
  }
}

/** Skips a field the schema does not know (protobuf keeps such fields for compatibility). */
function skipUnknown(buf: Uint8Array, pos: number, end: number, wireType: number, fieldNo: number, depth: number, cursor: { pos: number }): number {
  const what = fieldNo;
  switch (wireType) {
    case WIRE.varint:
      varint(buf, pos, end, cursor, what);
      return cursor.pos;
    case WIRE.i64:
      need(pos, 8, end, what);
      return pos + 8;
    case WIRE.i32:
      need(pos, 4, end, what);
      return pos + 4;
    case WIRE.len: {
      const length = varint(buf, pos, end, cursor, what, 'the length of ');
      need(cursor.pos, length, end, what);
      return cursor.pos + length;
    }
    case WIRE.groupStart: {
      if (depth >= MAX_NESTING) throw new WireProblem(`groups are nested deeper than ${MAX_NESTING} levels`, pos);
      let at = pos;
      for (;;) {
        if (at >= end) throw new WireProblem(`group ${words('', what)} is never closed`, pos);
        const tagAt = at;
        const tag = varint(buf, at, end, cursor, 'a field key');
        at = cursor.pos;
        const type = tag % 8;
        const number = Math.floor(tag / 8);
        if (type === WIRE.groupEnd) {
          if (number !== fieldNo) throw new WireProblem(`group ${words('', what)} is closed as field ${number}`, tagAt);
          return at;
        }
        if (number === 0 || number > MAX_FIELD_NUMBER) throw new WireProblem(`field number ${number} is not valid`, tagAt);
        at = skipUnknown(buf, at, end, type, number, depth + 1, cursor);
      }
    }
    default:
      throw new WireProblem(`${WIRE_NAMES[wireType] ?? `wire type ${wireType}`} is not a valid wire type (field ${fieldNo})`, pos);
  }
}

/** Checks one value (or a packed run) of a known field whose wire type matched; returns the position after it. */
function checkValue(buf: Uint8Array, field: FieldPlan, wireType: number, pos: number, end: number, depth: number, cursor: { pos: number }): number {
  switch (wireType) {
    case WIRE.varint:
      varint(buf, pos, end, cursor, field);
      return cursor.pos;
    case WIRE.i64:
      need(pos, 8, end, field);
      return pos + 8;
    case WIRE.i32:
      need(pos, 4, end, field);
      return pos + 4;
    case WIRE.groupStart:
      return checkMessage(subPlan(field), buf, pos, end, depth + 1, field.id, cursor);
    default: {
      const length = varint(buf, pos, end, cursor, field, 'the length of ');
      const start = cursor.pos;
      need(start, length, end, field);
      const stop = start + length;
      if (field.map) checkMapEntry(field, buf, start, stop, depth + 1, cursor);
      else if (field.kind === 'message') {
        const after = checkMessage(subPlan(field), buf, start, stop, depth + 1, -1, cursor);
        if (after !== stop) throw new WireProblem(`${describe(field)} ends at byte ${after}, not at ${stop} as its length says`, after);
      } else if (field.wireType !== WIRE.len) checkPacked(buf, field, start, stop, cursor);
      return stop;
    }
  }
}

function checkPacked(buf: Uint8Array, field: FieldPlan, start: number, stop: number, cursor: { pos: number }): void {
  if (field.wireType === WIRE.varint) {
    for (let at = start; at < stop; at = cursor.pos) varint(buf, at, stop, cursor, field, 'a packed value of ');
    return;
  }
  const size = field.wireType === WIRE.i64 ? 8 : 4;
  if ((stop - start) % size !== 0) {
    throw new WireProblem(`packed ${describe(field)} holds ${stop - start} bytes, not a multiple of ${size}`, start);
  }
}

const mapKeyWire: Record<string, number> = {
  int32: WIRE.varint, uint32: WIRE.varint, sint32: WIRE.varint, int64: WIRE.varint, uint64: WIRE.varint, sint64: WIRE.varint,
  bool: WIRE.varint, fixed32: WIRE.i32, sfixed32: WIRE.i32, fixed64: WIRE.i64, sfixed64: WIRE.i64, string: WIRE.len,
};

function checkMapEntry(field: FieldPlan, buf: Uint8Array, start: number, stop: number, depth: number, cursor: { pos: number }): void {
  if (depth > MAX_NESTING) throw new WireProblem(`messages are nested deeper than ${MAX_NESTING} levels`, start);
  let at = start;
  while (at < stop) {
    const tagAt = at;
    const tag = varint(buf, at, stop, cursor, field, 'a key in an entry of ');
    at = cursor.pos;
    const wireType = tag % 8;
    const number = Math.floor(tag / 8);
    const expected = number === 1 ? mapKeyWire[field.keyType] : number === 2 ? valueWire(field) : undefined;
    if (number === 0 || number > MAX_FIELD_NUMBER) throw new WireProblem(`field number ${number} is not valid (in an entry of ${describe(field)})`, tagAt);
    if (expected === undefined) {
      at = skipUnknown(buf, at, stop, wireType, number, depth, cursor);
    } else if (wireType !== expected) {
      throw new WireProblem(`the ${number === 1 ? 'key' : 'value'} of an entry of ${describe(field)} came as ${WIRE_NAMES[wireType]}, not ${WIRE_NAMES[expected]}`, tagAt);
    } else if (number === 2 && field.kind === 'message') {
      const length = varint(buf, at, stop, cursor, field, 'the length of a value of ');
      need(cursor.pos, length, stop, field, 'a value of ');
      at = checkMessage(subPlan(field), buf, cursor.pos, cursor.pos + length, depth + 1, -1, cursor);
    } else {
      at = skipUnknown(buf, at, stop, wireType, number, depth, cursor);
    }
  }
}

/** The wire type of a map's value (the plan's `wireType` is the entry's). */
function valueWire(field: FieldPlan): number {
  if (field.kind === 'message') return WIRE.len;
  if (field.kind === 'enum') return WIRE.varint;
  return scalarWire[field.scalar] ?? WIRE.varint;
}
const scalarWire: Record<string, number> = { double: WIRE.i64, float: WIRE.i32, fixed32: WIRE.i32, sfixed32: WIRE.i32, fixed64: WIRE.i64, sfixed64: WIRE.i64, string: WIRE.len, bytes: WIRE.len };

/**
 * Checks the fields of one message from `pos` to `end` (or, for a group, up to its end tag with
 * `groupField`); returns the position after it. Throws a WireProblem with the byte offset.
 */
export function checkMessage(plan: TypePlan, buf: Uint8Array, pos: number, end: number, depth: number, groupField: number, cursor: { pos: number }): number {
  if (depth > MAX_NESTING) throw new WireProblem(`messages are nested deeper than ${MAX_NESTING} levels`, pos);
  let seen: Set<number> | undefined;
  let at = pos;
  let current: FieldPlan | undefined;
  try {
    while (at < end) {
      const tagAt = at;
      current = undefined;
      let tag = buf[at]!;
      // One-byte keys (fields 1 to 15) are the common case: no call.
      if (tag < 0x80) at++;
      else {
        tag = varint(buf, at, end, cursor, 'a field key');
        at = cursor.pos;
      }
      const wireType = tag % 8;
      const number = Math.floor(tag / 8);
      if (wireType === WIRE.groupEnd) {
        if (number === groupField) {
          groupField = -1;
          break;
        }
        throw new WireProblem(`an end of group ${number} that was never opened`, tagAt);
      }
      // Keys are 32-bit: protobufjs would read a longer one cut to its low bits, as some other field.
      if (number === 0 || number > MAX_FIELD_NUMBER) throw new WireProblem(`field number ${number} is not valid`, tagAt);
      const field = fieldByNumber(plan, number);
      if (!field) {
        at = skipUnknown(buf, at, end, wireType, number, depth, cursor);
        continue;
      }
      current = field;
      if (wireType === field.wireType || (wireType === WIRE.len && field.packable)) {
        at = checkValue(buf, field, wireType, at, end, depth, cursor);
      } else {
        throw new WireProblem(`${describe(field)} came as ${WIRE_NAMES[wireType]}, not ${WIRE_NAMES[field.wireType]}`, tagAt);
      }
      if (field.required) (seen ??= new Set()).add(number);
    }
  } catch (error) {
    if (error instanceof WireProblem) {
      if (error.level === undefined) error.level = depth;
      else if (error.level > depth && current) error.path.unshift(current.name);
    }
    throw error;
  }
  if (groupField >= 0) throw atLevel(new WireProblem(`group ${groupField} of ${plan.fullName} is never closed`, at), depth);
  for (const field of plan.required) {
    if (!seen?.has(field.id)) throw atLevel(new WireProblem(`required ${describe(field)} of ${plan.fullName} is missing`, at), depth);
  }
  return at;
}

function atLevel(problem: WireProblem, depth: number): WireProblem {
  problem.level = depth;
  return problem;
}
