import { isUtf8 } from 'node:buffer';
import { malformed } from './reason-codes';

/**
 * A strict cursor over one packet body. Every read checks the bounds of the Remaining Length, so a
 * field running past it is malformed rather than read from the next packet.
 */
export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(what: string): number {
    if (this.pos + 1 > this.end) throw malformed(`${what}: packet too short`);
    return this.buf[this.pos++]!;
  }

  u16(what: string): number {
    if (this.pos + 2 > this.end) throw malformed(`${what}: packet too short`);
    const value = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return value;
  }

  u32(what: string): number {
    if (this.pos + 4 > this.end) throw malformed(`${what}: packet too short`);
    const value = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  /** Variable Byte Integer: at most 4 bytes, and (strictly) in its shortest form [MQTT-1.5.5-1]. */
  varint(what: string): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 4; i++) {
      if (this.pos >= this.end) throw malformed(`${what}: packet too short`);
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) {
        if (i > 0 && byte === 0) throw malformed(`${what}: variable byte integer not in its shortest form`);
        return value;
      }
      multiplier *= 128;
    }
    throw malformed(`${what}: variable byte integer longer than 4 bytes`); // [MQTT-1.5.5-1]
  }

  binary(what: string): Buffer {
    const length = this.u16(what);
    if (this.pos + length > this.end) throw malformed(`${what}: runs past the end of the packet`);
    const value = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return value;
  }

  /** A UTF-8 Encoded String: well-formed UTF-8 [MQTT-1.5.4-1] without U+0000 [MQTT-1.5.4-2]. */
  utf8(what: string): string {
    const length = this.u16(what);
    const start = this.pos;
    const end = start + length;
    if (end > this.end) throw malformed(`${what}: runs past the end of the packet`);
    this.pos = end;
    return decodeUtf8(this.buf, start, end, what);
  }
}

/** Decodes a UTF-8 string field, refusing what mqtt-packet would decode lossily. */
export function decodeUtf8(buf: Buffer, start: number, end: number, what: string): string {
  let ascii = true;
  for (let i = start; i < end; i++) {
    const byte = buf[i]!;
    if (byte === 0) throw malformed(`${what}: contains U+0000`); // [MQTT-1.5.4-2] [3.1.1 MQTT-1.5.3-2]
    if (byte >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return buf.toString('latin1', start, end);
  const slice = buf.subarray(start, end);
  // isUtf8 refuses surrogates, overlong forms and truncated sequences [MQTT-1.5.4-1] [3.1.1 MQTT-1.5.3-1]
  if (!isUtf8(slice)) throw malformed(`${what}: not well-formed UTF-8`);
  if (slice.includes(0)) throw malformed(`${what}: contains U+0000`); // [MQTT-1.5.4-2]
  // EF BB BF (U+FEFF) is kept as it is: toString does not strip it inside a string [MQTT-1.5.4-3]
  return slice.toString('utf8');
}
