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

/**
 * Searched as text: non-empty UTF-8 within the size limit, and without NUL, which a PostgreSQL
 * text value cannot hold (such a payload is stored whole but not text-searched: a documented
 * difference from SQLite).
 */
export function isSearchableText(payload: Uint8Array, textMaxBytes: number): boolean {
  const size = payload.byteLength;
  return size >= 1 && size <= textMaxBytes && payload.indexOf(0) === -1 && decodeUtf8Strict(payload) !== null;
}
