/**
 * History's source (issue 18): this computer or a team PostgreSQL database, switched at runtime
 * through the contract. A real core on a real data folder, a real mosquitto feeding it, and a
 * throwaway PostgreSQL cluster read back with its own client.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../shared/contract';
import { type CoreHarness, createCoreHarness, waitFor } from '../support/core-harness';
import { useMosquitto, usePostgres } from '../support/fixtures';
import { runMosquittoPub } from '../support/mosquitto';

const broker = useMosquitto();
const cluster = usePostgres();

let dataDir: string;
let harness: CoreHarness;
const sourceEvents: EventPayload<'history.sourceChanged'>[] = [];
const PASSWORD = 'a-team-secret-8e1f';

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-history-source-'));
  harness = createCoreHarness({ dataDir });
  harness.core.events.subscribe((channel, payload) => {
    if (channel === 'history.sourceChanged') sourceEvents.push(payload as EventPayload<'history.sourceChanged'>);
  });
});
afterAll(async () => {
  await harness?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const pub = async (topic: string, message: string) => {
  const result = await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', topic, '-m', message]);
  expect(result.code, result.stderr).toBe(0);
};
const stored = async (topicFilter: string) => (await harness.call('history.count', { query: { topicFilter, direction: 'in' } })).count;

async function rowsIn(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('History source: this computer or a team PostgreSQL database', () => {
  it('starts on this computer; a switch to a team database stores and queries there, keeps the password encrypted, and switches back', async () => {
    expect(await harness.call('history.getSource', {})).toEqual({ kind: 'local' });
    const database = await cluster.createDatabase();
    const connectionId = (await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port })).connectionId;
    await harness.call('messages.subscribe', { connectionId, filter: 'team/#', qos: 1 });
    await pub('team/local', 'kept on this computer');
    await waitFor(async () => (await stored('team/#')) === 1, 'the local message stored', 15_000);

    const test = await harness.call('history.testSource', { kind: 'postgres', url: database.url, password: PASSWORD, tls: { mode: 'disable' } });
    expect(test).toMatchObject({ ok: true, canWrite: true, timescaleDb: expect.stringMatching(/^(installed|available|absent)$/) });
    expect(test.serverVersion).toMatch(/^\d+/);

    const view = await harness.call('history.setSource', { kind: 'postgres', url: database.url, password: PASSWORD, tls: { mode: 'disable' } });
    expect(view).toMatchObject({ kind: 'postgres', url: database.url, tls: { mode: 'disable', hasCa: false }, hasPassword: true, state: 'connected' });
    expect(sourceEvents.at(-1)).toMatchObject({ kind: 'postgres', state: 'connected' });
    // The password is never sent back, and never written in clear.
    const got = await harness.call('history.getSource', {});
    expect(JSON.stringify(got)).not.toContain(PASSWORD);
    const file = join(dataDir, 'history-source.json');
    expect(readFileSync(file, 'utf8')).not.toContain(PASSWORD);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ source: { kind: 'postgres', url: database.url, passwordCiphertext: expect.any(String) } });
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    // The role may write here: once the probe ran, the view says so.
    await waitFor(async () => ((await harness.call('history.getSource', {})) as { readOnly?: boolean }).readOnly === false, 'the role probed', 10_000);

    // Every history.* channel now serves from the team database: the local message is not there.
    expect(await stored('team/#')).toBe(0);
    await pub('team/shared', 'in the team database');
    await waitFor(async () => (await stored('team/#')) === 1, 'the message stored in PostgreSQL', 15_000);
    const page = await harness.call('history.query', { query: { topicFilter: 'team/#' } });
    expect(page.messages.map((m) => [m.topic, new TextDecoder().decode(m.payload)])).toEqual([['team/shared', 'in the team database']]);
    // Read back with PostgreSQL's own client: the row is in the database, under the connection's label.
    expect(await rowsIn(database.url, `SELECT convert_from(payload, 'UTF8') AS text FROM messages`)).toEqual([{ text: 'in the team database' }]);
    expect((await harness.call('history.connections', {})).connections.map((c) => c.label)).toEqual([`127.0.0.1:${broker.port}`]);
    // What only this computer's history file has is refused clearly.
    const backup = await harness.attempt('history.backup', {});
    expect(backup.ok ? null : backup.error.code).toBe('HISTORY_UNSUPPORTED');
    expect((await harness.attempt('history.backups', {})).ok).toBe(false);
    const status = await harness.call('history.status', {});
    expect(status).toMatchObject({ enabled: true, totalMessages: 1 });
    expect(status.path).toBeUndefined();

    // Back to this computer: the local history is where it was.
    expect(await harness.call('history.setSource', { kind: 'local' })).toEqual({ kind: 'local' });
    expect(await stored('team/#')).toBe(1);
    expect((await harness.call('history.query', { query: { topicFilter: 'team/#' } })).messages[0]!.topic).toBe('team/local');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, source: { kind: 'local' } });
    await harness.call('connections.disconnect', { connectionId });
    await database.drop();
  });

  it('refuses a URL with a password inside, telling the user to put it in the password field', async () => {
    for (const url of ['postgres://alice:secret@127.0.0.1:5432/db', 'postgresql://127.0.0.1/db?user=alice&password=secret']) {
      const result = await harness.attempt('history.setSource', { kind: 'postgres', url, tls: { mode: 'disable' } });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_REQUEST');
        expect(result.error.details?.[0]?.message).toMatch(/password field/);
      }
    }
    const notPostgres = await harness.attempt('history.setSource', { kind: 'postgres', url: 'mysql://db/x', tls: { mode: 'disable' } });
    expect(notPostgres.ok ? null : notPostgres.error.details?.[0]?.message).toMatch(/postgres:\/\//);
    expect(await harness.call('history.getSource', {})).toEqual({ kind: 'local' });
  });

  it('a team database that cannot be reached is refused and History stays where it was', async () => {
    const url = `postgres://postgres@127.0.0.1:${cluster.port}/no_such_database_here`;
    const result = await harness.attempt('history.setSource', { kind: 'postgres', url, tls: { mode: 'disable' } });
    expect(result.ok ? null : result.error).toMatchObject({ code: 'HISTORY_UNAVAILABLE', message: expect.stringContaining('History stays where it was') });
    expect(await harness.call('history.getSource', {})).toEqual({ kind: 'local' });
    expect(await harness.call('history.testSource', { kind: 'postgres', url, tls: { mode: 'disable' } })).toMatchObject({ ok: false, error: expect.stringContaining('no_such_database_here') });
  });

  it('a read-only role browses the team capture; a delete answers a clear read-only failure', async () => {
    const database = await cluster.createDatabase();
    // A writer creates the schema and stores a message, as a recorder would.
    await harness.call('history.setSource', { kind: 'postgres', url: database.url, tls: { mode: 'disable' } });
    const connectionId = (await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port })).connectionId;
    await harness.call('messages.subscribe', { connectionId, filter: 'ro/#', qos: 1 });
    await pub('ro/a', 'captured');
    await waitFor(async () => (await stored('ro/#')) === 1, 'the message stored in PostgreSQL', 15_000);
    await harness.call('connections.disconnect', { connectionId });
    const role = `reader_${process.pid}`;
    await rowsIn(
      database.url,
      `DROP ROLE IF EXISTS ${role}; CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}; GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    );
    const readerUrl = database.url.replace('postgres@', `${role}@`);
    expect(await harness.call('history.testSource', { kind: 'postgres', url: readerUrl, tls: { mode: 'disable' } })).toMatchObject({ ok: true, canWrite: false });

    await harness.call('history.setSource', { kind: 'postgres', url: readerUrl, tls: { mode: 'disable' } });
    await waitFor(() => (sourceEvents.at(-1) as { readOnly?: boolean } | undefined)?.readOnly === true, 'the read-only role reported', 10_000);
    expect(await harness.call('history.getSource', {})).toMatchObject({ kind: 'postgres', readOnly: true, state: 'connected' });
    expect(await stored('ro/#')).toBe(1);
    const key = (await harness.call('history.connections', {})).connections[0]!.key;
    const cleared = await harness.attempt('history.clear', { connectionKey: key });
    expect(cleared.ok ? null : cleared.error).toEqual({ code: 'HISTORY_READ_ONLY', message: expect.stringContaining('Read-only role: you can browse, not delete'), params: {} });
    expect(await stored('ro/#')).toBe(1);

    await harness.call('history.setSource', { kind: 'local' });
    await rowsIn(database.url, `DROP OWNED BY ${role}; DROP ROLE ${role}`);
    await database.drop();
  });

  it('the password reaches PostgreSQL (a role that must give one), and a restart opens the saved team database again with it decrypted from the data folder', async () => {
    const database = await cluster.createDatabase();
    // A role the server asks a password of (SCRAM), owning the database so it can create the schema.
    const role = `team_pw_${process.pid}`;
    await rowsIn(cluster.url(), `CREATE ROLE ${role} LOGIN PASSWORD '${PASSWORD}'; ALTER DATABASE ${database.name} OWNER TO ${role}`);
    const [{ hba_file: hbaFile }] = (await rowsIn(cluster.url(), 'SHOW hba_file')) as [{ hba_file: string }];
    writeFileSync(hbaFile, `host all ${role} 127.0.0.1/32 scram-sha-256\n${readFileSync(hbaFile, 'utf8')}`);
    await rowsIn(cluster.url(), 'SELECT pg_reload_conf()');
    const url = database.url.replace('postgres@', `${role}@`);
    const folder = mkdtempSync(join(tmpdir(), 'wb-history-source-restart-'));
    try {
      const first = createCoreHarness({ dataDir: folder });
      const wrong = await first.attempt('history.setSource', { kind: 'postgres', url, password: 'not-it', tls: { mode: 'disable' } });
      expect(wrong.ok ? null : wrong.error).toMatchObject({ code: 'HISTORY_UNAVAILABLE', message: expect.stringMatching(/password authentication failed/) });
      expect(await first.call('history.testSource', { kind: 'postgres', url, password: PASSWORD, tls: { mode: 'disable' } })).toMatchObject({ ok: true, canWrite: true });
      await first.call('history.setSource', { kind: 'postgres', url, password: PASSWORD, tls: { mode: 'disable' } });
      // Omitted: the stored password is kept (and used by a Test of the same URL).
      expect(await first.call('history.testSource', { kind: 'postgres', url, tls: { mode: 'disable' } })).toMatchObject({ ok: true });
      const connectionId = (await first.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port })).connectionId;
      await first.call('messages.subscribe', { connectionId, filter: 'restart/#', qos: 1 });
      await pub('restart/a', 'before the restart');
      await waitFor(async () => (await first.call('history.count', { query: { topicFilter: 'restart/#' } })).count === 1, 'stored before the restart', 15_000);
      await first.close();
      expect(readFileSync(join(folder, 'history-source.json'), 'utf8')).not.toContain(PASSWORD);

      const again = createCoreHarness({ dataDir: folder });
      const changes: EventPayload<'history.sourceChanged'>[] = [];
      again.core.events.subscribe((channel, payload) => {
        if (channel === 'history.sourceChanged') changes.push(payload as EventPayload<'history.sourceChanged'>);
      });
      try {
        // While the store opens, History says it is connecting; queries wait for it.
        expect(await again.call('history.getSource', {})).toMatchObject({ kind: 'postgres', url, hasPassword: true, state: 'connecting' });
        expect((await again.call('history.count', { query: { topicFilter: 'restart/#' } })).count).toBe(1);
        expect(await again.call('history.getSource', {})).toMatchObject({ kind: 'postgres', state: 'connected' });
        expect(changes[0]).toMatchObject({ kind: 'postgres', state: 'connected' });
      } finally {
        await again.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await database.drop();
    }
  });

  it('a saved team database that is down at start: History says why, and "this computer" still works', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'wb-history-source-down-'));
    const url = `postgres://postgres@127.0.0.1:${cluster.port}/gone_${process.pid}`;
    writeFileSync(join(folder, 'history-source.json'), JSON.stringify({ version: 1, source: { kind: 'postgres', url, tls: { mode: 'disable' } } }), { mode: 0o600 });
    const core = createCoreHarness({ dataDir: folder });
    try {
      const status = await core.call('history.status', {});
      expect(status).toMatchObject({ enabled: false, error: expect.stringContaining(`gone_${process.pid}`) });
      expect(await core.call('history.getSource', {})).toMatchObject({ kind: 'postgres', url, state: 'failed', error: expect.stringContaining(`gone_${process.pid}`) });
      const query = await core.attempt('history.query', {});
      expect(query.ok ? null : query.error).toMatchObject({ code: 'HISTORY_UNAVAILABLE', message: expect.stringContaining(url) });
      expect(await core.call('history.setSource', { kind: 'local' })).toEqual({ kind: 'local' });
      expect(await core.call('history.status', {})).toMatchObject({ enabled: true, path: join(folder, 'history.db') });
    } finally {
      await core.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a damaged history-source.json is set aside and History stays on this computer', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'wb-history-source-damaged-'));
    writeFileSync(join(folder, 'history-source.json'), '{"version":1,"source":{"kind":"postgres","url":"postgres://a:b@h/db"', { mode: 0o600 });
    const core = createCoreHarness({ dataDir: folder });
    try {
      expect(await core.call('history.getSource', {})).toEqual({ kind: 'local' });
      expect(existsSync(join(folder, 'history-source.json.damaged'))).toBe(true);
      expect((await core.call('history.status', {})).enabled).toBe(true);
    } finally {
      await core.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('live: rows another workbench stores arrive as history.tail; the database going away and coming back shows as connecting, then connected', async () => {
    const database = await cluster.createDatabase();
    const folder = mkdtempSync(join(tmpdir(), 'wb-history-source-colleague-'));
    const colleague = createCoreHarness({ dataDir: folder });
    const tails: EventPayload<'history.tail'>[] = [];
    const stopTail = harness.core.events.subscribe((channel, payload) => {
      if (channel === 'history.tail') tails.push(payload as EventPayload<'history.tail'>);
    });
    try {
      await harness.call('history.setSource', { kind: 'postgres', url: database.url, tls: { mode: 'disable' } });
      await colleague.call('history.setSource', { kind: 'postgres', url: database.url, tls: { mode: 'disable' } });
      const theirs = (await colleague.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port })).connectionId;
      await colleague.call('messages.subscribe', { connectionId: theirs, filter: 'tail/#', qos: 1 });
      await pub('tail/a', 'stored by a colleague');
      const tail = await waitFor(() => tails.find((t) => t.count > 0), 'a tail event from the colleague', 15_000);
      expect(tail.connectionKeys).toHaveLength(1);
      expect(await stored('tail/#')).toBe(1);
      await colleague.call('connections.disconnect', { connectionId: theirs });

      const mine = (await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port })).connectionId;
      await harness.call('messages.subscribe', { connectionId: mine, filter: 'outage/#', qos: 1 });
      const seen = sourceEvents.length;
      await cluster.pause();
      try {
        await pub('outage/a', 'while the database is away');
        await waitFor(() => sourceEvents.slice(seen).find((e) => e.kind === 'postgres' && e.state === 'connecting'), 'the outage reported', 20_000);
        expect(await harness.call('history.getSource', {})).toMatchObject({ state: 'connecting', error: expect.stringMatching(/^Reconnecting: /) });
      } finally {
        await cluster.resume();
      }
      await waitFor(() => sourceEvents.slice(seen).find((e) => e.kind === 'postgres' && e.state === 'connected'), 'the database back', 30_000);
      expect(await harness.call('history.getSource', {})).not.toHaveProperty('error');
      await harness.call('connections.disconnect', { connectionId: mine });
    } finally {
      stopTail();
      await colleague.close();
      await harness.call('history.setSource', { kind: 'local' });
      rmSync(folder, { recursive: true, force: true });
      await database.drop();
    }
  }, 90_000);
});
