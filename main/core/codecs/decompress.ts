/**
 * Content encodings a codec rule undoes before its format (issue 16): gzip, deflate and brotli,
 * with Node's zlib. Output is bounded: zlib stops as soon as it would pass `maxBytes`
 * (`maxOutputLength`), so a few kilobytes that inflate to gigabytes are refused after producing
 * at most about `maxBytes`, in milliseconds, instead of exhausting memory.
 */
import { constants as bufferConstants } from 'node:buffer';
import zlib from 'node:zlib';
import { CodecError } from '../../../shared/codecs/codec-error';
import { MAX_DECOMPRESSED_BYTES, type ContentEncoding } from '../../../shared/contract/codec-rules';

// Larger than zlib's 16 KB default: fewer, bigger steps when a payload inflates a lot.
const CHUNK_SIZE = 64 * 1024;
/** Brotli quality for publishing: 6 compresses JSON nearly as well as the default 11, many times faster. */
const BROTLI_PUBLISH_QUALITY = 6;

const LABELS: Record<Exclude<ContentEncoding, 'none'>, string> = { gzip: 'gzip', deflate: 'deflate', brotli: 'brotli' };

/** Undoes a content encoding; 'none' returns the bytes. Throws CodecError on corrupt input or output beyond `maxBytes`. */
export function decompress(bytes: Uint8Array, encoding: ContentEncoding, maxBytes: number = MAX_DECOMPRESSED_BYTES): Uint8Array {
  if (encoding === 'none') return bytes;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  // zlib refuses a maxOutputLength beyond the largest Buffer; no payload gets near it anyway.
  const options: zlib.ZlibOptions = { maxOutputLength: Math.min(maxBytes, bufferConstants.MAX_LENGTH), chunkSize: CHUNK_SIZE };
  try {
    switch (encoding) {
      case 'gzip':
        return plain(zlib.gunzipSync(bytes, options));
      case 'deflate':
        return plain(inflateEither(bytes, options));
      case 'brotli':
        return plain(zlib.brotliDecompressSync(bytes, { maxOutputLength: options.maxOutputLength, chunkSize: CHUNK_SIZE }));
      default:
        throw new CodecError(`Unknown content encoding '${String(encoding)}'`);
    }
  } catch (error) {
    throw asCodecError(error, bytes, encoding, maxBytes);
  }
}

/** Applies a content encoding, for publishing; 'none' returns the bytes. */
export function compress(bytes: Uint8Array, encoding: ContentEncoding): Uint8Array {
  switch (encoding) {
    case 'none':
      return bytes;
    case 'gzip':
      return plain(zlib.gzipSync(bytes));
    case 'deflate':
      // zlib-wrapped (RFC 1950): what HTTP's "deflate" means and what most devices send.
      return plain(zlib.deflateSync(bytes));
    case 'brotli':
      return plain(
        zlib.brotliCompressSync(bytes, {
          params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_PUBLISH_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
        }),
      );
    default:
      throw new CodecError(`Unknown content encoding '${String(encoding)}'`);
  }
}

/** Devices say "deflate" for both the zlib wrapper (RFC 1950) and bare deflate (RFC 1951): the wrapper when its header checks out, else bare. */
function inflateEither(bytes: Uint8Array, options: zlib.ZlibOptions): Buffer {
  if (!hasZlibHeader(bytes)) return zlib.inflateRawSync(bytes, options);
  try {
    return zlib.inflateSync(bytes, options);
  } catch (error) {
    if (isTooLarge(error)) throw error;
    // One bare stream in 31 starts with two bytes that pass the header check.
    try {
      return zlib.inflateRawSync(bytes, options);
    } catch (rawError) {
      if (isTooLarge(rawError)) throw rawError;
      throw error; // The wrapped reading's complaint: the header said it was wrapped.
    }
  }
}

/** RFC 1950 header: compression method 8 (deflate), window ≤ 32 KB, and the 16-bit header a multiple of 31. */
function hasZlibHeader(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}

function isTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

function asCodecError(error: unknown, bytes: Uint8Array, encoding: ContentEncoding, maxBytes: number): CodecError {
  if (error instanceof CodecError) return error;
  const label = LABELS[encoding as Exclude<ContentEncoding, 'none'>] ?? encoding;
  if (isTooLarge(error)) {
    return new CodecError(`This ${label} payload is larger than ${formatSize(maxBytes)} when decompressed: refused as a possible zip bomb`, {}, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  // Brotli says only "Decompression failed"; its code names the reason.
  const reason = encoding === 'brotli' && typeof code === 'string' ? `${detail} (${code.replace(/^ERR__?/, '')})` : detail;
  return new CodecError(`Not valid ${label} data: ${reason}${hint(bytes, encoding)}`, {}, { cause: error });
}

/** A rule set to the wrong encoding is a common slip; the first bytes often say which one was meant. */
function hint(bytes: Uint8Array, encoding: ContentEncoding): string {
  if (encoding !== 'gzip' && bytes[0] === 0x1f && bytes[1] === 0x8b) return ' (the payload starts like gzip)';
  if (encoding !== 'deflate' && hasZlibHeader(bytes)) return ' (the payload starts like zlib-wrapped deflate)';
  if (bytes.length > 0 && (bytes[0] === 0x7b || bytes[0] === 0x5b)) return ' (the payload looks like uncompressed JSON)';
  return '';
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** A plain Uint8Array over the Buffer's memory (no copy): callers compare and clone Uint8Arrays. */
function plain(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
