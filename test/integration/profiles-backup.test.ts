import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { listProfileBackups } from '../../main/core/profiles/profile-backups';

let dataDir: string;
const cores: WorkbenchCore[] = [];
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-profiles-backup-'));
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
  rmSync(dataDir, { recursive: true, force: true });
});

function openCore(options: { delayMs?: number; keep?: number } = {}) {
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir, profileBackups: { delayMs: 0, ...options } });
  cores.push(core);
  const call = async (channel: string, input: unknown) => {
    const result = await core.dispatcher.handle(channel as never, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as never;
  };
  return { core, call };
}

const options = { protocol: 'mqtt', host: '127.0.0.1', port: 1883 };
const backupsFolder = () => join(dataDir, 'backups');

async function closeCore(core: WorkbenchCore): Promise<void> {
  cores.splice(cores.indexOf(core), 1);
  await core.close(); // takes the backup a change is waiting for
}

it('keeps rolling backups of profiles.db: one after changes, the newest N kept, each 0600', async () => {
  const { core, call } = openCore({ keep: 3, delayMs: 60_000 });
  for (let i = 0; i < 5; i++) await call('profiles.save', { name: `p${i}`, folder: '', options });
  await closeCore(core);
  const backups = listProfileBackups(backupsFolder());
  // Changes within the delay share one backup; close took the pending one.
  expect(backups).toHaveLength(1);
  for (const backup of backups) expect(statSync(backup.path).mode & 0o777).toBe(0o600);

  // Each run with a change adds one; beyond `keep` the oldest go.
  for (let run = 0; run < 4; run++) {
    const again = openCore({ keep: 3, delayMs: 60_000 });
    await again.call('profiles.save', { name: `run${run}`, folder: '', options });
    await closeCore(again.core);
  }
  const kept = listProfileBackups(backupsFolder());
  expect(kept).toHaveLength(3);
  expect(readdirSync(backupsFolder()).filter((name) => name.startsWith('profiles-'))).toHaveLength(3);
  // Newest first, and the newest holds the last change.
  expect(kept[0]!.takenAt).toBeGreaterThanOrEqual(kept[1]!.takenAt);
});

it('restores a damaged profiles.db from the newest backup, keeps the damaged file, and says so', async () => {
  const first = openCore();
  for (const name of ['Plant', 'Lab', 'Home']) await first.call('profiles.save', { name, folder: 'f', options });
  await closeCore(first.core);
  const [backup] = listProfileBackups(backupsFolder());
  expect(backup).toBeDefined();

  // Garbage over the middle of the file (page-aligned, past the header and schema page).
  const path = join(dataDir, 'profiles.db');
  const size = statSync(path).size;
  const fd = openSync(path, 'r+');
  const garbage = Buffer.alloc(Math.min(64 * 1024, size - 4096), 0xa5);
  writeSync(fd, garbage, 0, garbage.length, Math.max(4096, Math.floor(size / 2 / 4096) * 4096));
  closeSync(fd);

  const second = openCore();
  const { report } = (await second.call('profiles.recovery', {})) as { report: Record<string, unknown> | null };
  expect(report).toMatchObject({ restoredFrom: backup!.path, backupTakenAt: backup!.takenAt, profiles: 3 });
  expect(existsSync(report!.movedTo as string)).toBe(true);
  expect(report!.movedTo).toMatch(/profiles\.db\.corrupt-/);
  const { profiles } = (await second.call('profiles.list', {})) as { profiles: { name: string }[] };
  expect(profiles.map((p) => p.name).sort()).toEqual(['Home', 'Lab', 'Plant']);
  expect(statSync(path).mode & 0o777).toBe(0o600);
});

it('without a backup, a damaged profiles.db is still moved aside and reported (restoredFrom null)', async () => {
  const first = openCore();
  await first.call('profiles.save', { name: 'Only', folder: '', options });
  await closeCore(first.core);
  rmSync(backupsFolder(), { recursive: true, force: true });
  const path = join(dataDir, 'profiles.db');
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0); // the header: not a database any more
  closeSync(fd);
  const second = openCore();
  const { report } = (await second.call('profiles.recovery', {})) as { report: Record<string, unknown> | null };
  expect(report).toMatchObject({ restoredFrom: null, backupTakenAt: null, profiles: 0 });
  expect(existsSync(report!.movedTo as string)).toBe(true);
});
