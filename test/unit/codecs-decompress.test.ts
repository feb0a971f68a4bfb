import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../shared/codecs/codec-error';
import { CONTENT_ENCODINGS, MAX_DECOMPRESSED_BYTES } from '../../shared/contract/codec-rules';
import { compress, decompress } from '../../main/core/codecs/decompress';

const telemetry = new TextEncoder().encode(
  JSON.stringify({ device: 'press-7', sensors: Array.from({ length: 40 }, (_, i) => ({ id: i, value: 20 + i / 10, unit: '°C' })) }),
);

function codecError(run: () => unknown): CodecError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CodecError);
    return error as CodecError;
  }
  throw new Error('expected a CodecError');
}

describe('decompress reads what devices compress with the reference zlib', () => {
  it('reads gzip’d JSON as the original bytes', () => {
    expect(decompress(zlib.gzipSync(telemetry), 'gzip')).toEqual(telemetry);
  });

  it('reads several gzip members one after the other as one payload (as gunzip does)', () => {
    const [a, b] = [telemetry.subarray(0, 100), telemetry.subarray(100)];
    expect(decompress(Buffer.concat([zlib.gzipSync(a), zlib.gzipSync(b)]), 'gzip')).toEqual(telemetry);
  });

  it('reads "deflate" both zlib-wrapped (RFC 1950) and bare (RFC 1951), since devices send either', () => {
    expect(decompress(zlib.deflateSync(telemetry), 'deflate')).toEqual(telemetry);
    expect(decompress(zlib.deflateRawSync(telemetry), 'deflate')).toEqual(telemetry);
  });

  it('reads a bare deflate stream whose first two bytes pass the zlib header check', () => {
    // A stored (uncompressed) block's first byte has unused padding bits; 0x78 0x01 there reads as a
    // zlib header (0x7801 % 31 === 0), so the wrapped reading fails and the bare one must be tried.
    const tail = telemetry.subarray(0, 300);
    const stored = Uint8Array.from([
      ...[0x78, 0x01, 0x00, 0xfe, 0xff, 0x41], // non-final stored block: LEN 1, NLEN ~1, "A"
      ...[0x01, tail.length & 0xff, tail.length >> 8, ~tail.length & 0xff, (~tail.length >> 8) & 0xff, ...tail], // final stored block
    ]);
    const expected = Uint8Array.from([0x41, ...tail]);
    expect(new Uint8Array(zlib.inflateRawSync(stored))).toEqual(expected);
    expect(decompress(stored, 'deflate')).toEqual(expected);
  });

  it('reads brotli', () => {
    expect(decompress(zlib.brotliCompressSync(telemetry), 'brotli')).toEqual(telemetry);
  });

  it("returns the bytes themselves for 'none'", () => {
    expect(decompress(telemetry, 'none')).toBe(telemetry);
  });

  it('reads an empty payload compressed', () => {
    expect(decompress(zlib.gzipSync(new Uint8Array(0)), 'gzip')).toEqual(new Uint8Array(0));
  });

  it('returns plain Uint8Arrays, not Node Buffers', () => {
    const out = decompress(zlib.gzipSync(telemetry), 'gzip');
    expect(Buffer.isBuffer(out)).toBe(false);
    expect(out).toBeInstanceOf(Uint8Array);
  });
});

describe('compress writes what the reference zlib reads, for publishing', () => {
  it.each(CONTENT_ENCODINGS)('round-trips JSON through %s', (encoding) => {
    const packed = compress(telemetry, encoding);
    expect(decompress(packed, encoding)).toEqual(telemetry);
    if (encoding !== 'none') expect(packed.length).toBeLessThan(telemetry.length);
  });

  it('writes standard streams other tools read', () => {
    expect(new Uint8Array(zlib.gunzipSync(compress(telemetry, 'gzip')))).toEqual(telemetry);
    expect(new Uint8Array(zlib.inflateSync(compress(telemetry, 'deflate')))).toEqual(telemetry);
    expect(new Uint8Array(zlib.brotliDecompressSync(compress(telemetry, 'brotli')))).toEqual(telemetry);
  });
});

