import mqtt from 'mqtt';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresHistoryStore } from '../../main/core/history/postgres';
import { type RunningCli, startCli } from '../support/cli-process';
import { useMosquitto, usePostgres } from '../support/fixtures';
import { waitFor } from '../support/wait-for';

/**
 * `mqtt-workbench record` (the built CLI, a real child process) between a real mosquitto and a real
 * PostgreSQL: killed with SIGKILL mid-capture and restarted, and with the database stopped under it.
 */
// mosquitto queues at most 1,000 messages for an offline session by default and drops the rest.
const mosquitto = useMosquitto({ extraConfig: ['max_queued_messages 100000'] });
const cluster = usePostgres();
const running: RunningCli[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cli of running.splice(0)) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<{ url: string; query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> }> {
  const db = await cluster.createDatabase();
  const client = new pg.Client({ connectionString: db.url });
  // Stopping the cluster cuts this connection too: expected, not a failure of the test.
  client.on('error', () => undefined);
  let connected = false;
  cleanups.push(async () => {
    if (connected) await client.end().catch(() => undefined);
    await db.drop();
  });
  return {
    url: db.url,
    async query<T extends pg.QueryResultRow>(sql: string) {
      if (!connected) {
        await client.connect();
        connected = true;
      }
      return (await client.query<T>(sql)).rows;
    },
  };
}

function record(args: string[]): RunningCli {
  const cli = startCli(['record', '--url', `mqtt://127.0.0.1:${mosquitto.port}`, ...args]);
  running.push(cli);
  return cli;
}

/** Payloads (sequence numbers) stored on `topic`, one per row; 0 rows while the schema does not exist yet. */
async function storedSeqs(db: Awaited<ReturnType<typeof database>>, topic: string): Promise<number[]> {
  try {
    const rows = await db.query<{ p: string }>(`SELECT convert_from(m.payload, 'UTF8') AS p FROM messages m JOIN topics t ON t.id = m.topic_id WHERE t.name = '${topic}'`);
    return rows.map((row) => Number(row.p));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return [];
    throw error;
  }
}

describe('mqtt-workbench record into PostgreSQL', () => {
  it('kill -9 during a QoS 1 capture with --durable and a persistent session: after a restart every message the publisher had acknowledged is stored, at least once', async () => {
    const db = await database();
    const args = ['-t', 'rec/#', '-q', '1', '--client-id', 'recorder-durable', '--clean', 'false', '--session-expiry', '3600', '--durable', '--heartbeat', '1', '--store', db.url];
    const first = record(args);
    await first.waitForLine(/ recording 1 connection\(s\)/, 'stdout', 30_000);

    const TOTAL = 3000;
    const acknowledged: number[] = [];
    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { clientId: 'recorder-publisher', protocolVersion: 5 });
    cleanups.push(() => publisher.endAsync());
    const publishing = (async () => {
      for (let next = 0; next < TOTAL; ) {
        const batch: Promise<unknown>[] = [];
        for (let i = 0; i < 50 && next < TOTAL; i++, next++) {
          const seq = next;
          batch.push(publisher.publishAsync('rec/seq', String(seq), { qos: 1 }).then(() => acknowledged.push(seq)));
        }
        await Promise.all(batch);
      }
    })();
    // Killed mid-stream: some committed, some received and not yet committed (never acknowledged).
    await waitFor(async () => (await storedSeqs(db, 'rec/seq')).length >= 500, '500 stored rows', 30_000);
    first.child.kill('SIGKILL');
    await first.done;
    expect((await storedSeqs(db, 'rec/seq')).length).toBeLessThan(TOTAL);

    await publishing;
    expect(acknowledged).toHaveLength(TOTAL);
    // The same client id and session: the broker delivers what was never acknowledged, and what it queued meanwhile.
    const second = record(args);
    await second.waitForLine(/ connected.*session resumed/, 'stdout', 30_000);
    await waitFor(async () => new Set(await storedSeqs(db, 'rec/seq')).size >= TOTAL, `all ${TOTAL} acknowledged messages stored`, 60_000);
    second.child.kill('SIGTERM');
    const result = await second.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ stopped \d+ message\(s\) written/);

    const stored = await storedSeqs(db, 'rec/seq');
    const distinct = new Set(stored);
    expect(acknowledged.filter((seq) => !distinct.has(seq))).toEqual([]);
    // At least once, not exactly once: a batch committed just before the kill, whose acknowledgements
    // never went out, is delivered again by the broker and stored twice.
    expect(stored.length).toBeGreaterThanOrEqual(TOTAL);
    expect(distinct.size).toBe(TOTAL);
    // Heartbeat rows of both runs, on the $ topic a '#' search leaves out.
    const beats = await db.query<{ p: string }>("SELECT convert_from(m.payload, 'UTF8') AS p FROM messages m JOIN topics t ON t.id = m.topic_id WHERE t.name = '$workbench/heartbeat'");
    expect(beats.length).toBeGreaterThanOrEqual(2);
    expect(beats.map((b) => (JSON.parse(b.p) as { status: string }).status)).toContain('connected');
  }, 180_000);

  it('PostgreSQL stopped mid-capture and started again: the recorder logs it, resumes, and the lost write is a recorded gap', async () => {
    const db = await database();
    const recorder = record(['-t', 'out/#', '-q', '0', '--heartbeat', '0', '--store', db.url]);
    await recorder.waitForLine(/ recording 1 connection\(s\)/, 'stdout', 30_000);
    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquitto.port}`, { clientId: 'outage-publisher' });
    cleanups.push(() => publisher.endAsync());
    let next = 0;
    const producer = setInterval(() => {
      for (let i = 0; i < 5; i++) publisher.publish('out/seq', String(next++), { qos: 0 });
    }, 5);
    cleanups.push(() => Promise.resolve(clearInterval(producer)));

    await waitFor(async () => (await storedSeqs(db, 'out/seq')).length >= 100, '100 stored rows', 30_000);
    await cluster.pause();
    await recorder.waitForLine(/ store-down /, 'stdout', 30_000);
    const publishedWhileDown = next;
    await waitFor(() => next > publishedWhileDown + 100, 'messages published while the database is down');
    await cluster.resume();
    await recorder.waitForLine(/ store-back /, 'stdout', 30_000);
    const gapLine = await recorder.waitForLine(/ gap-recorded /, 'stdout', 30_000);
    expect(gapLine).toMatch(/message\(s\) on .*the history database connection was lost/);
    // The database client of this test was cut too: it reconnects for the count.
    const store = await openPostgresHistoryStore({ connectionString: db.url });
    cleanups.push(() => store.close());
    const resumedAt = next;
    const newest = async () => {
      const [message] = (await store.page({ query: { topicFilter: 'out/seq' }, limit: 1 })).messages;
      return message ? Number(new TextDecoder().decode(message.payload)) : -1;
    };
    await waitFor(async () => (await newest()) > resumedAt, 'rows published after the database came back', 30_000);
    clearInterval(producer);
    recorder.child.kill('SIGTERM');
    const result = await recorder.done;
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const lost = (await store.gaps()).filter((g) => g.reason.startsWith('the history database connection was lost'));
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.reduce((n, g) => n + g.dropped, 0)).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/ stopped \d+ message\(s\) written, 0 dropped, [1-9]\d* failed/);
  }, 120_000);
});
