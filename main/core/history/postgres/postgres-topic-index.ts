import type { Pool } from 'pg';
import { topicMatches } from '../../../../shared/mqtt/topic';

/** How long an id skipped over is looked for again (see refresh). */
const HOLE_TTL_MS = 60_000;
const MAX_HOLES = 100_000;

interface TopicEntry {
  connectionKey: string;
  name: string;
}

/**
 * Every (connection, topic) pair in the database, mirrored in memory as SQLite's TopicIndex does:
 * a topic or connection filter becomes a set of topic ids here, never a wildcard evaluated per row
 * by PostgreSQL. Ids only grow, so a refresh reads only the new ones (another writer's too).
 * Topics are created in their own statement, before the messages' transaction: one that rolls back
 * leaves a topic with no messages, which no query shows.
 */
export class PostgresTopicIndex {
  private readonly byId = new Map<number, TopicEntry>();
  private readonly byKey = new Map<string, number>();
  private maxId = 0;
  /** Ids below maxId not seen yet, with when first missed (see refresh). */
  private readonly holes = new Map<number, number>();

  constructor(private readonly pool: Pool) {}

  private static key(connectionKey: string, name: string): string {
    return `${connectionKey}\u0000${name}`;
  }

  /** Only refresh() moves maxId: it alone looks at every id below, for holes. */
  private add(id: number, connectionKey: string, name: string, isRefresh = false): void {
    this.byId.set(id, { connectionKey, name });
    this.byKey.set(PostgresTopicIndex.key(connectionKey, name), id);
    if (isRefresh && id > this.maxId) this.maxId = id;
  }

  /**
   * Picks up topics written since the last call (by this store or another). Two writers' ids need
   * not commit in id order: one may commit id 8 while id 7 is still in flight, so an id skipped over
   * is looked for again on later refreshes, until HOLE_TTL_MS has passed (a topic insert is one
   * short statement; ids burned by ON CONFLICT or a rollback never appear, and are let go then).
   */
  async refresh(): Promise<void> {
    const holeIds = [...this.holes.keys()];
    const { rows } = await this.pool.query<{ id: number; connection_key: string; name: string }>(
      'SELECT id, connection_key, name FROM topics WHERE id > $1 OR id = ANY($2::integer[]) ORDER BY id',
      [this.maxId, holeIds],
    );
    const before = this.maxId;
    for (const row of rows) {
      this.add(row.id, row.connection_key, row.name, true);
      this.holes.delete(row.id);
    }
    const now = Date.now();
    for (let id = before + 1; id < this.maxId && this.holes.size < MAX_HOLES; id++) if (!this.byId.has(id)) this.holes.set(id, now);
    for (const [id, since] of this.holes) if (now - since > HOLE_TTL_MS) this.holes.delete(id);
  }

  /** The ids of these (connection key, topic) pairs, creating the missing ones (and their connections rows) in one round trip each way. */
  async ensure(pairs: readonly (readonly [string, string])[]): Promise<number[]> {
    const missing = pairs.filter(([connectionKey, name]) => !this.byKey.has(PostgresTopicIndex.key(connectionKey, name)));
    if (missing.length > 0) {
      const keys = missing.map(([connectionKey]) => connectionKey);
      const names = missing.map(([, name]) => name);
      await this.pool.query(
        // Until described, a connection's label is its key.
        'INSERT INTO connections (key, label) SELECT DISTINCT k, k FROM unnest($1::text[]) AS k ON CONFLICT (key) DO NOTHING',
        [keys],
      );
      await this.pool.query(
        'INSERT INTO topics (connection_key, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (connection_key, name) DO NOTHING',
        [keys, names],
      );
      const { rows } = await this.pool.query<{ id: number; connection_key: string; name: string }>(
        'SELECT t.id, t.connection_key, t.name FROM topics t JOIN unnest($1::text[], $2::text[]) AS p(k, n) ON t.connection_key = p.k AND t.name = p.n',
        [keys, names],
      );
      for (const row of rows) this.add(row.id, row.connection_key, row.name);
    }
    return pairs.map(([connectionKey, name]) => {
      const id = this.byKey.get(PostgresTopicIndex.key(connectionKey, name));
      if (id === undefined) throw new Error(`History topic ${connectionKey} ${name} could not be created`);
      return id;
    });
  }

  async get(id: number): Promise<TopicEntry> {
    let entry = this.byId.get(id);
    if (!entry) {
      await this.refresh();
      entry = this.byId.get(id);
    }
    if (!entry) throw new Error(`History topic ${id} is missing`);
    return entry;
  }

  /** Without a refresh: for ids just read from rows after one. */
  known(id: number): TopicEntry | undefined {
    return this.byId.get(id);
  }

  async idOf(connectionKey: string, name: string): Promise<number | undefined> {
    const key = PostgresTopicIndex.key(connectionKey, name);
    if (!this.byKey.has(key)) await this.refresh();
    return this.byKey.get(key);
  }

  async ids(): Promise<number[]> {
    await this.refresh();
    return [...this.byId.keys()];
  }

  /** Topic ids matching both filters, or null when neither restricts anything. */
  async match(connectionKeys: readonly string[] | undefined, filter: string | undefined): Promise<number[] | null> {
    if (!connectionKeys && filter === undefined) return null;
    await this.refresh();
    const connections = connectionKeys ? new Set(connectionKeys) : null;
    const isExact = filter !== undefined && !filter.includes('+') && !filter.includes('#');
    const ids: number[] = [];
    for (const [id, entry] of this.byId) {
      if (connections && !connections.has(entry.connectionKey)) continue;
      if (filter !== undefined && !(isExact ? entry.name === filter : topicMatches(filter, entry.name))) continue;
      ids.push(id);
    }
    return ids;
  }
}
