/**
 * A profile's subscriptions over its whole life (issue 14, "Subscriptions belong to the profile"),
 * end to end: the built host on its own data folder, restarted as a user would; Chromium at the
 * issue's window size; mosquitto as the broker and mosquitto_pub as the other client. Saved
 * subscriptions (one switched off) survive a restart, an MQTTX export brings its subscriptions,
 * "connect on launch" connects without a click, and an edit made while disconnected is what the
 * next connect subscribes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { type HostProcess, startHostProcess } from '../support/host-process';
import { type Mosquitto, runMosquittoPub, startMosquitto } from '../support/mosquitto';
import { UI_TIMEOUT, type Workbench, closeConnections, forgetLinkErrors, messageRow, openWorkbench, screenshots, statusIs } from './e2e-helpers';

const VIEWPORT = { width: 1440, height: 900 };
const PROFILE = 'Plant restart';

let dataDir: string;
let host: HostProcess | undefined;
let browser: Browser | undefined;
let mosquitto: Mosquitto;
const opened: Workbench[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-e2e-profile-subs-'));
  [mosquitto, host, browser] = await Promise.all([startMosquitto(), startHostProcess({ dataDir }), launchChromium()]);
});

afterEach(() => {
  // Chromium logs the refused sockets of a page whose host went away meanwhile.
  for (const workbench of opened) forgetLinkErrors(workbench);
  const found = opened.flatMap(({ problems }) => problems.splice(0));
  expect(found, 'console errors, page errors or CSP violations').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await host?.stop();
  await mosquitto?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const open = async () => (await openWorkbench(browser!, host!.url, opened, { viewport: VIEWPORT })).page;
const profileRow = (page: Page, name: string) => page.locator(`[data-testid="profile-row"][data-name="${name}"]`);
const subscriptionRow = (page: Page, filter: string) => page.locator(`[data-testid="subscription-row"][data-filter="${filter}"]`);
const activeRow = (page: Page, filter: string) => page.locator(`[data-testid="subscription-row"][data-filter="${filter}"][data-state="active"]`);
const savedRow = (page: Page, filter: string) => page.locator(`[data-testid="saved-subscription"][data-filter="${filter}"]`);

async function pub(topic: string, payload: string): Promise<void> {
  const result = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-q', '1', '-t', topic, '-m', payload]);
  expect(result.code, result.stderr).toBe(0);
}

/** Restarts the host on the same port and data folder, the page closed first (its socket would only log refusals). */
async function restartHost(page: Page): Promise<void> {
  await page.close();
  host = await host!.restart();
}

async function addSaved(page: Page, filter: string, qos: 0 | 1 | 2): Promise<void> {
  await page.getByTestId('saved-subscription-filter').fill(filter);
  await page.getByTestId('saved-subscription-qos').selectOption(String(qos));
  await page.getByTestId('saved-subscription-add').click();
  await savedRow(page, filter).waitFor({ timeout: UI_TIMEOUT });
}

