import { type Field, ProtobufReader, WIRE } from './protobuf-reader';

/**
 * Any protobuf message read without its schema, as `protoc --decode_raw` does: field numbers as
 * keys, a repeated field as an array. Varints are shown as unsigned integers; fixed32 and fixed64
 * as unsigned integers too (the schema would say if they are floats or signed). A length-delimited
 * field is shown as text when it is printable UTF-8, else as a nested message when its bytes parse
 * as one, else as bytes. Depth-bounded: the input is untrusted.
 */

const MAX_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });
// Tab, line breaks and every printable character; other C0 controls and DEL mean "not text".
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function printable(bytes: Uint8Array): string | undefined {
  try {
    const text = utf8.decode(bytes);
    return NOT_TEXT.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

function fieldValue(field: Field, depth: number): unknown {
  switch (field.wireType) {
    case WIRE.varint:
      return field.varint;
    case WIRE.i32:
      return new DataView(field.bytes!.buffer, field.bytes!.byteOffset, 4).getUint32(0, true);
    case WIRE.i64:
      return new DataView(field.bytes!.buffer, field.bytes!.byteOffset, 8).getBigUint64(0, true);
    default: {
      const bytes = field.bytes!;
      const text = printable(bytes);
      if (text !== undefined) return text;
      if (depth < MAX_DEPTH && bytes.length > 0) {
        try {
          return decodeMessage(bytes, depth + 1);
        } catch {
          // not a message: its bytes
        }
      }
      return bytes;
    }
  }
}

function decodeMessage(bytes: Uint8Array, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const reader = new ProtobufReader(bytes);
  while (!reader.done()) {
    const field = reader.next();
    const key = String(field.number);
    const value = fieldValue(field, depth);
    // A field value is never an array, so an array here is a repeated field's values so far.
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

/** Decodes a protobuf message without its schema; throws ProtobufError when the bytes are not one. */
export function decodeProtobufRaw(bytes: Uint8Array): Record<string, unknown> {
  return decodeMessage(bytes, 0);
}
