import { brotliCompressSync, brotliDecompressSync, deflateSync, gunzipSync, gzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { type ContentEncoding, MAX_DECOMPRESSED_BYTES } from '../../../shared/contract/codec-rules';
import { CodecError } from '../../../shared/codecs/codec-error';

const NAMES: Record<Exclude<ContentEncoding, 'none'>, string> = { gzip: 'gzip', deflate: 'deflate', brotli: 'Brotli' };

/**
 * A rule's content encoding undone with zlib, stopping at `maxBytes` of output: zlib itself
 * refuses to grow past it (maxOutputLength), so a zip bomb costs at most that much memory.
 */
export function decompressBounded(bytes: Uint8Array, encoding: ContentEncoding, maxBytes = MAX_DECOMPRESSED_BYTES): Uint8Array {
  if (encoding === 'none') return bytes;
  const options = { maxOutputLength: maxBytes };
  try {
    const out = encoding === 'gzip' ? gunzipSync(bytes, options) : encoding === 'deflate' ? inflateAny(bytes, options) : brotliDecompressSync(bytes, options);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new CodecError(`The ${NAMES[encoding]} payload unpacks to more than ${maxBytes} bytes: refused as a likely zip bomb`);
    }
    throw new CodecError(`Not ${NAMES[encoding]} data: ${(error as Error).message}`, {}, { cause: error });
  }
}

/** HTTP's "deflate" is a zlib stream, yet many devices send raw deflate: take either. */
function inflateAny(bytes: Uint8Array, options: { maxOutputLength: number }): Buffer {
  const zlibHeader = bytes.length >= 2 && (bytes[0]! & 0x0f) === 8 && ((bytes[0]! << 8) | bytes[1]!) % 31 === 0;
  return zlibHeader ? inflateSync(bytes, options) : inflateRawSync(bytes, options);
}

export function compressBounded(bytes: Uint8Array, encoding: ContentEncoding): Uint8Array {
  if (encoding === 'none') return bytes;
  const out = encoding === 'gzip' ? gzipSync(bytes) : encoding === 'deflate' ? deflateSync(bytes) : brotliCompressSync(bytes);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
