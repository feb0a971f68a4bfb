import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { imageInfo, MAX_JPEG_SEGMENTS } from '../../shared/codecs/image-info';

// --- PNG (ISO/IEC 15948): signature, IHDR, IDAT (zlib), IEND, each chunk with its CRC-32 ---

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** An RGB picture, 8 bits per sample, every row filter 0 (None), pixels a gradient. */
function png(width: number, height: number, { depth = 8, colour = 2 } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = depth;
  ihdr[9] = colour;
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) for (let x = 0; x < width * 3; x++) rows[y * (1 + width * 3) + 1 + x] = (x + y) & 0xff;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

// --- JPEG (ITU T.81): SOI, segments (marker + length), a frame header SOFn, a scan, EOI ---

function segment(marker: number, data: Buffer): Buffer {
  const out = Buffer.alloc(4 + data.length);
  out[0] = 0xff;
  out[1] = marker;
  out.writeUInt16BE(data.length + 2, 2);
  data.copy(out, 4);
  return out;
}
const SOI = Buffer.from([0xff, 0xd8]);
const EOI = Buffer.from([0xff, 0xd9]);
const app0 = segment(0xe0, Buffer.from('4a46494600010100000100010000', 'hex')); // "JFIF\0", v1.1, 1:1 aspect, no thumbnail
const dqt = segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
// A Huffman table whose bytes would read as a frame 0x0102 x 0x0304 if mistaken for one.
const dht = segment(0xc4, Buffer.concat([Buffer.from([0x00, 0x01, 0x03, 0x04, 0x01, 0x02, 0x03]), Buffer.alloc(10)]));
const sof = (marker: number, width: number, height: number) =>
  segment(marker, Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]));
const sos = segment(0xda, Buffer.from([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]));
const scan = Buffer.from([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56]); // entropy-coded data with a stuffed 0xFF and a restart marker
function jpeg(width: number, height: number, { frame = 0xc0, before = [] as Buffer[] } = {}): Buffer {
  return Buffer.concat([SOI, app0, ...before, dqt, dht, sof(frame, width, height), sos, scan, EOI]);
}

// --- GIF (89a): header, logical screen descriptor, trailer ---

function gif(width: number, height: number, version = '89a'): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  return Buffer.concat([Buffer.from(`GIF${version}`, 'latin1'), screen, Buffer.from([0x3b])]);
}

// --- WebP (RFC 9649): RIFF, size, WEBP, then a VP8, VP8L or VP8X chunk ---

function riff(fourcc: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(8 + data.length + (data.length & 1));
  chunk.write(fourcc, 0, 'latin1');
  chunk.writeUInt32LE(data.length, 4);
  data.copy(chunk, 8);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + chunk.length, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, chunk]);
}
/** Lossy: a key frame's 3-byte tag, the start code 9D 01 2A, 14-bit width and height (top 2 bits: scale). */
function webpLossy(width: number, height: number, { keyFrame = true, scaleBits = 0 } = {}): Buffer {
  const data = Buffer.alloc(20);
  data[0] = keyFrame ? 0x10 : 0x11; // bit 0: 0 = key frame; show_frame set
  data.set([0x9d, 0x01, 0x2a], 3);
  data.writeUInt16LE(width | (scaleBits << 14), 6);
  data.writeUInt16LE(height | (scaleBits << 14), 8);
  return riff('VP8 ', data);
}
/** Lossless: signature 0x2F, then width-1 and height-1 in 14 bits each, alpha, 3-bit version. */
function webpLossless(width: number, height: number, version = 0): Buffer {
  const data = Buffer.alloc(12);
  data[0] = 0x2f;
  data.writeUInt32LE(((width - 1) | ((height - 1) << 14) | (1 << 28) | (version << 29)) >>> 0, 1);
  return riff('VP8L', data);
}
/** Extended: flags, 3 reserved bytes, canvas width-1 and height-1 in 24 bits each. */
function webpExtended(width: number, height: number): Buffer {
  const data = Buffer.alloc(10);
  data[0] = 0x10; // alpha
  data.writeUIntLE(width - 1, 4, 3);
  data.writeUIntLE(height - 1, 7, 3);
  return riff('VP8X', data);
}

/** Every cut of a fixture shorter than its header: each one is no image. */
function everyCut(bytes: Buffer, headerLength: number): (ReturnType<typeof imageInfo>)[] {
  return Array.from({ length: headerLength }, (_, length) => imageInfo(bytes.subarray(0, length)));
}

