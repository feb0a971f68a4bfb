import { decodeUtf8Strict } from '../../../shared/codecs/utf8';
import type { CodecScopes } from '../codecs/codec-scopes';
import { type TopicRule, createTopicRules } from '../codecs/topic-rules';
import { topicFilterProblem } from '../../../shared/mqtt/topic';
import { HistoryError } from './errors';
import { decodeProperties } from './properties';
import type { StoreContext } from './store-context';
import type { HistoryConnection, HistoryCursor, HistoryGap, HistoryPage, HistoryQuery, PageRequest, StoredMessage, TopicSummary } from './types';

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 5000;
/**
 * Text payloads up to this size are full-text indexed; larger ones are stored whole but not
 * indexed (a trigram index of a multi-megabyte payload costs more than it is worth to search).
 */
export const DEFAULT_FULL_TEXT_MAX_BYTES = 256 * 1024;
/** Up to this many matching topics, a page is merged from one index range per topic. */
const UNION_TOPIC_LIMIT = 64;
/** See StoreQueries.textPlan(). */
const FTS_PROBE_LIMIT = 10_000;
/** Rows a text scan may test (~1 µs each) before the index plan takes over. */
const SCAN_BUDGET_ROWS = 50_000;
const BUDGET_EXCEEDED = Symbol('scan budget exceeded');
/** Decoded text a text search reads of one payload (a decoded 16 MB JSON is not searched past this). */
export const DECODED_SEARCH_MAX_CHARS = 1024 * 1024;

/** How a text condition is evaluated: by the predicate alone, or narrowed by the index (plus the not-yet-indexed tail). */
type TextPlan = { kind: 'scan' } | { kind: 'index'; tailIds: number[] };
const SCAN: TextPlan = { kind: 'scan' };

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

export interface QueryOptions {
  fullTextMaxBytes?: number | undefined;
  /** The full-text index database (fts-indexer.ts) to attach; without it, text search scans. */
  ftsPath?: string | undefined;
  ftsProbeLimit?: number | undefined;
  scanBudgetRows?: number | undefined;
}

/**
 * The reading side of a SQLite history file: pages (keyset), counts, a topic's last values, the topic
 * summaries the tree loads, gaps and connections. Text search plans between the full-text index and
 * a budgeted scan (see textPlan).
 */
export class StoreQueries {
  private scanBudget = Infinity;
  private readonly fullTextMaxBytes: number;
  private readonly ftsProbeLimit: number;
  private readonly scanBudgetRows: number;
  private readonly hasFts: boolean = false;
  /** Codec rules: a topic a rule covers is searched in its decoded text (issue 16). */
  private readonly topicRules = createTopicRules((topicId) => this.context.topics.get(topicId));

  constructor(
    private readonly context: StoreContext,
    options: QueryOptions,
  ) {
    const { db } = context;
    if (options.ftsPath !== undefined) {
      db.prepare('ATTACH DATABASE ? AS fts').run(options.ftsPath);
      this.hasFts = true;
    }
    this.fullTextMaxBytes = options.fullTextMaxBytes ?? DEFAULT_FULL_TEXT_MAX_BYTES;
    this.ftsProbeLimit = options.ftsProbeLimit ?? FTS_PROBE_LIMIT;
    this.scanBudgetRows = options.scanBudgetRows ?? SCAN_BUDGET_ROWS;
    // Not deterministic any more: a topic's rule (and so its decoded text) changes with the settings.
    db.function('history_text_match', { varargs: true }, (payload: unknown, needle: unknown, topicId?: unknown) => {
      if (--this.scanBudget < 0) throw BUDGET_EXCEEDED;
      const bytes = payload as Uint8Array;
      const covered = typeof topicId === 'number' || typeof topicId === 'bigint' ? this.ruleOfTopic(Number(topicId)) : null;
      if (covered) {
        const decoded = covered.engine.decode(covered.rule, bytes, { maxChars: DECODED_SEARCH_MAX_CHARS, message: { topic: covered.topic } });
        // A payload its rule cannot read is searched as it is, as without a rule.
        if (!decoded.problem) return decoded.text.toLowerCase().includes(needle as string) ? 1 : 0;
      }
      const text = decodeUtf8Strict(bytes);
      return text !== null && text.toLowerCase().includes(needle as string) ? 1 : 0;
    });
  }

  /** The codec rules the next queries read covered topics with (undefined: none). */
  useCodecs(scopes: CodecScopes | undefined): void {
    this.topicRules.use(scopes);
  }

  private ruleOfTopic(topicId: number): TopicRule | null {
    return this.topicRules.of(topicId);
  }

