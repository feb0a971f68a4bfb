import type { Base64Codec } from '../../../shared/codecs/byte-envelope';

/**
 * Node's Buffer Base64 for the byte envelope in files we wrote ourselves (History's properties,
 * saved profiles): native, and lenient when reading, as those files were always read.
 */
export const nodeBase64: Base64Codec = {
  encode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
  decode: (text) => {
    const bytes = Buffer.from(text, 'base64');
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
};
