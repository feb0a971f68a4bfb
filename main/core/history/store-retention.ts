import type { StoreContext } from './store-context';
import type { RetentionLimits, RetentionPolicy } from './types';

/**
 * Retention of a SQLite history file: the oldest messages beyond the limits deleted in bounded
 * steps, with the cached totals kept in step.
 */
export class StoreRetention {
  constructor(private readonly context: StoreContext) {}

  private oldestWhere(cutoff: number | null, topicIds: number[] | null, params: Record<string, unknown>): string {
    const terms: string[] = [];
    if (cutoff !== null) {
      terms.push('ts < @cutoff');
      params.cutoff = cutoff;
    }
    if (topicIds !== null) {
      terms.push('+topic_id IN (SELECT value FROM json_each(@topics))');
      params.topics = JSON.stringify(topicIds);
    }
    return terms.length ? `WHERE ${terms.join(' AND ')}` : '';
  }

  /** Deletes the selected rows and keeps the cached totals in step. */
  private deleteWhere(sql: string, params: Record<string, unknown>): number {
    const before = this.context.totals.totals(); // before deleting: a first computation must not see the deletion
    const rows = this.context.statement(sql).all(params) as { topic_id: number; payload_size: number }[];
    this.context.totals.removed(rows, before);
    return rows.length;
  }

  private deleteOldest(limit: number, cutoff: number | null, topicIds: number[] | null): number {
    if (limit <= 0) return 0;
    const params: Record<string, unknown> = { limit };
    const where = this.oldestWhere(cutoff, topicIds, params);
    return this.deleteWhere(
      `DELETE FROM messages WHERE id IN (SELECT id FROM messages ${where} ORDER BY ts, id LIMIT @limit) RETURNING topic_id, payload_size`,
      params,
    );
  }

  /** Deletes the fewest oldest rows whose payloads add up to `bytes` (at most `limit` rows). */
  private deleteOldestBytes(bytes: number, limit: number, topicIds: number[] | null): number {
    if (limit <= 0) return 0;
    const params: Record<string, unknown> = { limit };
    const where = this.oldestWhere(null, topicIds, params);
    const oldest = this.context.statement(`SELECT id, payload_size FROM messages ${where} ORDER BY ts, id LIMIT @limit`).all(params) as {
      id: number;
      payload_size: number;
    }[];
    const ids: number[] = [];
    let sum = 0;
    for (const row of oldest) {
      if (sum >= bytes) break;
      ids.push(row.id);
      sum += row.payload_size;
    }
    if (ids.length === 0) return 0;
    return this.deleteWhere('DELETE FROM messages WHERE id IN (SELECT value FROM json_each(@ids)) RETURNING topic_id, payload_size', {
      ids: JSON.stringify(ids),
    });
  }

  /** Deletes by one set of limits, within `budget` rows; `scope` is null (everything) or a connection. */
  private enforceLimits(
    limits: RetentionLimits,
    budget: number,
    now: number,
    scope: { topicIds: number[]; totals: () => { messages: number; bytes: number } } | null,
  ): number {
    const topicIds = scope ? scope.topicIds : null;
    const totals = scope ? scope.totals : () => this.context.totals.totals();
    let deleted = 0;
    if (limits.maxAgeMs !== undefined) deleted += this.deleteOldest(budget - deleted, now - limits.maxAgeMs, topicIds);
    if (limits.maxMessages !== undefined) {
      const excess = totals().messages - limits.maxMessages;
      if (excess > 0) deleted += this.deleteOldest(Math.min(excess, budget - deleted), null, topicIds);
    }
    if (limits.maxBytes !== undefined) {
      for (let current = totals(); current.bytes > limits.maxBytes && deleted < budget; current = totals()) {
        const removed = this.deleteOldestBytes(current.bytes - limits.maxBytes, Math.min(1000, budget - deleted), topicIds);
        if (removed === 0) break;
        deleted += removed;
      }
    }
    return deleted;
  }

  /**
   * Deletes the oldest messages beyond the limits (global, then per connection), at most `budget`
   * rows per call, so retention runs in small steps between write batches instead of one long
   * transaction that would stall ingest. Returns how many rows it deleted (call again while it
   * returns `budget`).
   */
  enforceRetention(policy: RetentionPolicy, budget = 5000, now = Date.now()): number {
    const perConnection = policy.perConnection !== undefined || policy.connections !== undefined;
    return this.context.db.transaction(() => {
      let deleted = this.enforceLimits(policy, budget, now, null);
      if (!perConnection) return deleted;
      for (const connectionKey of [...this.context.totals.connectionTotals().keys()]) {
        if (deleted >= budget) break;
        const limits = policy.connections?.[connectionKey] ?? policy.perConnection;
        if (!limits) continue;
        const topicIds = this.context.topics.match([connectionKey], undefined) ?? [];
        const totals = () => this.context.totals.connectionTotals().get(connectionKey) ?? { messages: 0, bytes: 0 };
        deleted += this.enforceLimits(limits, budget - deleted, now, { topicIds, totals });
      }
      return deleted;
    })();
  }
}
