import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { HistoryError } from './errors';

/**
 * Numbered schema migrations. A released migration is never edited: its checksum is stored when it
 * is applied and checked on every open, so an edit is caught instead of silently diverging schemas.
 * Add a new numbered entry instead.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'messages, topics, gaps',
    sql: `
      -- One row per (connection, topic): topic filters and connection filters resolve to a set of
      -- topic ids in memory, so messages need no connection index and no repeated topic strings.
      CREATE TABLE topics (
        id INTEGER PRIMARY KEY,
        connection_id TEXT NOT NULL,
        name TEXT NOT NULL,
        UNIQUE (connection_id, name)
      );

      -- The payload is the last column: SQLite reads a row's columns in order, so queries that only
      -- need the small columns never touch a large payload's overflow pages.
      -- AUTOINCREMENT: ids are never reused, even after the newest rows are deleted, so the full-text
      -- indexer (fts-indexer.ts) can follow the table by id alone.
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        topic_id INTEGER NOT NULL REFERENCES topics(id),
        direction INTEGER NOT NULL CHECK (direction IN (0, 1)), -- 0 = in, 1 = out
        ts INTEGER NOT NULL, -- milliseconds since the epoch, taken at arrival
        qos INTEGER NOT NULL CHECK (qos IN (0, 1, 2)),
        retain INTEGER NOT NULL CHECK (retain IN (0, 1)),
        dup INTEGER NOT NULL CHECK (dup IN (0, 1)),
        packet_id INTEGER,
        payload_size INTEGER NOT NULL,
        properties TEXT, -- MQTT 5 properties as JSON, NULL when none
        payload BLOB NOT NULL -- the raw bytes, never a decoded string; last, see above
      );
      -- Paging order is (ts, id); an index on ts carries the rowid, so it serves both.
      CREATE INDEX messages_ts ON messages (ts);
      CREATE INDEX messages_topic_ts ON messages (topic_id, ts);

      -- A random identity, so derived files (the full-text index) can tell they belong to this
      -- database and not to one that was set aside or replaced.
      CREATE TABLE history_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO history_meta VALUES ('id', lower(hex(randomblob(16))));

      -- Messages that backpressure dropped: a visible gap in history, never a silent one.
      CREATE TABLE history_gaps (
        id INTEGER PRIMARY KEY,
        connection_id TEXT NOT NULL,
        from_ts INTEGER NOT NULL,
        to_ts INTEGER NOT NULL,
        dropped INTEGER NOT NULL,
        reason TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'connections by stable key, with labels',
    sql: `
      -- History remembers which connection a message belongs to across runs: topics and gaps are
      -- keyed by the connection's stable key (profile:<id> or endpoint:<hash>), no longer by the
      -- engine's id, which restarts at c1 with every run. Still one key per topic row, not per
      -- message: the write path is unchanged.
      ALTER TABLE topics RENAME COLUMN connection_id TO connection_key;
      ALTER TABLE history_gaps RENAME COLUMN connection_id TO connection_key;

      -- One row per connection key: the label it was last described with (a profile's name,
      -- host:port), so a renamed profile relabels its history and the UI can filter by label.
      CREATE TABLE connections (
        key TEXT PRIMARY KEY,
        label TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX connections_label ON connections (label);

      -- Rows from before keys keep their run id as key: which broker a c1 was is not known, and
      -- the new keys have a prefix, so these never mix with a new connection's history.
      INSERT INTO connections (key, label)
        SELECT connection_key, connection_key || ' (older history)' FROM topics
        UNION SELECT connection_key, connection_key || ' (older history)' FROM history_gaps;
    `,
  },
];

/**
 * The full-text index lives in its own database file (`<history>-fts`), written by its own worker:
 * two files have two write locks, so indexing runs in parallel with ingest instead of inside the
 * same transactions (measured on the 2-core machine: messages with their indexes 238k rows/s and
 * the trigram index 130k rows/s in two threads, against 73-89k rows/s for both in one). The index
 * is derived data: a lost or damaged one is set aside and rebuilt from the messages.
 */
export const FTS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'trigram index over UTF-8 payloads',
    sql: `
      -- Contentless (the text is not stored twice); trigram so a search finds substrings ("temp"
      -- finds "temperature"), as users expect.
      CREATE VIRTUAL TABLE messages_fts USING fts5 (body, content = '', contentless_delete = 1, tokenize = 'trigram');
      -- indexed_upto: every message id up to it is indexed (ids only grow); pruned_below: index
      -- entries below it whose messages were deleted have been removed;
      -- history_id: history_meta 'id' of the database this index belongs to.
      CREATE TABLE fts_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        history_id TEXT NOT NULL,
        indexed_upto INTEGER NOT NULL,
        pruned_below INTEGER NOT NULL
      );
      INSERT INTO fts_state VALUES (1, '', 0, 1); -- message ids start at 1
    `,
  },
];

export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(`${migration.version}\n${migration.name}\n${migration.sql}`).digest('hex');
}

export interface MigrationPlan {
  current: number;
  pending: Migration[];
}

/** One row of `schema_migrations`, in either store. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
}

/**
 * What is left to apply, given what a database says it has: refuses a database written by a newer
 * release (a migration this one does not know) and one whose applied migration was edited since.
 * Shared by the SQLite and PostgreSQL stores, so both refuse the same things in the same words.
 */
export function pendingMigrations(applied: readonly AppliedMigration[], migrations: readonly Migration[]): MigrationPlan {
  const known = new Map(migrations.map((m) => [m.version, m]));
  let current = 0;
  for (const row of applied) {
    const shipped = known.get(row.version);
    if (!shipped) {
      throw new HistoryError(
        'HISTORY_SCHEMA_TOO_NEW',
        `History database has schema migration ${row.version} ("${row.name}"), which this version of the app does not know. It was written by a newer version; it is left untouched.`,
        { version: row.version },
      );
    }
    if (migrationChecksum(shipped) !== row.checksum) {
      throw new HistoryError(
        'HISTORY_MIGRATION_EDITED',
        `Schema migration ${row.version} ("${row.name}") differs from the one applied to this database (checksum mismatch). Released migrations must never be edited.`,
        { version: row.version },
      );
    }
    current = Math.max(current, row.version);
  }
  const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  return { current, pending };
}

/** Checks what is applied against what ships; throws on an edited or unknown migration. */
export function planMigrations(db: Database.Database, migrations: readonly Migration[]): MigrationPlan {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as AppliedMigration[];
  return pendingMigrations(applied, migrations);
}

/** Applies every pending migration in one transaction: all of them, or none. */
export function applyMigrations(db: Database.Database, pending: readonly Migration[]): void {
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (const migration of pending) {
      try {
        db.exec(migration.sql);
      } catch (error) {
        throw new HistoryError(
          'HISTORY_MIGRATION_FAILED',
          `Schema migration ${migration.version} ("${migration.name}") failed: ${(error as Error).message}`,
          { version: migration.version },
        );
      }
      record.run(migration.version, migration.name, migrationChecksum(migration), Date.now());
    }
    const last = pending[pending.length - 1];
    if (last) db.pragma(`user_version = ${last.version}`);
  })();
}
