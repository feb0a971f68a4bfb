import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { HistoryGap } from './types';

/**
 * Messages accepted but not yet committed when the app is killed (kill -9, power loss) are lost;
 * this makes the loss visible as a gap at the next start. The main thread writes how many it
 * handed to the writer per connection (the "accepted" ledger, a small file beside the database,
 * rewritten once per batch, never per message); the writer stores how many it committed in the
 * same transactions as the messages (history_meta 'run'). At the next start the difference is
 * recorded in history_gaps. Messages still in the main thread's queue when killed (at most one
 * flush interval) are not in the ledger yet and stay unaccounted.
 */

export interface RunCounts {
  runId: string;
  connections: Record<string, { n: number; firstTs: number; lastTs: number }>;
}

export function ledgerPathFor(historyPath: string): string {
  return `${historyPath}-accepted`;
}

export const CRASH_GAP_REASON = 'lost when the app was killed: accepted but not yet written';

/** The main thread's side: counts what it accepted and writes it before each batch goes to the writer. */
export class AcceptedLedger {
  private readonly counts: RunCounts;
  private fd: number | null = null;
  /** The longest text written so far: shorter texts are padded to it (see persist). */
  private written = 0;

  constructor(
    private readonly path: string,
    runId: string,
  ) {
    this.counts = { runId, connections: {} };
  }

  /** Per accepted message: a counter and a timestamp. */
  note(connectionKey: string, timestamp: number): void {
    const entry = this.counts.connections[connectionKey];
    if (entry) {
      entry.n++;
      entry.lastTs = timestamp;
    } else this.counts.connections[connectionKey] = { n: 1, firstTs: timestamp, lastTs: timestamp };
  }

  /**
   * Before a batch is posted: whatever the writer may commit from now on is covered by the file.
   * One write in place, padded with spaces to the longest text so far (JSON ignores them), never
   * truncate-then-write: a kill between the two would leave an empty ledger.
   */
  persist(): void {
    try {
      this.fd ??= openSync(this.path, 'w', 0o600);
      const text = Buffer.from(JSON.stringify(this.counts).padEnd(this.written));
      writeSync(this.fd, text, 0, text.length, 0);
      this.written = text.length;
    } catch {
      // Best effort: without the file a crash is not reported, but nothing else changes.
    }
  }

  /** Keeps the file (what it says is still owed) and lets go of it. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** After a clean close (everything committed): nothing to report next time. */
  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}

/** The writer's side: committed counts of this run, saved inside each write transaction. */
export class CommittedLedger {
  private readonly save: Database.Statement;

  constructor(
    db: Database.Database,
    readonly counts: RunCounts,
  ) {
    this.save = db.prepare("INSERT INTO history_meta (key, value) VALUES ('run', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  }

  add(connectionKey: string, count: number, lastTs: number): void {
    const entry = this.counts.connections[connectionKey];
    if (entry) {
      entry.n += count;
      entry.lastTs = Math.max(entry.lastTs, lastTs);
    } else this.counts.connections[connectionKey] = { n: count, firstTs: lastTs, lastTs };
  }

  /** Call inside the write transaction, after add(). */
  persist(): void {
    this.save.run(JSON.stringify(this.counts));
  }
}

function readJson(text: string | undefined): RunCounts | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as RunCounts;
    return typeof value.runId === 'string' && value.connections && typeof value.connections === 'object' ? value : null;
  } catch {
    return null;
  }
}

/**
 * At start, before anything is written: the previous run's accepted ledger against what it
 * committed. Each connection with fewer committed than accepted gets a gap from its last committed
 * message to its last accepted one. The ledger file is removed afterwards.
 */
export function lostInCrash(db: Database.Database, historyPath: string): HistoryGap[] {
  const path = ledgerPathFor(historyPath);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return []; // no ledger: the last run closed cleanly (or never accepted anything)
  }
  const accepted = readJson(text);
  const row = db.prepare("SELECT value FROM history_meta WHERE key = 'run'").get() as { value: string } | undefined;
  const stored = readJson(row?.value);
  const committed = stored && accepted && stored.runId === accepted.runId ? stored.connections : {};
  const gaps: HistoryGap[] = [];
  for (const [connectionKey, entry] of Object.entries(accepted?.connections ?? {})) {
    const done = committed[connectionKey];
    const lost = entry.n - (done?.n ?? 0);
    if (lost <= 0) continue;
    gaps.push({ connectionKey, fromTs: done ? done.lastTs : entry.firstTs, toTs: entry.lastTs, dropped: lost, reason: CRASH_GAP_REASON });
  }
  return gaps;
}

export function removeLedger(historyPath: string): void {
  rmSync(ledgerPathFor(historyPath), { force: true });
}
