import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorkbenchCore } from '../../main/core/create-core';
import type { RequestChannel, RequestOutput } from '../../shared/contract';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function withCore<T>(dataDir: string, run: (call: <C extends RequestChannel>(channel: C, input: unknown) => Promise<RequestOutput<C>>) => Promise<T>): Promise<T> {
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  try {
    return await run(async (channel, input) => {
      const result = await core.dispatcher.handle(channel, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as never;
    });
  } finally {
    await core.close();
  }
}

const CA = Uint8Array.from([0x2d, 0x2d, 0x2d, 0x00, 0xff]);

describe("profiles' stored format", () => {
  it('reads a profiles.db row written by the wire encoder (the format before its own), and writes the same spelling', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wb-profiles-format-'));
    dirs.push(dataDir);
    await withCore(dataDir, async (call) => call('profiles.list', {})); // creates profiles.db and its tables
    // Exactly what encodeFrame wrote for a profile with a CA certificate.
    const oldOptions = '{"protocol":"mqtts","host":"broker.example","port":8883,"protocolVersion":5,"tls":{"ca":[{"$bytes":"LS0tAP8="}]}}';
    const db = new Database(join(dataDir, 'profiles.db'));
    db.prepare("INSERT INTO profiles (id, name, folder, color, options, created_at, updated_at) VALUES ('old', 'Old TLS', '', NULL, ?, 1, 1)").run(oldOptions);
    db.close();

    await withCore(dataDir, async (call) => {
      const [profile] = (await call('profiles.list', {})).profiles;
      expect(profile).toMatchObject({ id: 'old', name: 'Old TLS', options: { host: 'broker.example', port: 8883, protocol: 'mqtts' } });
      expect([...profile!.options.tls!.ca![0]!]).toEqual([...CA]);
      const exported = JSON.parse((await call('profiles.export', { ids: ['old'] })).json) as { profiles: { options: { tls: { ca: unknown[] } } }[] };
      expect(exported.profiles[0]!.options.tls.ca).toEqual([{ $bytes: 'LS0tAP8=' }]);
      await call('profiles.save', { id: 'old', name: 'Old TLS', folder: '', options: { ...profile!.options, port: 8884 } });
    });

    const reopened = new Database(join(dataDir, 'profiles.db'), { readonly: true });
    const { options } = reopened.prepare("SELECT options FROM profiles WHERE id = 'old'").get() as { options: string };
    reopened.close();
    expect(JSON.parse(options)).toMatchObject({ port: 8884, tls: { ca: [{ $bytes: 'LS0tAP8=' }] } });
  });
});
