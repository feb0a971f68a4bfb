/**
 * Team history (issue 18), end to end: two built hosts with different data folders, each in its own
 * Chromium page, point History at the same PostgreSQL database through the Source dialog. The first
 * test has the built recorder (`mqtt-workbench record`, a child process) capture a real mosquitto's
 * traffic while both workbenches only browse, as the issue words it. The second has one workbench
 * capture (a connection subscribing); both History views show the same
 * search results, and what is captured later appears in the other's list by itself (live tail); the
 * other replays that search to the broker, received by mosquitto_sub; on a read-only role it
 * browses with a badge and no Delete. Fails on any console error, page error or CSP violation.
 */
import pg from 'pg';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../support/fixtures';
import { type RunningCli, startCli } from '../support/cli-process';
import { type HostProcess, startHostProcess } from '../support/host-process';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { UI_TIMEOUT, closeConnections, connected, messageRow, openWorkbench, screenshots, subscribe, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const mosquitto = useMosquitto();
const cluster = usePostgres();
const session = useWorkbenchSession();

const TEST_TIMEOUT = 120_000;

const MESSAGES: [topic: string, payload: string][] = [
  ['team/line1/temp', 'first 21.5'],
  ['team/line2/temp', 'second 19.0'],
  ['team/line1/pressure', 'third 1013'],
];

const hosts: HostProcess[] = [];

/** One statement batch on the team database, as its administrator. */
async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
let screenshotTaken = false;
let recorder: RunningCli | undefined;
afterAll(async () => {
  if (recorder && recorder.child.exitCode === null && recorder.child.signalCode === null) recorder.child.kill('SIGKILL');
  for (const host of hosts) await host.stop();
});

async function publishAll(port: number, messages: [topic: string, payload: string][]): Promise<void> {
  for (const [topic, payload] of messages) {
    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-t', topic, '-m', payload, '-q', '1', '-V', '5']);
    expect(pub.code, pub.stderr).toBe(0);
  }
}

/** Points the page's History at the team database through the Source dialog: Test, then use it. */
async function useTeamDatabase(page: Page, url: string): Promise<void> {
  await page.getByTestId('view-history').click();
  await page.getByTestId('history-view').waitFor({ timeout: UI_TIMEOUT });
  await page.locator('[data-testid="history-source"][data-kind="local"]').waitFor({ timeout: UI_TIMEOUT });
  await page.getByTestId('history-source-team').click();
  const dialog = page.getByTestId('history-source-dialog');
  await dialog.waitFor({ timeout: UI_TIMEOUT });
  // A password inside the URL is refused before anything is sent.
  await dialog.getByTestId('history-source-url').fill(url.replace('postgres@', 'postgres:secret@'));
  await dialog.getByTestId('history-source-test').click();
  expect(await dialog.getByTestId('history-source-url-problem').textContent()).toMatch(/password field/);
  await dialog.getByTestId('history-source-url').fill(url);
  await dialog.getByTestId('history-source-test').click();
  const result = dialog.locator('[data-testid="history-source-test-result"][data-ok="true"]');
  await result.waitFor({ timeout: UI_TIMEOUT });
  expect(await result.getAttribute('data-can-write')).toBe('true');
  expect(await result.textContent()).toMatch(/^Connected: PostgreSQL \d+/);
  if (!screenshotTaken) await screenshots(page, 'history-team-source');
  screenshotTaken = true;
  await dialog.getByTestId('history-source-save').click();
  await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  await page.locator('[data-testid="history-source"][data-kind="postgres"][data-state="connected"]').waitFor({ timeout: UI_TIMEOUT });
  expect(await page.getByTestId('history-source-current').textContent()).toContain(url);
}

/** Searches until the count says `expected` (the capture is written in batches), then the rows' topics. */
async function searchUntil(page: Page, topicFilter: string, expected: number): Promise<string[]> {
  await page.getByTestId('history-topic').fill(topicFilter);
  await waitUntil(async () => {
    await page.getByTestId('history-search').click();
    await page.getByTestId('history-count').waitFor({ timeout: UI_TIMEOUT });
    return (await page.getByTestId('history-count').getAttribute('data-count')) === String(expected);
  });
  return page.getByTestId('history-row-topic').allTextContents();
}

describe('Team history on PostgreSQL in Chromium: two workbenches, one database', { timeout: TEST_TIMEOUT }, () => {
  it('the recorder (mqtt-workbench record) captures mosquitto traffic; two browsing workbenches with their own data folders see the same search results, new captures appear live, and one replays the search to the broker', async () => {
    const database = await cluster.createDatabase();
    recorder = startCli(['record', '--url', `mqtt://127.0.0.1:${mosquitto.port}`, '-t', '#', '-q', '1', '--heartbeat', '0', '--store', database.url]);
    // Its subscriptions are made before it says it is recording: nothing published after is missed.
    await recorder.waitForLine(/ recording 1 connection\(s\)/, 'stdout', 30_000);
    const fleet: [topic: string, payload: string][] = [
      ['fleet/a/temp', 'a 20.1'],
      ['fleet/b/temp', 'b 22.4'],
      ['fleet/a/door', 'open'],
    ];
    await publishAll(mosquitto.port, fleet);

    const [one, two] = await Promise.all([startHostProcess(), startHostProcess()]);
    hosts.push(one, two);
    expect(one.dataDir).not.toBe(two.dataDir);
    const { page: first } = await openWorkbench(session.browser, one.url, session.opened);
    const { page: other } = await openWorkbench(session.browser, two.url, session.opened);
    await useTeamDatabase(first, database.url);
    await useTeamDatabase(other, database.url);
    const seenByFirst = await searchUntil(first, 'fleet/+/temp', 2);
    const seenByOther = await searchUntil(other, 'fleet/+/temp', 2);
    expect(seenByOther).toEqual(seenByFirst);
    expect(seenByFirst).toEqual(['fleet/b/temp', 'fleet/a/temp']);
    // Neither workbench connected to the broker: the rows name the recorder's connection, its endpoint.
    for (const page of [first, other]) expect(new Set(await page.getByTestId('history-row-connection').allTextContents())).toEqual(new Set([`127.0.0.1:${mosquitto.port}`]));

    // Live tail: what the recorder captures now appears in both lists without a search.
    await publishAll(mosquitto.port, [['fleet/c/temp', 'c 18.9']]);
    for (const page of [first, other]) {
      await page.locator('[data-testid="history-row"][data-topic="fleet/c/temp"]').waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByTestId('history-row-topic').allTextContents()).toEqual(['fleet/c/temp', 'fleet/b/temp', 'fleet/a/temp']);
    }

    // The other workbench replays the shared search to the broker, under a prefix the recorder also captures.
    await other.getByTestId('view-workbench').click();
    await connected(other, { port: mosquitto.port, version: '5' });
    await other.getByTestId('view-history').click();
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', 'again/#', '-C', '3', '-F', '%t %p'], { signalSubscribed: true });
    try {
      await sub.subscribed;
      const replay = other.getByTestId('history-replay');
      await replay.getByTestId('history-replay-speed-max').click();
      await replay.getByTestId('history-replay-prefix').fill('again/');
      await replay.getByTestId('history-replay-start').click();
      await other.locator('[data-testid="history-replay-progress"][data-state="done"]').waitFor({ timeout: UI_TIMEOUT });
      expect(await other.getByTestId('history-replay-state').textContent()).toBe('Done: 3 messages replayed');
      const received = await sub.done;
      expect(received.code, received.stderr).toBe(0);
      expect(received.stdout.toString().trim().split('\n')).toEqual(['again/fleet/a/temp a 20.1', 'again/fleet/b/temp b 22.4', 'again/fleet/c/temp c 18.9']);
    } finally {
      sub.kill();
    }
    await other.getByTestId('view-workbench').click();
    await closeConnections(other);
    recorder.child.kill('SIGTERM');
    const stopped = await recorder.done;
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/ stopped \d+ message\(s\) written/);
    await database.drop();
  });

  it('one captures, both search the same messages (new ones appear live), the other replays the search to the broker, a read-only role browses without Delete', async () => {
    const database = await cluster.createDatabase();
    const second = await startHostProcess();
    hosts.push(second);
    const { page: capturing } = await session.open();
    const { page: browsing } = await openWorkbench(session.browser, second.url, session.opened);

    await useTeamDatabase(capturing, database.url);
    await capturing.getByTestId('view-workbench').click();
    await connected(capturing, { port: mosquitto.port, version: '5' });
    await subscribe(capturing, 'team/#', 1);
    for (const [topic, payload] of MESSAGES) {
      const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', topic, '-m', payload, '-q', '1', '-V', '5']);
      expect(pub.code, pub.stderr).toBe(0);
    }
    for (const [topic] of MESSAGES) await messageRow(capturing, topic).waitFor({ timeout: UI_TIMEOUT });

    await useTeamDatabase(browsing, database.url);
    await capturing.getByTestId('view-history').click();
    const seenByCapturing = await searchUntil(capturing, 'team/+/temp', 2);
    const seenByBrowsing = await searchUntil(browsing, 'team/+/temp', 2);
    expect(seenByBrowsing).toEqual(seenByCapturing);
    expect(seenByBrowsing).toEqual(['team/line2/temp', 'team/line1/temp']);
    // The second workbench never connected to that broker: the rows name the capturing connection.
    expect(new Set(await browsing.getByTestId('history-row-connection').allTextContents())).toEqual(new Set([`127.0.0.1:${mosquitto.port}`]));
    // Live tail: a message the other workbench captures now appears in this list without a search.
    const publish = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'team/line3/temp', '-m', 'fourth 18.2', '-q', '1', '-V', '5']);
    expect(publish.code, publish.stderr).toBe(0);
    await browsing.locator('[data-testid="history-row"][data-topic="team/line3/temp"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await browsing.getByTestId('history-row-topic').allTextContents()).toEqual(['team/line3/temp', 'team/line2/temp', 'team/line1/temp']);
    // Backups are this computer's: the team database's panel says where its backups come from.
    await browsing.getByTestId('history-backup-team').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(browsing, 'history-team');

    // The browsing workbench replays the shared search to the broker, under a prefix.
    await browsing.getByTestId('view-workbench').click();
    await connected(browsing, { port: mosquitto.port, version: '5' });
    await browsing.getByTestId('view-history').click();
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', 'replayed/#', '-C', '3', '-F', '%t %p'], { signalSubscribed: true });
    try {
      await sub.subscribed;
      const replay = browsing.getByTestId('history-replay');
      await replay.getByTestId('history-replay-speed-max').click();
      await replay.getByTestId('history-replay-prefix').fill('replayed/');
      await replay.getByTestId('history-replay-start').click();
      await browsing.locator('[data-testid="history-replay-progress"][data-state="done"]').waitFor({ timeout: UI_TIMEOUT });
      expect(await browsing.getByTestId('history-replay-state').textContent()).toBe('Done: 3 messages replayed');
      const received = await sub.done;
      expect(received.code, received.stderr).toBe(0);
      expect(received.stdout.toString().trim().split('\n')).toEqual(['replayed/team/line1/temp first 21.5', 'replayed/team/line2/temp second 19.0', 'replayed/team/line3/temp fourth 18.2']);
    } finally {
      sub.kill();
    }

    // A read-only role: the same capture, a read-only badge, and no Delete.
    const role = `e2e_reader_${process.pid}`;
    await admin(database.url, `CREATE ROLE ${role} LOGIN; GRANT USAGE ON SCHEMA public TO ${role}; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const readerUrl = database.url.replace('postgres@', `${role}@`);
    await browsing.getByTestId('history-source-team').click();
    const dialog = browsing.getByTestId('history-source-dialog');
    await dialog.getByTestId('history-source-url').fill(readerUrl);
    await dialog.getByTestId('history-source-test').click();
    await dialog.locator('[data-testid="history-source-test-result"][data-ok="true"][data-can-write="false"]').waitFor({ timeout: UI_TIMEOUT });
    await dialog.getByTestId('history-source-save').click();
    await browsing.locator('[data-testid="history-source"][data-kind="postgres"][data-read-only="true"]').waitFor({ timeout: UI_TIMEOUT });
    await browsing.getByTestId('history-source-read-only').waitFor({ timeout: UI_TIMEOUT });
    expect(await searchUntil(browsing, 'team/+/temp', 3)).toHaveLength(3);
    expect(await browsing.getByTestId('history-clear-button').isDisabled()).toBe(true);
    expect(await browsing.getByTestId('history-clear-read-only').textContent()).toBe('Read-only role: you can browse, not delete.');
    await screenshots(browsing, 'history-team-read-only');

    // Back to this computer: its own (empty of this capture) history again.
    await browsing.getByTestId('history-source-local').click();
    await browsing.locator('[data-testid="history-source"][data-kind="local"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await searchUntil(browsing, 'team/+/temp', 0)).toEqual([]);
    for (const page of [capturing, browsing]) {
      await page.getByTestId('view-workbench').click();
      await closeConnections(page);
    }
    await admin(database.url, `DROP OWNED BY ${role}`);
    await database.drop();
    await admin(cluster.url(), `DROP ROLE ${role}`);
  });
});
