import { closeSync, copyFileSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { SqliteHistoryStore } from './sqlite-history-store';
import { decodeProperties } from './properties';
import type { HistoryGap, HistoryMessageInput } from './types';

/** SQLite's words for a file it cannot trust: a damaged page, or no database at all. */
export function isDamageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB'))) return true;
  return error instanceof Error && /database disk image is malformed|file is not a database/.test(error.message);
}

/** What was read back from a damaged history file into the fresh one. */
export interface SalvageCounts {
  messages: number;
  topics: number;
  gaps: number;
  /** Runs of row ids that could not be read (a damaged page or subtree each). */
  unreadableRanges: number;
  /** At most this many messages were lost: the ids inside those runs (ids may have holes, so it is an upper bound). */
  lostAtMost: number;
}

/**
 * Reads a rowid table of a damaged database in id order, stepping over what cannot be read.
 * SQLite reports SQLITE_CORRUPT as soon as a read touches a damaged page; the rows before it
 * were fine. From the last good id, seeks further ahead (doubling) until one succeeds, then
 * narrows back (binary search) to the first readable id, so only the rows on damaged pages are
 * skipped. Each seek is O(log n), so a damaged region costs a few dozen seeks, not a scan.
 */
export class RowSalvager<Row> {
  private lastId: number;
  private isDone = false;
  unreadableRanges = 0;
  lostAtMost = 0;
  private readonly scan: Database.Statement;
  private readonly probe: Database.Statement;

  constructor(db: Database.Database, table: string, afterId = 0) {
    this.lastId = afterId;
    this.scan = db.prepare(`SELECT rowid AS salvage_rowid, * FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ?`);
    this.probe = db.prepare(`SELECT rowid AS salvage_rowid FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT 1`);
  }

  get done(): boolean {
    return this.isDone;
  }

  /** The next readable rows (up to `limit`); an empty array once the table is exhausted. */
  next(limit: number): (Row & { salvage_rowid: number })[] {
    const rows: (Row & { salvage_rowid: number })[] = [];
    while (!this.isDone && rows.length === 0) {
      try {
        // iterate(), not all(): the rows read before a damaged page are kept.
        for (const row of this.scan.iterate(this.lastId, limit) as Iterable<Row & { salvage_rowid: number }>) {
          rows.push(row);
          this.lastId = row.salvage_rowid;
        }
        if (rows.length < limit) this.isDone = true;
        if (rows.length === 0) this.isDone = true;
        return rows;
      } catch (error) {
        if (!isDamageError(error)) throw error;
        if (rows.length > 0) return rows; // the caller stores these; the next call skips the damage
        this.skipDamage();
      }
    }
    return rows;
  }

  /** Moves lastId to just before the first readable row after the damage (or ends the scan). */
  private skipDamage(): void {
    const readsAfter = (id: number): number | null | 'damaged' => {
      try {
        const row = this.probe.get(id) as { salvage_rowid: number } | undefined;
        return row ? row.salvage_rowid : null;
      } catch (error) {
        if (!isDamageError(error)) throw error;
        return 'damaged';
      }
    };
    let bad = this.lastId;
    let step = 1;
    let found: number | null = null;
    let good = 0;
    // Doubling up to 2^53: past the last row a probe answers null, which ends the table.
    for (; step < Number.MAX_SAFE_INTEGER; step *= 2) {
      const result = readsAfter(this.lastId + step);
      if (result === 'damaged') {
        bad = this.lastId + step;
        continue;
      }
      found = result;
      good = this.lastId + step;
      break;
    }
    // Narrow: the smallest start in (bad, good] whose seek still succeeds.
    while (found !== null && good - bad > 1) {
      const middle = bad + Math.floor((good - bad) / 2);
      const result = readsAfter(middle);
      if (result === 'damaged') bad = middle;
      else {
        good = middle;
        found = result;
      }
    }
    this.unreadableRanges++;
    if (found === null) {
      this.isDone = true;
      return;
    }
    this.lostAtMost += Math.max(0, found - this.lastId - 1);
    this.lastId = found - 1;
  }
}

