import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, expect, it } from 'vitest';
import { createHistory } from '../../main/core/history';
import { startCli } from '../support/cli-process';
import { useMosquitto } from '../support/fixtures';
import { startMosquitto } from '../support/mosquitto';
import { freePort } from '../support/free-port';
import { waitFor } from '../support/wait-for';

// `mqtt-workbench record --store PATH.db`: the same recorder into the app's own SQLite history file.
const mosquitto = useMosquitto();
const scratch = mkdtempSync(join(tmpdir(), 'recorder-sqlite-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Rows stored on `lite/...` topics, read through WAL beside the running recorder. */
function storedCount(path: string): number {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM messages m JOIN topics t ON t.id = m.topic_id WHERE t.name LIKE 'lite/%'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet
  }
}

it('records into a SQLite history file, with a label, heartbeat rows and a clean exit on SIGTERM', async () => {
  const path = join(scratch, 'capture.db');
  const recorder = startCli(['record', '--url', `mqtt://127.0.0.1:${mosquitto.port}`, '-t', 'lite/#', '--heartbeat', '1', '--store', path, '--json']);
  await recorder.waitForLine(/"event":"recording"/, 'stdout', 30_000);
  const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { clientId: 'lite-publisher' });
  try {
    for (let i = 0; i < 20; i++) await publisher.publishAsync(`lite/${i % 2}`, `v${i}`, { qos: 1 });
  } finally {
    await publisher.endAsync();
  }
  await waitFor(() => storedCount(path) === 20, '20 stored rows', 20_000);
  recorder.child.kill('SIGTERM');
  const result = await recorder.done;
  expect(result.code, result.stdout + result.stderr).toBe(0);
  const events = result.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { event: string }).event);
  expect(events).toEqual(expect.arrayContaining(['connected', 'recording', 'stopping', 'stopped']));

  const history = await createHistory({ path, backgroundCheck: false });
  try {
    expect(await history.count({ topicFilter: 'lite/#' })).toBe(20);
    const [connection] = await history.connections();
    expect(connection).toMatchObject({ key: expect.stringMatching(/^endpoint:/) as string, label: `127.0.0.1:${mosquitto.port}` });
    const beats = (await history.page({ query: { topicFilter: '$workbench/heartbeat' } })).messages;
    expect(beats.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(new TextDecoder().decode(beats[0]!.payload))).toMatchObject({ status: 'connected' });
    // '#' leaves the $ topic out [MQTT-4.7.2-1]: a search of the capture shows only its traffic.
    expect(await history.count({ topicFilter: '#' })).toBe(20);
  } finally {
    await history.close();
  }
}, 60_000);

it('a broker that goes away: logged as reconnecting, heartbeat rows say so, and recording resumes when it is back', async () => {
  const port = await freePort();
  let broker = await startMosquitto({ port });
  const path = join(scratch, 'outage.db');
  const recorder = startCli(['record', '--url', `mqtt://127.0.0.1:${port}`, '-t', 'lite/#', '--heartbeat', '1', '--store', path]);
  try {
    await recorder.waitForLine(/ recording 1 connection/, 'stdout', 30_000);
    await broker.stop();
    await recorder.waitForLine(/ reconnecting /, 'stdout', 30_000);
    // A heartbeat written while the broker is away says so.
    await waitFor(() => {
      const db = new Database(path, { readonly: true });
      try {
        const rows = db.prepare("SELECT CAST(m.payload AS TEXT) AS p FROM messages m JOIN topics t ON t.id = m.topic_id WHERE t.name = '$workbench/heartbeat'").all() as { p: string }[];
        return rows.some((row) => (JSON.parse(row.p) as { status: string }).status === 'reconnecting');
      } finally {
        db.close();
      }
    }, 'a heartbeat row with status reconnecting', 20_000);
    broker = await startMosquitto({ port });
    const connectedAgain = () => recorder.stdout.split('\n').filter((line) => / connected /.test(line)).length >= 2;
    await waitFor(connectedAgain, 'the recorder connected again', 60_000);
    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'lite-after' });
    await publisher.publishAsync('lite/after', 'back', { qos: 1 });
    await publisher.endAsync();
    await waitFor(() => {
      const db = new Database(path, { readonly: true });
      try {
        return (db.prepare("SELECT count(*) AS n FROM topics WHERE name = 'lite/after'").get() as { n: number }).n > 0 && storedCount(path) === 1;
      } finally {
        db.close();
      }
    }, 'the message published after the broker came back', 20_000);
    recorder.child.kill('SIGTERM');
    expect((await recorder.done).code).toBe(0);
  } finally {
    if (recorder.child.exitCode === null) recorder.child.kill('SIGKILL');
    await broker.stop();
  }
}, 120_000);
