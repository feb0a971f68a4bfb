import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { HistoryStore } from '../../main/core/history/history-store';
import { openHistoryDatabase } from '../../main/core/history/open-database';
import { historyTempDir } from '../support/history-fixtures';

const root = join(__dirname, '../..');
let temp: ReturnType<typeof historyTempDir>;
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(() => temp.cleanup());

it('survives kill -9 at full write rate: the database opens, passes integrity_check and holds every committed message', async () => {
  const path = temp.file('history.db');
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'main/core/history/ts-worker-bootstrap.cjs'), join(root, 'test/support/history-crash-writer.ts'), path],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let lastWritten = 0;
  let commits = 0;
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const match = /^written (\d+)$/.exec(line);
        if (!match) continue;
        lastWritten = Number(match[1]);
        commits++;
        // Kill mid-stream, after several commits and with writes still pouring in.
        if (lastWritten >= 20_000 && commits >= 5) {
          child.kill('SIGKILL');
          resolve();
          return;
        }
      }
    });
    void exited.then(() => reject(new Error(`writer exited before the kill: ${stderr}`)));
  });
  expect(await exited).toBe('SIGKILL');

  // Restart: the WAL left by the kill makes the open run quick_check; then the full integrity_check.
  const reopened = openHistoryDatabase(path);
  expect(reopened.recovered).toBeNull();
  expect(reopened.integrityChecked).toBe(true);
  expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
  const store = new HistoryStore(reopened.db, { writable: true });
  const stored = store.count();
  // The last reported count was read before the kill, so it is a lower bound of what is committed.
  expect(stored).toBeGreaterThanOrEqual(lastWritten);
  // Commits are in arrival order: the stored messages are exactly the first `stored` ones written.
  const seqs = (reopened.db.prepare('SELECT CAST(payload AS TEXT) AS p FROM messages ORDER BY id').all() as { p: string }[]).map((r) =>
    Number(r.p.split(' ')[0]),
  );
  expect(seqs[0]).toBe(0);
  expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
  // And the reopened database takes new writes.
  store.insert([
    { connectionKey: 'after', direction: 'in', topic: 'a', payload: new Uint8Array([1]), qos: 0, retain: false, dup: false, timestamp: 1 },
  ]);
  expect(store.count()).toBe(stored + 1);
  reopened.db.close();
}, 60_000);
