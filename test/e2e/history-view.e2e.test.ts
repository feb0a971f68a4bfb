/**
 * The History view, end to end: the built host (with a data folder, so history is on), the built
 * renderer in Chromium, a real mosquitto. Messages received are stored; the view finds them by a
 * wildcard topic filter and by payload text, shows the count and a payload, and exports CSV and
 * NDJSON files whose content is checked, replays the search to the broker; across a restart of the host, it finds a profile's
 * messages of both runs by the profile's name. Fails on any console error, page error or CSP violation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { type HostProcess, startHostProcess } from '../support/host-process';
import { connected, fillConnection, messageRow, openWorkbench, screenshots, statusIs, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

const mosquitto = useMosquitto();

const session = useWorkbenchSession();

const TEST_TIMEOUT = 90_000;

const MESSAGES: [topic: string, payload: string][] = [
  ['e2e/sensors/kitchen/temp', 'alpha 21.5'],
  ['e2e/sensors/garage/temp', 'beta 12.0'],
  ['e2e/sensors/kitchen/humidity', 'ALPHA 40%'],
  ['e2e/sensors/cellar/temp', 'gamma 9.5'],
  ['e2e/other/alpha', 'alpha elsewhere'],
];

/** The rows the list shows now, as their topics. */
async function rowTopics(page: Page): Promise<string[]> {
  return page.getByTestId('history-row-topic').allTextContents();
}

/**
 * Searches until the count says `expected`: the host stores messages in batches, so the newest
 * may land a moment after they were shown live.
 */
async function searchUntil(page: Page, expected: number): Promise<void> {
  await waitUntil(async () => {
    await page.getByTestId('history-search').click();
    await page.getByTestId('history-count').waitFor({ timeout: UI_TIMEOUT });
    return (await page.getByTestId('history-count').getAttribute('data-count')) === String(expected);
  });
}

/** Exports the search; the file arrives as a real browser download, streamed by the host. Returns its bytes. */
async function exportAs(page: Page, format: 'csv' | 'ndjson'): Promise<{ text: string; fileName: string }> {
  await page.getByTestId(`history-export-format-${format}`).click();
  const downloaded = page.waitForEvent('download', { timeout: UI_TIMEOUT });
  await page.getByTestId('history-export-start').click();
  const download = await downloaded;
  const fileName = download.suggestedFilename();
  expect(fileName).toMatch(new RegExp(`^history-[\\d-]+\\.${format}$`));
  // The host's URL: single-use, with the token (the page's own), never the file's path.
  expect(download.url()).toMatch(/\/download\/[A-Za-z0-9_-]{43}\?token=/);
  const path = await download.path();
  expect(await download.failure()).toBeNull();
  await page.locator('[data-testid="history-export-progress"][data-state="done"]').waitFor({ timeout: UI_TIMEOUT });
  expect(await page.getByTestId('history-export-state').textContent()).toMatch(/^Done: 2 messages/);
  await page.locator('[data-testid="history-export-delivery"][data-kind="downloaded"]').waitFor({ timeout: UI_TIMEOUT });
  expect(await page.getByTestId('history-export-file').textContent()).toBe(fileName);
  // Single use: the same URL again is refused.
  expect((await page.request.get(download.url())).status()).toBe(404);
  return { text: readFileSync(path, 'utf8'), fileName };
}

/** Publishes one message to the test's mosquitto, as another client would. */
async function publish(topic: string, payload: string): Promise<void> {
  const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', topic, '-m', payload, '-q', '1', '-V', '5']);
  expect(pub.code, pub.stderr).toBe(0);
}