describe('images: PNG', () => {
  it('computes PNG CRCs as the spec does (the IEND chunk ends AE 42 60 82)', () => {
    expect(pngChunk('IEND', Buffer.alloc(0)).subarray(8).toString('hex')).toBe('ae426082');
  });

  it('reads the size of a real PNG from its IHDR', () => {
    expect(imageInfo(png(3, 2))).toEqual({ mime: 'image/png', width: 3, height: 2 });
    expect(imageInfo(png(70000, 1))).toEqual({ mime: 'image/png', width: 70000, height: 1 });
  });

  it('reads the app\'s own icons, PNGs written by a real encoder', () => {
    for (const size of [16, 32, 128, 512]) {
      expect(imageInfo(readFileSync(`build/icons/${size}x${size}.png`))).toEqual({ mime: 'image/png', width: size, height: size });
    }
  });

  it('is no image when the header is cut off', () => {
    expect(everyCut(png(3, 2), 33).every((info) => info === null)).toBe(true);
    expect(imageInfo(png(3, 2).subarray(0, 33))).toEqual({ mime: 'image/png', width: 3, height: 2 });
  });

  it('is no image when the header is malformed: not IHDR first, zero width, or an impossible bit depth', () => {
    const notIhdr = Buffer.concat([PNG_SIGNATURE, pngChunk('tEXt', Buffer.alloc(13)), pngChunk('IEND', Buffer.alloc(0))]);
    expect(imageInfo(notIhdr)).toBeNull();
    expect(imageInfo(png(0, 2))).toBeNull();
    expect(imageInfo(png(3, 2, { depth: 3 }))).toBeNull();
    expect(imageInfo(png(3, 2, { colour: 2, depth: 4 }))).toBeNull(); // RGB is 8 or 16 bits
    expect(imageInfo(png(3, 2, { colour: 3, depth: 4 }))).toEqual({ mime: 'image/png', width: 3, height: 2 }); // palette may be 4
  });
});

describe('images: JPEG', () => {
  it('reads the size from a baseline frame header (SOF0), past APP0, DQT and DHT', () => {
    expect(imageInfo(jpeg(640, 480))).toEqual({ mime: 'image/jpeg', width: 640, height: 480 });
  });

  it('reads progressive (SOF2) and 12-bit extended (SOF1) frames too', () => {
    expect(imageInfo(jpeg(1920, 1080, { frame: 0xc2 }))).toEqual({ mime: 'image/jpeg', width: 1920, height: 1080 });
    expect(imageInfo(jpeg(65535, 1, { frame: 0xc1 }))).toEqual({ mime: 'image/jpeg', width: 65535, height: 1 });
  });

  it('reads the picture\'s size, not that of an EXIF thumbnail inside APP1', () => {
    const thumbnail = jpeg(160, 120);
    const exif = segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.alloc(8), thumbnail]));
    expect(imageInfo(jpeg(4000, 3000, { before: [exif] }))).toEqual({ mime: 'image/jpeg', width: 4000, height: 3000 });
  });

  it('skips fill bytes (0xFF 0xFF ...) before a marker', () => {
    const filled = Buffer.concat([SOI, Buffer.from([0xff, 0xff, 0xff]), app0.subarray(1), sof(0xc0, 8, 9), EOI]);
    expect(imageInfo(filled)).toEqual({ mime: 'image/jpeg', width: 8, height: 9 });
  });

  it('is no image when the header is cut off before or inside the frame header', () => {
    const bytes = jpeg(640, 480);
    const frameEnd = bytes.indexOf(sof(0xc0, 640, 480)) + sof(0xc0, 640, 480).length;
    expect(everyCut(bytes, frameEnd).every((info) => info === null)).toBe(true);
    expect(imageInfo(bytes.subarray(0, frameEnd))).toEqual({ mime: 'image/jpeg', width: 640, height: 480 });
  });

  it('is no image when a scan or the end comes before any frame header, or the segments are corrupt', () => {
    expect(imageInfo(Buffer.concat([SOI, app0, sos, scan, EOI]))).toBeNull();
    expect(imageInfo(Buffer.concat([SOI, app0, EOI]))).toBeNull();
    expect(imageInfo(Buffer.concat([SOI, app0, Buffer.from([0x00, 0x11]), sof(0xc0, 8, 8)]))).toBeNull(); // no 0xFF where a marker belongs
    expect(imageInfo(Buffer.concat([SOI, Buffer.from([0xff, 0xe0, 0x00, 0x01]), sof(0xc0, 8, 8)]))).toBeNull(); // a length below 2
    expect(imageInfo(Buffer.concat([SOI, sof(0xc0, 0, 8)]))).toBeNull(); // width 0
    expect(imageInfo(Buffer.concat([SOI, sof(0xc0, 8, 0)]))).toBeNull(); // height given later (DNL)
  });

  it(`gives up after ${MAX_JPEG_SEGMENTS} segments rather than walk a crafted payload to its end`, () => {
    const empty = segment(0xe2, Buffer.alloc(0));
    const many = (count: number) => Buffer.concat([SOI, ...Array.from({ length: count }, () => empty), sof(0xc0, 5, 5)]);
    expect(imageInfo(many(MAX_JPEG_SEGMENTS - 1))).toEqual({ mime: 'image/jpeg', width: 5, height: 5 });
    expect(imageInfo(many(100_000))).toBeNull();
  });
});

