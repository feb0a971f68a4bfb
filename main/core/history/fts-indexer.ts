import type Database from 'better-sqlite3';
import { decodeUtf8Strict } from '../../../shared/codecs/utf8';
import { FTS_MIGRATIONS } from './migrations';
import { type OpenedHistoryDatabase, openHistoryDatabase } from './open-database';

/** The full-text index file beside a history database. */
export function ftsPathFor(historyPath: string): string {
  return `${historyPath}-fts`;
}

/** Opens (creating, migrating, or setting aside when damaged) the full-text index database. */
export function openFtsDatabase(historyPath: string): OpenedHistoryDatabase {
  return openHistoryDatabase(ftsPathFor(historyPath), { migrations: FTS_MIGRATIONS });
}

/**
 * Follows the messages table by id (ids only grow: AUTOINCREMENT) and adds the payloads that
 * decode as UTF-8 to the trigram index, in its own database file. Plain and synchronous: the
 * indexer worker calls step() in a loop, tests call it directly.
 */
export class FtsIndexer {
  private readonly selectNew: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly setUpto: Database.Statement;
  private readonly setPruned: Database.Statement;
  private readonly oldestId: Database.Statement;

  constructor(
    /** A read-only connection to the history database. */
    private readonly source: Database.Database,
    /** The full-text database (openFtsDatabase). */
    readonly fts: Database.Database,
    private readonly fullTextMaxBytes: number,
  ) {
    this.selectNew = source.prepare(
      'SELECT id, CASE WHEN payload_size BETWEEN 1 AND ? THEN payload END AS payload FROM messages WHERE id > ? ORDER BY id LIMIT ?',
    );
    this.oldestId = source.prepare('SELECT coalesce(min(id), (SELECT seq + 1 FROM sqlite_sequence WHERE name = ?), 0) AS id FROM messages');
    this.insert = fts.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)');
    this.remove = fts.prepare('DELETE FROM messages_fts WHERE rowid = ?');
    this.setUpto = fts.prepare('UPDATE fts_state SET indexed_upto = ?');
    this.setPruned = fts.prepare('UPDATE fts_state SET pruned_below = ?');
    this.adopt();
  }

  /**
   * An index built for another database (the history file was set aside as corrupt, or replaced)
   * would point at the wrong ids and skip new ones: start it over for this one.
   */
  private adopt(): void {
    const { value: historyId } = this.source.prepare("SELECT value FROM history_meta WHERE key = 'id'").get() as { value: string };
    const { history_id: indexedId } = this.fts.prepare('SELECT history_id FROM fts_state').get() as { history_id: string };
    if (indexedId === historyId) return;
    this.fts.transaction(() => {
      this.fts.exec("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')");
      this.fts.prepare('UPDATE fts_state SET history_id = ?, indexed_upto = 0, pruned_below = 1').run(historyId);
    })();
  }

  state(): { indexedUpto: number; prunedBelow: number } {
    const row = this.fts.prepare('SELECT indexed_upto, pruned_below FROM fts_state').get() as { indexed_upto: number; pruned_below: number };
    return { indexedUpto: row.indexed_upto, prunedBelow: row.pruned_below };
  }

  /** Indexes up to `budget` messages after the last indexed one, in one transaction; returns how many it went over. */
  step(budget = 5000): number {
    const { indexedUpto } = this.state();
    const rows = this.selectNew.all(this.fullTextMaxBytes, indexedUpto, budget) as { id: number; payload: Buffer | null }[];
    if (rows.length === 0) return 0;
    this.fts.transaction(() => {
      for (const row of rows) {
        if (!row.payload) continue;
        const text = decodeUtf8Strict(row.payload);
        if (text !== null) this.insert.run(row.id, text);
      }
      this.setUpto.run(rows[rows.length - 1]!.id);
    })();
    return rows.length;
  }

  /**
   * Removes index entries of messages that retention deleted (all ids below the oldest message),
   * at most `budget` ids per call. Entries of messages cleared from the middle stay until then;
   * they are harmless (every match is checked against the message itself) and small.
   */
  prune(budget = 5000): number {
    const { prunedBelow, indexedUpto } = this.state();
    const oldest = Math.min((this.oldestId.get('messages') as { id: number }).id, indexedUpto + 1);
    if (oldest <= prunedBelow) return 0;
    const until = Math.min(oldest, prunedBelow + budget);
    this.fts.transaction(() => {
      for (let id = prunedBelow; id < until; id++) this.remove.run(id);
      this.setPruned.run(until);
    })();
    return until - prunedBelow;
  }
}
