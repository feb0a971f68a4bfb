import type Database from 'better-sqlite3';
import { topicMatches } from '../../../shared/mqtt/topic';

interface TopicEntry {
  connectionKey: string;
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
  private readonly selectNew: Database.Statement<[number], { id: number; connection_key: string; name: string }>;
  private readonly insert: Database.Statement<[string, string]> | null;
  private readonly insertConnection: Database.Statement<[string, string]> | null;
  /** Keys this writer made sure have a connections row (rows are never deleted). */
  private readonly knownConnections = new Set<string>();
  private readonly selectOne: Database.Statement<[string, string], { id: number }>;

  constructor(db: Database.Database, writable: boolean) {
    this.selectNew = db.prepare('SELECT id, connection_key, name FROM topics WHERE id > ? ORDER BY id');
    this.insert = writable ? db.prepare('INSERT OR IGNORE INTO topics (connection_key, name) VALUES (?, ?)') : null;
    // Every key in topics has a connections row (its label); until described, the key is its label.
    this.insertConnection = writable ? db.prepare('INSERT OR IGNORE INTO connections (key, label) VALUES (?, ?)') : null;
    this.selectOne = db.prepare('SELECT id FROM topics WHERE connection_key = ? AND name = ?');
    this.refresh();
  }

  private static key(connectionKey: string, name: string): string {
    return `${connectionKey}\u0000${name}`;
  }

  private add(id: number, connectionKey: string, name: string): void {
    this.byId.set(id, { connectionKey, name });
    this.byKey.set(TopicIndex.key(connectionKey, name), id);
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
      this.byKey.delete(TopicIndex.key(entry.connectionKey, entry.name));
    }
    this.maxId = maxId;
    // Its connections rows may have rolled back too: check each key again next time.
    this.knownConnections.clear();
  }

  /** Picks up topics another connection (the writer) added since the last call. */
  refresh(): void {
    for (const row of this.selectNew.all(this.maxId)) this.add(row.id, row.connection_key, row.name);
  }

  /** The id of a topic, creating it (writer only; call inside the write transaction). */
  ensure(connectionKey: string, name: string): number {
    const known = this.byKey.get(TopicIndex.key(connectionKey, name));
    if (known !== undefined) return known;
    if (!this.insert || !this.insertConnection) throw new Error('TopicIndex is read-only');
    if (!this.knownConnections.has(connectionKey)) {
      this.insertConnection.run(connectionKey, connectionKey);
      this.knownConnections.add(connectionKey);
    }
    this.insert.run(connectionKey, name);
    const id = this.selectOne.get(connectionKey, name)!.id;
    this.add(id, connectionKey, name);
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

  idOf(connectionKey: string, name: string): number | undefined {
    const key = TopicIndex.key(connectionKey, name);
    if (!this.byKey.has(key)) this.refresh();
    return this.byKey.get(key);
  }

  /** Every topic id with its connection key and name (after picking up new ones). */
  entries(): IterableIterator<[number, TopicEntry]> {
    this.refresh();
    return this.byId.entries();
  }

  /** Topic ids matching both filters, or null when neither restricts anything. */
  match(connectionKeys: readonly string[] | undefined, filter: string | undefined): number[] | null {
    if (!connectionKeys && filter === undefined) return null;
    this.refresh();
    const connections = connectionKeys ? new Set(connectionKeys) : null;
    const isExact = filter !== undefined && !filter.includes('+') && !filter.includes('#');
    if (isExact && connections) {
      const ids: number[] = [];
      for (const connectionKey of connections) {
        const id = this.byKey.get(TopicIndex.key(connectionKey, filter));
        if (id !== undefined) ids.push(id);
      }
      return ids;
    }
    const ids: number[] = [];
    for (const [id, entry] of this.byId) {
      if (connections && !connections.has(entry.connectionKey)) continue;
      if (filter !== undefined && !(isExact ? entry.name === filter : topicMatches(filter, entry.name))) continue;
      ids.push(id);
    }
    return ids;
  }
}
