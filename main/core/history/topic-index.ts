import type Database from 'better-sqlite3';
import { topicMatches } from '../../../shared/mqtt/topic';

interface TopicEntry {
  connectionId: string;
  name: string;
}

/**
 * All (connection, topic) pairs ever stored, mirrored in memory. A topic filter or a connection
 * filter becomes a set of topic ids here, so SQLite never evaluates wildcards row by row and the
 * messages table needs no connection or topic-string index. Distinct topics are few next to
 * messages (thousands vs millions), and ids only grow, so refreshing reads only the new ones.
 */
export class TopicIndex {
  private readonly byId = new Map<number, TopicEntry>();
  private readonly byKey = new Map<string, number>();
  private maxId = 0;
  private readonly selectNew: Database.Statement<[number], { id: number; connection_id: string; name: string }>;
  private readonly insert: Database.Statement<[string, string]> | null;
  private readonly selectOne: Database.Statement<[string, string], { id: number }>;

  constructor(db: Database.Database, writable: boolean) {
    this.selectNew = db.prepare('SELECT id, connection_id, name FROM topics WHERE id > ? ORDER BY id');
    this.insert = writable ? db.prepare('INSERT OR IGNORE INTO topics (connection_id, name) VALUES (?, ?)') : null;
    this.selectOne = db.prepare('SELECT id FROM topics WHERE connection_id = ? AND name = ?');
    this.refresh();
  }

  private static key(connectionId: string, name: string): string {
    return `${connectionId}\u0000${name}`;
  }

  private add(id: number, connectionId: string, name: string): void {
    this.byId.set(id, { connectionId, name });
    this.byKey.set(TopicIndex.key(connectionId, name), id);
    if (id > this.maxId) this.maxId = id;
  }

  /** The highest topic id known; pass it to rollbackTo() if the transaction that follows fails. */
  get highestId(): number {
    return this.maxId;
  }

  /** Forgets topics created by a transaction that rolled back. */
  rollbackTo(maxId: number): void {
    for (const [id, entry] of this.byId) {
      if (id <= maxId) continue;
      this.byId.delete(id);
      this.byKey.delete(TopicIndex.key(entry.connectionId, entry.name));
    }
    this.maxId = maxId;
  }

  /** Picks up topics another connection (the writer) added since the last call. */
  refresh(): void {
    for (const row of this.selectNew.all(this.maxId)) this.add(row.id, row.connection_id, row.name);
  }

  /** The id of a topic, creating it (writer only; call inside the write transaction). */
  ensure(connectionId: string, name: string): number {
    const known = this.byKey.get(TopicIndex.key(connectionId, name));
    if (known !== undefined) return known;
    if (!this.insert) throw new Error('TopicIndex is read-only');
    this.insert.run(connectionId, name);
    const id = this.selectOne.get(connectionId, name)!.id;
    this.add(id, connectionId, name);
    return id;
  }

  get(id: number): TopicEntry {
    let entry = this.byId.get(id);
    if (!entry) {
      this.refresh();
      entry = this.byId.get(id);
    }
    if (!entry) throw new Error(`History topic ${id} is missing`);
    return entry;
  }

  idOf(connectionId: string, name: string): number | undefined {
    const key = TopicIndex.key(connectionId, name);
    if (!this.byKey.has(key)) this.refresh();
    return this.byKey.get(key);
  }

  /** Topic ids matching both filters, or null when neither restricts anything. */
  match(connectionIds: readonly string[] | undefined, filter: string | undefined): number[] | null {
    if (!connectionIds && filter === undefined) return null;
    this.refresh();
    const connections = connectionIds ? new Set(connectionIds) : null;
    const isExact = filter !== undefined && !filter.includes('+') && !filter.includes('#');
    if (isExact && connections) {
      const ids: number[] = [];
      for (const connectionId of connections) {
        const id = this.byKey.get(TopicIndex.key(connectionId, filter));
        if (id !== undefined) ids.push(id);
      }
      return ids;
    }
    const ids: number[] = [];
    for (const [id, entry] of this.byId) {
      if (connections && !connections.has(entry.connectionId)) continue;
      if (filter !== undefined && !(isExact ? entry.name === filter : topicMatches(filter, entry.name))) continue;
      ids.push(id);
    }
    return ids;
  }
}