/** Opens a damaged file for reading; false when not even its schema can be read. */
function openForReading(path: string): Database.Database | null {
  const db = new Database(path, { fileMustExist: true });
  try {
    // query_only keeps the damaged copy as it was found. Not a read-only open: that would leave
    // -wal/-shm files beside the copy (a read-only connection cannot remove them on close).
    db.pragma('query_only = ON');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return db;
  } catch (error) {
    db.close();
    if (isDamageError(error)) return null;
    throw error;
  }
}

/**
 * A file whose first 100 bytes (SQLite's header: page size, page count...) are destroyed can still
 * have every page intact. A copy with a header rebuilt for it (from a fresh database of the same
 * page size, trying the usual sizes) is read instead; null when no page size makes the schema
 * readable. The caller removes the copy.
 */
function withRebuiltHeader(path: string): { db: Database.Database; copy: string } | null {
  const copy = `${path}.salvage`;
  copyFileSync(path, copy);
  const size = statSync(copy).size;
  for (const pageSize of [4096, 1024, 2048, 8192, 16384, 32768, 65536]) {
    if (size % pageSize !== 0) continue;
    const model = new Database(':memory:');
    model.pragma(`page_size = ${pageSize}`);
    model.exec('CREATE TABLE t (x)');
    const header = Buffer.from(model.serialize().subarray(0, 100));
    model.close();
    header[18] = 1; // rollback journal: no -wal to look for
    header[19] = 1;
    header.writeUInt32BE(size / pageSize, 28); // pages in the file
    header.writeUInt32BE(0, 32); // the freelist is lost: nothing needs it to read
    header.writeUInt32BE(0, 36);
    header.writeUInt32BE(header.readUInt32BE(24), 92); // the page count above is valid
    const fd = openSync(copy, 'r+');
    writeSync(fd, header, 0, 100, 0);
    closeSync(fd);
    const db = openForReading(copy);
    if (db) return { db, copy };
  }
  rmSync(copy, { force: true });
  return null;
}

interface TopicRow {
  salvage_rowid: number;
  connection_key?: unknown;
  connection_id?: unknown; // schema 1 named the column so
  name?: unknown;
}

interface MessageRow {
  salvage_rowid: number;
  topic_id?: unknown;
  direction?: unknown;
  ts?: unknown;
  qos?: unknown;
  retain?: unknown;
  dup?: unknown;
  packet_id?: unknown;
  properties?: unknown;
  payload?: unknown;
}

/** Where messages whose topic row was on a damaged page go: their topic is not known any more. */
export const LOST_TOPICS_KEY = 'recovered:unknown-topic';

function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** A message row that survived with sane values, or null (a damaged page can still parse as rows). */
function toMessage(row: MessageRow, topics: Map<number, [string, string]>): HistoryMessageInput | null {
  const { topic_id: topicId, direction, ts, qos, retain, dup, packet_id: packetId, properties, payload } = row;
  if (!isInt(topicId) || (direction !== 0 && direction !== 1) || !isInt(ts) || (qos !== 0 && qos !== 1 && qos !== 2)) return null;
  if ((retain !== 0 && retain !== 1) || (dup !== 0 && dup !== 1) || !(payload instanceof Uint8Array)) return null;
  if (packetId !== null && !isInt(packetId)) return null;
  let decoded: Record<string, unknown> | null = null;
  if (typeof properties === 'string') {
    try {
      decoded = decodeProperties(properties);
    } catch {
      decoded = null; // the message is worth more than its properties
    }
  }
  const [connectionKey, topic] = topics.get(topicId) ?? [LOST_TOPICS_KEY, `lost-topic/${topicId}`];
  return { connectionKey, topic, direction: direction === 1 ? 'out' : 'in', timestamp: ts, qos, retain: retain === 1, dup: dup === 1, packetId, properties: decoded, payload };
}

/**
 * Copies what can still be read from a damaged history file (already moved aside) into the
 * store of the fresh file: topics, connection labels and gaps at once (small), then messages in
 * steps, so the writer can commit live batches in between. Recovered messages get new ids (live
 * messages may already be in the fresh file); time order is kept by their timestamps.
 */
