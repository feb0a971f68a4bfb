/**
 * Several connections at once and the MQTT 5 tools in the real UI: subscription options, publish
 * properties, repeat publishing, request/response and the packet inspector.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub } from '../support/mosquitto';
import { connected, messageRow, screenshots, setPayload, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

const mosquitto = useMosquitto();

const session = useWorkbenchSession();

const TEST_TIMEOUT = 60_000;

const pub = (...args: string[]) => runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', ...args]);

function tab(page: Page, clientId: string) {
  return page.locator('[data-testid="connection-tab"]').filter({ hasText: clientId });
}

async function publishFromUi(page: Page, topic: string, payload: string): Promise<void> {
  await page.getByTestId('publish-topic').fill(topic);
  await setPayload(page, payload);
  await page.getByTestId('publish-button').click();
  await messageRow(page, topic, 'out').first().waitFor({ timeout: UI_TIMEOUT });
}

describe('Several connections and MQTT 5 tools', { timeout: TEST_TIMEOUT }, () => {
  let page: Page;

  it('keeps two connections open at once, each with its own messages', async () => {
    ({ page } = await session.open());
    await connected(page, { port: mosquitto.port, clientId: 'wb-one' });
    await subscribe(page, 'two/one');
    await connected(page, { port: mosquitto.port, clientId: 'wb-two' });
    await subscribe(page, 'two/two');
    expect(await page.getByTestId('connection-tab').count()).toBe(2);

    await pub('-t', 'two/one', '-m', 'for one');
    await pub('-t', 'two/two', '-m', 'for two');
    // The second connection is selected: only its message shows.
    await messageRow(page, 'two/two').waitFor({ timeout: UI_TIMEOUT });
    expect(await messageRow(page, 'two/one').count()).toBe(0);

    await tab(page, 'wb-one').click();
    await messageRow(page, 'two/one').waitFor({ timeout: UI_TIMEOUT });
    expect(await messageRow(page, 'two/two').count()).toBe(0);
    expect(await page.locator('[data-testid="subscription-row"][data-filter="two/one"]').count()).toBe(1);
    expect(await page.getByTestId('connection-detail').textContent()).toContain('wb-one');

    // Keyboard: Alt+2 selects the second connection.
    await page.keyboard.press('Alt+2');
    await messageRow(page, 'two/two').waitFor({ timeout: UI_TIMEOUT });

    // Closing a tab disconnects it and selects the neighbour.
    await tab(page, 'wb-two').getByTestId('connection-tab-close').click();
    await waitUntil(async () => (await page.getByTestId('connection-tab').count()) === 1);
    expect(await page.getByTestId('connection-detail').textContent()).toContain('wb-one');
  });

  it('shows the SUBACK reason code and honours No Local: its own publish is not echoed', async () => {
    await page.getByTestId('subscribe-options-toggle').click();
    await page.getByTestId('subscribe-no-local').check();
    await page.getByTestId('subscribe-identifier').fill('7');
    await subscribe(page, 'nolocal/#', 1);
    const row = page.locator('[data-testid="subscription-row"][data-filter="nolocal/#"]');
    expect(await row.getByTestId('subscription-qos').getAttribute('data-reason-code')).toBe('1');
    expect(await row.textContent()).toContain('0x01');
    await page.getByTestId('subscribe-no-local').uncheck();
    await page.getByTestId('subscribe-identifier').fill('');
    await page.getByTestId('subscribe-options-toggle').click();

    await publishFromUi(page, 'nolocal/own', 'mine');
    // Someone else's message on the same filter does arrive (the subscription works), with its id.
    await pub('-t', 'nolocal/other', '-m', 'theirs');
    await messageRow(page, 'nolocal/other').waitFor({ timeout: UI_TIMEOUT });
    expect(await messageRow(page, 'nolocal/own', 'in').count()).toBe(0);
    await messageRow(page, 'nolocal/other').click();
    expect(await page.getByTestId('message-detail-properties').textContent()).toContain('Subscription ids7');
  });

  it('publishes MQTT 5 user properties, shown in the message detail', async () => {
    await subscribe(page, 'props/#');
    await page.getByTestId('publish-tab-properties').click();
    for (const [key, value] of [
      ['site', 'north'],
      ['site', 'south'],
      ['unit', '°C'],
    ]) {
      await page.getByTestId('publish-user-properties-add').click();
      await page.getByTestId('publish-user-properties-key').last().fill(key!);
      await page.getByTestId('publish-user-properties-value').last().fill(value!);
    }
    await page.getByTestId('publish-content-type').fill('text/plain');
    await publishFromUi(page, 'props/a', 'with properties');
    await messageRow(page, 'props/a').click();
    const properties = page.getByTestId('message-detail-property');
    await waitUntil(async () => (await properties.count()) >= 4);
    // Order and repeated keys survive the round trip [MQTT-3.3.2-18].
    expect(await properties.allTextContents()).toEqual(['Content typetext/plain', 'sitenorth', 'sitesouth', 'unit°C']);
    for (let i = 0; i < 3; i++) await page.getByTestId('publish-user-properties-remove').first().click();
    await page.getByTestId('publish-content-type').fill('');
  });

  it('repeats a publish 50 times at 1 ms, and all 50 arrive', async () => {
    await subscribe(page, 'repeat/#', 1);
    await page.getByTestId('messages-clear').click();
    await page.getByTestId('publish-topic').fill('repeat/fast');
    await page.getByTestId('publish-qos').selectOption('1');
    await setPayload(page, 'tick');
    await page.getByTestId('publish-tab-repeat').click();
    await page.getByTestId('repeat-interval').fill('1');
    await page.getByTestId('repeat-count').fill('50');
    await page.getByTestId('repeat-start').click();
    const status = page.locator('[data-testid="repeat-status"][data-done="true"]');
    await status.waitFor({ timeout: UI_TIMEOUT });
    expect(await status.getAttribute('data-sent')).toBe('50');
    // 50 out and 50 in, nothing else on this connection since the clear.
    await waitUntil(async () => (await page.getByTestId('messages-count').textContent()) === '100 messages');
    await page.getByTestId('publish-qos').selectOption('0');
  });

  it('sends a request and shows the response with its latency, or a timeout', async () => {
    await page.getByTestId('publish-tab-request').click();
    await page.getByTestId('publish-topic').fill('rpc/echo');
    await setPayload(page, 'ping');
    await page.getByTestId('request-response-topic').fill('rpc/reply');
    await page.getByTestId('request-correlation').fill('61 62 63');
    await page.getByTestId('request-timeout').fill('10000');
    await page.getByTestId('request-send').click();
    // The engine subscribes to the response topic before it publishes: once the request is out, answer it.
    await messageRow(page, 'rpc/echo', 'out').waitFor({ timeout: UI_TIMEOUT });
    const answer = await pub('-t', 'rpc/reply', '-m', 'pong', '-D', 'publish', 'correlation-data', 'abc');
    expect(answer.code, answer.stderr).toBe(0);
    const result = page.locator('[data-testid="request-result"][data-status="response"]');
    await result.waitFor({ timeout: UI_TIMEOUT });
    expect(await result.textContent()).toMatch(/^response in \d+ ms: pong$/);

    await page.getByTestId('request-correlation').fill('');
    await page.getByTestId('request-timeout').fill('300');
    await page.getByTestId('request-send').click();
    const timeout = page.locator('[data-testid="request-result"][data-status="timeout"]');
    await timeout.waitFor({ timeout: UI_TIMEOUT });
    expect(await timeout.textContent()).toMatch(/^timed out after \d+ ms/);
  });

  it('inspects the connection: CONNACK and SUBACK, filtered by type, with their fields', async () => {
    await page.getByTestId('inspector-toggle').click();
    await page.getByTestId('inspector-enable').click();
    // Hundreds of packets so far (the repeat alone made 200): the list is virtualized, so filter to find them.
    await page.getByTestId('inspector-type-filter').selectOption('suback');
    const subacks = page.locator('[data-testid="packet-row"][data-type="suback"]');
    await waitUntil(async () => (await subacks.count()) >= 4);
    expect(await page.locator('[data-testid="packet-row"]:not([data-type="suback"])').count()).toBe(0);
    // two/one, nolocal/# (QoS 1), props/#, repeat/# (QoS 1); then the request helper's own.
    expect((await subacks.getByTestId('packet-reason').allTextContents()).slice(0, 4)).toEqual(['0x00', '0x01', '0x00', '0x01']);

    await page.getByTestId('inspector-type-filter').selectOption('connack');
    await page.locator('[data-testid="packet-row"][data-type="connack"]').click();
    const detail = page.getByTestId('packet-detail');
    await detail.waitFor({ timeout: UI_TIMEOUT });
    expect(await detail.textContent()).toContain('session present');
    await page.getByTestId('inspector-type-filter').selectOption('');

    // Live packets keep coming while the inspector is open.
    await pub('-t', 'props/live', '-m', 'x');
    await page.locator('[data-testid="packet-row"][data-type="publish"][data-direction="in"]').last().waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connack-toggle').click();
    await page.getByTestId('connack').waitFor({ timeout: UI_TIMEOUT });
    await messageRow(page, 'props/live').click();
    await screenshots(page, 'mqtt5-inspector');
  });
});
