import { describe, expect, it } from 'vitest';
import { VIEW_MODES, fullText, renderPayload } from '../../renderer/payload/payload-view';
import { TYPED_MAX_ELEMENTS, TYPED_MODES, typedModeLabel } from '../../renderer/payload/typed-modes';

// The detail's quick typed views (issue 16, as MQTT Explorer has): one number type, either byte order.
const bytesOf = (write: (buffer: Buffer) => void, size: number) => {
  const buffer = Buffer.alloc(size);
  write(buffer);
  return new Uint8Array(buffer);
};

describe('typed views of a binary payload', () => {
  it('offers int8 to uint64, float and double, in both byte orders where there is one', () => {
    expect(TYPED_MODES).toHaveLength(18);
    expect(VIEW_MODES).toEqual(expect.arrayContaining(['uint16-le', 'uint16-be', 'double-le', 'int8-be']));
    expect(typedModeLabel('uint16-le')).toBe('uint16 array, little endian');
    expect(typedModeLabel('int8-be')).toBe('int8 array');
  });

  it('reads the payload as an array in the byte order chosen (a Buffer-written struct)', () => {
    const payload = bytesOf((b) => {
      b.writeUInt16LE(513, 0);
      b.writeUInt16LE(65535, 2);
    }, 4);
    expect(renderPayload(payload, 'uint16-le')).toMatchObject({ format: 'uint16-le', text: '[513, 65535]', language: 'json' });
    expect(renderPayload(payload, 'uint16-be').text).toBe('[258, 65535]');
    const floats = bytesOf((b) => {
      b.writeFloatLE(21.5, 0);
      b.writeFloatLE(0.1, 4);
    }, 8);
    expect(renderPayload(floats, 'float-le').text).toBe('[21.5, 0.1]');
  });

  it('keeps 64-bit values exact and says what trailing bytes and cut values were left out', () => {
    const big = bytesOf((b) => b.writeBigUInt64BE(18446744073709551615n, 0), 9);
    const shown = renderPayload(big, 'uint64-be');
    expect(shown.text).toBe('[18446744073709551615]');
    expect(shown.cut).toBe('1 trailing byte does not make a whole uint64');
    const many = renderPayload(new Uint8Array(TYPED_MAX_ELEMENTS + 10), 'uint8-be');
    expect(many.cut).toMatch(/^Showing the first 65,536 of 65,546 values/);
  });

  it('copies the array', () => {
    expect(fullText(Uint8Array.from([1, 255]), 'int8-be')).toBe('[1, -1]');
  });
});
