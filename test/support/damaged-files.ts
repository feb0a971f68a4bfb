import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
import { openHistoryDatabase } from '../../main/core/history/open-database';

const PAGE = 4096;

/** A cleanly closed history file of `rows` messages with 1 KiB payloads under connection key 'old' (~3 per page). */
export function writeHistoryFile(path: string, rows: number): void {
  const { db } = openHistoryDatabase(path);
  const store = new SqliteHistoryStore(db, { writable: true });
  const payload = Buffer.alloc(1024, 0x61);
  for (let start = 0; start < rows; start += 1000) {
    const batch = [];
    for (let i = start; i < Math.min(rows, start + 1000); i++) {
      batch.push({ connectionKey: 'old', direction: 'in' as const, topic: `site/${i % 40}`, payload, qos: 1 as const, retain: false, dup: false, timestamp: 1_700_000_000_000 + i });
    }
    store.insert(batch);
  }
  store.setConnectionLabel('old', 'Old broker');
  db.close();
}

/** Seeded garbage (every run damages the same way) over `length` bytes from `offset`. */
export function damageRange(path: string, offset: number, length: number): void {
  const garbage = Buffer.alloc(length);
  let seed = 7;
  for (let i = 0; i < garbage.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    garbage[i] = seed >> 16;
  }
  const fd = openSync(path, 'r+');
  writeSync(fd, garbage, 0, garbage.length, offset);
  closeSync(fd);
}

/** Up to 64 KiB of garbage over the middle of a file, page-aligned, past page 1. */
export function damageMiddle(path: string, bytes = 64 * 1024): void {
  const size = statSync(path).size;
  damageRange(path, Math.max(PAGE, Math.floor(size / 2 / PAGE) * PAGE), Math.min(bytes, size - PAGE));
}
