/**
 * Images in payloads: PNG, JPEG, GIF and WebP are recognised by their magic bytes and their size is
 * read from the header, so a view can show "PNG, 640×480, 12 KB" and then the picture. Only the
 * header is checked: a picture cut off after it still reports its size (the browser draws what it
 * can); a header that is cut off or malformed is no image (null), never an exception.
 */

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
export interface ImageInfo {
  mime: ImageMime;
  width: number;
  height: number;
}

/** JPEG segments walked before the frame header (SOFn) at most: a real file has a dozen. */
export const MAX_JPEG_SEGMENTS = 256;

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
const u32le = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR = ascii('IHDR');
const GIF87A = ascii('GIF87a');
const GIF89A = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');

const sized = (mime: ImageMime, width: number, height: number): ImageInfo | null => (width > 0 && height > 0 ? { mime, width, height } : null);

/** PNG (ISO/IEC 15948 §11.2.2): the signature, then IHDR first: width, height, bit depth, colour type. */
function png(bytes: Uint8Array): ImageInfo | null {
  // Signature 8 + length 4 + type 4 + data 13 + CRC 4.
  if (bytes.length < 33 || u32be(bytes, 8) !== 13 || !startsWith(bytes, IHDR, 12)) return null;
  const width = u32be(bytes, 16);
  const height = u32be(bytes, 20);
  if (width > 0x7fffffff || height > 0x7fffffff) return null;
  const depth = bytes[24]!;
  const colour = bytes[25]!;
  const depths: Record<number, readonly number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  if (!depths[colour]?.includes(depth)) return null;
  return sized('image/png', width, height);
}

/**
 * JPEG (ITU T.81 §B.1.1): segments after SOI, each 0xFF, a marker and (most) a big-endian length
 * that counts itself; the first frame header SOF0..SOF15 (not DHT C4, JPG C8, DAC CC) holds
 * precision, height, width. Segments are skipped by their length, so an EXIF thumbnail's own SOF
 * inside APP1 is never mistaken for the picture's.
 */
function jpeg(bytes: Uint8Array): ImageInfo | null {
  let position = 2;
  for (let segment = 0; segment < MAX_JPEG_SEGMENTS; segment++) {
    if (bytes[position] !== 0xff) return null;
    while (bytes[position] === 0xff) position++; // fill bytes (B.1.1.2)
    if (position >= bytes.length) return null;
    const marker = bytes[position++]!;
    if ((marker >= 0xd0 && marker <= 0xd8) || marker === 0x01) continue; // RSTn, SOI, TEM: no length
    if (marker === 0x00 || marker === 0xd9 || marker === 0xda) return null; // stray byte, EOI or scan before any frame
    if (position + 2 > bytes.length) return null;
    const length = u16be(bytes, position);
    if (length < 2 || position + length > bytes.length) return null;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (length < 8) return null;
      const components = bytes[position + 7]!;
      if (components === 0 || length < 8 + 3 * components) return null;
      // Height 0 means "given later by a DNL marker", which no viewer we show it in supports.
      return sized('image/jpeg', u16be(bytes, position + 5), u16be(bytes, position + 3));
    }
    position += length;
  }
  return null;
}

/** GIF (89a spec §17-18): the header, then the logical screen's width and height, little-endian. */
function gif(bytes: Uint8Array): ImageInfo | null {
  if (bytes.length < 13) return null; // header 6 + logical screen descriptor 7
  return sized('image/gif', u16le(bytes, 6), u16le(bytes, 8));
}

/**
 * WebP (RFC 9649): RIFF, a size, WEBP, then the first chunk: `VP8 ` (lossy: a key frame's start
 * code and 14-bit sizes), `VP8L` (lossless: signature 0x2F and 14-bit sizes minus one) or `VP8X`
 * (extended: 24-bit canvas sizes minus one).
 */
function webp(bytes: Uint8Array): ImageInfo | null {
  if (bytes.length < 20) return null;
  const fourcc = String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!);
  const chunkSize = u32le(bytes, 16);
  const data = 20;
  if (fourcc === 'VP8 ') {
    if (chunkSize < 10 || bytes.length < data + 10) return null;
    // Frame tag bit 0 is 0 for a key frame; the start code 9D 01 2A follows the 3-byte tag.
    if ((bytes[data]! & 1) !== 0 || !startsWith(bytes, [0x9d, 0x01, 0x2a], data + 3)) return null;
    return sized('image/webp', u16le(bytes, data + 6) & 0x3fff, u16le(bytes, data + 8) & 0x3fff);
  }
  if (fourcc === 'VP8L') {
    if (chunkSize < 5 || bytes.length < data + 5 || bytes[data] !== 0x2f) return null;
    const bits = u32le(bytes, data + 1);
    if (bits >>> 29 !== 0) return null; // version must be 0
    return sized('image/webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (fourcc === 'VP8X') {
    if (chunkSize < 10 || bytes.length < data + 10) return null;
    const width = u24le(bytes, data + 4) + 1;
    const height = u24le(bytes, data + 7) + 1;
    if (width * height > 0xffffffff) return null; // the spec's bound on the canvas
    return sized('image/webp', width, height);
  }
  return null;
}

/** The image's type and size from its header, or null when it is not one of the four or the header is cut off or malformed. */
export function imageInfo(bytes: Uint8Array): ImageInfo | null {
  try {
    if (startsWith(bytes, PNG_SIGNATURE)) return png(bytes);
    if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpeg(bytes);
    if (startsWith(bytes, GIF87A) || startsWith(bytes, GIF89A)) return gif(bytes);
    if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return webp(bytes);
    return null;
  } catch {
    // Every read above is bounds-checked; this only keeps a payload from ever breaking a view.
    return null;
  }
}
