import { chmodSync, closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createWorkbenchCore } from '../../main/core/create-core';

let dataDir: string;
let umask: number;
beforeEach(() => {
  // An existing, world-readable folder named by --data-dir, and the usual umask.
  dataDir = mkdtempSync(join(tmpdir(), 'wb-modes-'));
  chmodSync(dataDir, 0o755);
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dataDir, { recursive: true, force: true });
});

const mode = (file: string) => statSync(join(dataDir, file)).mode & 0o777;

it.runIf(process.platform !== 'win32')('creates every database, its -wal/-shm, backups and the secrets key readable by the user only (0600)', async () => {
  // A history.db left 0644 by an older version is tightened too.
  closeSync(openSync(join(dataDir, 'history.db'), 'w', 0o644));
  expect(mode('history.db')).toBe(0o644);
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  try {
    const call = async (channel: string, input: unknown) => {
      const result = await core.dispatcher.handle(channel as never, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
      return result.value;
    };
    await call('profiles.save', { name: 'p', folder: '', options: { protocol: 'mqtt', host: '127.0.0.1', port: 1883, password: 'secret' } });
    await call('history.status', {}); // history is open
    await call('history.backup', {});
    const files = readdirSync(dataDir).filter((name) => name !== 'backups' && name !== 'exports');
    for (const expected of ['history.db', 'history.db-wal', 'history.db-shm', 'history.db-fts', 'profiles.db', 'secrets.key']) expect(files).toContain(expected);
    for (const file of files) expect({ file, mode: mode(file).toString(8) }).toEqual({ file, mode: '600' });
    for (const file of readdirSync(join(dataDir, 'backups'))) expect({ file, mode: mode(join('backups', file)).toString(8) }).toEqual({ file, mode: '600' });
  } finally {
    await core.close();
  }
});
