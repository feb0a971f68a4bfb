import type Database from 'better-sqlite3';
import { CommittedLedger, type RunCounts } from './crash-ledger';
import { FLAG_DUP, FLAG_OUT, FLAG_RETAIN, type PackedBatch } from './packed-batch';
import { encodeProperties } from './properties';
import type { StoreContext } from './store-context';
import type { StoreQueries } from './store-queries';
import type { HistoryGap, HistoryMessageInput } from './types';

/**
 * The writing side of a SQLite history file: batches of messages (packed from the main thread, or
 * plain from an import or a salvage), gaps, connection labels and deletions. Only the writer
 * worker has one; a failed transaction leaves the caches as if it never ran.
 */
export class StoreWriter {
  private readonly insertMessage: Database.Statement;
  private readonly insertGap: Database.Statement;
  private readonly upsertLabel: Database.Statement;
  private readonly nameLabel: Database.Statement;
  private readonly insertBatch: (messages: readonly HistoryMessageInput[]) => number;
  /** Packed-batch topic keys (numbered by the sending BatchBuilder) -> (connection key, topic), and a cache of their ids. */
  private readonly packedKeyNames = new Map<number, [string, string]>();
  private readonly packedKeyIds = new Map<number, number>();
  /** Committed messages of this run per connection, saved with them (crash-ledger.ts). */
  private committed: CommittedLedger | null = null;

