/**
 * Words and details (issue 14), end to end in Chromium: one time format for every time shown (a
 * setting, remembered), plots that read well, buttons that say what they do, and the small texts
 * a user reads (plurals, reason codes, dialogs that stay usable).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';
import { runMosquittoPub } from '../support/mosquitto';
import { ARTIFACTS, closeConnections, connected, fillConnection, statusIs, messageRow, screenshots, setPayload, subscribe, UI_TIMEOUT, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquitto = useMosquitto();
const TEST_TIMEOUT = 120_000;

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1280, height: 720 },
] as const;

/** Light and dark screenshots at both window sizes the issue names. */
async function screenshotsAtSizes(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await screenshots(page, `${name}-${size.width}x${size.height}`);
  }
  if (before) await page.setViewportSize(before);
}

/** Publishes each line as one message on `topic` (one mosquitto_pub for all of them). */
async function pub(topic: string, lines: string[], extra: string[] = []): Promise<void> {
  const result = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.broker.port), '-V', '5', '-t', topic, ...extra, '-l'], Buffer.from(lines.join('\n') + '\n'));
  expect(result.code, result.stderr).toBe(0);
}

const POWER_TOPIC = 'words/site-berlin/building-7/floor-3/shellies/shelly-plug-s-a1b2c3d4e5f6/relay/0/power';

async function publish(page: Page, topic: string, payload: string): Promise<void> {
  await page.getByTestId('publish-topic').fill(topic);
  await page.getByTestId('publish-mode-json').click();
  await setPayload(page, payload);
  await page.getByTestId('publish-button').click();
  await page.getByTestId('publish-result').getByText(`to ${topic}`).waitFor({ timeout: UI_TIMEOUT });
}

/**
 * Buttons whose visible text is a glyph or a lone character (×, ⚙, ⊞, ▸, ?) that lack a name for
 * screen readers (aria-label), a tooltip (title), or a place in the tab order. A string: the tests
 * compile without DOM types.
 */
const UNEXPLAINED_ICON_BUTTONS = `[...document.querySelectorAll('button, [role="button"]')]
  .filter((b) => b.getClientRects().length > 0 && !/[A-Za-z]{2,}/.test(b.textContent || ''))
  .filter((b) => !b.getAttribute('aria-label') || !b.getAttribute('title') || b.tabIndex < 0)
  .map((b) => (b.dataset.testid || b.className || b.tagName) + ' "' + (b.textContent || '').trim() + '"' +
    (b.getAttribute('aria-label') ? '' : ' no aria-label') + (b.getAttribute('title') ? '' : ' no title') + (b.tabIndex < 0 ? ' not focusable' : ''))`;
const unexplainedIconButtons = (page: Page) => page.evaluate<string[]>(UNEXPLAINED_ICON_BUTTONS);

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

