/**
 * Quick typed views (as MQTT Explorer has): a payload read as an array of one number type, in
 * either byte order. int64/uint64 come out as BigInt (every digit exact), float as the shortest
 * decimal that reads back to the same 32-bit float (0.1, not 0.10000000149011612).
 */
import type { TypedViewType } from '../contract/codec-rules';

/** Bytes per element. */
export const TYPED_VIEW_SIZE: Readonly<Record<TypedViewType, number>> = {
  int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float: 4, double: 8,
};

/** The shortest decimal that is the same float32 as `value` (a float32 widened to a double). */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  // 9 significant digits always read back to the same float32, and if some number of digits
  // does, every larger one does too (a nearer decimal): so a binary search over 1..9.
  let low = 1;
  let high = 9;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (Math.fround(Number(value.toPrecision(middle))) === value) high = middle;
    else low = middle + 1;
  }
  return Number(value.toPrecision(high));
}

/** How a payload splits into elements: whole ones, and the bytes left at the end that make none. */
export function typedViewShape(bytes: Uint8Array, type: TypedViewType): { elementSize: number; count: number; leftover: number } {
  const elementSize = TYPED_VIEW_SIZE[type];
  const count = Math.floor(bytes.length / elementSize);
  return { elementSize, count, leftover: bytes.length - count * elementSize };
}

/**
 * As many whole elements as fit, from the start (at most `maxElements`); bytes left over at the end
 * are ignored (typedViewShape says how many).
 */
export function typedView(bytes: Uint8Array, type: TypedViewType, littleEndian: boolean, maxElements = Infinity): (number | bigint)[] {
  const { elementSize, count: whole } = typedViewShape(bytes, type);
  const count = Math.max(0, Math.min(whole, maxElements));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number | bigint>(count);
  for (let i = 0, offset = 0; i < count; i++, offset += elementSize) {
    switch (type) {
      case 'int8':
        out[i] = view.getInt8(offset);
        break;
      case 'uint8':
        out[i] = view.getUint8(offset);
        break;
      case 'int16':
        out[i] = view.getInt16(offset, littleEndian);
        break;
      case 'uint16':
        out[i] = view.getUint16(offset, littleEndian);
        break;
      case 'int32':
        out[i] = view.getInt32(offset, littleEndian);
        break;
      case 'uint32':
        out[i] = view.getUint32(offset, littleEndian);
        break;
      case 'int64':
        out[i] = view.getBigInt64(offset, littleEndian);
        break;
      case 'uint64':
        out[i] = view.getBigUint64(offset, littleEndian);
        break;
      case 'float':
        out[i] = shortestFloat32(view.getFloat32(offset, littleEndian));
        break;
      case 'double':
        out[i] = view.getFloat64(offset, littleEndian);
        break;
    }
  }
  return out;
}
