/**
 * A scenario started and stopped from the UI (issue 17): the built host and renderer in Chromium,
 * the embedded broker started from the Broker view, a plain mqtt.js subscriber as the outside
 * world. The counters move while the run runs and stop when it stops.
 * Fails on any console error, page error or CSP violation.
 */
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';
import { UI_TIMEOUT, fillConnection, screenshots, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const secured = useMosquitto({ auth: { username: 'plant', password: 'plant-secret' } });
const session = useWorkbenchSession();

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
const count = async (page: Page, testId: string) => Number((await text(page, testId)).replace(/,/g, ''));

describe('Scenarios in Chromium', { timeout: 90_000 }, () => {
  it('starts the sensor fleet against the embedded broker, shows counters moving, stops it: counters stop, devices disconnect', async () => {
    const { page } = await session.open();
    const port = await freePort();
    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-port').fill(String(port));
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="true"]').waitFor({ timeout: UI_TIMEOUT });
    const observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'e2e-observer' });
    const topics = new Set<string>();
    let received = 0;
    observer.on('message', (topic) => {
      topics.add(topic);
      received++;
    });
    await observer.subscribeAsync('site/#', { qos: 0 });

    await page.getByTestId('view-automation').click();
    await page.getByTestId('scenarios-section').waitFor({ timeout: UI_TIMEOUT });
    // The first built-in is chosen and its YAML shown; the summary says how devices connect.
    await waitUntil(async () => (await page.getByTestId('scenario-built-in').inputValue()) === 'sensor-fleet');
    expect(await page.getByTestId('scenario-text').inputValue()).toContain('name: sensor-fleet');
    expect(await text(page, 'scenario-summary')).toContain('20 devices, one MQTT connection each');

    // A typo is named by its field, and Start waits for a valid scenario.
    const original = await page.getByTestId('scenario-text').inputValue();
    await page.getByTestId('scenario-text').fill(original.replace('intervalMs: 2000', 'intervalMs: 0'));
    await page.getByTestId('scenario-problems').waitFor({ timeout: UI_TIMEOUT });
    expect(await text(page, 'scenario-problems')).toContain('publish[0].intervalMs: intervalMs is at least 1');
    expect(await page.getByTestId('scenario-start').isDisabled()).toBe(true);
    await page.getByTestId('scenario-built-in').selectOption('sensor-fleet');
    expect(await page.getByTestId('scenario-problems').count()).toBe(0);

    await page.getByTestId('scenario-target').selectOption('broker');
    await page.getByTestId('scenario-devices').fill('5');
    await page.getByTestId('scenario-rate').fill('50');
    await page.getByTestId('scenario-start').click();
    const run = page.getByTestId('scenario-run').first();
    await run.waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await run.getAttribute('data-state')) === 'running');
    await waitUntil(async () => (await text(page, 'scenario-counter-connected')) === '5 / 5');
    // The counters move: sent grows between two counters events, and the rate is near the 50/s asked for.
    await waitUntil(async () => (await count(page, 'scenario-counter-sent')) >= 20);
    const earlier = await count(page, 'scenario-counter-sent');
    await waitUntil(async () => (await count(page, 'scenario-counter-sent')) > earlier);
    await waitUntil(async () => {
      const rate = Number((await text(page, 'scenario-counter-rate')).split(' ')[0]);
      return rate >= 30 && rate <= 70;
    });
    expect(await text(page, 'scenario-counter-errors')).toBe('0');
    await screenshots(page, 'scenario-running');

    await page.getByTestId('scenario-stop').click();
    await waitUntil(async () => (await run.getAttribute('data-state')) === 'stopped');
    expect(await text(page, 'scenario-counter-connected')).toBe('0 / 5');
    expect(await text(page, 'scenario-counter-rate')).toMatch(/^0 /);
    expect(await page.getByTestId('scenario-stop').count()).toBe(0);
    const sent = await count(page, 'scenario-counter-sent');
    // Every message counted reached the subscriber, from the 5 devices' two topics each.
    await waitUntil(async () => received === sent);
    expect([...topics].filter((t) => t.endsWith('/temp')).sort()).toEqual([1, 2, 3, 4, 5].map((d) => `site/berlin/sensor/${d}/temp`));

    // The broker sees the devices gone (its counters tick once a second) and the run's counters have not moved since.
    await page.getByTestId('view-broker').click();
    await waitUntil(async () => (await text(page, 'broker-stat-connections')) === '1');
    await page.getByTestId('view-automation').click();
    expect(await count(page, 'scenario-counter-sent')).toBe(sent);
    expect(received).toBe(sent);
    await observer.endAsync();
  });

  it('runs the Sparkplug B edge node against a saved profile (with its stored password) and stops it: NDEATH for each node', async () => {
    const { page } = await session.open();
    await fillConnection(page, { port: secured.port, username: 'plant', password: 'plant-secret' });
    await page.getByTestId('profile-name').fill('Plant mosquitto');
    await page.getByTestId('profile-save').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const observer = await mqtt.connectAsync(`mqtt://127.0.0.1:${secured.port}`, { clientId: 'e2e-sparkplug-observer', username: 'plant', password: 'plant-secret' });
    const topics: string[] = [];
    observer.on('message', (topic) => topics.push(topic));
    await observer.subscribeAsync('spBv1.0/#', { qos: 1 });

    await page.getByTestId('view-automation').click();
    await page.getByTestId('scenarios-section').waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await page.getByTestId('scenario-built-in').locator('option').count()) >= 4);
    await page.getByTestId('scenario-built-in').selectOption('sparkplug-edge-node');
    expect(await text(page, 'scenario-summary')).toContain('Sparkplug B (NDEATH as Will)');
    const profile = page.getByTestId('scenario-target').locator('option', { hasText: 'Profile: Plant mosquitto' });
    await page.getByTestId('scenario-target').selectOption((await profile.getAttribute('value'))!);
    await page.getByTestId('scenario-devices').fill('2');
    await page.getByTestId('scenario-start').click();
    const run = page.locator('[data-testid="scenario-run"]', { hasText: 'sparkplug-edge-node' });
    await waitUntil(async () => (await run.getAttribute('data-state')) === 'running');
    expect(await run.textContent()).toContain(`mqtt://127.0.0.1:${secured.port}`);
    await waitUntil(async () => (await run.getByTestId('scenario-counter-connected').textContent()) === '2 / 2');
    await waitUntil(async () => topics.filter((t) => t.includes('/DDATA/')).length >= 4);
    expect(topics.filter((t) => t.includes('BIRTH/')).sort()).toEqual(['spBv1.0/Plant1/DBIRTH/edge-1/capper', 'spBv1.0/Plant1/DBIRTH/edge-1/filler', 'spBv1.0/Plant1/DBIRTH/edge-2/capper', 'spBv1.0/Plant1/DBIRTH/edge-2/filler', 'spBv1.0/Plant1/NBIRTH/edge-1', 'spBv1.0/Plant1/NBIRTH/edge-2']);

    await run.getByTestId('scenario-stop').click();
    await waitUntil(async () => (await run.getAttribute('data-state')) === 'stopped');
    await waitUntil(async () => topics.filter((t) => t.includes('/NDEATH/')).length === 2);
    expect(topics.filter((t) => t.includes('/NDEATH/')).sort()).toEqual(['spBv1.0/Plant1/NDEATH/edge-1', 'spBv1.0/Plant1/NDEATH/edge-2']);
    expect(await run.getByTestId('scenario-counter-errors').textContent()).toBe('0');
    await observer.endAsync();
  });
});
