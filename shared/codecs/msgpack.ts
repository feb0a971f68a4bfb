import { decode, encode } from '@msgpack/msgpack';

/**
 * MessagePack, as MQTTX offers it: JSON typed in the editor is published as MessagePack, and a
 * MessagePack payload is shown as JSON. 64-bit integers decode as BigInt so they keep every digit.
 */

/** Decodes one MessagePack value; throws with the decoder's message on malformed or extra bytes. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  try {
    return decode(bytes, { useBigInt64: true });
  } catch (error) {
    // The decoder reads through a DataView: running off its end means the bytes stop mid-value.
    if (error instanceof RangeError) throw new Error('the payload ends in the middle of a value', { cause: error });
    throw error;
  }
}

export function encodeMsgpack(value: unknown): Uint8Array {
  return encode(value);
}
