import type { Pool, PoolClient } from 'pg';
import type { RetentionLimits, RetentionPolicy } from '../types';
import type { DayPartitions } from './day-partitions';
import type { PostgresTopicIndex } from './postgres-topic-index';
import { inTransaction } from './transaction';

type Totals = { messages: number; bytes: number };

/**
 * Retention of the PostgreSQL store, with SQLite's contract (store-retention.ts): the oldest
 * messages beyond the limits go first, at most `budget` rows per call. An age limit over all
 * connections first drops every day partition that lies wholly before the cutoff (no per-row work,
 * no dead tuples to vacuum); such a drop counts all its rows, which may exceed the budget. Row
 * deletes do the rest.
 */
export class PostgresRetention {
  constructor(
    private readonly pool: Pool,
    private readonly topics: PostgresTopicIndex,
    private readonly partitions: DayPartitions,
  ) {}

  private static where(cutoff: number | null, topicIds: number[] | null, values: unknown[]): string {
    const terms: string[] = [];
    if (cutoff !== null) {
      values.push(cutoff);
      terms.push(`ts < $${values.length}`);
    }
    if (topicIds !== null) {
      values.push(topicIds);
      terms.push(`topic_id = ANY($${values.length}::integer[])`);
    }
    return terms.length ? `WHERE ${terms.join(' AND ')}` : '';
  }

  private async deleteOldest(client: PoolClient, limit: number, cutoff: number | null, topicIds: number[] | null): Promise<number> {
    if (limit <= 0) return 0;
    const values: unknown[] = [];
    const where = PostgresRetention.where(cutoff, topicIds, values);
    values.push(limit);
    const { rowCount } = await client.query(
      `DELETE FROM messages WHERE (ts, id) IN (SELECT ts, id FROM messages ${where} ORDER BY ts, id LIMIT $${values.length})`,
      values,
    );
    return rowCount ?? 0;
  }

  /** Deletes the fewest oldest rows whose payloads add up to `bytes` (at most `limit` rows). */
  private async deleteOldestBytes(client: PoolClient, bytes: number, limit: number, topicIds: number[] | null): Promise<number> {
    if (limit <= 0) return 0;
    const values: unknown[] = [];
    const where = PostgresRetention.where(null, topicIds, values);
    values.push(limit);
    const { rows } = await client.query<{ ts: number; id: number; payload_size: number }>(
      `SELECT ts, id, payload_size FROM messages ${where} ORDER BY ts, id LIMIT $${values.length}`,
      values,
    );
    const ts: number[] = [];
    const ids: number[] = [];
    let sum = 0;
    for (const row of rows) {
      if (sum >= bytes) break;
      ts.push(row.ts);
      ids.push(row.id);
      sum += row.payload_size;
    }
    if (ids.length === 0) return 0;
    const { rowCount } = await client.query('DELETE FROM messages WHERE (ts, id) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))', [ts, ids]);
    return rowCount ?? 0;
  }

  /** Drops the day partitions wholly before `cutoff`; returns the rows they held. */
  private async dropPartitionsBefore(client: PoolClient, cutoff: number): Promise<number> {
    let dropped = 0;
    for (const partition of await this.partitions.list(client)) {
      if (partition.to > cutoff) break;
      const { rows } = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${partition.name}`);
      await this.partitions.drop(client, partition);
      dropped += rows[0]!.n;
    }
    return dropped;
  }

  private async totals(client: PoolClient, topicIds: number[] | null): Promise<Totals> {
    const values: unknown[] = [];
    const where = PostgresRetention.where(null, topicIds, values);
    const { rows } = await client.query<Totals>(`SELECT count(*) AS messages, coalesce(sum(payload_size), 0)::bigint AS bytes FROM messages ${where}`, values);
    return rows[0]!;
  }

  private async enforceLimits(client: PoolClient, limits: RetentionLimits, budget: number, now: number, topicIds: number[] | null): Promise<number> {
    let deleted = 0;
    if (limits.maxAgeMs !== undefined) deleted += await this.deleteOldest(client, budget - deleted, now - limits.maxAgeMs, topicIds);
    if (limits.maxMessages !== undefined) {
      const excess = (await this.totals(client, topicIds)).messages - limits.maxMessages;
      if (excess > 0) deleted += await this.deleteOldest(client, Math.min(excess, budget - deleted), null, topicIds);
    }
    if (limits.maxBytes !== undefined) {
      for (let current = await this.totals(client, topicIds); current.bytes > limits.maxBytes && deleted < budget; current = await this.totals(client, topicIds)) {
        const removed = await this.deleteOldestBytes(client, current.bytes - limits.maxBytes, Math.min(1000, budget - deleted), topicIds);
        if (removed === 0) break;
        deleted += removed;
      }
    }
    return deleted;
  }

  /** Deletes the oldest messages beyond the limits (global, then per connection), in one transaction; call again while it returns `budget` or more. */
  async enforceRetention(policy: RetentionPolicy, budget = 5000, now = Date.now()): Promise<number> {
    const perConnection = policy.perConnection !== undefined || policy.connections !== undefined;
    try {
      // Dropping a partition locks the whole messages table (ACCESS EXCLUSIVE on the parent): in its
      // own short transaction, not held through the row deletes that follow.
      const maxAgeMs = policy.maxAgeMs;
      const dropped = maxAgeMs === undefined ? 0 : await inTransaction(this.pool, (client) => this.dropPartitionsBefore(client, now - maxAgeMs));
      return await inTransaction(this.pool, async (client) => {
        let deleted = dropped + (await this.enforceLimits(client, policy, Math.max(0, budget - dropped), now, null));
        if (!perConnection) return deleted;
        const { rows } = await client.query<{ key: string }>('SELECT DISTINCT t.connection_key AS key FROM topics t WHERE EXISTS (SELECT 1 FROM messages m WHERE m.topic_id = t.id)');
        for (const { key } of rows) {
          if (deleted >= budget) break;
          const limits = policy.connections?.[key] ?? policy.perConnection;
          if (!limits) continue;
          const topicIds = (await this.topics.match([key], undefined)) ?? [];
          deleted += await this.enforceLimits(client, limits, budget - deleted, now, topicIds);
        }
        return deleted;
      });
    } catch (error) {
      this.partitions.forget(); // a dropped partition may have come back with the rollback
      throw error;
    }
  }
}
