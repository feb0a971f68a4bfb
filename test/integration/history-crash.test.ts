import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createHistory } from '../../main/core/history/create-history';
import { CRASH_GAP_REASON, type RunCounts, ledgerPathFor } from '../../main/core/history/crash-ledger';
import { SqliteHistoryStore } from '../../main/core/history/sqlite-history-store';
import { openHistoryDatabase } from '../../main/core/history/open-database';
import { historyTempDir } from '../support/history-fixtures';

const root = join(__dirname, '../..');
let temp: ReturnType<typeof historyTempDir>;
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(() => temp.cleanup());

/** Runs the crash writer at full rate and kills it (SIGKILL) after several commits; returns the last reported count. */
async function writeAndKill(path: string): Promise<number> {
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
  return lastWritten;
}

it('survives kill -9 at full write rate: the database opens, passes integrity_check and holds every committed message', async () => {
  const path = temp.file('history.db');
  const lastWritten = await writeAndKill(path);

  // Restart: the WAL left by the kill makes the open run quick_check; then the full integrity_check.
  const reopened = openHistoryDatabase(path);
  expect(reopened.recovered).toBeNull();
  expect(reopened.integrityChecked).toBe(true);
  expect(reopened.db.pragma('integrity_check', { simple: true })).toBe('ok');
  const store = new SqliteHistoryStore(reopened.db, { writable: true });
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

it('records what a kill -9 lost (accepted, not yet committed) as a gap at the next start, and nothing after a clean close', async () => {
  const path = temp.file('history.db');
  await writeAndKill(path);
  // The killed run's ledger: how many it had handed to its writer.
  const accepted = (JSON.parse(readFileSync(ledgerPathFor(path), 'utf8')) as RunCounts).connections.crash!.n;

  const history = await createHistory({ path, backgroundCheck: false });
  const stored = await history.count({ connectionKeys: ['crash'] });
  const gaps = await history.gaps('crash');
  expect(gaps).toHaveLength(1);
  const [gap] = gaps;
  expect(gap).toMatchObject({ connectionKey: 'crash', reason: CRASH_GAP_REASON });
  // Exactly the difference: every message the writer was handed is either stored or counted lost.
  expect(gap!.dropped).toBe(accepted - stored);
  expect(gap!.dropped).toBeGreaterThan(0);
  expect(history.report.lostInCrash).toBe(gap!.dropped);
  expect(gap!.fromTs).toBeLessThanOrEqual(gap!.toTs);
  expect(existsSync(ledgerPathFor(path))).toBe(false);
  console.log(`[figures] kill -9 at full rate: ${stored} committed, ${gap!.dropped} accepted but lost, recorded as a gap`);

  // A clean run and close: no new gap.
  history.append('crash', { direction: 'in', topic: 'after', payload: Buffer.from('x'), qos: 0, retain: false, dup: false, timestamp: Date.now() });
  await history.close();
  expect(existsSync(ledgerPathFor(path))).toBe(false);
  const again = await createHistory({ path, backgroundCheck: false });
  expect(await again.gaps('crash')).toHaveLength(1);
  expect(again.report.lostInCrash).toBe(0);
  await again.close();
}, 60_000);