describe('decompress refuses zip bombs', () => {
  it('refuses 1 GB of zeros gzip’d (1 MB on the wire) quickly, without inflating it all', () => {
    // 1024 gzip members of 1 MB of zeros each: about 1 MB to hold, 1 GB once inflated.
    const member = zlib.gzipSync(new Uint8Array(1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 1024 }, () => member));
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const started = performance.now();
    const error = codecError(() => decompress(bomb, 'gzip'));
    const elapsed = performance.now() - started;
    expect(error.message).toBe('This gzip payload is larger than 16 MB when decompressed: refused as a possible zip bomb');
    // Inflating all of it takes seconds and a gigabyte; stopping at 16 MB takes a few tens of milliseconds.
    expect(elapsed).toBeLessThan(3000);
  });

  it('refuses deflate and brotli output beyond the limit too', () => {
    const zeros = new Uint8Array(256 * 1024);
    for (const [encoding, packed] of [
      ['deflate', zlib.deflateSync(zeros)],
      ['deflate', zlib.deflateRawSync(zeros)],
      ['brotli', zlib.brotliCompressSync(zeros)],
    ] as const) {
      expect(codecError(() => decompress(packed, encoding, 64 * 1024)).message).toBe(
        `This ${encoding} payload is larger than 64 KB when decompressed: refused as a possible zip bomb`,
      );
    }
  });

  it('accepts output exactly at the limit', () => {
    const bytes = new Uint8Array(4096).fill(7);
    expect(decompress(zlib.gzipSync(bytes), 'gzip', 4096)).toEqual(bytes);
    expect(() => decompress(zlib.gzipSync(bytes), 'gzip', 4095)).toThrow(/larger than 4095 bytes/);
  });

  it('limits to MAX_DECOMPRESSED_BYTES by default', () => {
    expect(MAX_DECOMPRESSED_BYTES).toBe(16 * 1024 * 1024);
    const justFits = new Uint8Array(MAX_DECOMPRESSED_BYTES);
    expect(decompress(zlib.gzipSync(justFits), 'gzip').length).toBe(MAX_DECOMPRESSED_BYTES);
  });
});

describe('decompress explains corrupt input', () => {
  it('says a truncated gzip stream ended early', () => {
    const packed = zlib.gzipSync(telemetry);
    expect(codecError(() => decompress(packed.subarray(0, packed.length - 10), 'gzip')).message).toBe(
      'Not valid gzip data: unexpected end of file',
    );
  });

  it('names the likely slip when the rule has the wrong encoding', () => {
    expect(codecError(() => decompress(telemetry, 'gzip')).message).toMatch(/^Not valid gzip data: incorrect header check \(the payload looks like uncompressed JSON\)$/);
    expect(codecError(() => decompress(zlib.gzipSync(telemetry), 'deflate')).message).toMatch(/\(the payload starts like gzip\)$/);
    expect(codecError(() => decompress(zlib.deflateSync(telemetry), 'brotli')).message).toMatch(/^Not valid brotli data: .*\(the payload starts like zlib-wrapped deflate\)$/);
  });

  it('gives brotli’s reason, not only "Decompression failed"', () => {
    expect(codecError(() => decompress(new TextEncoder().encode('hello world'), 'brotli')).message).toMatch(/^Not valid brotli data: Decompression failed \(\w+/);
  });

  it('answers random and corrupted bytes with output or a CodecError, for every encoding', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const packed = { gzip: zlib.gzipSync(telemetry), deflate: zlib.deflateSync(telemetry), brotli: zlib.brotliCompressSync(telemetry) };
    for (const encoding of ['gzip', 'deflate', 'brotli'] as const) {
      for (let i = 0; i < 300; i++) {
        const sample = i % 2 ? Uint8Array.from(packed[encoding]) : Uint8Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256));
        if (i % 2) {
          const at = Math.floor(random() * sample.length);
          sample[at] = sample[at]! ^ (1 + Math.floor(random() * 255));
        }
        try {
          decompress(sample, encoding);
        } catch (error) {
          expect(error).toBeInstanceOf(CodecError);
        }
      }
    }
  });

  it('reports a corrupt zlib-wrapped deflate stream with the zlib message', () => {
    const packed = zlib.deflateSync(telemetry);
    const corrupt = Uint8Array.from(packed);
    corrupt.fill(0xff, 10, 30);
    expect(codecError(() => decompress(corrupt, 'deflate')).message).toMatch(/^Not valid deflate data: /);
  });
});
