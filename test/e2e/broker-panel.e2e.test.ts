/**
 * The Broker panel, end to end: the built host, the built renderer in Chromium, mosquitto_pub as
 * an outside client. Starts the embedded broker from the UI, connects the workbench to it, sees
 * traffic, clients, sessions and retained topics in the live view, and stops it.
 * Fails on any console error, page error or CSP violation.
 */
import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCertificate } from '../../main/core/broker/tls-certificate';
import { freePort } from '../support/free-port';
import { runMosquittoPub } from '../support/mosquitto';
import { RawClient } from '../support/raw-mqtt-client';
import { messageRow, screenshots, statusIs, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();

const TEST_TIMEOUT = 90_000;

let blocker: Server | undefined;

afterAll(async () => {
  await new Promise<void>((done) => (blocker ? blocker.close(() => done()) : done()));
});

/** Something else listening on a port, as when a system mosquitto already has 1883. */
async function occupiedPort(): Promise<number> {
  const port = await freePort();
  blocker = createServer();
  await new Promise<void>((done, fail) => {
    blocker!.once('error', fail);
    blocker!.listen(port, '127.0.0.1', done);
  });
  return port;
}

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

describe('Broker panel in Chromium', { timeout: TEST_TIMEOUT }, () => {
  let page: Page;
  let port: number;

  it('says why the broker cannot start on a taken port, then starts on a free one', async () => {
    ({ page } = await session.open());
    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-panel').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('broker-port').inputValue()).toBe('1883');
    expect(await page.getByTestId('broker-status').getAttribute('data-running')).toBe('false');

    const taken = await occupiedPort();
    await page.getByTestId('broker-port').fill(String(taken));
    await page.getByTestId('broker-toggle').click();
    const error = page.getByTestId('broker-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.getAttribute('data-code')).toBe('BROKER_START_FAILED');
    expect(await text(page, 'broker-error-message')).toContain(String(taken));
    expect(await page.getByTestId('broker-status').getAttribute('data-running')).toBe('false');
    await screenshots(page, 'broker-start-failed');

    // One click from the error: any free port.
    await page.getByTestId('broker-use-any-port').click();
    const running = page.locator('[data-testid="broker-status"][data-running="true"]');
    await running.waitFor({ timeout: UI_TIMEOUT });
    expect(Number(await running.getAttribute('data-port'))).toBeGreaterThan(0);
    expect(await page.getByTestId('broker-error').count()).toBe(0);
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="false"]').waitFor({ timeout: UI_TIMEOUT });

    port = await freePort();
    await page.getByTestId('broker-port').fill(String(port));
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="true"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await text(page, 'broker-address-tcp')).toBe(`mqtt://127.0.0.1:${port}`);
    expect(await page.getByTestId('broker-error').count()).toBe(0);
    expect(await page.getByTestId('broker-toggle').textContent()).toBe('Stop broker');
    // Counters arrive once a second.
    await waitUntil(async () => (await text(page, 'broker-stat-connections')) === '0');
  });

  it('connects the workbench to it with one click and shows a message published by mosquitto_pub', async () => {
    await page.getByTestId('broker-connect').click();
    // The workbench view comes back with the new connection selected.
    await page.getByTestId('panel-messages').waitFor({ timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    const tab = page.locator('[data-testid="connection-tab"][data-status="connected"]');
    expect(await tab.getAttribute('data-name')).toBe(`Embedded broker :${port}`);
    await subscribe(page, 'e2e/#', 1);

    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-t', 'e2e/broker/retained', '-m', 'kept by the broker', '-r', '-q', '1', '-V', '5']);
    expect(pub.code, pub.stderr).toBe(0);
    const row = messageRow(page, 'e2e/broker/retained');
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getByTestId('message-payload').textContent()).toBe('kept by the broker');
  });

  it('lists the client, its session and subscription, and the retained topic live', async () => {
    const clientId = await page.locator('[data-testid="connection-tab"][data-status="connected"]').getAttribute('data-client-id');
    expect(clientId).toBeTruthy();
    await page.getByTestId('view-broker').click();
    await page.locator(`[data-testid="broker-client"][data-client-id="${clientId}"]`).waitFor({ timeout: UI_TIMEOUT });
    const session = page.locator(`[data-testid="broker-session"][data-client-id="${clientId}"]`);
    await session.waitFor({ timeout: UI_TIMEOUT });
    expect(await session.getByTestId('broker-session-subscription').first().textContent()).toContain('e2e/#');
    await page.locator('[data-testid="broker-retained-topic"][data-topic="e2e/broker/retained"]').waitFor({ timeout: UI_TIMEOUT });

    await waitUntil(async () => (await text(page, 'broker-stat-connections')) === '1' && (await text(page, 'broker-stat-retained')) === '1');
    expect(Number((await text(page, 'broker-stat-messages-in')).replace(/,/g, ''))).toBeGreaterThanOrEqual(1);
    expect(Number((await text(page, 'broker-stat-messages-out')).replace(/,/g, ''))).toBeGreaterThanOrEqual(1);

    // A second outside client shows up as it connects (broker.changed -> inspect).
    const retainedTopic = 'e2e/broker/second';
    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-t', retainedTopic, '-m', '2', '-r', '-V', '5']);
    expect(pub.code, pub.stderr).toBe(0);
    await page.locator(`[data-testid="broker-retained-topic"][data-topic="${retainedTopic}"]`).waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('broker-retained-filter').fill('second');
    await waitUntil(async () => (await page.getByTestId('broker-retained-topic').count()) === 1);
    await page.getByTestId('broker-retained-filter').fill('');
    await screenshots(page, 'broker-panel');
  });

  it('stops the broker with one click', async () => {
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="false"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('broker-stats').count()).toBe(0);
    expect(await page.getByTestId('broker-clients').count()).toBe(0);
    expect(await page.getByTestId('broker-toggle').textContent()).toBe('Start broker');
    // The workbench's own connection notices its broker went away.
    await page.getByTestId('view-workbench').click();
    await page.locator('[data-testid="connection-tab"][data-status="connected"]').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  it('starts with mosquitto-named limits from the form (max_keepalive, max_inflight_messages, retain_available): the broker announces them', async () => {
    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-port').fill('0');
    await page.getByTestId('broker-limit-max_keepalive').fill('x');
    await page.getByTestId('broker-toggle').click();
    expect(await text(page, 'broker-limits-problem')).toBe('max_keepalive must be a whole number');
    await page.getByTestId('broker-limit-max_keepalive').fill('30');
    await page.getByTestId('broker-limit-max_inflight_messages').fill('5');
    await page.getByTestId('broker-limit-retain_available').uncheck();
    await page.getByTestId('broker-toggle').click();
    const status = page.locator('[data-testid="broker-status"][data-running="true"]');
    await status.waitFor({ timeout: UI_TIMEOUT });
    const client = await RawClient.open(Number(await status.getAttribute('data-port')), 5);
    client.sendPacket({ cmd: 'connect', clientId: 'e2e-limits', keepalive: 0 });
    expect((await client.expect('connack')).properties).toMatchObject({ serverKeepAlive: 30, receiveMaximum: 5, retainAvailable: false });
    client.end();
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="false"]').waitFor({ timeout: UI_TIMEOUT });
    // back to the defaults for the tests after this one
    await page.getByTestId('broker-limit-max_keepalive').fill('');
    await page.getByTestId('broker-limit-max_inflight_messages').fill('');
    await page.getByTestId('broker-limit-retain_available').check();
  });

  it('starts on any free port with a WebSocket listener and a user, and Connect to it logs in', async () => {
    const wsPort = await freePort();
    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-port').fill('0');
    await page.getByTestId('broker-ws-port').fill(String(wsPort));
    await page.getByTestId('broker-user-add').click();
    await page.getByTestId('broker-user-name').fill('alice');
    await page.getByTestId('broker-user-password').fill('s3cret');
    await page.getByTestId('broker-toggle').click();
    const status = page.locator('[data-testid="broker-status"][data-running="true"]');
    await status.waitFor({ timeout: UI_TIMEOUT });
    const anyPort = Number(await status.getAttribute('data-port'));
    expect(anyPort).toBeGreaterThan(0);
    expect(await text(page, 'broker-address-tcp')).toBe(`mqtt://127.0.0.1:${anyPort}`);
    expect(await text(page, 'broker-address-ws')).toBe(`ws://127.0.0.1:${wsPort}`);

    // Without the user, the broker refuses; the panel's button logs in with the user it was given.
    const refused = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(anyPort), '-t', 'e2e/x', '-m', 'x', '-V', '5']);
    expect(refused.code).not.toBe(0);
    await page.getByTestId('broker-connect').click();
    await page.locator(`[data-testid="connection-tab"][data-name="Embedded broker :${anyPort}"][data-status="connected"]`).waitFor({ timeout: UI_TIMEOUT });

    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-client').first().waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('broker-client').first().textContent()).toContain('alice');
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="false"]').waitFor({ timeout: UI_TIMEOUT });
  });

  it('a chosen certificate with a key that does not match: TLS_ERROR says so and nothing starts', async () => {
    const a = generateCertificate();
    const b = generateCertificate();
    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-ws-port').fill('');
    await page.getByTestId('broker-user-remove').click();
    await page.getByTestId('broker-tls-enabled').check();
    await page.getByTestId('broker-tls-port').fill('0');
    await page.getByTestId('broker-tls-own').check();
    await page.getByTestId('broker-tls-cert').fill(a.certPem);
    await page.getByTestId('broker-tls-key').fill(b.keyPem);
    await page.getByTestId('broker-toggle').click();
    const error = page.getByTestId('broker-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.getAttribute('data-code')).toBe('TLS_ERROR');
    expect(await text(page, 'broker-error-message')).toContain('does not match the certificate');
    expect(await page.getByTestId('broker-status').getAttribute('data-running')).toBe('false');
  });

  it('TLS with a generated certificate: the panel gives its CA to download or copy, and Connect over TLS trusts it', async () => {
    await page.getByTestId('broker-tls-generated').check();
    await page.getByTestId('broker-toggle').click();
    const status = page.locator('[data-testid="broker-status"][data-running="true"]');
    await status.waitFor({ timeout: UI_TIMEOUT });
    const address = await text(page, 'broker-address-tls');
    expect(address).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
    const tlsPort = Number(address.split(':').at(-1));
    expect(await page.getByTestId('broker-tls-certificate').getAttribute('data-generated')).toBe('true');
    expect(await text(page, 'broker-tls-fingerprint')).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const pem = (await page.getByTestId('broker-tls-ca').textContent()) ?? '';
    expect(pem).toContain('-----BEGIN CERTIFICATE-----');
    expect(pem).not.toContain('PRIVATE KEY');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: UI_TIMEOUT }), page.getByTestId('broker-tls-download').click()]);
    expect(download.suggestedFilename()).toBe('mqtt-workbench-ca.pem');
    expect(readFileSync(await download.path(), 'utf8')).toBe(pem);
    await page.getByTestId('broker-tls-copy').click();
    await page.getByTestId('broker-tls-copied').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(page, 'broker-tls');

    await page.getByTestId('broker-connect-tls').click();
    await page.getByTestId('panel-messages').waitFor({ timeout: UI_TIMEOUT });
    await page.locator(`[data-testid="connection-tab"][data-name="Embedded broker :${tlsPort} (TLS)"][data-status="connected"]`).waitFor({ timeout: UI_TIMEOUT });

    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="false"]').waitFor({ timeout: UI_TIMEOUT });
  });
});
