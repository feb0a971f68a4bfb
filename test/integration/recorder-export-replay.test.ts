import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { createHistory } from '../../main/core/history';
import { createPostgresHistory } from '../../main/core/history/postgres';
import { runCli } from '../support/cli-process';
import { useMosquitto, usePostgres } from '../support/fixtures';
import { message } from '../support/history-fixtures';
import { waitFor } from '../support/wait-for';

// `mqtt-workbench export` and `replay` (the built CLI) on what a recorder captured: PostgreSQL or a SQLite file.
const mosquitto = useMosquitto();
const cluster = usePostgres();
const scratch = mkdtempSync(join(tmpdir(), 'recorder-export-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const now = Date.now();
const captured = Array.from({ length: 12 }, (_, i) => message({ connectionKey: 'endpoint:plant', topic: `plant/${i % 3}/temp`, text: i === 7 ? 'ALARM high' : `t${i}`, timestamp: now - 60_000 + i * 10 }));

describe('mqtt-workbench export and replay', () => {
  it('exports a search from PostgreSQL as CSV and from a SQLite file as NDJSON', async () => {
    const database = await cluster.createDatabase();
    const team = await createPostgresHistory({ source: { url: database.url } });
    await team.describeConnection('endpoint:plant', 'Plant');
    for (const m of captured) team.append(m.connectionKey, m);
    await team.flush();
    await team.close();

    const csv = join(scratch, 'plant-1.csv');
    const fromPostgres = await runCli(['export', '--store', database.url, '-t', 'plant/1/+', '--since', '5m', '--format', 'csv', '-o', csv]);
    expect(fromPostgres.code, fromPostgres.stderr).toBe(0);
    expect(fromPostgres.stdout).toMatch(/^Exported 4 message\(s\) to /);
    const lines = readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines.slice(1).every((line) => line.includes('plant/1/temp') && line.includes('Plant'))).toBe(true);

    const path = join(scratch, 'local.db');
    const local = await createHistory({ path, backgroundCheck: false });
    for (const m of captured) local.append(m.connectionKey, m);
    await local.flush();
    await local.close();
    const ndjson = join(scratch, 'alarm.ndjson');
    const fromSqlite = await runCli(['export', '--store', path, '--text', 'alarm', '-o', ndjson]);
    expect(fromSqlite.code, fromSqlite.stderr).toBe(0);
    const records = readFileSync(ndjson, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { topic: string; payload: string });
    expect(records.map((r) => [r.topic, r.payload])).toEqual([['plant/1/temp', 'ALARM high']]);
    await database.drop();
  }, 60_000);

  it('replays a PostgreSQL search to a broker, oldest first, under a topic prefix', async () => {
    const database = await cluster.createDatabase();
    const team = await createPostgresHistory({ source: { url: database.url } });
    for (const m of captured) team.append(m.connectionKey, m);
    await team.flush();
    await team.close();

    const subscriber = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { clientId: 'replay-watcher' });
    const received: string[] = [];
    subscriber.on('message', (topic, payload) => received.push(`${topic} ${payload.toString()}`));
    await subscriber.subscribeAsync('replay/#', { qos: 1 });
    try {
      const result = await runCli(['replay', '--store', database.url, '-p', String(mosquitto.port), '-t', 'plant/0/#', '--fast', '--topic-prefix', 'replay/']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^Replay done: 4 of 4 message\(s\) published/);
      await waitFor(() => received.length === 4, 'the replayed messages');
      expect(received).toEqual(['replay/plant/0/temp t0', 'replay/plant/0/temp t3', 'replay/plant/0/temp t6', 'replay/plant/0/temp t9']);
    } finally {
      await subscriber.endAsync();
      await database.drop();
    }
  }, 60_000);
});
