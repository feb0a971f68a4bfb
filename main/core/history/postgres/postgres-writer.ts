import type { Pool, PoolClient } from 'pg';
import { FLAG_DUP, FLAG_OUT, FLAG_RETAIN, type PackedBatch } from '../packed-batch';
import { encodeProperties } from '../properties';
import type { HistoryGap, HistoryMessageInput } from '../types';
import type { DayPartitions } from './day-partitions';
import { COPY_COLUMNS, MessageColumns } from './message-columns';
import { copyIn } from './copy-in';
import type { PostgresTopicIndex } from './postgres-topic-index';
import { TEXT_PENDING_LIST_KB, type TextIndexCleaner } from './text-index-cleaner';
import { inTransaction } from './transaction';

/** How a batch goes in: binary COPY, or one INSERT ... SELECT FROM unnest(arrays); both one round trip. */
export type IngestMethod = 'copy' | 'unnest';

/**
 * The writing side of the PostgreSQL store: a flush of packed batches (or an import's plain
 * messages) becomes one multi-row INSERT from arrays inside one transaction, with its gaps. Topics
 * and day partitions are made sure of first, each in its own statement.
 */
export class PostgresWriter {
  /** Packed-batch topic keys (numbered by the sending BatchBuilder) -> (connection key, topic), and their ids. */
  private readonly packedKeyNames = new Map<number, [string, string]>();
  private readonly packedKeyIds = new Map<number, number>();

  constructor(
    private readonly pool: Pool,
    private readonly topics: PostgresTopicIndex,
    private readonly partitions: DayPartitions,
    private readonly textMaxBytes: number,
    private readonly ingest: IngestMethod,
    private readonly cleaner: TextIndexCleaner,
  ) {}

  /** The topic ids of a packed batch's keys; unknown keys fail before anything is written. */
  private async packedTopicIds(batches: readonly PackedBatch[]): Promise<void> {
    const unresolved = new Set<number>();
    for (const batch of batches) {
      for (const [key, connectionKey, topic] of batch.newKeys) this.packedKeyNames.set(key, [connectionKey, topic]);
      for (let i = 0; i < batch.count; i++) {
        const key = batch.keys[i]!;
        if (this.packedKeyIds.has(key)) continue;
        if (!this.packedKeyNames.has(key)) throw new Error(`Packed batch refers to unknown topic key ${key}`);
        unresolved.add(key);
      }
    }
    if (unresolved.size === 0) return;
    const keys = [...unresolved];
    const ids = await this.topics.ensure(keys.map((key) => this.packedKeyNames.get(key)!));
    keys.forEach((key, i) => this.packedKeyIds.set(key, ids[i]!));
  }

  private async writeColumns(columns: MessageColumns, gaps: readonly HistoryGap[]): Promise<void> {
    const days = await this.partitions.ensure(columns.ts);
    // The trigram index's merge is the cleaner's job, not this COPY's (text-index-cleaner.ts).
    const settings = columns.length > 0 ? `SET LOCAL gin_pending_list_limit = ${TEXT_PENDING_LIST_KB}` : '';
    const write = async (client: PoolClient): Promise<void> => {
      if (columns.length > 0) {
        if (this.ingest === 'copy') await copyIn(client, `COPY messages (${COPY_COLUMNS}) FROM STDIN (FORMAT binary)`, columns.copyData());
        else await client.query(columns.insertStatement());
      }
      if (gaps.length > 0) await this.insertGaps(client, gaps);
    };
    await inTransaction(this.pool, write, settings);
    if (columns.length > 0) this.cleaner.noteWrite(days);
  }

  /** One flush of the write queue: packed batches and the gaps recorded with them, in one transaction. */
  async writePacked(batches: readonly PackedBatch[], gaps: readonly HistoryGap[]): Promise<number> {
    await this.packedTopicIds(batches);
    const columns = new MessageColumns(this.textMaxBytes);
    for (const batch of batches) {
      const properties = new Map(batch.properties);
      let start = 0;
      for (let i = 0; i < batch.count; i++) {
        const end = batch.payloadEnds[i]!;
        const flags = batch.flags[i]!;
        const packetId = batch.packetIds[i]!;
        columns.push(this.packedKeyIds.get(batch.keys[i]!)!, {
          ts: batch.timestamps[i]!,
          direction: flags & FLAG_OUT ? 1 : 0,
          qos: flags & 3,
          retain: (flags & FLAG_RETAIN) !== 0,
          dup: (flags & FLAG_DUP) !== 0,
          packetId: packetId < 0 ? null : packetId,
          properties: properties.get(i) ?? null,
          payload: batch.payloads.subarray(start, end),
        });
        start = end;
      }
    }
    await this.writeColumns(columns, gaps);
    return columns.length;
  }

  /** Plain messages (an import, a salvage) in one transaction. */
  async insert(messages: readonly HistoryMessageInput[]): Promise<number> {
    if (messages.length === 0) return 0;
    const ids = await this.topics.ensure(messages.map((m) => [m.connectionKey, m.topic] as const));
    const columns = new MessageColumns(this.textMaxBytes);
    messages.forEach((message, i) =>
      columns.push(ids[i]!, {
        ts: message.timestamp,
        direction: message.direction === 'out' ? 1 : 0,
        qos: message.qos,
        retain: message.retain,
        dup: message.dup,
        packetId: message.packetId ?? null,
        properties: encodeProperties(message.properties),
        payload: message.payload,
      }),
    );
    await this.writeColumns(columns, []);
    return messages.length;
  }

  private async insertGaps(client: PoolClient, gaps: readonly HistoryGap[]): Promise<void> {
    await client.query(
      'INSERT INTO history_gaps (connection_key, from_ts, to_ts, dropped, reason) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[])',
      [gaps.map((g) => g.connectionKey), gaps.map((g) => Math.trunc(g.fromTs)), gaps.map((g) => Math.trunc(g.toTs)), gaps.map((g) => g.dropped), gaps.map((g) => g.reason)],
    );
  }

  async recordGaps(gaps: readonly HistoryGap[]): Promise<void> {
    if (gaps.length === 0) return;
    await inTransaction(this.pool, (client) => this.insertGaps(client, gaps));
  }

  /** The latest label wins; `ifUnnamed` (import): only a connection still labelled by its bare key takes it. */
  async setConnectionLabel(connectionKey: string, label: string, { ifUnnamed = false } = {}): Promise<void> {
    await this.pool.query(
      `INSERT INTO connections (key, label) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET label = excluded.label${
        ifUnnamed ? ' WHERE connections.label = connections.key' : ''
      }`,
      [connectionKey, label],
    );
  }

  /** Deletes these topics' messages (a connection's history, or some of its topics), and the connection's gaps when `withGaps`. */
  async clear(connectionKey: string, topicIds: readonly number[], withGaps: boolean): Promise<number> {
    if (topicIds.length === 0) return 0;
    return inTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query('DELETE FROM messages WHERE topic_id = ANY($1::integer[])', [topicIds]);
      if (withGaps) await client.query('DELETE FROM history_gaps WHERE connection_key = $1', [connectionKey]);
      return rowCount ?? 0;
    });
  }
}
