import { describe, expect, it } from 'vitest';
import { TYPED_VIEW_TYPES, type TypedViewType } from '../../shared/contract/codec-rules';
import { shortestFloat32, typedView, typedViewShape, TYPED_VIEW_SIZE } from '../../shared/codecs/typed-view';

/** The same numbers written with Node's Buffer writers, per type and byte order. */
const writers: Record<TypedViewType, { values: (number | bigint)[]; write: (buffer: Buffer, value: never, offset: number, littleEndian: boolean) => void }> = {
  int8: { values: [0, 127, -128, -1], write: (b, v: number, o) => b.writeInt8(v, o) },
  uint8: { values: [0, 1, 128, 255], write: (b, v: number, o) => b.writeUInt8(v, o) },
  int16: { values: [0, 32767, -32768, -2], write: (b, v: number, o, le) => (le ? b.writeInt16LE(v, o) : b.writeInt16BE(v, o)) },
  uint16: { values: [0, 1, 0x1234, 65535], write: (b, v: number, o, le) => (le ? b.writeUInt16LE(v, o) : b.writeUInt16BE(v, o)) },
  int32: { values: [0, 2147483647, -2147483648, -3], write: (b, v: number, o, le) => (le ? b.writeInt32LE(v, o) : b.writeInt32BE(v, o)) },
  uint32: { values: [0, 1, 0xdeadbeef, 0xffffffff], write: (b, v: number, o, le) => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o)) },
  int64: { values: [0n, 9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n], write: (b, v: bigint, o, le) => (le ? b.writeBigInt64LE(v, o) : b.writeBigInt64BE(v, o)) },
  uint64: { values: [0n, 1n, 2n ** 64n - 1n, 0x0102030405060708n], write: (b, v: bigint, o, le) => (le ? b.writeBigUInt64LE(v, o) : b.writeBigUInt64BE(v, o)) },
  float: { values: [0, 0.1, -1.5, 3.4028235e38], write: (b, v: number, o, le) => (le ? b.writeFloatLE(v, o) : b.writeFloatBE(v, o)) },
  double: { values: [0, 0.1, -1e-300, Math.PI], write: (b, v: number, o, le) => (le ? b.writeDoubleLE(v, o) : b.writeDoubleBE(v, o)) },
};

describe('typed views: a payload read as an array of one number type', () => {
  for (const type of TYPED_VIEW_TYPES) {
    for (const littleEndian of [false, true]) {
      it(`reads ${type} ${littleEndian ? 'little' : 'big'}-endian as Node wrote it`, () => {
        const { values, write } = writers[type];
        const size = TYPED_VIEW_SIZE[type];
        const buffer = Buffer.alloc(values.length * size);
        values.forEach((value, i) => write(buffer, value as never, i * size, littleEndian));
        expect(typedView(buffer, type, littleEndian)).toEqual(values);
      });
    }
  }

  it('gives 64-bit integers as BigInt with every digit, not a rounded double', () => {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64BE(2n ** 53n + 1n);
    const [value] = typedView(buffer, 'uint64', false);
    expect(typeof value).toBe('bigint');
    expect(value).toBe(9007199254740993n);
  });

  it('reads floats as the shortest decimal of the same float32 (0.1, not 0.10000000149011612)', () => {
    const buffer = Buffer.alloc(12);
    buffer.writeFloatLE(0.1, 0);
    buffer.writeFloatLE(23.45, 4);
    buffer.writeFloatLE(NaN, 8);
    expect(typedView(buffer, 'float', true)).toEqual([0.1, 23.45, NaN]);
    for (const bits of [0x00000001, 0x7f7fffff, 0x3eaaaaab, 0xc0490fdb]) {
      const float = new Float32Array(new Uint32Array([bits]).buffer)[0]!;
      expect(Math.fround(shortestFloat32(float))).toBe(float);
    }
  });

  it('reads only whole elements and reports the bytes left over', () => {
    const bytes = Uint8Array.from([0, 1, 0, 2, 0xff]);
    expect(typedView(bytes, 'uint16', false)).toEqual([1, 2]);
    expect(typedViewShape(bytes, 'uint16')).toEqual({ elementSize: 2, count: 2, leftover: 1 });
    expect(typedView(bytes.subarray(0, 3), 'uint32', false)).toEqual([]);
    expect(typedViewShape(new Uint8Array(0), 'double')).toEqual({ elementSize: 8, count: 0, leftover: 0 });
  });

  it('stops at maxElements, so a huge payload costs no more than what is shown', () => {
    expect(typedView(new Uint8Array(1 << 20), 'uint8', false, 3)).toEqual([0, 0, 0]);
  });

  it('reads a payload that is a slice of a larger buffer, at any alignment', () => {
    const whole = Buffer.from([0xaa, 0x00, 0x01, 0x00, 0x02]);
    expect(typedView(whole.subarray(1), 'uint16', false)).toEqual([1, 2]);
    expect(typedView(whole.subarray(1), 'uint16', true)).toEqual([256, 512]);
  });
});