  /** The topics (of `topicIds`, or all) whose payloads a rule decodes: searched by their decoded text, which the full-text index does not hold. */
  private decodedTopicIds(topicIds: number[] | null): number[] {
    if (!this.topicRules.active) return [];
    const ids = topicIds ?? [...this.context.topics.entries()].map(([id]) => id);
    return ids.filter((id) => this.ruleOfTopic(id) !== null);
  }

  gaps(connectionKey?: string): HistoryGap[] {
    const rows = (
      connectionKey === undefined
        ? this.context.statement('SELECT * FROM history_gaps ORDER BY from_ts, id').all()
        : this.context.statement('SELECT * FROM history_gaps WHERE connection_key = ? ORDER BY from_ts, id').all(connectionKey)
    ) as { connection_key: string; from_ts: number; to_ts: number; dropped: number; reason: string }[];
    return rows.map((r) => ({ connectionKey: r.connection_key, fromTs: r.from_ts, toTs: r.to_ts, dropped: r.dropped, reason: r.reason }));
  }

  /** Every connection that has messages stored, with its label, by label. */
  connections(): HistoryConnection[] {
    return this.context.statement(
      `SELECT c.key, c.label FROM connections c
       WHERE EXISTS (SELECT 1 FROM topics t JOIN messages m ON m.topic_id = t.id WHERE t.connection_key = c.key)
       ORDER BY c.label COLLATE NOCASE, c.key`,
    ).all() as HistoryConnection[];
  }

  /** Labels of the keys in a page: read fresh per page (a few keys), so a relabel shows at once. */
  private labelsOf(keys: Iterable<string>): Map<string, string> {
    const select = this.context.statement('SELECT label FROM connections WHERE key = ?');
    const labels = new Map<string, string>();
    for (const key of keys) {
      if (labels.has(key)) continue;
      const row = select.get(key) as { label: string } | undefined;
      labels.set(key, row?.label ?? key);
    }
    return labels;
  }

  private toMessages(rows: MessageRow[]): StoredMessage[] {
    if (rows.length === 0) return [];
    const entries = rows.map((row) => this.context.topics.get(row.topic_id));
    const labels = this.labelsOf(entries.map((entry) => entry.connectionKey));
    return rows.map((row, i) => this.toMessage(row, entries[i]!.connectionKey, entries[i]!.name, labels.get(entries[i]!.connectionKey)!));
  }



  private toMessage(row: MessageRow, connectionKey: string, topic: string, connectionLabel: string): StoredMessage {
    return {
      id: row.id,
      connectionKey,
      connectionLabel,
      direction: row.direction === 1 ? 'out' : 'in',
      topic,
      payload: new Uint8Array(row.payload.buffer, row.payload.byteOffset, row.payload.byteLength),
      payloadSize: row.payload_size,
      qos: row.qos as 0 | 1 | 2,
      retain: row.retain === 1,
      dup: row.dup === 1,
      timestamp: row.ts,
      packetId: row.packet_id,
      properties: row.properties === null ? null : decodeProperties(row.properties),
    };
  }

