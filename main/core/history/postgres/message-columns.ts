import { decodeUtf8Strict } from '../../../../shared/codecs/utf8';

/**
 * Rows as columns, the shape one INSERT ... SELECT FROM unnest($1, $2, ...) takes: a batch of any
 * size is one statement with eleven array parameters, one round trip, never one per message.
 */
export class MessageColumns {
  readonly ts: number[] = [];
  readonly topicIds: number[] = [];
  readonly directions: number[] = [];
  readonly qos: number[] = [];
  readonly retain: boolean[] = [];
  readonly dup: boolean[] = [];
  readonly packetIds: (number | null)[] = [];
  readonly sizes: number[] = [];
  readonly isText: boolean[] = [];
  readonly properties: (string | null)[] = [];
  readonly payloads: Buffer[] = [];
  bytes = 0;

  constructor(private readonly textMaxBytes: number) {}

  get length(): number {
    return this.ts.length;
  }

  push(
    topicId: number,
    row: { ts: number; direction: number; qos: number; retain: boolean; dup: boolean; packetId: number | null; properties: string | null; payload: Uint8Array },
  ): void {
    const { payload } = row;
    const size = payload.byteLength;
    this.ts.push(Math.trunc(row.ts));
    this.topicIds.push(topicId);
    this.directions.push(row.direction);
    this.qos.push(row.qos);
    this.retain.push(row.retain);
    this.dup.push(row.dup);
    this.packetIds.push(row.packetId);
    this.sizes.push(size);
    this.isText.push(isSearchableText(payload, this.textMaxBytes));
    this.properties.push(row.properties);
    this.payloads.push(Buffer.from(payload.buffer, payload.byteOffset, size));
    this.bytes += size;
  }

  /** The same rows in PostgreSQL's binary COPY format, for `COPY messages (COPY_COLUMNS) FROM STDIN (FORMAT binary)`. */
  copyData(): Buffer {
    const n = this.length;
    const propertyBytes = this.properties.map((p) => (p === null ? -1 : Buffer.byteLength(p)));
    // Per row: field count, then 11 length words and the fixed-width values (8+4+2+2+1+1+4+4+1).
    let size = SIGNATURE.length + 8 + 2 + n * (2 + 11 * 4 + 27) + this.bytes;
    for (let i = 0; i < n; i++) {
      if (this.packetIds[i] === null) size -= 4;
      size += Math.max(0, propertyBytes[i]!);
    }
    const out = Buffer.allocUnsafe(size);
    let at = SIGNATURE.copy(out, 0);
    at = out.writeInt32BE(0, at); // flags
    at = out.writeInt32BE(0, at); // header extension length
    for (let i = 0; i < n; i++) {
      at = out.writeInt16BE(11, at);
      at = out.writeBigInt64BE(BigInt(this.ts[i]!), out.writeInt32BE(8, at));
      at = out.writeInt32BE(this.topicIds[i]!, out.writeInt32BE(4, at));
      at = out.writeInt16BE(this.directions[i]!, out.writeInt32BE(2, at));
      at = out.writeInt16BE(this.qos[i]!, out.writeInt32BE(2, at));
      at = out.writeUInt8(this.retain[i] ? 1 : 0, out.writeInt32BE(1, at));
      at = out.writeUInt8(this.dup[i] ? 1 : 0, out.writeInt32BE(1, at));
      const packetId = this.packetIds[i]!;
      at = packetId === null ? out.writeInt32BE(-1, at) : out.writeInt32BE(packetId, out.writeInt32BE(4, at));
      at = out.writeInt32BE(this.sizes[i]!, out.writeInt32BE(4, at));
      at = out.writeUInt8(this.isText[i] ? 1 : 0, out.writeInt32BE(1, at));
      const properties = this.properties[i]!;
      at = out.writeInt32BE(propertyBytes[i]!, at);
      if (properties !== null) at += out.write(properties, at, 'utf8');
      const payload = this.payloads[i]!;
      at = out.writeInt32BE(payload.length, at);
      at += payload.copy(out, at);
    }
    if (at + 2 !== size) throw new Error(`COPY data size mismatch: wrote ${at + 2} of ${size} bytes`);
    out.writeInt16BE(-1, at); // trailer
    return out;
  }

  /** The statement and its parameters. */
  insertStatement(): { text: string; values: unknown[] } {
    return {
      text: `INSERT INTO messages (ts, topic_id, direction, qos, retain, dup, packet_id, payload_size, is_text, properties, payload)
             SELECT * FROM unnest($1::bigint[], $2::integer[], $3::smallint[], $4::smallint[], $5::boolean[], $6::boolean[],
                                  $7::integer[], $8::integer[], $9::boolean[], $10::text[], $11::bytea[])`,
      values: [this.ts, this.topicIds, this.directions, this.qos, this.retain, this.dup, this.packetIds, this.sizes, this.isText, this.properties, this.payloads],
    };
  }
}

/** The binary COPY file signature. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The columns copyData() writes, in its order. */
export const COPY_COLUMNS = 'ts, topic_id, direction, qos, retain, dup, packet_id, payload_size, is_text, properties, payload';

/**
 * Searched as text: non-empty UTF-8 within the size limit, and without NUL, which a PostgreSQL
 * text value cannot hold (such a payload is stored whole but not text-searched: a documented
 * difference from SQLite).
 */
export function isSearchableText(payload: Uint8Array, textMaxBytes: number): boolean {
  const size = payload.byteLength;
  return size >= 1 && size <= textMaxBytes && payload.indexOf(0) === -1 && decodeUtf8Strict(payload) !== null;
}