  constructor(
    private readonly context: StoreContext,
    private readonly queries: StoreQueries,
  ) {
    const { db, topics } = context;
    this.insertMessage = db.prepare(
      `INSERT INTO messages (topic_id, direction, ts, qos, retain, dup, packet_id, payload_size, properties, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertGap = db.prepare('INSERT INTO history_gaps (connection_key, from_ts, to_ts, dropped, reason) VALUES (?, ?, ?, ?, ?)');
    this.upsertLabel = db.prepare('INSERT INTO connections (key, label) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET label = excluded.label');
    this.nameLabel = db.prepare(
      'INSERT INTO connections (key, label) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET label = excluded.label WHERE connections.label = connections.key',
    );
    this.insertBatch = db.transaction((messages: readonly HistoryMessageInput[]) => {
      for (const message of messages) {
        this.insertRow(
          topics.ensure(message.connectionKey, message.topic),
          message.direction === 'out' ? 1 : 0,
          Math.trunc(message.timestamp),
          message.qos,
          message.retain ? 1 : 0,
          message.dup ? 1 : 0,
          message.packetId ?? null,
          encodeProperties(message.properties),
          message.payload,
        );
      }
      return messages.length;
    });
  }

  private insertRow(
    topicId: number,
    direction: number,
    ts: number,
    qos: number,
    retain: number,
    dup: number,
    packetId: number | null,
    properties: string | null,
    payload: Uint8Array,
  ): void {
    const size = payload.byteLength;
    this.insertMessage.run(topicId, direction, ts, qos, retain, dup, packetId, size, properties, payload);
    this.context.totals.added(topicId, size);
  }

  /** After a failed transaction: forget what it created (topics, cached counts). */
  private rolledBack(highestTopic: number): void {
    this.context.topics.rollbackTo(highestTopic);
    this.packedKeyIds.clear();
    this.context.totals.forget();
  }

  /** Inserts packed batches (see packed-batch.ts); call inside a transaction. */
  private insertPacked(batch: PackedBatch): void {
    for (const [key, connectionKey, topic] of batch.newKeys) this.packedKeyNames.set(key, [connectionKey, topic]);
    const properties = new Map(batch.properties);
    let start = 0;
    for (let i = 0; i < batch.count; i++) {
      const end = batch.payloadEnds[i]!;
      const flags = batch.flags[i]!;
      const packetId = batch.packetIds[i]!;
      const key = batch.keys[i]!;
      let topicId = this.packedKeyIds.get(key);
      if (topicId === undefined) {
        const names = this.packedKeyNames.get(key);
        if (!names) throw new Error(`Packed batch refers to unknown topic key ${key}`);
        topicId = this.context.topics.ensure(names[0], names[1]);
        this.packedKeyIds.set(key, topicId);
      }
      this.insertRow(
        topicId,
        flags & FLAG_OUT ? 1 : 0,
        Math.trunc(batch.timestamps[i]!),
        flags & 3,
        flags & FLAG_RETAIN ? 1 : 0,
        flags & FLAG_DUP ? 1 : 0,
        packetId < 0 ? null : packetId,
        properties.get(i) ?? null,
        batch.payloads.subarray(start, end),
      );
      start = end;
    }
  }

  /** From now on each writePacked also saves this run's committed counts (crash-ledger.ts). */
  trackRun(counts: RunCounts): void {
    this.committed = new CommittedLedger(this.context.db, counts);
  }

  get runCounts(): RunCounts | null {
    return this.committed?.counts ?? null;
  }

  /** Per connection key: messages in these batches and the newest timestamp. */
  private countByConnection(batches: readonly PackedBatch[]): Map<string, { n: number; lastTs: number }> {
    const byKey = new Map<number, { n: number; lastTs: number }>();
    for (const batch of batches) {
      for (const [key, connectionKey, topic] of batch.newKeys) this.packedKeyNames.set(key, [connectionKey, topic]);
      for (let i = 0; i < batch.count; i++) {
        const key = batch.keys[i]!;
        const entry = byKey.get(key);
        if (entry) {
          entry.n++;
          entry.lastTs = Math.max(entry.lastTs, batch.timestamps[i]!);
        } else byKey.set(key, { n: 1, lastTs: batch.timestamps[i]! });
      }
    }
    const byConnection = new Map<string, { n: number; lastTs: number }>();
    for (const [key, { n, lastTs }] of byKey) {
      const connectionKey = this.packedKeyNames.get(key)?.[0] ?? '';
      const entry = byConnection.get(connectionKey);
      if (entry) {
        entry.n += n;
        entry.lastTs = Math.max(entry.lastTs, lastTs);
      } else byConnection.set(connectionKey, { n, lastTs });
    }
    return byConnection;
  }

  /** The packed-batch topic keys learnt so far: a store on a fresh file (after a repair or restore) takes them over. */
  packedKeys(): [number, string, string][] {
    return [...this.packedKeyNames].map(([key, [connectionKey, topic]]) => [key, connectionKey, topic]);
  }

  adoptPackedKeys(keys: readonly [number, string, string][]): void {
    for (const [key, connectionKey, topic] of keys) this.packedKeyNames.set(key, [connectionKey, topic]);
  }

  /** Inserts the batch in one transaction. */
  insert(messages: readonly HistoryMessageInput[]): number {
    if (messages.length === 0) return 0;
    const highestTopic = this.context.topics.highestId;
    try {
      return this.insertBatch(messages);
    } catch (error) {
      this.rolledBack(highestTopic);
      throw error;
    }
  }

  recordGaps(gaps: readonly HistoryGap[]): void {
    this.context.db.transaction(() => {
      for (const gap of gaps) this.insertGap.run(gap.connectionKey, gap.fromTs, gap.toTs, gap.dropped, gap.reason);
    })();
  }

  /** One flush of the writer: packed batches and the gaps recorded with them, in one transaction. */
  writePacked(batches: readonly PackedBatch[], gaps: readonly HistoryGap[]): number {
    const highestTopic = this.context.topics.highestId;
    const committed = this.committed;
    const countsBefore = committed ? JSON.stringify(committed.counts.connections) : '';
    try {
      return this.context.db.transaction(() => {
        let count = 0;
        for (const batch of batches) {
          this.insertPacked(batch);
          count += batch.count;
        }
        if (gaps.length > 0) this.recordGaps(gaps);
        if (committed) {
          for (const [connectionKey, { n, lastTs }] of this.countByConnection(batches)) committed.add(connectionKey, n, lastTs);
          committed.persist();
        }
        return count;
      })();
    } catch (error) {
      this.rolledBack(highestTopic);
      // The counts must say what is in the file: none of this transaction is.
      if (committed) committed.counts.connections = JSON.parse(countsBefore) as typeof committed.counts.connections;
      throw error;
    }
  }

  /**
   * Names the connection a key stands for (a profile's name, host:port). Called once per connect,
   * not per message; the latest label wins, so a renamed profile relabels its whole history.
   * `ifUnnamed` (import): only a connection still labelled by its bare key takes the label.
   */
  setConnectionLabel(connectionKey: string, label: string, { ifUnnamed = false } = {}): void {
    (ifUnnamed ? this.nameLabel : this.upsertLabel).run(connectionKey, label);
  }

  /** Deletes a connection's history, or only the topics matching `topicFilter` on it. */
  clear(connectionKey: string, topicFilter?: string): number {
    const ids = this.queries.topicIds({ connectionKeys: [connectionKey], ...(topicFilter !== undefined ? { topicFilter } : {}) }) ?? [];
    if (ids.length === 0) return 0;
    const deleted = this.context.db.transaction(() => {
      const { changes } = this.context.statement('DELETE FROM messages WHERE topic_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
      if (topicFilter === undefined) this.context.statement('DELETE FROM history_gaps WHERE connection_key = ?').run(connectionKey);
      return changes;
    })();
    this.context.totals.forget();
    return deleted;
  }
}
