import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { urlOptions } from '../../main/cli/commands/record';
import { parseTime, queryOf } from '../../main/cli/commands/query-flags';
import { postgresHistoryOptions, postgresSource, shownStore } from '../../main/cli/commands/store-option';
import { runCli } from '../support/cli-process';

// What the recorder, export and replay make of their flags; the usage errors through the built CLI.
const scratch = mkdtempSync(join(tmpdir(), 'recorder-options-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('recorder flags', () => {
  it('keeps the database password out of the URL it logs and passes on: from the URL, PGPASSWORD or a file (the file wins)', () => {
    expect(postgresSource({ store: 'postgres://rec:s%40cret@db:5432/h' }, {})).toEqual({ url: 'postgres://rec@db:5432/h', password: 's@cret' });
    expect(postgresSource({ store: 'postgres://rec@db/h' }, { PGPASSWORD: 'from-env' })).toEqual({ url: 'postgres://rec@db/h', password: 'from-env' });
    const file = join(scratch, 'pw');
    writeFileSync(file, 'from-file\n');
    expect(postgresSource({ store: 'postgres://rec@db/h', storePasswordFile: file }, { PGPASSWORD: 'from-env' }).password).toBe('from-file');
    expect(postgresSource({ store: 'postgres://rec@db/h', storeTls: 'require' }, {}).tls).toEqual({ mode: 'require' });
    expect(shownStore({ store: 'postgres://rec:secret@db/h' })).toBe('postgres://rec@db/h');
  });

  it('--defer-text-index records today without its text index (a PostgreSQL store only)', async () => {
    expect(postgresHistoryOptions({ store: 'postgres://rec@db/h' }, {})).toEqual({ source: { url: 'postgres://rec@db/h' } });
    expect(postgresHistoryOptions({ store: 'postgres://rec@db/h', deferTextIndex: true }, {})).toEqual({ source: { url: 'postgres://rec@db/h' }, hotTextIndex: false });
    const onSqlite = await runCli(['record', '--url', 'mqtt://127.0.0.1:1', '--store', join(scratch, 'y.db'), '--defer-text-index']);
    expect(onSqlite.code).toBe(2);
    expect(onSqlite.stderr).toMatch(/--defer-text-index applies to a PostgreSQL store/);
  });

  it('reads broker URLs with their scheme, default port, credentials and WebSocket path', () => {
    expect(urlOptions('mqtt://broker')).toEqual({ protocol: 'mqtt', host: 'broker', port: 1883 });
    expect(urlOptions('mqtts://u:p%20w@broker:9999')).toEqual({ protocol: 'mqtts', host: 'broker', port: 9999, username: 'u', password: 'p w' });
    expect(urlOptions('ws://broker/ws')).toEqual({ protocol: 'ws', host: 'broker', port: 8083, path: '/ws' });
    expect(urlOptions('wss://[::1]')).toMatchObject({ protocol: 'wss', host: '::1', port: 8084, path: '/mqtt' });
    expect(() => urlOptions('http://broker')).toThrow(/scheme must be mqtt/);
  });

  it('reads query times as ISO, ms since the epoch or an age', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(parseTime('30m', '--since', now)).toBe(now - 30 * 60_000);
    expect(parseTime('7d', '--since', now)).toBe(now - 7 * 86_400_000);
    expect(parseTime('1700000000000', '--since', now)).toBe(1_700_000_000_000);
    expect(parseTime('2026-01-01T00:00:00Z', '--since', now)).toBe(Date.UTC(2026, 0, 1));
    expect(() => parseTime('yesterday', '--since', now)).toThrow(/not a time/);
    expect(queryOf({ topic: 'a/#', qos: ['1', '2'], direction: 'in', retained: true, text: 'x' })).toEqual({ topicFilter: 'a/#', qos: [1, 2], direction: 'in', retain: true, text: 'x' });
  });

  it('refuses, as usage errors (exit 2): no broker, no store, a persistent session without a client id', async () => {
    const noBroker = await runCli(['record', '--store', join(scratch, 'x.db')]);
    expect(noBroker.code).toBe(2);
    expect(noBroker.stderr).toMatch(/--profile NAME or --url/);
    const noStore = await runCli(['record', '--url', 'mqtt://127.0.0.1:1']);
    expect(noStore.code).toBe(2);
    expect(noStore.stderr).toMatch(/--store/);
    const noClientId = await runCli(['record', '--url', 'mqtt://127.0.0.1:1', '--clean', 'false', '--store', join(scratch, 'x.db')]);
    expect(noClientId.code).toBe(2);
    expect(noClientId.stderr).toMatch(/persistent session .* needs a fixed --client-id/);
  });
});
