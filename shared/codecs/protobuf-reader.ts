/**
 * A reader for the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): enough
 * to walk a message field by field with a schema known in code (Sparkplug B), without a protobuf
 * library. Every read is bounds-checked: a truncated or corrupt payload throws a ProtobufError
 * naming the byte offset, never reads past the end.
 */

export class ProtobufError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`);
    this.name = 'ProtobufError';
  }
}

export const WIRE = { varint: 0, i64: 1, len: 2, i32: 5 } as const;

export interface Field {
  number: number;
  wireType: number;
  /** varint: the value; i64/i32: the raw little-endian bytes; len: the bytes it delimits. */
  varint?: bigint;
  bytes?: Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ProtobufReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  /** A base-128 varint, as uint64 (also how packed repeated integers are read). */
  varint(): bigint {
    const start = this.offset;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.offset >= this.bytes.length) throw new ProtobufError('Truncated varint', start);
      const byte = this.bytes[this.offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result & 0xffff_ffff_ffff_ffffn;
    }
    throw new ProtobufError('Varint longer than 10 bytes', start);
  }

  private take(length: number, what: string): Uint8Array {
    const start = this.offset;
    if (length < 0 || start + length > this.bytes.length) throw new ProtobufError(`${what} runs past the end of the payload`, start);
    this.offset += length;
    return this.bytes.subarray(start, start + length);
  }

  /** The next field (tag and value). */
  next(): Field {
    const at = this.offset;
    const key = this.varint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) throw new ProtobufError('Field number 0', at);
    switch (wireType) {
      case WIRE.varint:
        return { number, wireType, varint: this.varint() };
      case WIRE.i64:
        return { number, wireType, bytes: this.take(8, 'A 64-bit field') };
      case WIRE.len: {
        const length = this.varint();
        if (length > BigInt(this.bytes.length)) throw new ProtobufError('A length-delimited field runs past the end of the payload', at);
        return { number, wireType, bytes: this.take(Number(length), 'A length-delimited field') };
      }
      case WIRE.i32:
        return { number, wireType, bytes: this.take(4, 'A 32-bit field') };
      default:
        throw new ProtobufError(`Unsupported wire type ${wireType} (field ${number})`, at);
    }
  }
}

/** Typed reads of a field's value; each throws when the wire type does not fit. */
export const read = {
  uint64(field: Field): bigint {
    if (field.varint === undefined) throw new ProtobufError(`Field ${field.number} is not a varint`);
    return field.varint;
  },
  uint32(field: Field): number {
    return Number(read.uint64(field) & 0xffff_ffffn);
  },
  bool(field: Field): boolean {
    return read.uint64(field) !== 0n;
  },
  float(field: Field): number {
    if (field.wireType !== WIRE.i32 || !field.bytes) throw new ProtobufError(`Field ${field.number} is not a 32-bit float`);
    return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
  },
  double(field: Field): number {
    if (field.wireType !== WIRE.i64 || !field.bytes) throw new ProtobufError(`Field ${field.number} is not a 64-bit double`);
    return new DataView(field.bytes.buffer, field.bytes.byteOffset, 8).getFloat64(0, true);
  },
  bytes(field: Field): Uint8Array {
    if (field.wireType !== WIRE.len || !field.bytes) throw new ProtobufError(`Field ${field.number} is not length-delimited`);
    return field.bytes;
  },
  string(field: Field): string {
    try {
      return utf8.decode(read.bytes(field));
    } catch (error) {
      if (error instanceof ProtobufError) throw error;
      throw new ProtobufError(`Field ${field.number} is not valid UTF-8`);
    }
  },
};
