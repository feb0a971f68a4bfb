import type Database from 'better-sqlite3';
import { decodeUtf8Strict } from '../../../shared/codecs/utf8';
import { topicFilterProblem } from '../../../shared/mqtt/topic';
import { HistoryError } from './errors';
import { FLAG_DUP, FLAG_OUT, FLAG_RETAIN, type PackedBatch } from './packed-batch';
import { encodeProperties } from './properties';
import { TopicIndex } from './topic-index';
import type {
  HistoryCursor,
  HistoryGap,
  HistoryMessageInput,
  HistoryPage,
  HistoryQuery,
  PageRequest,
  RetentionLimits,
  StoredMessage,
} from './types';

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 5000;
/**
 * Text payloads up to this size are full-text indexed; larger ones are stored whole but not
 * indexed (a trigram index of a multi-megabyte payload costs more than it is worth to search).
 */
export const DEFAULT_FULL_TEXT_MAX_BYTES = 256 * 1024;
/** Up to this many matching topics, a page is merged from one index range per topic. */
const UNION_TOPIC_LIMIT = 64;
/** See HistoryStore.textPlan(). */
const FTS_PROBE_LIMIT = 10_000;
/** Rows a text scan may test (~1 µs each) before the index plan takes over. */
const SCAN_BUDGET_ROWS = 50_000;
const BUDGET_EXCEEDED = Symbol('scan budget exceeded');

type TextPlan = 'fts' | 'scan';

interface MessageRow {
  id: number;
  topic_id: number;
  direction: number;
  ts: number;
  qos: number;
  retain: number;
  dup: number;
  packet_id: number | null;
  payload_size: number;
  properties: string | null;
  payload: Buffer;
}

const COLUMNS = 'm.id, m.topic_id, m.direction, m.ts, m.qos, m.retain, m.dup, m.packet_id, m.payload_size, m.properties, m.payload';

function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

interface Compiled {
  sql: string;
  params: Record<string, unknown>;
}

/**
 * The SQLite side of history: inserts, queries, retention. Synchronous (better-sqlite3) and free of
 * any threading, so it is tested directly; history-worker.ts runs it off the main thread.
 */
export class HistoryStore {
  readonly topics: TopicIndex;
  private readonly fullTextMaxBytes: number;
  private readonly statements = new Map<string, Database.Statement>();
  private totalsCache: { messages: number; bytes: number } | null = null;
  private scanBudget = Infinity;
  private readonly ftsProbeLimit: number;
  private readonly scanBudgetRows: number;
  private readonly insertMessage: Database.Statement | null = null;
  private readonly insertFts: Database.Statement | null = null;
  private readonly insertGap: Database.Statement | null = null;
  private readonly insertBatch: ((messages: readonly HistoryMessageInput[]) => number) | null = null;
  /** Packed-batch topic keys (numbered by the sending BatchBuilder) -> (connection, topic), and a cache of their ids. */
  private readonly packedKeyNames = new Map<number, [string, string]>();
  private readonly packedKeyIds = new Map<number, number>();

