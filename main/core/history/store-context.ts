import type Database from 'better-sqlite3';
import { TopicIndex } from './topic-index';

type Totals = { messages: number; bytes: number };

/**
 * Message and payload-byte counts, in all and per connection: computed once when first asked, then
 * kept in step by inserts and deletions on the writer (a reader, which sees another connection's
 * writes, always counts afresh).
 */
export class StoreTotals {
  private all: Totals | null = null;
  private byConnection: Map<string, Totals> | null = null;

  constructor(
    private readonly context: { statement(sql: string): Database.Statement; topics: TopicIndex },
    private readonly cached: boolean,
  ) {}

  /** Messages and payload bytes in all. */
  totals(): Totals {
    if (!this.all || !this.cached) {
      const row = this.context.statement('SELECT count(*) AS messages, coalesce(sum(payload_size), 0) AS bytes FROM messages').get() as Totals;
      this.all = { messages: row.messages, bytes: row.bytes };
    }
    return { ...this.all };
  }

  /** Per-connection message and byte counts, computed once (one grouped scan) when first needed. */
  connectionTotals(): Map<string, Totals> {
    if (!this.byConnection) {
      const rows = this.context
        .statement(
          `SELECT t.connection_key AS connectionKey, count(*) AS messages, coalesce(sum(m.payload_size), 0) AS bytes
           FROM messages m JOIN topics t ON t.id = m.topic_id GROUP BY t.connection_key`,
        )
        .all() as { connectionKey: string; messages: number; bytes: number }[];
      this.byConnection = new Map(rows.map((r) => [r.connectionKey, { messages: r.messages, bytes: r.bytes }]));
    }
    return this.byConnection;
  }

  /** A row of `topicId` with `size` payload bytes was inserted. */
  added(topicId: number, size: number): void {
    if (this.all) {
      this.all.messages++;
      this.all.bytes += size;
    }
    if (this.byConnection) {
      const connectionKey = this.context.topics.get(topicId).connectionKey;
      const totals = this.byConnection.get(connectionKey);
      if (totals) {
        totals.messages++;
        totals.bytes += size;
      } else this.byConnection.set(connectionKey, { messages: 1, bytes: size });
    }
  }

  /** Rows were deleted (call `totals()` before deleting, so a first computation does not see the deletion). */
  removed(rows: readonly { topic_id: number; payload_size: number }[], before: Totals): void {
    for (const row of rows) {
      before.messages--;
      before.bytes -= row.payload_size;
      const connection = this.byConnection?.get(this.context.topics.get(row.topic_id).connectionKey);
      if (connection) {
        connection.messages--;
        connection.bytes -= row.payload_size;
      }
    }
    this.all = before;
  }

  /** After a rolled-back transaction or a bulk delete: count afresh next time. */
  forget(): void {
    this.all = null;
    this.byConnection = null;
  }
}

/**
 * What the writer, the queries and retention of one SQLite history file share: the connection, the
 * topic index, a cache of prepared statements and the totals.
 */
export class StoreContext {
  readonly topics: TopicIndex;
  readonly totals: StoreTotals;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    readonly db: Database.Database,
    readonly writable: boolean,
  ) {
    this.topics = new TopicIndex(db, writable);
    this.totals = new StoreTotals(this, writable);
  }

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= 200) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