describe('a profile and its saved subscriptions, across restarts, imports and edits', { timeout: 120_000 }, () => {
  it('subscribes the enabled saved subscriptions after a host restart, and not the one switched off', async () => {
    let page = await open();
    await page.getByTestId('new-connection').click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connect-host').fill('127.0.0.1');
    await page.getByTestId('connect-port').fill(String(mosquitto.port));
    await page.getByTestId('connect-version').selectOption('5');
    await page.getByTestId('profile-name').fill(PROFILE);
    await page.getByTestId('connection-tab-subscriptions').click();
    await addSaved(page, 'plant/a/#', 1);
    await addSaved(page, 'plant/b/#', 2);
    await addSaved(page, 'plant/off/#', 0);
    await page.getByLabel('Subscribe to plant/off/# on connect').uncheck();
    await page.getByTestId('profile-save').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await profileRow(page, PROFILE).waitFor({ timeout: UI_TIMEOUT });

    await restartHost(page);
    page = await open();
    await profileRow(page, PROFILE).getByTestId('profile-connect').click();
    await statusIs(page, 'connected');
    await activeRow(page, 'plant/a/#').waitFor({ timeout: UI_TIMEOUT });
    await activeRow(page, 'plant/b/#').waitFor({ timeout: UI_TIMEOUT });
    expect(await activeRow(page, 'plant/a/#').getByTestId('subscription-qos').getAttribute('data-reason-code')).toBe('1');
    expect(await activeRow(page, 'plant/b/#').getByTestId('subscription-qos').getAttribute('data-reason-code')).toBe('2');
    expect(await subscriptionRow(page, 'plant/off/#').count()).toBe(0);

    // Published one after the other on one broker: had plant/off/# been subscribed, its message
    // would be in the list before the later ones.
    await pub('plant/off/x', 'off');
    await pub('plant/a/temperature', '21.5');
    await pub('plant/b/pressure', '1.2');
    await messageRow(page, 'plant/a/temperature').waitFor({ timeout: UI_TIMEOUT });
    await messageRow(page, 'plant/b/pressure').waitFor({ timeout: UI_TIMEOUT });
    expect(await messageRow(page, 'plant/off/x').count()).toBe(0);
    await screenshots(page, 'profile-subscriptions-after-restart');
    await closeConnections(page);
    await page.close();
  });

  it('imports an MQTTX export through the UI with its subscriptions, and the imported profile subscribes them on connect', async () => {
    // As MQTTX 1.9 writes "Export data" (JSON): one connection with its subscriptions, one switched off.
    const file = join(dataDir, 'mqttx-export.json');
    writeFileSync(
      file,
      JSON.stringify(
        [
          {
            id: '7c4d5b1e-2f0a-4c6e-9a3b-1d2e3f4a5b6c',
            name: 'MQTTX line',
            clientId: 'mqttx_5e8a1f2b',
            host: '127.0.0.1',
            port: mosquitto.port,
            path: '/mqtt',
            protocol: 'mqtt',
            ssl: false,
            certType: '',
            rejectUnauthorized: true,
            mqttVersion: '5.0',
            clean: true,
            keepalive: 60,
            connectTimeout: 10,
            reconnect: false,
            reconnectPeriod: 4000,
            username: '',
            password: '',
            properties: { sessionExpiryInterval: 0, receiveMaximum: 100 },
            will: { lastWillTopic: '', lastWillPayload: '', lastWillQos: 0, lastWillRetain: false, properties: {} },
            subscriptions: [
              { id: 's1', topic: 'mqttx/line/#', qos: 1, disabled: false, alias: '', color: '#34C388', createAt: '2026-12-01 09:00:00', nl: false, rap: false, rh: 0 },
              { id: 's2', topic: 'mqttx/muted/#', qos: 0, disabled: true, alias: '', color: '#E1567E', createAt: '2026-12-01 09:01:00' },
            ],
            messages: [],
            createAt: '2026-12-01 09:00:00',
            updateAt: '2026-12-01 09:05:00',
            orderId: 1,
          },
        ],
        null,
        2,
      ),
    );
    const page = await open();
    await page.getByTestId('profiles-import-format').selectOption('auto');
    await page.getByTestId('profiles-import-file').setInputFiles(file);
    const preview = page.getByTestId('import-preview');
    await preview.waitFor({ timeout: UI_TIMEOUT });
    expect(await preview.getByTestId('import-preview-format').textContent()).toBe('MQTTX export');
    const row = preview.locator('[data-testid="import-preview-row"][data-name="MQTTX line"]');
    expect(await row.getByTestId('import-preview-subscriptions').textContent()).toBe('2 subscriptions');
    await preview.getByTestId('import-preview-confirm').click();
    await page.getByTestId('import-report').waitFor({ timeout: UI_TIMEOUT });
    await profileRow(page, 'MQTTX line').waitFor({ timeout: UI_TIMEOUT });

    await profileRow(page, 'MQTTX line').getByTestId('profile-connect').click();
    await statusIs(page, 'connected');
    await activeRow(page, 'mqttx/line/#').waitFor({ timeout: UI_TIMEOUT });
    expect(await activeRow(page, 'mqttx/line/#').getByTestId('subscription-qos').getAttribute('data-reason-code')).toBe('1');
    expect(await subscriptionRow(page, 'mqttx/muted/#').count()).toBe(0);
    await pub('mqttx/line/status', 'running');
    await messageRow(page, 'mqttx/line/status').waitFor({ timeout: UI_TIMEOUT });
    // The one MQTTX had switched off is kept in the profile, off.
    await profileRow(page, 'MQTTX line').getByTestId('profile-edit').click();
    await page.getByTestId('connection-tab-subscriptions').click();
    expect(await page.getByLabel('Subscribe to mqttx/muted/# on connect').isChecked()).toBe(false);
    expect(await page.getByLabel('Subscribe to mqttx/line/# on connect').isChecked()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await screenshots(page, 'profile-subscriptions-mqttx-imported');
    await closeConnections(page);
    await page.close();
  });

  it('connects a profile marked "connect on launch" when the host starts, without a click, with its saved subscriptions', async () => {
    let page = await open();
    await profileRow(page, PROFILE).getByTestId('profile-edit').click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connection-tab-subscriptions').click();
    await page.getByTestId('profile-connect-on-launch').check();
    await page.getByTestId('profile-save').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(await page.getByTestId('connection-tab').count()).toBe(0);

    await restartHost(page);
    page = await open();
    // Nothing clicked: the host connected it as it started, and the page shows it as its tab.
    await statusIs(page, 'connected');
    const tab = page.getByTestId('connection-tab');
    expect(await tab.count()).toBe(1);
    expect(await tab.textContent()).toContain(PROFILE);
    await activeRow(page, 'plant/a/#').waitFor({ timeout: UI_TIMEOUT });
    await activeRow(page, 'plant/b/#').waitFor({ timeout: UI_TIMEOUT });
    expect(await subscriptionRow(page, 'plant/off/#').count()).toBe(0);
    // The tab knows its profile: the saved ones are starred.
    expect(await activeRow(page, 'plant/a/#').getByTestId('save-subscription').getAttribute('aria-pressed')).toBe('true');
    await pub('plant/a/launch', 'on');
    await messageRow(page, 'plant/a/launch').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(page, 'profile-connect-on-launch');

    // It can be disconnected and opened again from its tab, as one connected by a click.
    await page.getByTestId('disconnect-button').click();
    await statusIs(page, 'disconnected');
    await page.getByTestId('reconnect-button').click();
    await statusIs(page, 'connected');
    await activeRow(page, 'plant/a/#').waitFor({ timeout: UI_TIMEOUT });
    await closeConnections(page);
    await page.close();
  });

  it('uses the saved subscriptions as edited while disconnected: a QoS changed, one removed', async () => {
    const page = await open();
    // Its tab may come back closed (remembered open tabs); what matters is that nothing is connected.
    expect(await page.locator('[data-testid="connection-status"][data-status="connected"]').count()).toBe(0);
    await profileRow(page, PROFILE).getByTestId('profile-edit').click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connection-tab-subscriptions').click();
    await page.getByLabel('QoS of plant/a/#').selectOption('0');
    await page.getByRole('button', { name: 'Remove plant/b/#' }).click();
    await savedRow(page, 'plant/b/#').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await screenshots(page, 'profile-subscriptions-edited');
    await page.getByTestId('profile-save').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await profileRow(page, PROFILE).getByTestId('profile-connect').click();
    await statusIs(page, 'connected');
    await activeRow(page, 'plant/a/#').waitFor({ timeout: UI_TIMEOUT });
    // Asked (and granted) at QoS 0 now, not 1.
    expect(await activeRow(page, 'plant/a/#').getByTestId('subscription-qos').getAttribute('data-reason-code')).toBe('0');
    expect(await subscriptionRow(page, 'plant/b/#').count()).toBe(0);
    expect(await subscriptionRow(page, 'plant/off/#').count()).toBe(0);
    // As in the first test: a message on the removed filter would be in the list before the later one.
    await pub('plant/b/removed', 'gone');
    await pub('plant/a/edited', 'kept');
    const kept = messageRow(page, 'plant/a/edited');
    await kept.waitFor({ timeout: UI_TIMEOUT });
    // mosquitto delivers at most the subscription's QoS: 0, though published at 1.
    expect(await kept.first().locator('.message-qos').textContent()).toBe('0');
    expect(await messageRow(page, 'plant/b/removed').count()).toBe(0);
    await closeConnections(page);
    await page.close();
  });
});
