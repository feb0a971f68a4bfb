import type { Pool } from 'pg';
import { decodeUtf8Strict } from '../../../../shared/codecs/utf8';
import { topicFilterProblem } from '../../../../shared/mqtt/topic';
import type { CodecScopes } from '../../codecs/codec-scopes';
import { loadCodecEngines } from '../../codecs/codec-engines-loader';
import { type TopicRule, createTopicRules } from '../../codecs/topic-rules';
import { HistoryError } from '../errors';
import { decodeProperties } from '../properties';
import { DECODED_SEARCH_MAX_CHARS, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../store-queries';
import type { HistoryConnection, HistoryCursor, HistoryGap, HistoryPage, HistoryQuery, PageRequest, StoredMessage, TopicSummary } from '../types';
import type { PostgresTopicIndex } from './postgres-topic-index';

/** Up to this many matching topics, a page is merged from one index range per topic (as SQLite's). */
const UNION_TOPIC_LIMIT = 64;
/** Rows of codec-covered topics read per round trip while a page or count tests them in Node. */
const DECODE_CHUNK_ROWS = 1000;
/**
 * A text page first reads this many rows in page order and tests them (a common word fills the page
 * here); the matches found give the word's density, which decides what comes next.
 */
const TEXT_PROBE_ROWS = 2000;
/**
 * At most this many rows are read in page order for one text page (~100-200 ms on the shared 2-core
 * machine); a word too rare to fill the page within them is looked up in the trigram index instead,
 * whose cost grows with the word's matches, not with the table.
 */
const TEXT_WALK_MAX_ROWS = 100_000;

interface MessageRow {
  id: number;
  topic_id: number;
  direction: number;
  ts: number;
  qos: number;
  retain: boolean;
  dup: boolean;
  packet_id: number | null;
  payload_size: number;
  properties: string | null;
  payload: Buffer;
}

const COLUMNS = 'm.id, m.topic_id, m.direction, m.ts, m.qos, m.retain, m.dup, m.packet_id, m.payload_size, m.properties, m.payload';

/** Positional parameters built as the SQL is ($1, $2, ...). */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * The reading side of the PostgreSQL store, answering exactly as SQLite's store-queries.ts does.
 * Text search is `history_text(payload) LIKE '%needle%'` on rows flagged as text, which the
 * trigram index serves when pg_trgm was available (migration 2) and a scan does otherwise. Topics a
 * codec rule covers are searched in their decoded text: those rows are read and tested in Node
 * (rules are JavaScript), the rest in SQL.
 */
export class PostgresQueries {
  /** Codec rules: a topic a rule covers is searched in its decoded text (issue 16). */
  private readonly topicRules = createTopicRules((topicId) => this.topics.known(topicId));

  constructor(
    private readonly pool: Pool,
    private readonly topics: PostgresTopicIndex,
    private readonly textMaxBytes: number,
  ) {}

  /** The codec engines load with the first query that carries rules (codec-engines-loader.ts). */
  private async useCodecs(scopes: CodecScopes | undefined): Promise<void> {
    if (scopes) await loadCodecEngines();
    this.topicRules.use(scopes);
  }

  private ruleOfTopic(topicId: number): TopicRule | null {
    return this.topicRules.of(topicId);
  }

  /** The topics (of `topicIds`, or all) whose payloads a rule decodes: searched by their decoded text. */
  private async decodedTopicIds(topicIds: number[] | null): Promise<number[]> {
    if (!this.topicRules.active) return [];
    const ids = topicIds ?? (await this.topics.ids());
    return ids.filter((id) => this.ruleOfTopic(id) !== null);
  }

  /** A covered topic's row: its decoded text, or (a payload its rule cannot read) its raw text, as SQLite's history_text_match. */
  private matchesDecoded(row: { topic_id: number; payload: Buffer }, needle: string): boolean {
    const covered = this.ruleOfTopic(row.topic_id);
    if (covered) {
      const decoded = covered.engine.decode(covered.rule, row.payload, { maxChars: DECODED_SEARCH_MAX_CHARS, message: { topic: covered.topic } });
      if (!decoded.problem) return decoded.text.toLowerCase().includes(needle);
    }
    const text = decodeUtf8Strict(row.payload);
    return text !== null && text.toLowerCase().includes(needle);
  }

  async gaps(connectionKey?: string): Promise<HistoryGap[]> {
    const { rows } =
      connectionKey === undefined
        ? await this.pool.query<GapRow>('SELECT * FROM history_gaps ORDER BY from_ts, id')
        : await this.pool.query<GapRow>('SELECT * FROM history_gaps WHERE connection_key = $1 ORDER BY from_ts, id', [connectionKey]);
    return rows.map((r) => ({ connectionKey: r.connection_key, fromTs: r.from_ts, toTs: r.to_ts, dropped: r.dropped, reason: r.reason }));
  }

  /** Every connection that has messages stored, with its label, by label (case-insensitive, as SQLite's NOCASE). */
  async connections(): Promise<HistoryConnection[]> {
    const { rows } = await this.pool.query<HistoryConnection>(
      `SELECT c.key, c.label FROM connections c
       WHERE EXISTS (SELECT 1 FROM topics t JOIN messages m ON m.topic_id = t.id WHERE t.connection_key = c.key)
       ORDER BY lower(c.label), c.key`,
    );
    return rows;
  }

  async totals(): Promise<{ messages: number; bytes: number }> {
    const { rows } = await this.pool.query<{ messages: number; bytes: number }>(
      'SELECT count(*) AS messages, coalesce(sum(payload_size), 0)::bigint AS bytes FROM messages',
    );
    return { messages: rows[0]!.messages, bytes: rows[0]!.bytes };
  }

  async connectionTotals(): Promise<Map<string, { messages: number; bytes: number }>> {
    const { rows } = await this.pool.query<{ key: string; messages: number; bytes: number }>(
      `SELECT t.connection_key AS key, count(*) AS messages, coalesce(sum(m.payload_size), 0)::bigint AS bytes
       FROM messages m JOIN topics t ON t.id = m.topic_id GROUP BY t.connection_key`,
    );
    return new Map(rows.map((r) => [r.key, { messages: r.messages, bytes: r.bytes }]));
  }

  private async toMessages(rows: MessageRow[]): Promise<StoredMessage[]> {
    if (rows.length === 0) return [];
    const entries: { connectionKey: string; name: string }[] = [];
    for (const row of rows) entries.push(this.topics.known(row.topic_id) ?? (await this.topics.get(row.topic_id)));
    // Labels read fresh per page (a few keys), so a relabel shows at once.
    const keys = [...new Set(entries.map((e) => e.connectionKey))];
    const { rows: labelRows } = await this.pool.query<{ key: string; label: string }>('SELECT key, label FROM connections WHERE key = ANY($1::text[])', [keys]);
    const labels = new Map(labelRows.map((r) => [r.key, r.label]));
    return rows.map((row, i) => {
      const { connectionKey, name } = entries[i]!;
      return {
        id: row.id,
        connectionKey,
        connectionLabel: labels.get(connectionKey) ?? connectionKey,
        direction: row.direction === 1 ? 'out' : 'in',
        topic: name,
        // A copy: pg's small Buffers share one pooled slab, which must not travel (or be transferred) with a message.
        payload: new Uint8Array(row.payload),
        payloadSize: row.payload_size,
        qos: row.qos as 0 | 1 | 2,
        retain: row.retain,
        dup: row.dup,
        timestamp: row.ts,
        packetId: row.packet_id,
        properties: row.properties === null ? null : decodeProperties(row.properties),
      };
    });
  }

  /** WHERE terms for everything but topics and text. */
  private conditions(query: HistoryQuery, params: Params): string[] {
    const terms: string[] = [];
    if (query.direction !== undefined) terms.push(`m.direction = ${params.add(query.direction === 'out' ? 1 : 0)}`);
    if (query.since !== undefined) terms.push(`m.ts >= ${params.add(Math.trunc(query.since))}`);
    if (query.until !== undefined) terms.push(`m.ts <= ${params.add(Math.trunc(query.until))}`);
    if (query.qos !== undefined) {
      const levels = [...new Set(query.qos)].filter((q) => q === 0 || q === 1 || q === 2);
      terms.push(levels.length ? `m.qos IN (${levels.join(', ')})` : 'false');
    }
    if (query.retain !== undefined) terms.push(`m.retain = ${params.add(query.retain)}`);
    if (query.minPayloadSize !== undefined) terms.push(`m.payload_size >= ${params.add(query.minPayloadSize)}`);
    if (query.maxPayloadSize !== undefined) terms.push(`m.payload_size <= ${params.add(query.maxPayloadSize)}`);
    return terms;
  }

  /**
   * The SQL text condition: a case-insensitive substring of a payload that is UTF-8 (without NUL)
   * and within the size limit. The limit is inlined, so the planner can match the trigram index's
   * partial predicate.
   */
  private textTerm(text: string, params: Params): string {
    return `(m.is_text AND m.payload_size BETWEEN 1 AND ${Math.trunc(this.textMaxBytes)} AND history_text(m.payload) LIKE ${params.add(likePattern(text.toLowerCase()))})`;
  }

  /** The topic ids the query's connection and topic conditions allow; null when they allow every topic. */
  async topicIds(query: HistoryQuery): Promise<number[] | null> {
    if (query.topicFilter !== undefined) {
      const problem = topicFilterProblem(query.topicFilter);
      if (problem) throw new HistoryError('HISTORY_INVALID_QUERY', `Invalid topic filter "${query.topicFilter}": ${problem}`);
    }
    return this.topics.match(await this.connectionKeysOf(query), query.topicFilter);
  }

  private async connectionKeysOf(query: HistoryQuery): Promise<string[] | undefined> {
    const { connectionKeys, connectionLabels } = query;
    if (connectionLabels === undefined) return connectionKeys;
    const { rows } = await this.pool.query<{ key: string }>('SELECT key FROM connections WHERE label = ANY($1::text[])', [connectionLabels]);
    const labelled = rows.map((row) => row.key);
    return connectionKeys === undefined ? labelled : labelled.filter((key) => connectionKeys.includes(key));
  }

  /**
   * The first `budget` rows of the page's order under every condition but the text (a walk along the
   * time or topic index), each tested for the text: returns the matching ones (at most limit + 1),
   * and, when the walk read all `budget` rows, the last row read (`n` = budget: the next walk's
   * cursor). position() instead of LIKE: the same substring test, which the
   * planner neither serves from the trigram index nor estimates as rare, so it keeps to the order.
   */
  private compileTextWalk(request: PageRequest, topicIds: number[] | null, budget: number, limit: number): { text: string; values: unknown[] } {
    const query = request.query ?? {};
    const base = this.compilePage({ ...request, query: { ...query, text: '' } }, topicIds, [], budget, ', m.is_text');
    const params = new Params();
    params.values.push(...base.values);
    const dir = (request.order ?? 'desc') === 'desc' ? 'DESC' : 'ASC';
    const needle = params.add(query.text!.toLowerCase());
    const hit = `CASE WHEN b.is_text AND b.payload_size BETWEEN 1 AND ${Math.trunc(this.textMaxBytes)} THEN position(${needle} IN history_text(b.payload)) > 0 ELSE false END`;
    return {
      text: `SELECT * FROM (SELECT b.*, ${hit} AS hit, row_number() OVER (ORDER BY b.ts ${dir}, b.id ${dir}) AS n FROM (${base.text}) b) w
             WHERE w.hit OR w.n = ${params.add(budget)} ORDER BY w.ts ${dir}, w.id ${dir} LIMIT ${params.add(limit + 1)}`,
      values: params.values,
    };
  }

  /**
   * A text page without codec rules: a walk in page order (TEXT_PROBE_ROWS first, then as many rows as
   * the density seen says the page needs, up to TEXT_WALK_MAX_ROWS), then, for a word too rare for
   * that, the trigram index for the rest after where the walk stopped. The planner alone cannot choose:
   * it takes `LIKE '%common%'` for rare and sorts every match the index gives (seconds at 10M rows).
   * Keyset-correct: the walk returns every match of the rows it read, the rest come after them.
   */
  private async textPage(request: PageRequest, topicIds: number[] | null, limit: number): Promise<MessageRow[]> {
    const rows: MessageRow[] = [];
    let cursor = request.cursor ?? null;
    let budget = TEXT_PROBE_ROWS;
    let read = 0;
    for (;;) {
      const chunk = (await this.pool.query<MessageRow & { hit: boolean; n: number }>(this.compileTextWalk({ ...request, cursor }, topicIds, budget, limit))).rows;
      let boundary: MessageRow | undefined;
      for (const row of chunk) {
        if (row.hit && rows.length < limit) rows.push(row);
        if (row.n === budget) boundary = row;
      }
      if (rows.length >= limit || !boundary) return rows; // full, or every row of the range was read
      read += budget;
      cursor = { timestamp: boundary.ts, id: boundary.id };
      const density = rows.length / read;
      const need = density > 0 ? Math.ceil(((limit - rows.length) / density) * 1.25) + 500 : Infinity;
      if (read + need > TEXT_WALK_MAX_ROWS) break;
      budget = need;
    }
    // Rare: the trigram index (or, on a day without one, a scan of that day) after the walk's last row.
    // Every match is sorted (sortAll): at 10M rows the planner otherwise walks the time index for a
    // 1-in-1000 word, the very walk found too long above (1.4 s measured).
    const rest = (await this.pool.query<MessageRow>(this.compilePage({ ...request, cursor }, topicIds, [], limit - rows.length, '', true))).rows;
    return rows.concat(rest);
  }

  /** A page's SQL: keyset after `cursor`, never OFFSET. `covered`: topics whose rows pass the text term unconditionally (tested in Node). */
  private compilePage(request: PageRequest, topicIds: number[] | null, covered: number[], limit: number, extraColumns = '', sortAll = false): { text: string; values: unknown[] } {
    const query = request.query ?? {};
    const desc = (request.order ?? 'desc') === 'desc';
    const params = new Params();
    const terms = this.conditions(query, params);
    if (query.text) {
      const text = this.textTerm(query.text, params);
      terms.push(covered.length > 0 ? `(m.topic_id = ANY(${params.add(covered)}::integer[]) OR ${text})` : text);
    }
    if (request.cursor) {
      const cursor: HistoryCursor = request.cursor;
      if (!Number.isFinite(cursor.timestamp) || !Number.isInteger(cursor.id)) throw new HistoryError('HISTORY_INVALID_QUERY', 'Invalid history cursor');
      // A row comparison: one index range on (ts, id), ties on equal timestamps broken by id.
      terms.push(`(m.ts, m.id) ${desc ? '<' : '>'} (${params.add(Math.trunc(cursor.timestamp))}::bigint, ${params.add(cursor.id)}::bigint)`);
    }
    const dir = desc ? 'DESC' : 'ASC';
    const order = `ORDER BY m.ts ${dir}, m.id ${dir}`;
    // `ts + 0` is the same order, but no index gives it: the planner must find every match, and
    // does so with the trigram index instead of walking the time index (textPage's rare words).
    const rowOrder = sortAll ? `ORDER BY m.ts + 0 ${dir}, m.id ${dir}` : order;
    const limitParam = params.add(limit);
    const where = (extra: string[]): string => {
      const all = [...extra, ...terms];
      return all.length ? `WHERE ${all.join(' AND ')}` : '';
    };
    if (topicIds !== null && topicIds.length <= UNION_TOPIC_LIMIT) {
      // One (topic_id, ts, id) index range per topic, each in order and limited, then merged.
      const arms = topicIds.map((id) => `(SELECT ${COLUMNS}${extraColumns} FROM messages m ${where([`m.topic_id = ${Math.trunc(id)}`])} ${rowOrder} LIMIT ${limitParam})`);
      return { text: `SELECT * FROM (${arms.join(' UNION ALL ')}) m ${order} LIMIT ${limitParam}`, values: params.values };
    }
    const topicTerm = topicIds !== null ? [`m.topic_id = ANY(${params.add(topicIds)}::integer[])`] : [];
    return { text: `SELECT ${COLUMNS}${extraColumns} FROM messages m ${where(topicTerm)} ${rowOrder} LIMIT ${limitParam}`, values: params.values };
  }

  /** One page of a query, newest first unless asked otherwise; keyset paging, never OFFSET. */
  async page(request: PageRequest = {}): Promise<HistoryPage> {
    await this.useCodecs(request.codecs);
    const query = request.query ?? {};
    const limit = Math.min(Math.max(Math.trunc(request.limit ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
    const topicIds = await this.topicIds(query);
    if (topicIds !== null && topicIds.length === 0) return { messages: [], nextCursor: null };
    const covered = query.text ? await this.decodedTopicIds(topicIds) : [];
    let rows: MessageRow[];
    if (query.text && covered.length === 0) {
      rows = await this.textPage(request, topicIds, limit);
    } else if (covered.length === 0) {
      rows = (await this.pool.query<MessageRow>(this.compilePage(request, topicIds, [], limit))).rows;
    } else {
      // Covered topics' rows come back untested: read on in page order until the page is full.
      const isCovered = new Set(covered);
      const needle = query.text!.toLowerCase();
      rows = [];
      let cursor = request.cursor ?? null;
      for (;;) {
        const chunk = (await this.pool.query<MessageRow>(this.compilePage({ ...request, cursor }, topicIds, covered, limit))).rows;
        for (const row of chunk) {
          if (!isCovered.has(row.topic_id) || this.matchesDecoded(row, needle)) rows.push(row);
          if (rows.length === limit) break;
        }
        const last = chunk[chunk.length - 1];
        if (rows.length === limit || chunk.length < limit || !last) break;
        cursor = { timestamp: last.ts, id: last.id };
      }
    }
    const messages = await this.toMessages(rows);
    const last = messages[messages.length - 1];
    return { messages, nextCursor: last && messages.length === limit ? { timestamp: last.timestamp, id: last.id } : null };
  }

  /** Number of messages matching the query; with `upTo`, counting stops there and `capped` says there are more. */
  async countUpTo(query: HistoryQuery = {}, upTo?: number, codecs?: CodecScopes): Promise<{ count: number; capped: boolean }> {
    await this.useCodecs(codecs);
    const topicIds = await this.topicIds(query);
    if (topicIds !== null && topicIds.length === 0) return { count: 0, capped: false };
    const covered = query.text ? await this.decodedTopicIds(topicIds) : [];
    const cap = upTo === undefined ? undefined : Math.max(0, Math.trunc(upTo));
    const params = new Params();
    const terms = this.conditions(query, params);
    if (topicIds !== null) terms.push(`m.topic_id = ANY(${params.add(topicIds)}::integer[])`);
    if (query.text) {
      if (covered.length > 0) terms.push(`NOT (m.topic_id = ANY(${params.add(covered)}::integer[]))`);
      terms.push(this.textTerm(query.text, params));
    }
    const where = terms.length ? `WHERE ${terms.join(' AND ')}` : '';
    const sql =
      cap === undefined
        ? `SELECT count(*) AS n FROM messages m ${where}`
        : `SELECT count(*) AS n FROM (SELECT 1 FROM messages m ${where} LIMIT ${params.add(cap + 1)}) AS capped`;
    let n = (await this.pool.query<{ n: number }>(sql, params.values)).rows[0]!.n;
    if (covered.length > 0) n += await this.countDecoded(query, covered, cap === undefined ? Infinity : cap + 1 - n);
    return cap !== undefined && n > cap ? { count: cap, capped: true } : { count: n, capped: false };
  }

  /** Matches among covered topics' rows, tested in Node, read in keyset chunks; stops at `upTo`. */
  private async countDecoded(query: HistoryQuery, covered: number[], upTo: number): Promise<number> {
    const needle = query.text!.toLowerCase();
    let n = 0;
    let cursor: { ts: number; id: number } | null = null;
    while (n < upTo) {
      const params = new Params();
      const terms = this.conditions(query, params);
      terms.push(`m.topic_id = ANY(${params.add(covered)}::integer[])`);
      if (cursor) terms.push(`(m.ts, m.id) > (${params.add(cursor.ts)}::bigint, ${params.add(cursor.id)}::bigint)`);
      const { rows } = await this.pool.query<{ id: number; ts: number; topic_id: number; payload: Buffer }>(
        `SELECT m.id, m.ts, m.topic_id, m.payload FROM messages m WHERE ${terms.join(' AND ')} ORDER BY m.ts, m.id LIMIT ${DECODE_CHUNK_ROWS}`,
        params.values,
      );
      for (const row of rows) if (this.matchesDecoded(row, needle)) n++;
      const last = rows[rows.length - 1];
      if (!last || rows.length < DECODE_CHUNK_ROWS) break;
      cursor = { ts: last.ts, id: last.id };
    }
    return n;
  }

  async count(query: HistoryQuery = {}, codecs?: CodecScopes): Promise<number> {
    return (await this.countUpTo(query, undefined, codecs)).count;
  }

  /** The last `count` messages of one topic on one connection, newest first. */
  async lastValues(connectionKey: string, topic: string, count: number): Promise<StoredMessage[]> {
    const id = await this.topics.idOf(connectionKey, topic);
    if (id === undefined) return [];
    const { rows } = await this.pool.query<MessageRow>(`SELECT ${COLUMNS} FROM messages m WHERE m.topic_id = $1 ORDER BY m.ts DESC, m.id DESC LIMIT $2`, [
      id,
      Math.min(Math.max(Math.trunc(count), 1), MAX_PAGE_SIZE),
    ]);
    return this.toMessages(rows);
  }

  /**
   * Every topic received on a connection with its count, last value's head and retained state (see
   * StoreQueries.topicSummaries), in one statement: per topic, index lookups for its newest row and
   * its newest row that set or deleted a retained value.
   */
  async topicSummaries(connectionKey: string, limit: number, previewBytes: number): Promise<{ topics: TopicSummary[]; truncated: boolean }> {
    const ids = (await this.topics.match([connectionKey], undefined)) ?? [];
    if (ids.length === 0) return { topics: [], truncated: false };
    const { rows } = await this.pool.query<{ id: number; n: number; ts: number; qos: number; payload_size: number; head: Buffer; retained_size: number | null }>(
      `SELECT t.id, c.n, l.ts, l.qos, l.payload_size, l.head, r.payload_size AS retained_size
       FROM unnest($1::integer[]) AS t(id)
       CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages WHERE topic_id = t.id AND direction = 0) c
       CROSS JOIN LATERAL (SELECT ts, qos, payload_size, substring(payload FROM 1 FOR $2) AS head FROM messages
                           WHERE topic_id = t.id AND direction = 0 ORDER BY ts DESC, id DESC LIMIT 1) l
       LEFT JOIN LATERAL (SELECT payload_size FROM messages
                          WHERE topic_id = t.id AND direction = 0 AND (retain OR payload_size = 0) ORDER BY ts DESC, id DESC LIMIT 1) r ON true
       WHERE c.n > 0
       ORDER BY t.id
       LIMIT $3`,
      [ids, Math.max(0, Math.trunc(previewBytes)), Math.max(0, Math.trunc(limit)) + 1],
    );
    const topics: TopicSummary[] = [];
    for (const row of rows) {
      if (topics.length >= limit) return { topics, truncated: true };
      topics.push({
        topic: (await this.topics.get(row.id)).name,
        messages: row.n,
        lastTimestamp: row.ts,
        retained: row.retained_size !== null && row.retained_size > 0,
        qos: row.qos as 0 | 1 | 2,
        payloadSize: row.payload_size,
        preview: new Uint8Array(row.head),
      });
    }
    return { topics, truncated: false };
  }
}

interface GapRow {
  connection_key: string;
  from_ts: number;
  to_ts: number;
  dropped: number;
  reason: string;
}