export class HistorySalvage {
  private readonly source: Database.Database;
  /** A copy with a rebuilt header, read instead of the damaged file (removed on close). */
  private readonly copy: string | null = null;
  private readonly topics = new Map<number, [string, string]>();
  private readonly messages: RowSalvager<MessageRow>;
  private readonly topicScan: RowSalvager<TopicRow>;
  private readonly gapScan: RowSalvager<Record<string, unknown>>;
  readonly counts: SalvageCounts = { messages: 0, topics: 0, gaps: 0, unreadableRanges: 0, lostAtMost: 0 };
  private started = false;
  /** Rows that were read but held impossible values (a damaged page that still parsed). */
  private invalidRows = 0;

  constructor(
    damagedPath: string,
    private readonly store: SqliteHistoryStore,
  ) {
    const opened = openForReading(damagedPath);
    if (opened) this.source = opened;
    else {
      const rebuilt = withRebuiltHeader(damagedPath);
      if (!rebuilt) throw new Error('file is not a database, and no page size makes its schema readable');
      this.source = rebuilt.db;
      this.copy = rebuilt.copy;
    }
    this.messages = new RowSalvager<MessageRow>(this.source, 'messages');
    this.topicScan = new RowSalvager<TopicRow>(this.source, 'topics');
    this.gapScan = new RowSalvager<Record<string, unknown>>(this.source, 'history_gaps');
  }

  get done(): boolean {
    return this.messages.done;
  }

  private start(): void {
    this.started = true;
    for (let rows = this.topicScan.next(10_000); rows.length > 0; rows = this.topicScan.next(10_000)) {
      for (const row of rows) {
        const key = row.connection_key ?? row.connection_id;
        if (typeof key === 'string' && typeof row.name === 'string') this.topics.set(row.salvage_rowid, [key, row.name]);
      }
    }
    this.counts.topics = this.topics.size;
    const gaps: HistoryGap[] = [];
    for (let rows = this.gapScan.next(10_000); rows.length > 0; rows = this.gapScan.next(10_000)) {
      for (const row of rows) {
        const key = row.connection_key ?? row.connection_id;
        if (typeof key === 'string' && isInt(row.from_ts) && isInt(row.to_ts) && isInt(row.dropped) && typeof row.reason === 'string') {
          gaps.push({ connectionKey: key, fromTs: row.from_ts, toTs: row.to_ts, dropped: row.dropped, reason: row.reason });
        }
      }
    }
    if (gaps.length > 0) this.store.recordGaps(gaps);
    this.counts.gaps = gaps.length;
    // Labels: a table without rowid, read whole or as far as it goes. A label the fresh file
    // already has (described this run) wins.
    try {
      for (const row of this.source.prepare('SELECT key, label FROM connections').iterate() as Iterable<{ key: unknown; label: unknown }>) {
        if (typeof row.key === 'string' && typeof row.label === 'string') this.store.setConnectionLabel(row.key, row.label, { ifUnnamed: true });
      }
    } catch (error) {
      if (!isDamageError(error) && !/no such table/.test((error as Error).message)) throw error;
    }
  }

  /** Copies up to `budget` more messages in one transaction; returns how many rows it read. */
  step(budget = 2000): number {
    if (!this.started) this.start();
    const rows = this.messages.next(budget);
    const messages: HistoryMessageInput[] = [];
    for (const row of rows) {
      const message = toMessage(row, this.topics);
      if (message) messages.push(message);
    }
    this.counts.messages += this.store.insert(messages);
    this.counts.unreadableRanges = this.messages.unreadableRanges + this.topicScan.unreadableRanges + this.gapScan.unreadableRanges;
    this.invalidRows += rows.length - messages.length;
    this.counts.lostAtMost = this.messages.lostAtMost + this.invalidRows;
    return rows.length;
  }

  close(): void {
    this.source.close();
    if (this.copy) rmSync(this.copy, { force: true });
  }
}