describe('images: GIF', () => {
  it('reads the logical screen size of GIF89a and GIF87a', () => {
    expect(imageInfo(gif(320, 200))).toEqual({ mime: 'image/gif', width: 320, height: 200 });
    expect(imageInfo(gif(1, 65535, '87a'))).toEqual({ mime: 'image/gif', width: 1, height: 65535 });
  });

  it('is no image when cut off, of another version, or of size 0', () => {
    expect(everyCut(gif(320, 200), 13).every((info) => info === null)).toBe(true);
    expect(imageInfo(gif(320, 200, '88a'))).toBeNull();
    expect(imageInfo(gif(0, 200))).toBeNull();
  });
});

describe('images: WebP', () => {
  it('reads a lossy (VP8) key frame\'s size, without the scale bits', () => {
    expect(imageInfo(webpLossy(550, 368))).toEqual({ mime: 'image/webp', width: 550, height: 368 });
    expect(imageInfo(webpLossy(16383, 2, { scaleBits: 3 }))).toEqual({ mime: 'image/webp', width: 16383, height: 2 });
  });

  it('reads a lossless (VP8L) image\'s size (stored minus one)', () => {
    expect(imageInfo(webpLossless(1, 1))).toEqual({ mime: 'image/webp', width: 1, height: 1 });
    expect(imageInfo(webpLossless(16384, 300))).toEqual({ mime: 'image/webp', width: 16384, height: 300 });
  });

  it('reads an extended (VP8X) canvas size, 24 bits each', () => {
    expect(imageInfo(webpExtended(800, 600))).toEqual({ mime: 'image/webp', width: 800, height: 600 });
    expect(imageInfo(webpExtended(65536, 2))).toEqual({ mime: 'image/webp', width: 65536, height: 2 });
  });

  it('is no image when the header is cut off', () => {
    expect(everyCut(webpLossy(550, 368), 30).every((info) => info === null)).toBe(true);
    expect(everyCut(webpLossless(10, 10), 25).every((info) => info === null)).toBe(true);
    expect(everyCut(webpExtended(10, 10), 30).every((info) => info === null)).toBe(true);
  });

  it('is no image when malformed: an inter frame first, a bad signature or version, a canvas over 2^32 pixels, an unknown chunk', () => {
    expect(imageInfo(webpLossy(550, 368, { keyFrame: false }))).toBeNull();
    const badSignature = webpLossless(10, 10);
    badSignature[20] = 0x2e;
    expect(imageInfo(badSignature)).toBeNull();
    expect(imageInfo(webpLossless(10, 10, 1))).toBeNull();
    expect(imageInfo(webpExtended(2 ** 24, 2 ** 24))).toBeNull();
    expect(imageInfo(riff('VP8Q', Buffer.alloc(20)))).toBeNull();
    const wave = webpLossy(10, 10);
    wave.write('WAVE', 8, 'latin1');
    expect(imageInfo(wave)).toBeNull();
  });
});

describe('images: anything else', () => {
  it('is no image for text, JSON, empty payloads or near-miss signatures', () => {
    for (const text of ['', 'hello', '{"png": true}', 'GIF', 'RIFF....WEBP', '\u0089PNG']) expect(imageInfo(Buffer.from(text, 'latin1'))).toBeNull();
  });

  it('never throws on random bytes behind each signature', () => {
    // A fixed-seed generator (mulberry32), so a failure reproduces.
    let seed = 0x1234567;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const heads = [png(2, 2).subarray(0, 16), Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('GIF89a'), riff('VP8 ', Buffer.alloc(0)).subarray(0, 16), riff('VP8X', Buffer.alloc(0)).subarray(0, 16)];
    for (let i = 0; i < 2000; i++) {
      const head = heads[i % heads.length]!;
      const tail = Buffer.from(Array.from({ length: Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
      const info = imageInfo(Buffer.concat([head, tail]));
      if (info) expect(Number.isInteger(info.width) && info.width > 0 && Number.isInteger(info.height) && info.height > 0).toBe(true);
    }
  });
});