describe('Words and details in Chromium', { timeout: TEST_TIMEOUT }, () => {
  it('shows every time in one format: 24-hour by default, the OS locale when chosen, remembered across a reload', async () => {
    const { page } = await session.open(undefined, { locale: 'en-US', viewport: SIZES[0] });
    await connected(page, { port: mosquitto.broker.port, version: '5' });
    await subscribe(page, 'words/#');
    await publish(page, 'words/time', '{"t": 1}');
    const row = messageRow(page, 'words/time');
    await row.waitFor({ timeout: UI_TIMEOUT });
    const rowTime = async () => ((await row.first().getByTestId('message-time').textContent()) ?? '').trim();
    expect(await rowTime()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
    await page.getByTestId('publish-tab-history').click();
    expect(await text(page, 'publish-history-time')).toMatch(/^\d\d:\d\d:\d\d$/);

    // The OS's (here en-US) clock: the live list, publish history and the inspector follow at once.
    await page.getByTestId('time-format-select').selectOption('locale');
    await waitUntil(async () => /^\d{1,2}:\d\d:\d\d\.\d{3}\s[AP]M$/.test(await rowTime()));
    await waitUntil(async () => /^\d{1,2}:\d\d:\d\d\s[AP]M$/.test(await text(page, 'publish-history-time')));
    await page.getByTestId('inspector-toggle').click();
    await page.getByTestId('inspector-enable').click();
    await page.getByTestId('publish-button').click();
    const packetTime = page.getByTestId('packet-row').first().locator('.message-time');
    await packetTime.waitFor({ timeout: UI_TIMEOUT });
    expect(((await packetTime.textContent()) ?? '').trim()).toMatch(/^\d{1,2}:\d\d:\d\d\.\d{3}\s[AP]M$/);
    await screenshotsAtSizes(page, 'time-format-locale');
    await page.getByTestId('inspector-toggle').click();

    // History's rows carry the date too, in the locale's order.
    await page.getByTestId('view-history').click();
    const stored = page.getByTestId('history-row').first().locator('.message-time');
    await stored.waitFor({ timeout: UI_TIMEOUT });
    expect(((await stored.textContent()) ?? '').trim()).toMatch(/^\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d\.\d{3}\s[AP]M$/);
    await screenshotsAtSizes(page, 'time-format-locale-history');

    // The broker view's "since" reads the same way.
    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-port').fill(String(await freePort()));
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="true"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await text(page, 'broker-since')).toMatch(/^· since \d{1,2}:\d\d:\d\d\s[AP]M$/);
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="false"]').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('view-workbench').click();

    // Kept with the UI state: a reload comes back in the locale's format.
    await page.reload();
    await page.getByTestId('time-format-select').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('time-format-select').inputValue()).toBe('locale');
    await page.getByTestId('time-format-select').selectOption('24h');
    await waitUntil(async () => (await row.count()) === 0 || /^\d\d:\d\d:\d\d\.\d{3}$/.test(await rowTime()));
    await page.screenshot({ path: `${ARTIFACTS}time-format-24h.png` });
    await closeConnections(page);
    await page.close();
  });

  it('plots readable values with their units, names cut in the middle, and a bounded, searchable Numbers list', async () => {
    const { page } = await session.open(undefined, { viewport: SIZES[0] });
    await connected(page, { port: mosquitto.broker.port, version: '5' });
    await subscribe(page, 'words/#');

    // The topic's last level names the quantity of a bare number; a key suffix; a unit field beside the value.
    await pub(POWER_TOPIC, ['1457.7963686566266', '1460.0412']);
    await pub('words/motor', [JSON.stringify({ speed: 1500.123456, winding_temp_c: 81.23456789 })]);
    await pub('words/line', [JSON.stringify({ value: 230.41, unit: 'V' })]);
    async function plot(topic: string, path: string) {
      await messageRow(page, topic).last().click();
      const field = page.locator(`[data-testid="numeric-field"][data-path="${path}"]`);
      await field.waitFor({ timeout: UI_TIMEOUT });
      await field.getByTestId('plot-field').click();
    }
    await waitUntil(async () => (await messageRow(page, POWER_TOPIC).count()) === 2);
    await plot(POWER_TOPIC, '$');
    await plot('words/motor', 'winding_temp_c');
    await plot('words/motor', 'speed');
    await plot('words/line', 'value');
    // The Numbers list reads the value with the unit stated beside it.
    expect(await page.locator('[data-testid="numeric-field"][data-path="value"] .detail-field-value').textContent()).toBe('230.41 V');
    const legend = page.getByTestId('plot-series');
    await waitUntil(async () => (await legend.count()) === 4);
    const last = async (i: number) => ((await legend.nth(i).getByTestId('plot-last').textContent()) ?? '').trim();
    await waitUntil(async () => (await last(0)) === '1460.04 W');
    expect(await last(1)).toBe('81.2346 °C');
    // No unit stated or implied: none made up.
    expect(await last(2)).toBe('1500.12');
    expect(await last(3)).toBe('230.41 V');

    // The readout under the pointer gives each value with its unit beside it.
    const area = (await page.getByTestId('plot-chart').locator('.u-over').boundingBox())!;
    await page.mouse.move(area.x + area.width - 2, area.y + area.height / 2);
    await page.mouse.move(area.x + area.width - 1, area.y + area.height / 2);
    await page.getByTestId('plot-hover').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('plot-hover-unit').allTextContents()).toEqual(['W', '°C', '', 'V']);

    // The long topic keeps its last level in view; the whole topic is its title.
    const topic = legend.nth(0).getByTestId('plot-topic');
    expect(await topic.locator('.middle-cut').getAttribute('title')).toBe(POWER_TOPIC);
    const tail = await topic.locator('.middle-cut-tail').evaluate((e) => {
      const element = e as unknown as { scrollWidth: number; clientWidth: number; textContent: string };
      return { text: element.textContent, cut: element.scrollWidth > element.clientWidth + 1 };
    });
    expect(tail).toEqual({ text: '/power', cut: false });
    await page.mouse.move(0, 0);
    await screenshotsAtSizes(page, 'words-plots');
    await page.getByTestId('plots-clear').click();

    // 300 frames of two numbers each: 40 listed, "40 of 600", and a search finds the others.
    await pub('words/frames', [JSON.stringify({ frames: Array.from({ length: 300 }, (_, i) => ({ i, v: i / 7 })) })]);
    await messageRow(page, 'words/frames').click();
    const fields = page.getByTestId('numeric-field');
    await waitUntil(async () => (await fields.count()) === 40);
    expect(await text(page, 'numeric-fields-count')).toBe('40 of 600');
    await page.getByTestId('numeric-fields-search').fill('frames[25');
    await waitUntil(async () => (await fields.count()) === 22);
    expect(await text(page, 'numeric-fields-count')).toBe('22 of 600');
    await screenshotsAtSizes(page, 'words-numbers-search');
    await closeConnections(page);
    await page.close();
  });

  it('explains every icon button (a label, a tooltip, a place in the tab order) in each view', async () => {
    const { page } = await session.open(undefined, { viewport: SIZES[0] });
    const found = new Set<string>();
    const collect = async (where: string) => {
      for (const problem of await unexplainedIconButtons(page)) found.add(`${where}: ${problem}`);
    };
    await collect('empty workbench');
    await connected(page, { port: mosquitto.broker.port, version: '5' });
    await page.getByTestId('subscribe-options-toggle').click().catch(() => undefined);
    await subscribe(page, 'words/#');
    await pub('words/icons', [JSON.stringify({ temp_c: 20.5 })]);
    await messageRow(page, 'words/icons').click();
    await page.locator('[data-testid="numeric-field"][data-path="temp_c"]').getByTestId('plot-field').click();
    await page.getByTestId('topic-tree-expand-all').click();
    await page.getByTestId('inspector-toggle').click();
    await collect('connected, message open, plotted, inspector');
    await page.getByTestId('inspector-toggle').click();
    for (const tab of ['properties', 'repeat', 'request', 'history']) {
      await page.getByTestId(`publish-tab-${tab}`).click();
      await collect(`publish ${tab}`);
    }
    await page.getByTestId('new-connection').click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await collect('connection dialog');
    await page.keyboard.press('Escape');
    await page.getByTestId('view-history').click();
    await collect('history view');
    await page.getByTestId('view-broker').click();
    await collect('broker view');
    await page.getByTestId('view-workbench').click();
    expect([...found]).toEqual([]);
    await closeConnections(page);
    await page.close();
  });

  it('says it in words: plurals, reason code names beside the hex, what R and r mean', async () => {
    const { page } = await session.open(undefined, { viewport: SIZES[1] });
    // Retained before the subscription: it arrives with its retain flag.
    await pub('plain/room/temp', ['21.5'], ['-r']);
    await connected(page, { port: mosquitto.broker.port, version: '5' });
    await subscribe(page, 'plain/#', 1);
    // SUBACK 0x01 is "Granted QoS 1": the row says so, with the code beside it.
    const qos = page.locator('[data-testid="subscription-row"][data-filter="plain/#"]').getByTestId('subscription-qos');
    expect(((await qos.textContent()) ?? '').replace(/\s+/g, ' ').trim()).toBe('Granted QoS 1 0x01');
    expect(await qos.getAttribute('title')).toBe('SUBACK 0x01 Granted QoS 1');

    const node = page.locator('[data-testid="topic-node"][data-topic="plain"]');
    await node.waitFor({ timeout: UI_TIMEOUT });
    // One message, one topic: singular.
    await waitUntil(async () => (await node.locator('.topic-counts').getAttribute('title')) === '1 message, 1 topic below');
    expect(await node.getByTestId('topic-subtopics').textContent()).toBe('1 topic');
    expect(await node.getByTestId('topic-retained').textContent()).toBe('r');
    expect(await node.getByTestId('topic-retained').getAttribute('title')).toBe('r: nothing retained here; 1 topic below has a retained message (marked R)');
    await page.getByTestId('topic-tree-expand-all').click();
    const leaf = page.locator('[data-testid="topic-node"][data-topic="plain/room/temp"]');
    await leaf.waitFor({ timeout: UI_TIMEOUT });
    expect(await leaf.getByTestId('topic-retained').textContent()).toBe('R');
    expect(await leaf.getByTestId('topic-retained').getAttribute('title')).toBe('R: the broker holds a retained message for this topic');
    await screenshotsAtSizes(page, 'words-marks');
    await pub('plain/room/temp', [''], ['-r']);
    await closeConnections(page);
    await page.close();
  });

  it('keeps a confirmation whole in view: deleting a profile with a long name at 1280x720', async () => {
    const { page } = await session.open(undefined, { viewport: SIZES[1] });
    await fillConnection(page, { port: mosquitto.broker.port });
    const name = 'Plant Berlin building 7 floor 3 line broker (staging)';
    await page.getByTestId('profile-name').fill(name);
    await page.getByTestId('profile-save-connect').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    const row = page.locator(`[data-testid="profile-row"][data-name="${name}"]`);
    await row.getByTestId('profile-delete').click();
    const confirm = row.getByTestId('profile-delete-confirm');
    await confirm.waitFor({ timeout: UI_TIMEOUT });
    const panel = (await page.getByTestId('panel-profiles').boundingBox())!;
    // The name stays readable beside the question: which profile goes is not cut to "Pla…".
    const profileName = row.locator('.profile-name');
    expect(await profileName.evaluate((e) => (e as unknown as { scrollWidth: number; clientWidth: number }).clientWidth)).toBeGreaterThan(120);
    for (const target of [confirm, row.getByTestId('profile-delete-yes'), row.getByTestId('profile-delete-no')]) {
      const box = (await target.boundingBox())!;
      expect(box.x >= panel.x - 1 && box.x + box.width <= panel.x + panel.width + 1, 'inside the Profiles panel').toBe(true);
      // Not covered or cut by an ancestor: the point at its centre is the element itself or inside it.
      expect(await target.evaluate((e) => {
        const element = e as unknown as { getBoundingClientRect(): { x: number; y: number; width: number; height: number }; contains(other: unknown): boolean; ownerDocument: { elementFromPoint(x: number, y: number): unknown } };
        const r = element.getBoundingClientRect();
        return element.contains(element.ownerDocument.elementFromPoint(r.x + r.width - 2, r.y + r.height / 2));
      })).toBe(true);
    }
    await screenshotsAtSizes(page, 'words-profile-delete-confirm');
    await row.getByTestId('profile-delete-yes').click();
    await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await closeConnections(page);
    await page.close();
  });
});