  /** WHERE terms for everything but the topic set; null when the query can match nothing. */
  private conditions(query: HistoryQuery, textPlan: TextPlan = SCAN, topicIds: number[] | null = null): { terms: string[]; params: Record<string, unknown> } {
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
      // within the full-text size limit, or of its decoded text when a codec rule covers its topic);
      // the index, when used, only narrows the rows it runs on.
      const decoded = this.decodedTopicIds(topicIds);
      const decodedTerm = decoded.length > 0 ? ' OR m.topic_id IN (SELECT value FROM json_each(@decodedTopics))' : '';
      if (decoded.length > 0) params.decodedTopics = JSON.stringify(decoded);
      if (textPlan.kind === 'index') {
        // The index holds raw text: rows of covered topics are all tested by the predicate.
        terms.push(`(m.id IN (SELECT rowid FROM fts.messages_fts WHERE messages_fts MATCH @fts UNION ALL SELECT value FROM json_each(@tailIds))${decodedTerm})`);
        params.fts = ftsPhrase(query.text);
        params.tailIds = JSON.stringify(textPlan.tailIds);
      }
      terms.push(`((m.payload_size BETWEEN 1 AND @textMax${decodedTerm}) AND history_text_match(m.payload, @needle, m.topic_id))`);
      params.textMax = this.fullTextMaxBytes;
      params.needle = query.text.toLowerCase();
    }
    return { terms, params };
  }

  /** The topic ids the query's connection and topic conditions allow; null when they allow every topic. */
  topicIds(query: HistoryQuery): number[] | null {
    if (query.topicFilter !== undefined) {
      const problem = topicFilterProblem(query.topicFilter);
      if (problem) throw new HistoryError('HISTORY_INVALID_QUERY', `Invalid topic filter "${query.topicFilter}": ${problem}`);
    }
    return this.context.topics.match(this.connectionKeysOf(query), query.topicFilter);
  }

  /** The keys the query's connection conditions allow (keys and labels, both when both are given). */
  private connectionKeysOf(query: HistoryQuery): string[] | undefined {
    const { connectionKeys, connectionLabels } = query;
    if (connectionLabels === undefined) return connectionKeys;
    const labelled = (
      this.context.statement('SELECT key FROM connections WHERE label IN (SELECT value FROM json_each(?))').all(JSON.stringify(connectionLabels)) as { key: string }[]
    ).map((row) => row.key);
    return connectionKeys === undefined ? labelled : labelled.filter((key) => connectionKeys.includes(key));
  }

  private compilePage(request: PageRequest, topicIds: number[] | null, textPlan: TextPlan): Compiled {
    const query = request.query ?? {};
    const limit = Math.min(Math.max(Math.trunc(request.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    const desc = (request.order ?? 'desc') === 'desc';
    const { terms, params } = this.conditions(query, textPlan, topicIds);
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
  private textPlan(text: string): { plan: TextPlan; isCommon: boolean } {
    const plan = this.indexPlan(text);
    if (plan.kind === 'scan') return { plan, isCommon: false };
    const probe = this.context.statement('SELECT count(*) AS n FROM (SELECT rowid FROM fts.messages_fts WHERE messages_fts MATCH ? LIMIT ?)').get(
      ftsPhrase(text),
      this.ftsProbeLimit,
    ) as { n: number };
    return { plan, isCommon: probe.n + plan.tailIds.length >= this.ftsProbeLimit };
  }

  /**
   * The index plan, when there is an index and the text is long enough for trigrams. Messages the
   * indexer has not reached yet (normally the last flush or two) are found by testing them directly,
   * so a search never misses what was just written.
   */
  private indexPlan(text: string): TextPlan {
    if (!this.hasFts || [...text].length < 3) return SCAN; // the trigram index needs 3 characters
    const { upto } = this.context.statement('SELECT indexed_upto AS upto FROM fts.fts_state').get() as { upto: number };
    const tail = this.context.statement(
      'SELECT id FROM messages WHERE id > ? AND payload_size BETWEEN 1 AND ? AND history_text_match(payload, ?) ORDER BY id',
    ).all(upto, this.fullTextMaxBytes, text.toLowerCase()) as { id: number }[];
    return { kind: 'index', tailIds: tail.map((row) => row.id) };
  }

  private runPage(request: PageRequest, topicIds: number[] | null, textPlan: TextPlan): HistoryPage {
    const { sql, params } = this.compilePage(request, topicIds, textPlan);
    const messages = this.toMessages(this.context.statement(sql).all(params) as MessageRow[]);
    const last = messages[messages.length - 1];
    const limit = params.limit as number;
    return { messages, nextCursor: last && messages.length === limit ? { timestamp: last.timestamp, id: last.id } : null };
  }

  /** One page of a query, newest first unless asked otherwise; keyset paging, never OFFSET. */
  page(request: PageRequest = {}): HistoryPage {
    this.useCodecs(request.codecs);
    const query = request.query ?? {};
    const topicIds = this.topicIds(query);
    if (topicIds !== null && topicIds.length === 0) return { messages: [], nextCursor: null };
    if (!query.text) return this.runPage(request, topicIds, SCAN);
    const { plan, isCommon } = this.textPlan(query.text);
    if (!isCommon) return this.runPage(request, topicIds, plan);
    this.scanBudget = this.scanBudgetRows;
    try {
      return this.runPage(request, topicIds, SCAN);
    } catch (error) {
      if (error !== BUDGET_EXCEEDED) throw error;
    } finally {
      this.scanBudget = Infinity;
    }
    return this.runPage(request, topicIds, plan);
  }

  /**
   * Number of messages matching the query. With `upTo`, counting stops there and `capped` says the
   * real number is larger: a UI shows "100,000+" at once instead of waiting for an exact count of
   * millions of rows.
   */
  countUpTo(query: HistoryQuery = {}, upTo?: number, codecs?: CodecScopes): { count: number; capped: boolean } {
    this.useCodecs(codecs);
    const isEverything =
      query.text === undefined &&
      query.topicFilter === undefined &&
      query.connectionKeys === undefined &&
      query.connectionLabels === undefined &&
      this.hasNoRowFilter(query);
    if (isEverything && this.context.writable) {
      const total = this.context.totals.totals().messages; // cached: no scan for "how many in all"
      return upTo !== undefined && total > upTo ? { count: upTo, capped: true } : { count: total, capped: false };
    }
    const topicIds = this.topicIds(query);
    if (topicIds !== null && topicIds.length === 0) return { count: 0, capped: false };
    const { terms, params } = this.conditions(query, query.text ? this.indexPlan(query.text) : SCAN, topicIds);
    if (topicIds !== null) {
      terms.unshift('m.topic_id IN (SELECT value FROM json_each(@topicIds))');
      params.topicIds = JSON.stringify(topicIds);
    }
    const where = terms.length ? `WHERE ${terms.join(' AND ')}` : '';
    if (upTo === undefined) {
      return { count: (this.context.statement(`SELECT count(*) AS n FROM messages m ${where}`).get(params) as { n: number }).n, capped: false };
    }
    params.upTo = Math.max(0, Math.trunc(upTo)) + 1;
    const n = (this.context.statement(`SELECT count(*) AS n FROM (SELECT 1 FROM messages m ${where} LIMIT @upTo)`).get(params) as { n: number }).n;
    return n > upTo ? { count: upTo, capped: true } : { count: n, capped: false };
  }

  private hasNoRowFilter(query: HistoryQuery): boolean {
    return (
      query.direction === undefined &&
      query.since === undefined &&
      query.until === undefined &&
      query.qos === undefined &&
      query.retain === undefined &&
      query.minPayloadSize === undefined &&
      query.maxPayloadSize === undefined
    );
  }

  /** Exact number of messages matching the query. */
  count(query: HistoryQuery = {}, codecs?: CodecScopes): number {
    return this.countUpTo(query, undefined, codecs).count;
  }

  /** The last `count` messages of one topic on one connection, newest first (for diffs and plots). */
  lastValues(connectionKey: string, topic: string, count: number): StoredMessage[] {
    const id = this.context.topics.idOf(connectionKey, topic);
    if (id === undefined) return [];
    const rows = this.context.statement(`SELECT ${COLUMNS} FROM messages m WHERE m.topic_id = ? ORDER BY m.ts DESC, m.id DESC LIMIT ?`).all(
      id,
      Math.min(Math.max(Math.trunc(count), 1), MAX_PAGE_SIZE),
    ) as MessageRow[];
    return this.toMessages(rows);
  }

  /**
   * Every topic received on a connection, with its message count and the head of its last payload
   * (at most `previewBytes`): what the topic tree needs to show a connection's stored topics, never
   * whole payloads. Received messages only (the tree shows what the broker sent), of every run of
   * the app: the key names the same connection across runs.
   */
  topicSummaries(connectionKey: string, limit: number, previewBytes: number): { topics: TopicSummary[]; truncated: boolean } {
    const ids = this.context.topics.match([connectionKey], undefined) ?? [];
    const counts = this.context.statement(
      'SELECT topic_id AS id, count(*) AS n FROM messages WHERE topic_id IN (SELECT value FROM json_each(?)) AND direction = 0 GROUP BY topic_id',
    ).all(JSON.stringify(ids)) as { id: number; n: number }[];
    const last = this.context.statement(
      'SELECT ts, qos, retain, payload_size, substr(payload, 1, ?) AS head FROM messages WHERE topic_id = ? AND direction = 0 ORDER BY ts DESC, id DESC LIMIT 1',
    );
    // The newest message that set or deleted a retained value (a live update without the flag does neither).
    const retainedState = this.context.statement(
      'SELECT payload_size FROM messages WHERE topic_id = ? AND direction = 0 AND (retain = 1 OR payload_size = 0) ORDER BY ts DESC, id DESC LIMIT 1',
    );
    const topics: TopicSummary[] = [];
    for (const { id, n } of counts) {
      if (topics.length >= limit) return { topics, truncated: true };
      const row = last.get(previewBytes, id) as { ts: number; qos: number; retain: number; payload_size: number; head: Buffer | string | null } | undefined;
      if (!row) continue;
      const state = retainedState.get(id) as { payload_size: number } | undefined;
      const head = row.head === null ? new Uint8Array(0) : typeof row.head === 'string' ? new TextEncoder().encode(row.head) : new Uint8Array(row.head);
      topics.push({
        topic: this.context.topics.get(id).name,
        messages: n,
        lastTimestamp: row.ts,
        retained: state !== undefined && state.payload_size > 0,
        qos: row.qos as 0 | 1 | 2,
        payloadSize: row.payload_size,
        preview: head,
      });
    }
    return { topics, truncated: false };
  }

}