  constructor(
    readonly db: Database.Database,
    options: { writable: boolean; fullTextMaxBytes?: number; ftsProbeLimit?: number; scanBudgetRows?: number },
  ) {
    this.fullTextMaxBytes = options.fullTextMaxBytes ?? DEFAULT_FULL_TEXT_MAX_BYTES;
    this.ftsProbeLimit = options.ftsProbeLimit ?? FTS_PROBE_LIMIT;
    this.scanBudgetRows = options.scanBudgetRows ?? SCAN_BUDGET_ROWS;
    this.topics = new TopicIndex(db, options.writable);
    db.function('history_text_match', { deterministic: true }, (payload: unknown, needle: unknown) => {
      if (--this.scanBudget < 0) throw BUDGET_EXCEEDED;
      const text = decodeUtf8Strict(payload as Uint8Array);
      return text !== null && text.toLowerCase().includes(needle as string) ? 1 : 0;
    });
    if (!options.writable) return;
    this.insertMessage = db.prepare(
      `INSERT INTO messages (topic_id, direction, ts, qos, retain, dup, packet_id, payload_size, properties, payload)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertFts = db.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)');
    this.insertGap = db.prepare('INSERT INTO history_gaps (connection_id, from_ts, to_ts, dropped, reason) VALUES (?, ?, ?, ?, ?)');
    this.insertBatch = db.transaction((messages: readonly HistoryMessageInput[]) => {
      for (const message of messages) {
        this.insertRow(
          this.topics.ensure(message.connectionId, message.topic),
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
    const { lastInsertRowid } = this.insertMessage!.run(topicId, direction, ts, qos, retain, dup, packetId, size, properties, payload);
    if (size > 0 && size <= this.fullTextMaxBytes) {
      const text = decodeUtf8Strict(payload);
      if (text !== null) this.insertFts!.run(lastInsertRowid, text);
    }
    if (this.totalsCache) {
      this.totalsCache.messages++;
      this.totalsCache.bytes += size;
    }
  }

  /** After a failed transaction: forget what it created (topics, cached counts). */
  private rolledBack(highestTopic: number): void {
    this.topics.rollbackTo(highestTopic);
    this.packedKeyIds.clear();
    this.totalsCache = null;
  }

  /** Inserts packed batches (see packed-batch.ts); call inside a transaction. */
  private insertPacked(batch: PackedBatch): void {
    for (const [key, connectionId, topic] of batch.newKeys) this.packedKeyNames.set(key, [connectionId, topic]);
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
        topicId = this.topics.ensure(names[0], names[1]);
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

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= 200) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private writable<T>(value: T | null): T {
    if (value === null) throw new Error('This history store is read-only');
    return value;
  }

  /** Inserts the batch in one transaction. */
  insert(messages: readonly HistoryMessageInput[]): number {
    if (messages.length === 0) return 0;
    const highestTopic = this.topics.highestId;
    try {
      return this.writable(this.insertBatch)(messages);
    } catch (error) {
      this.rolledBack(highestTopic);
      throw error;
    }
  }

  recordGaps(gaps: readonly HistoryGap[]): void {
    const insert = this.writable(this.insertGap);
    this.db.transaction(() => {
      for (const gap of gaps) insert.run(gap.connectionId, gap.fromTs, gap.toTs, gap.dropped, gap.reason);
    })();
  }

  /** One flush of the writer: packed batches and the gaps recorded with them, in one transaction. */
  writePacked(batches: readonly PackedBatch[], gaps: readonly HistoryGap[]): number {
    this.writable(this.insertMessage);
    const highestTopic = this.topics.highestId;
    try {
      return this.db.transaction(() => {
        let count = 0;
        for (const batch of batches) {
          this.insertPacked(batch);
          count += batch.count;
        }
        if (gaps.length > 0) this.recordGaps(gaps);
        return count;
      })();
    } catch (error) {
      this.rolledBack(highestTopic);
      throw error;
    }
  }

  gaps(connectionId?: string): HistoryGap[] {
    const rows = (
      connectionId === undefined
        ? this.statement('SELECT * FROM history_gaps ORDER BY from_ts, id').all()
        : this.statement('SELECT * FROM history_gaps WHERE connection_id = ? ORDER BY from_ts, id').all(connectionId)
    ) as { connection_id: string; from_ts: number; to_ts: number; dropped: number; reason: string }[];
    return rows.map((r) => ({ connectionId: r.connection_id, fromTs: r.from_ts, toTs: r.to_ts, dropped: r.dropped, reason: r.reason }));
  }

  totals(): { messages: number; bytes: number } {
    if (!this.totalsCache) {
      const row = this.statement('SELECT count(*) AS messages, coalesce(sum(payload_size), 0) AS bytes FROM messages').get() as {
        messages: number;
        bytes: number;
      };
      this.totalsCache = { messages: row.messages, bytes: row.bytes };
    }
    return { ...this.totalsCache };
  }

  private toMessage(row: MessageRow): StoredMessage {
    const topic = this.topics.get(row.topic_id);
    return {
      id: row.id,
      connectionId: topic.connectionId,
      direction: row.direction === 1 ? 'out' : 'in',
      topic: topic.name,
      payload: new Uint8Array(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength),
      payloadSize: row.payload_size,
      qos: row.qos as 0 | 1 | 2,
      retain: row.retain === 1,
      dup: row.dup === 1,
      timestamp: row.ts,
      packetId: row.packet_id,
      properties: row.properties === null ? null : (JSON.parse(row.properties) as Record<string, unknown>),
    };
  }

  /** WHERE terms for everything but the topic set; null when the query can match nothing. */
  private conditions(query: HistoryQuery, textPlan: TextPlan = 'fts'): { terms: string[]; params: Record<string, unknown> } {
    const terms: string[] = [];
    const params: Record<string, unknown> = {};
    if (query.direction !== undefined) {
      terms.push('m.direction = @direction');
      params.direction = query.direction === 'out' ? 1 : 0;
    }
    if (query.since !== undefined) {
      terms.push('m.ts >= @since');
      params.since = Math.trunc(query.since);
    }
    if (query.until !== undefined) {
      terms.push('m.ts <= @until');
      params.until = Math.trunc(query.until);
    }
    if (query.qos !== undefined) {
      const levels = [...new Set(query.qos)].filter((q) => q === 0 || q === 1 || q === 2);
      terms.push(levels.length ? `m.qos IN (${levels.join(', ')})` : '0');
    }
    if (query.retain !== undefined) {
      terms.push('m.retain = @retain');
      params.retain = query.retain ? 1 : 0;
    }
    if (query.minPayloadSize !== undefined) {
      terms.push('m.payload_size >= @minSize');
      params.minSize = query.minPayloadSize;
    }
    if (query.maxPayloadSize !== undefined) {
      terms.push('m.payload_size <= @maxSize');
      params.maxSize = query.maxPayloadSize;
    }
    if (query.text !== undefined && query.text.length > 0) {
      // The predicate defines the match (case-insensitive substring of a payload that is UTF-8 and
      // within the full-text size limit); the index, when used, only narrows the rows it runs on.
      if (textPlan === 'fts') {
        terms.push('m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH @fts)');
        params.fts = ftsPhrase(query.text);
      }
      terms.push('(m.payload_size BETWEEN 1 AND @textMax AND history_text_match(m.payload, @needle))');
      params.textMax = this.fullTextMaxBytes;
      params.needle = query.text.toLowerCase();
    }
    return { terms, params };
  }

  private topicIds(query: HistoryQuery): number[] | null {
    if (query.topicFilter !== undefined) {
      const problem = topicFilterProblem(query.topicFilter);
      if (problem) throw new HistoryError('HISTORY_INVALID_QUERY', `Invalid topic filter "${query.topicFilter}": ${problem}`);
    }
    return this.topics.match(query.connectionIds, query.topicFilter);
  }

  private compilePage(request: PageRequest, topicIds: number[] | null, textPlan: TextPlan): Compiled {
    const query = request.query ?? {};
    const limit = Math.min(Math.max(Math.trunc(request.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    const desc = (request.order ?? 'desc') === 'desc';
    const { terms, params } = this.conditions(query, textPlan);
    params.limit = limit;
    if (request.cursor) {
      const cursor: HistoryCursor = request.cursor;
      if (!Number.isFinite(cursor.timestamp) || !Number.isInteger(cursor.id)) {
        throw new HistoryError('HISTORY_INVALID_QUERY', 'Invalid history cursor');
      }
      // The first term bounds the index range; the second breaks ties on equal timestamps.
      terms.push(desc ? 'm.ts <= @cts AND (m.ts < @cts OR m.id < @cid)' : 'm.ts >= @cts AND (m.ts > @cts OR m.id > @cid)');
      params.cts = cursor.timestamp;
      params.cid = cursor.id;
    }
    const dir = desc ? 'DESC' : 'ASC';
    const order = `ORDER BY m.ts ${dir}, m.id ${dir}`;
    const where = (extra: string[]): string => {
      const all = [...extra, ...terms];
      return all.length ? `WHERE ${all.join(' AND ')}` : '';
    };
    if (topicIds !== null && topicIds.length <= UNION_TOPIC_LIMIT) {
      // One index range (topic_id, ts) per topic, each already in order and limited, then merged:
      // a rare topic costs no more than a frequent one, and no full scan is needed.
      const arms = topicIds.map(
        (id) => `SELECT * FROM (SELECT ${COLUMNS} FROM messages m ${where([`m.topic_id = ${id}`])} ${order} LIMIT @limit)`,
      );
      return { sql: `${arms.join(' UNION ALL ')} ORDER BY ts ${dir}, id ${dir} LIMIT @limit`, params };
    }
    if (topicIds !== null) params.topicIds = JSON.stringify(topicIds);
    // Many topics: walk the rows in page order (ts index) and test the topic of each; the unary +
    // keeps SQLite from choosing the topic index instead and sorting every matching row.
    const topicTerm = topicIds !== null ? ['+m.topic_id IN (SELECT value FROM json_each(@topicIds))'] : [];
    return { sql: `SELECT ${COLUMNS} FROM messages m ${where(topicTerm)} ${order} LIMIT @limit`, params };
  }

  /**
   * How to run a text search. The trigram index finds rare text fast, but a common word matches a
   * large share of all rows, and SQLite would first collect every matching rowid (measured: ~0.5 s
   * for a word in 1 of 6 of 1M messages, combined with a wildcard and a time range). Then walking
   * the rows in page order and testing each one finds a page sooner, so: probe the index for up to
   * FTS_PROBE_LIMIT matches; fewer means rare (use it); more means common (scan, with a budget,
   * falling back to the index if the other filters make matches sparse after all).
   */
  private textPlan(text: string): TextPlan | 'probe-scan' {
    if ([...text].length < 3) return 'scan'; // the trigram index needs 3 characters
    const probe = this.statement('SELECT count(*) AS n FROM (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)').get(
      ftsPhrase(text),
      this.ftsProbeLimit,
    ) as { n: number };
    return probe.n < this.ftsProbeLimit ? 'fts' : 'probe-scan';
  }

  private runPage(request: PageRequest, topicIds: number[] | null, textPlan: TextPlan): HistoryPage {
    const { sql, params } = this.compilePage(request, topicIds, textPlan);
    const rows = this.statement(sql).all(params) as MessageRow[];
    const messages = rows.map((row) => this.toMessage(row));
    const last = messages[messages.length - 1];
    const limit = params.limit as number;
    return { messages, nextCursor: last && messages.length === limit ? { timestamp: last.timestamp, id: last.id } : null };
  }

  /** One page of a query, newest first unless asked otherwise; keyset paging, never OFFSET. */
  page(request: PageRequest = {}): HistoryPage {
    const query = request.query ?? {};
    const topicIds = this.topicIds(query);
    if (topicIds !== null && topicIds.length === 0) return { messages: [], nextCursor: null };
    if (!query.text) return this.runPage(request, topicIds, 'fts');
    const plan = this.textPlan(query.text);
    if (plan !== 'probe-scan') return this.runPage(request, topicIds, plan);
    this.scanBudget = this.scanBudgetRows;
    try {
      return this.runPage(request, topicIds, 'scan');
    } catch (error) {
      if (error !== BUDGET_EXCEEDED) throw error;
    } finally {
      this.scanBudget = Infinity;
    }
    return this.runPage(request, topicIds, 'fts');
  }

  /** Exact number of messages matching the query. */
  count(query: HistoryQuery = {}): number {
    const topicIds = this.topicIds(query);
    if (topicIds !== null && topicIds.length === 0) return 0;
    const { terms, params } = this.conditions(query, query.text && [...query.text].length < 3 ? 'scan' : 'fts');
    if (topicIds !== null) {
      terms.unshift('m.topic_id IN (SELECT value FROM json_each(@topicIds))');
      params.topicIds = JSON.stringify(topicIds);
    }
    const sql = `SELECT count(*) AS n FROM messages m ${terms.length ? `WHERE ${terms.join(' AND ')}` : ''}`;
    return (this.statement(sql).get(params) as { n: number }).n;
  }

  /** The last `count` messages of one topic on one connection, newest first (for diffs and plots). */
  lastValues(connectionId: string, topic: string, count: number): StoredMessage[] {
    const id = this.topics.idOf(connectionId, topic);
    if (id === undefined) return [];
    const rows = this.statement(`SELECT ${COLUMNS} FROM messages m WHERE m.topic_id = ? ORDER BY m.ts DESC, m.id DESC LIMIT ?`).all(
      id,
      Math.min(Math.max(Math.trunc(count), 1), MAX_PAGE_SIZE),
    ) as MessageRow[];
    return rows.map((row) => this.toMessage(row));
  }

  /** Deletes a connection's history, or only the topics matching `topicFilter` on it. */
  clear(connectionId: string, topicFilter?: string): number {
    const ids = this.topicIds({ connectionIds: [connectionId], ...(topicFilter !== undefined ? { topicFilter } : {}) }) ?? [];
    if (ids.length === 0) return 0;
    const deleted = this.db.transaction(() => {
      const { changes } = this.statement('DELETE FROM messages WHERE topic_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids));
      if (topicFilter === undefined) this.statement('DELETE FROM history_gaps WHERE connection_id = ?').run(connectionId);
      return changes;
    })();
    this.totalsCache = null;
    return deleted;
  }

  private deleteOldest(limit: number, cutoff: number | null): { count: number; bytes: number } {
    if (limit <= 0) return { count: 0, bytes: 0 };
    const sql =
      cutoff === null
        ? 'DELETE FROM messages WHERE id IN (SELECT id FROM messages ORDER BY ts, id LIMIT ?) RETURNING payload_size'
        : 'DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE ts < ? ORDER BY ts, id LIMIT ?) RETURNING payload_size';
    const rows = (cutoff === null ? this.statement(sql).all(limit) : this.statement(sql).all(cutoff, limit)) as { payload_size: number }[];
    let bytes = 0;
    for (const row of rows) bytes += row.payload_size;
    const totals = this.totals();
    this.totalsCache = { messages: totals.messages - rows.length, bytes: totals.bytes - bytes };
    return { count: rows.length, bytes };
  }

  /**
   * Deletes the oldest messages beyond the limits, at most `budget` rows per call, so retention runs
   * in small steps between write batches instead of one long transaction that would stall ingest.
   * Returns how many rows it deleted (call again while it returns `budget`).
   */
  enforceRetention(limits: RetentionLimits, budget = 5000, now = Date.now()): number {
    return this.db.transaction(() => {
      let deleted = 0;
      if (limits.maxAgeMs !== undefined) deleted += this.deleteOldest(budget - deleted, now - limits.maxAgeMs).count;
      if (limits.maxMessages !== undefined) {
        const excess = this.totals().messages - limits.maxMessages;
        if (excess > 0) deleted += this.deleteOldest(Math.min(excess, budget - deleted), null).count;
      }
      if (limits.maxBytes !== undefined) {
        while (this.totals().bytes > limits.maxBytes && deleted < budget) {
          const step = this.deleteOldest(Math.min(500, budget - deleted), null);
          if (step.count === 0) break;
          deleted += step.count;
        }
      }
      return deleted;
    })();
  }
}