describe('History view in Chromium', { timeout: TEST_TIMEOUT }, () => {
  let page: Page;

  it('stores what a connection receives and shows it in the History view', async () => {
    ({ page } = await session.open(undefined, { acceptDownloads: true }));
    await connected(page, { port: mosquitto.port, version: '5' });
    await subscribe(page, 'e2e/#', 1);
    for (const [topic, payload] of MESSAGES) {
      const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', topic, '-m', payload, '-q', '1', '-V', '5']);
      expect(pub.code, pub.stderr).toBe(0);
    }
    for (const [topic] of MESSAGES) await messageRow(page, topic).waitFor({ timeout: UI_TIMEOUT });

    await page.getByTestId('view-history').click();
    await page.getByTestId('history-view').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('[data-testid="history-status"][data-enabled="true"]').waitFor({ timeout: UI_TIMEOUT });
    await searchUntil(page, MESSAGES.length);
    expect((await rowTopics(page)).sort()).toEqual(MESSAGES.map(([topic]) => topic).sort());
    // Each row names its connection as its tab does: host:port for one typed in.
    expect(new Set(await page.getByTestId('history-row-connection').allTextContents())).toEqual(new Set([`127.0.0.1:${mosquitto.port}`]));
    expect(await page.getByTestId('history-status-stored').textContent()).toMatch(/^5 messages stored/);
  });

  it('filters by a wildcard topic filter and by payload text, with the count', async () => {
    await page.getByTestId('history-topic').fill('e2e/sensors/+/temp');
    await searchUntil(page, 3);
    expect((await rowTopics(page)).sort()).toEqual(['e2e/sensors/cellar/temp', 'e2e/sensors/garage/temp', 'e2e/sensors/kitchen/temp']);
    expect(await page.getByTestId('history-count').textContent()).toMatch(/^3 matching messages/);

    // Text search is case-insensitive: "alpha" finds "ALPHA 40%" too.
    await page.getByTestId('history-topic').fill('e2e/sensors/#');
    await page.getByTestId('history-text').fill('alpha');
    await searchUntil(page, 2);
    // Newest first.
    expect(await rowTopics(page)).toEqual(['e2e/sensors/kitchen/humidity', 'e2e/sensors/kitchen/temp']);

    // A filter that is not one says why and asks nothing.
    await page.getByTestId('history-topic').fill('e2e/#/temp');
    await page.getByTestId('history-search').click();
    await page.getByTestId('history-topic-problem').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('history-topic').fill('e2e/sensors/#');
  });

  it('shows a stored payload when a row is clicked', async () => {
    await searchUntil(page, 2);
    await page.locator('[data-testid="history-row"][data-topic="e2e/sensors/kitchen/temp"]').click();
    const detail = page.getByTestId('history-detail');
    await detail.waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('history-detail-topic').textContent()).toBe('e2e/sensors/kitchen/temp');
    expect(await page.getByTestId('history-detail-payload').textContent()).toBe('alpha 21.5');
    await screenshots(page, 'history-view');
  });

  it('exports the search to CSV and NDJSON as browser downloads with the stored rows', async () => {
    const csvFile = await exportAs(page, 'csv');
    const csv = csvFile.text.trim().split(/\r?\n/);
    expect(csv).toHaveLength(3);
    expect(csv[0]).toMatch(/^id,timestamp,time,connection_key,connection_label,direction,topic,/);
    expect(csv.slice(1).some((line) => line.includes('e2e/sensors/kitchen/temp') && line.includes('alpha 21.5'))).toBe(true);
    expect(csv.slice(1).some((line) => line.includes('e2e/sensors/kitchen/humidity') && line.includes('ALPHA 40%'))).toBe(true);

    await page.getByTestId('history-export-encoding').selectOption('base64');
    const ndjsonFile = await exportAs(page, 'ndjson');
    const records = ndjsonFile.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { topic: string; payload: string });
    expect(records.map((r) => r.topic).sort()).toEqual(['e2e/sensors/kitchen/humidity', 'e2e/sensors/kitchen/temp']);
    const kitchen = records.find((r) => r.topic === 'e2e/sensors/kitchen/temp')!;
    expect(Buffer.from(kitchen.payload, 'base64').toString('utf8')).toBe('alpha 21.5');
    await screenshots(page, 'history-export');
  });

  it('replays the search to the broker, oldest first, under a topic prefix', async () => {
    // mosquitto_sub is the independent receiver: each replayed message as "topic payload".
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', 'replayed/#', '-C', '2', '-F', '%t %p']);
    try {
      await page.waitForTimeout(300); // subscribed before the replay starts
      const replay = page.getByTestId('history-replay');
      expect(await replay.getByTestId('history-replay-connection').locator('option').allTextContents()).toEqual([`127.0.0.1:${mosquitto.port}`]);
      await replay.getByTestId('history-replay-speed-max').click();
      await replay.getByTestId('history-replay-prefix').fill('replayed/');
      await replay.getByTestId('history-replay-start').click();
      await page.locator('[data-testid="history-replay-progress"][data-state="done"]').waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByTestId('history-replay-state').textContent()).toBe('Done: 2 messages replayed');
      const received = await sub.done;
      expect(received.code, received.stderr).toBe(0);
      // The search's two messages, in the order they were stored.
      expect(received.stdout.toString().trim().split('\n')).toEqual(['replayed/e2e/sensors/kitchen/temp alpha 21.5', 'replayed/e2e/sensors/kitchen/humidity ALPHA 40%']);
      await screenshots(page, 'history-replay');
    } finally {
      sub.kill();
    }
  });

  it('pages through many rows as the list scrolls, with only the visible rows in the DOM', async () => {
    const lines = Array.from({ length: 450 }, (_, i) => `bulk ${i}`).join('\n') + '\n';
    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'e2e/bulk', '-l', '-q', '1', '-V', '5'], Buffer.from(lines));
    expect(pub.code, pub.stderr).toBe(0);
    await page.getByTestId('history-text').fill('');
    await page.getByTestId('history-topic').fill('e2e/bulk');
    await searchUntil(page, 450);
    const list = page.getByTestId('history-list');
    // One page of 200 (keyset paging), of which only the rows in view are in the DOM.
    expect(await list.getAttribute('data-rows')).toBe('200');
    expect(await page.getByTestId('history-row').count()).toBeLessThan(80);
    await list.hover();
    await waitUntil(async () => {
      await page.mouse.wheel(0, 20_000);
      return (await list.getAttribute('data-rows')) === '450';
    });
    // Newest first: the oldest message ends the list.
    const oldest = page.getByTestId('history-row-payload').getByText('bulk 0', { exact: true });
    await waitUntil(async () => {
      await page.mouse.wheel(0, 20_000);
      return (await oldest.count()) === 1;
    });
    expect(await page.getByTestId('history-row').count()).toBeLessThan(80);
    expect(await page.getByTestId('history-loading-more').count()).toBe(0);
  });

  it('filters by time range, QoS and direction', async () => {
    await page.getByTestId('history-topic').fill('e2e/sensors/#');
    await page.getByTestId('history-since').fill('2000-01-01T00:00:00');
    await searchUntil(page, 4);
    await page.getByTestId('history-since').fill('2099-01-01T00:00:00');
    await searchUntil(page, 0);
    await page.getByTestId('history-empty').waitFor({ timeout: UI_TIMEOUT });
    // "From" after "to" is caught before asking.
    await page.getByTestId('history-until').fill('2098-01-01T00:00:00');
    await page.getByTestId('history-search').click();
    await page.getByTestId('history-until-problem').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('history-since').fill('');
    await page.getByTestId('history-until').fill('');

    // Everything was received at QoS 1.
    await page.getByTestId('history-qos-0').check();
    await searchUntil(page, 0);
    await page.getByTestId('history-qos-1').check();
    await searchUntil(page, 4);
    await page.getByTestId('history-direction').selectOption('out');
    await searchUntil(page, 0);
    await page.getByTestId('history-reset').click();
    expect(await page.getByTestId('history-topic').inputValue()).toBe('');
    expect(await page.getByTestId('history-qos-0').isChecked()).toBe(false);
  });

  it('finds a profile’s messages of two runs of the app by its name, apart from another connection to the same broker', async () => {
    // Its own host, launched twice on one data folder: "yesterday" and "today".
    const dataDir = mkdtempSync(join(tmpdir(), 'wb-e2e-history-runs-'));
    const plantRow = '[data-testid="profile-row"][data-name="E2E Plant"]';
    let host: HostProcess | undefined;
    try {
      host = await startHostProcess({ dataDir });
      let { page: run } = await openWorkbench(session.browser, host.url, session.opened);
      await fillConnection(run, { port: mosquitto.port });
      await run.getByTestId('profile-name').fill('E2E Plant');
      await run.getByTestId('profile-save-connect').click();
      await run.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      await statusIs(run, 'connected');
      await subscribe(run, 'e2e/plant/#', 1);
      await publish('e2e/plant/pressure', 'yesterday 1.2 bar');
      await messageRow(run, 'e2e/plant/pressure').waitFor({ timeout: UI_TIMEOUT });
      await run.close();
      await host.stop();

      host = await startHostProcess({ dataDir });
      ({ page: run } = await openWorkbench(session.browser, host.url, session.opened, { acceptDownloads: true }));
      await run.locator(plantRow).getByTestId('profile-connect').click();
      await statusIs(run, 'connected');
      // Before anything arrives today, the tree shows what this profile received yesterday.
      await run.locator('[data-testid="topic-node"][data-topic="e2e"]').waitFor({ timeout: UI_TIMEOUT });
      await subscribe(run, 'e2e/plant/#', 1);
      // The same broker typed in: another connection, with a name of its own (host:port).
      await connected(run, { port: mosquitto.port });
      await subscribe(run, 'e2e/plant/#', 1);
      await publish('e2e/plant/pressure', 'today 1.3 bar');
      await messageRow(run, 'e2e/plant/pressure').waitFor({ timeout: UI_TIMEOUT });

      await run.getByTestId('view-history').click();
      await run.locator('[data-testid="history-status"][data-enabled="true"]').waitFor({ timeout: UI_TIMEOUT });
      await run.getByTestId('history-topic').fill('e2e/plant/#');
      await searchUntil(run, 3);
      const typedIn = `127.0.0.1:${mosquitto.port}`;
      expect(await run.getByTestId('history-connection').locator('option').allTextContents()).toEqual(['All connections', typedIn, 'E2E Plant']);

      await run.getByTestId('history-connection').selectOption('E2E Plant');
      await searchUntil(run, 2);
      expect(await run.getByTestId('history-row-connection').allTextContents()).toEqual(['E2E Plant', 'E2E Plant']);
      expect(await run.getByTestId('history-row-payload').allTextContents()).toEqual(['today 1.3 bar', 'yesterday 1.2 bar']);
      await run.locator('[data-testid="history-row"]').last().click();
      expect(await run.getByTestId('history-detail-connection').textContent()).toBe('E2E Plant');
      expect(await run.getByTestId('history-detail-payload').textContent()).toBe('yesterday 1.2 bar');
      await screenshots(run, 'history-connection-filter');

      // The export carries the connection's key and name in every row.
      const csv = (await exportAs(run, 'csv')).text.trim().split(/\r?\n/);
      expect(csv[0]).toMatch(/^id,timestamp,time,connection_key,connection_label,direction,topic,/);
      expect(csv.slice(1).map((line) => line.split(',').slice(3, 5))).toEqual([
        [expect.stringMatching(/^profile:[0-9a-f]+$/) as string, 'E2E Plant'],
        [expect.stringMatching(/^profile:[0-9a-f]+$/) as string, 'E2E Plant'],
      ]);

      await run.getByTestId('history-connection').selectOption(typedIn);
      await searchUntil(run, 1);
      expect(await run.getByTestId('history-row-connection').allTextContents()).toEqual([typedIn]);
      await run.close();
    } finally {
      await host?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
