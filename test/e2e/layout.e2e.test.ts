/**
 * The workbench's layout, end to end in Chromium against the built UI, the host and a real
 * mosquitto (issue 14): how many message rows a default layout shows with a message open at
 * 1440x900 and 1280x720, resizable panes remembered across a reload, long topics cut in the
 * middle, a selected row that stays put under 2,000 msg/s until "jump to newest", "+ New
 * connection" in view with tabs overflowing, and one time format.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';
import { runMosquittoPub } from '../support/mosquitto';
import { connected, messageRow, screenshots, setPayload, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

const LONG_TOPIC = 'layout/site-berlin/building-7/floor-3/shellies/shelly-plug-s-a1b2c3d4e5f6/relay/0/power';
const LONG_TOPIC_2 = 'layout/site-berlin/building-7/floor-3/shellies/shelly-plug-s-a1b2c3d4e5f6/relay/0/temperature';
const HH_MM_SS = /^\d{2}:\d{2}:\d{2}$/;

/** Publishes each line as one message on `topic` (one mosquitto_pub for all of them). */
async function pub(topic: string, ...lines: string[]): Promise<void> {
  const result = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-V', '5', '-t', topic, '-l'], Buffer.from(lines.join('\n') + '\n'));
  expect(result.code, result.stderr).toBe(0);
}

/** The channels of a computed colour (rgb(...) or rgba(...)). */
function rgb(colour: string): { r: number; g: number; b: number } {
  const [r = 0, g = 0, b = 0] = (colour.match(/[\d.]+/g) ?? []).map(Number);
  return { r, g, b };
}

/** Buttons, selects and checkboxes of panel headers that stick out of their header (cut off). */
function clippedHeaderControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('.panel-header')].flatMap((header) => {
    const box = header.getBoundingClientRect();
    return [...header.querySelectorAll('button, select, input, label')].filter((b) => {
      const r = b.getBoundingClientRect();
      return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1);
    }).map((b) => b.dataset.testid || b.textContent);
  })`);
}

/** Message rows wholly inside the list's viewport, below its sticky header. */
async function visibleRows(page: Page): Promise<number> {
  return page.evaluate<number>(`(() => {
    const list = document.querySelector('[data-testid="message-list"]');
    const header = list.querySelector('.virtual-header');
    const box = list.getBoundingClientRect();
    const top = box.top + (header ? header.getBoundingClientRect().height : 0);
    const bottom = box.top + list.clientHeight;
    return [...list.querySelectorAll('[data-testid="message-row"]')].filter((row) => {
      const r = row.getBoundingClientRect();
      return r.top >= top - 0.5 && r.bottom <= bottom + 0.5;
    }).length;
  })()`);
}

/** Drags the element with test id `testId` from its centre by (dx, dy), in two moves. */
async function dragBy(page: Page, testId: string, dx: number, dy: number): Promise<void> {
  const box = (await page.getByTestId(testId).boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2);
  await page.mouse.move(x + dx, y + dy);
  await page.mouse.up();
}

/** The rendered width of the first element with test id `testId` (or of its `.cls` descendant). */
function widthOf(page: Page, testId: string, cls?: string): Promise<number> {
  const target = cls ? page.getByTestId(testId).first().locator(cls) : page.getByTestId(testId).first();
  return target.evaluate((e) => (e as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width);
}

/** A workbench connected to mosquitto with `layout/#` subscribed and 80 messages in its list. */
async function withTraffic(size: { width: number; height: number }): Promise<Page> {
  const { page } = await session.open();
  await page.setViewportSize(size);
  await connected(page, { port: mosquittoFixture.broker.port, version: '5' });
  await subscribe(page, 'layout/#');
  await pub('layout/sensors/env', ...Array.from({ length: 80 }, (_, i) => JSON.stringify({ temp: 20 + (i % 7) / 2, hum: 40 + (i % 5), seq: i })));
  await waitUntil(async () => (await page.getByTestId('messages-count').textContent()) === '80 messages');
  return page;
}

describe('Workbench layout in Chromium', { timeout: 120_000 }, () => {
  for (const [width, height, wanted] of [
    [1440, 900, 15],
    [1280, 720, 10],
  ] as const) {
    it(`shows at least ${wanted} message rows at ${width}x${height} with a message open and Publish shown`, async () => {
      const page = await withTraffic({ width, height });
      await messageRow(page, 'layout/sensors/env').last().click();
      await page.getByTestId('message-detail').locator('.monaco-editor').waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByTestId('publish-topic').isVisible()).toBe(true);
      const rows = await visibleRows(page);
      console.log(`visible message rows at ${width}x${height} with a message open: ${rows}`);
      expect(rows).toBeGreaterThanOrEqual(wanted);
      // The detail's buttons are all in view: none is cut off by its pane.
      const detail = (await page.getByTestId('message-detail').boundingBox())!;
      for (const id of ['message-detail-format', 'message-detail-diff', 'message-detail-copy', 'message-detail-save', 'message-detail-placement', 'message-detail-close']) {
        const box = (await page.getByTestId(id).boundingBox())!;
        expect(box.x >= detail.x - 1 && box.x + box.width <= detail.x + detail.width + 1, `${id} inside the detail`).toBe(true);
      }
      // Every button of the panel headers is in view, however narrow the panel.
      expect(await clippedHeaderControls(page)).toEqual([]);
      // The topic tree's message count is read whole in its narrow default width.
      await pub('layout/sensors/env', ...Array.from({ length: 1_500 }, () => '{}'));
      await waitUntil(async () => (await page.locator('.topic-row .topic-messages').first().textContent())?.includes(',') === true);
      const countCut = await page.locator('.topic-row .topic-messages').first().evaluate((e) => (e as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth > (e as unknown as { clientWidth: number }).clientWidth);
      expect(countCut).toBe(false);
      await screenshots(page, `layout-${width}x${height}`);

      // Below the list instead of beside it, remembered.
      await page.getByTestId('message-detail-placement').click();
      await page.locator('[data-testid="message-detail-placement"][data-placement="below"]').waitFor({ timeout: UI_TIMEOUT });
      const list = (await page.getByTestId('message-list').boundingBox())!;
      const below = (await page.getByTestId('message-detail').boundingBox())!;
      expect(below.y).toBeGreaterThan(list.y + list.height - 1);
      await screenshots(page, `layout-detail-below-${width}x${height}`);
      await page.close();
    });
  }

  it('resizes panes by dragging their handles, and remembers the sizes after a reload', async () => {
    const page = await withTraffic({ width: 1440, height: 900 });
    const topics = page.getByTestId('pane-topics');
    const publish = page.getByTestId('pane-publish');
    const before = { topics: (await topics.boundingBox())!.width, publish: (await publish.boundingBox())!.height };

    const drag = (handle: string, dx: number, dy: number) => dragBy(page, `split-handle-${handle}`, dx, dy);
    await drag('topics', 120, 0);
    await drag('publish', 0, -80);

    // The list's topic column, by the handle on its header's edge.
    const topicCell = () => page.getByTestId('message-topic').first().evaluate((e) => (e as unknown as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width);
    const columnBefore = await topicCell();
    const resizer = (await page.getByTestId('message-topic-resize').boundingBox())!;
    await page.mouse.move(resizer.x + resizer.width / 2, resizer.y + resizer.height / 2);
    await page.mouse.down();
    await page.mouse.move(resizer.x + resizer.width / 2 + 40, resizer.y + resizer.height / 2);
    await page.mouse.move(resizer.x + resizer.width / 2 + 80, resizer.y + resizer.height / 2);
    await page.mouse.up();
    await waitUntil(async () => Math.abs((await topicCell()) - (columnBefore + 80)) < 3);
    const after = { topics: (await topics.boundingBox())!.width, publish: (await publish.boundingBox())!.height };
    expect(after.topics).toBeGreaterThan(before.topics + 100);
    expect(after.publish).toBeGreaterThan(before.publish + 60);

    await page.reload();
    await page.getByTestId('pane-topics').waitFor({ timeout: UI_TIMEOUT });
    const reloaded = { topics: (await topics.boundingBox())!.width, publish: (await publish.boundingBox())!.height };
    expect(Math.abs(reloaded.topics - after.topics)).toBeLessThan(3);
    expect(Math.abs(reloaded.publish - after.publish)).toBeLessThan(3);
    // The live list starts empty after a reload: one more message gives it a row to measure.
    await pub('layout/sensors/env', '{"after":"reload"}');
    await page.getByTestId('message-topic').first().waitFor({ timeout: UI_TIMEOUT });
    expect(Math.abs((await topicCell()) - (columnBefore + 80))).toBeLessThan(3);

    // Publish collapses to its header by its button (and by dragging its handle down to it).
    await page.getByTestId('publish-toggle').click();
    await waitUntil(async () => (await publish.boundingBox())!.height < 40);
    await page.getByTestId('publish-toggle').click();
    await waitUntil(async () => (await publish.boundingBox())!.height > 150);
    await drag('publish', 0, 400);
    await waitUntil(async () => (await page.getByTestId('publish-toggle').getAttribute('aria-expanded')) === 'false');
    expect((await publish.boundingBox())!.height).toBeLessThan(40);
    await page.getByTestId('publish-toggle').click();
    await page.getByTestId('publish-topic').waitFor({ timeout: UI_TIMEOUT });
    await page.close();
  });

  it('remembers the sidebar, detail and plots sizes, the list columns, a hidden topic tree and the detail below after a reload', async () => {
    const page = await withTraffic({ width: 1440, height: 900 });
    const height = async (id: string) => (await page.getByTestId(id).boundingBox())!.height;
    const sidebarWidth = async () => (await page.getByTestId('pane-sidebar').boundingBox())!.width;

    const sidebarBefore = await sidebarWidth();
    await dragBy(page, 'split-handle-sidebar', 60, 0);
    await waitUntil(async () => (await sidebarWidth()) > sidebarBefore + 50);

    // The list's time and size columns, with the list at full width (no detail beside it).
    const timeBefore = await widthOf(page, 'message-time');
    const sizeBefore = await widthOf(page, 'message-row', '.message-size');
    await dragBy(page, 'message-time-resize', 30, 0);
    await dragBy(page, 'message-size-resize', 40, 0);
    await waitUntil(async () => Math.abs((await widthOf(page, 'message-time')) - (timeBefore + 30)) < 3);
    await waitUntil(async () => Math.abs((await widthOf(page, 'message-row', '.message-size')) - (sizeBefore + 40)) < 3);

    // The detail below the list, made taller by its handle.
    await messageRow(page, 'layout/sensors/env').last().click();
    await page.getByTestId('message-detail-placement').click();
    await page.locator('[data-testid="message-detail-placement"][data-placement="below"]').waitFor({ timeout: UI_TIMEOUT });
    const detailBefore = await height('pane-detail');
    await dragBy(page, 'split-handle-detail', 0, -80);
    await waitUntil(async () => (await height('pane-detail')) > detailBefore + 60);

    // Plots, made taller by its handle.
    const plotTemp = () => page.locator('[data-testid="numeric-field"][data-path="temp"]').getByTestId('plot-field').click();
    await plotTemp();
    await page.getByTestId('pane-plots').waitFor({ timeout: UI_TIMEOUT });
    const plotsBefore = await height('pane-plots');
    await dragBy(page, 'split-handle-plots', 0, -60);
    await waitUntil(async () => (await height('pane-plots')) > plotsBefore + 40);

    // The topic tree hidden.
    await page.getByTestId('topics-toggle').click();
    await page.getByTestId('pane-topics').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const after = { sidebar: await sidebarWidth(), detail: await height('pane-detail'), plots: await height('pane-plots') };
    await screenshots(page, 'layout-resized-1440x900');

    await page.reload();
    await page.getByTestId('pane-sidebar').waitFor({ timeout: UI_TIMEOUT });
    expect(Math.abs((await sidebarWidth()) - after.sidebar)).toBeLessThan(3);
    expect(await page.getByTestId('topics-toggle').getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('pane-topics').count()).toBe(0);
    // The live list starts empty after a reload: one more message gives it a row to measure.
    await pub('layout/sensors/env', JSON.stringify({ temp: 21, hum: 40, seq: 80 }));
    await page.getByTestId('message-time').first().waitFor({ timeout: UI_TIMEOUT });
    expect(Math.abs((await widthOf(page, 'message-time')) - (timeBefore + 30))).toBeLessThan(3);
    expect(Math.abs((await widthOf(page, 'message-row', '.message-size')) - (sizeBefore + 40))).toBeLessThan(3);
    await messageRow(page, 'layout/sensors/env').last().click();
    await page.locator('[data-testid="message-detail-placement"][data-placement="below"]').waitFor({ timeout: UI_TIMEOUT });
    // Plots come back at their size once something is plotted again; the detail keeps its share.
    await plotTemp();
    await page.getByTestId('pane-plots').waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => Math.abs((await height('pane-plots')) - after.plots) < 3);
    await waitUntil(async () => Math.abs((await height('pane-detail')) - after.detail) < 3);
    // This layout (a taller Plots pane, the detail below the list) seen at 1280x720: the traffic keeps
    // its share of the height (Plots and Publish give way), not one row.
    await pub('layout/sensors/env', ...Array.from({ length: 30 }, (_, i) => JSON.stringify({ temp: 22, hum: 41, seq: 81 + i })));
    await page.setViewportSize({ width: 1280, height: 720 });
    const trafficShare = async () => (await height('pane-traffic')) / (await page.locator('.center-rows').boundingBox())!.height;
    await page.waitForFunction(`document.querySelector('[data-testid="pane-traffic"]').getBoundingClientRect().height < 600`);
    console.log(`at 1280x720 after a taller Plots pane: the traffic has ${Math.round((await trafficShare()) * 100)}% of the height`);
    expect(await trafficShare()).toBeGreaterThan(0.34);
    await screenshots(page, 'layout-resized-1280x720');
    await page.getByTestId('plots-clear').click();
    await page.close();
  });

  it('cuts a long topic in the middle: its end stays in view and the title has it whole', async () => {
    const page = await withTraffic({ width: 1280, height: 720 });
    await pub(LONG_TOPIC, '1520');
    await pub(LONG_TOPIC_2, '41.5');
    const topic = messageRow(page, LONG_TOPIC).getByTestId('message-topic');
    await topic.waitFor({ timeout: UI_TIMEOUT });
    expect(await topic.getAttribute('title')).toBe(LONG_TOPIC);
    for (const [name, end] of [
      [LONG_TOPIC, '/power'],
      [LONG_TOPIC_2, '/temperature'],
    ] as const) {
      const cell = messageRow(page, name).getByTestId('message-topic');
      const parts = await cell.evaluate((element) => {
        const e = element as unknown as { querySelector(s: string): { textContent: string; scrollWidth: number; clientWidth: number } };
        const head = e.querySelector('.middle-cut-head');
        const tail = e.querySelector('.middle-cut-tail');
        return { tail: tail.textContent, tailCut: tail.scrollWidth > tail.clientWidth, headCut: head.scrollWidth > head.clientWidth };
      });
      // The start gives way (an ellipsis), the last level is shown whole.
      expect(parts).toEqual({ tail: end, tailCut: false, headCut: true });
    }
    await screenshots(page, 'layout-middle-cut');
    await page.close();
  });

  it('keeps a selected row where it is under 2,000 msg/s, counts what arrives, and jumps to the newest on request', async () => {
    const page = await withTraffic({ width: 1440, height: 900 });
    const rows = page.getByTestId('message-row');
    // A row in the middle of the view.
    const target = rows.filter({ has: page.getByTestId('message-payload').getByText('"seq":70}', { exact: false }) });
    await target.click();
    const selected = page.locator('[data-testid="message-row"].selected');
    await selected.waitFor({ timeout: UI_TIMEOUT });
    const box = (await selected.boundingBox())!;

    const publisher: MqttClient = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquittoFixture.broker.port}`, { protocolVersion: 5, reconnectPeriod: 0 });
    let sent = 0;
    const started = Date.now();
    // 2,000 a second for 2.5 seconds: every 10 ms, as many as the time since the start calls for
    // (a timer late on a busy machine catches up instead of lowering the rate).
    const timer = setInterval(() => {
      const due = Math.min(5000, Math.floor((Date.now() - started) * 2));
      while (sent < due) publisher.publish('layout/flood/a', `flood ${sent++}`, { qos: 0 });
    }, 10);
    const moved: string[] = [];
    let changing: string | null = null;
    try {
      while (Date.now() - started < 2500) {
        changing ??= await page.evaluate<string | null>(`(() => { const row = document.querySelector('.topic-row.changing'); return row && getComputedStyle(row).backgroundColor; })()`);
        const now = await selected.boundingBox();
        if (!now || Math.abs(now.y - box.y) > 0.5) moved.push(`${Date.now() - started} ms: ${now ? now.y : 'gone'} (was ${box.y})`);
        await page.waitForTimeout(50);
      }
    } finally {
      clearInterval(timer);
      await publisher.endAsync();
    }
    expect(sent).toBeGreaterThan(4500);
    expect(moved).toEqual([]);
    // The topic tree's tint for a topic that keeps changing is not the selection's blue.
    expect(changing, 'a changing topic in the tree').not.toBeNull();
    const selectedColour = rgb(await page.evaluate<string>(`getComputedStyle(document.querySelector('[data-testid="message-row"].selected')).backgroundColor`));
    const changingColour = rgb(changing!);
    expect(selectedColour.b).toBeGreaterThan(selectedColour.g);
    expect(changingColour.g).toBeGreaterThan(changingColour.b);
    expect(await selected.textContent()).toContain('"seq":70');

    // The button counts what arrived below, and takes the list back to following.
    const jump = page.getByTestId('messages-jump-newest');
    await waitUntil(async () => Number(await jump.getAttribute('data-new')) > 1000);
    expect(await jump.textContent()).toMatch(/^↓ [\d,]+ new, jump to newest$/);
    await screenshots(page, 'layout-selection-held');
    await jump.click();
    await jump.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await pub('layout/flood/end', 'the end');
    const last = messageRow(page, 'layout/flood/end');
    await last.waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => {
      const [list, row] = await Promise.all([page.getByTestId('message-list').boundingBox(), last.boundingBox()]);
      return !!list && !!row && row.y >= list.y && row.y + row.height <= list.y + list.height + 1;
    });
    // The detail still shows the selected message.
    expect(await page.getByTestId('message-detail').locator('.message-detail-topic').getAttribute('title')).toBe('layout/sensors/env');
    await page.close();
  });

  it('keeps "+ New connection" in view with three tabs at 1280x720', async () => {
    const { page } = await session.open();
    await page.setViewportSize({ width: 1280, height: 720 });
    for (let i = 0; i < 3; i++) await connected(page, { port: mosquittoFixture.broker.port, version: '5', clientId: `layout-tab-with-a-long-client-id-${i}` });
    // The host's other connections (from the tests before) have tabs too: more than three.
    await waitUntil(async () => (await page.getByTestId('connection-tab').count()) >= 3);
    const button = (await page.getByTestId('new-connection').boundingBox())!;
    expect(button.x).toBeGreaterThanOrEqual(0);
    expect(button.x + button.width).toBeLessThanOrEqual(1280);
    // The tabs overflow (they scroll) and the button is still beside them.
    expect(await page.getByTestId('connection-tabs').evaluate((e) => (e as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth > (e as unknown as { clientWidth: number }).clientWidth)).toBe(true);
    // Nothing covers it: a click at its centre reaches it.
    await page.getByTestId('new-connection').click({ trial: true });
    await page.getByTestId('new-connection').click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Escape');
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await screenshots(page, 'layout-tabs-1280');
    await page.close();
  });

  it('shows times one way: HH:MM:SS in the lists, the publish history and the broker view', async () => {
    const page = await withTraffic({ width: 1440, height: 900 });
    expect(await messageRow(page, 'layout/sensors/env').last().getByTestId('message-time').textContent()).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/);

    await page.getByTestId('publish-topic').fill('layout/published');
    await setPayload(page, 'hello');
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-result').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('publish-tab-history').click();
    expect(await page.getByTestId('publish-history-time').first().textContent()).toMatch(HH_MM_SS);
    await screenshots(page, 'layout-publish-history');

    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-panel').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('broker-port').fill(String(await freePort()));
    await page.getByTestId('broker-ws-port').fill('');
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="true"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('broker-since').textContent()).toMatch(/^· since \d{2}:\d{2}:\d{2}$/);
    await screenshots(page, 'layout-broker-times');
    await page.getByTestId('broker-toggle').click();
    await page.locator('[data-testid="broker-status"][data-running="false"]').waitFor({ timeout: UI_TIMEOUT });
    await page.close();
  });

  it('closes the connection dialog on Esc after a failed connect', async () => {
    const { page } = await session.open();
    await page.getByTestId('new-connection').click();
    await page.getByTestId('connect-host').fill('127.0.0.1');
    await page.getByTestId('connect-port').fill(String(await freePort()));
    await page.getByTestId('connect-button').click();
    await page.getByTestId('connection-error').waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Escape');
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.close();
  });

  it('offers "Send request" only for a valid topic and response topic', async () => {
    const page = await withTraffic({ width: 1440, height: 900 });
    await page.getByTestId('publish-tab-request').click();
    const send = page.getByTestId('request-send');
    await page.getByTestId('request-response-topic').fill('layout/replies');
    await page.getByTestId('publish-topic').fill('layout/+/bad');
    await waitUntil(async () => await send.isDisabled());
    await page.getByTestId('publish-topic').fill('layout/requests');
    await waitUntil(async () => await send.isEnabled());
    await page.getByTestId('request-response-topic').fill('layout/#');
    await waitUntil(async () => await send.isDisabled());
    await page.close();
  });

  it('plots readable values: significant digits, whole names, and a window that starts at the data', async () => {
    const page = await withTraffic({ width: 1440, height: 900 });
    for (const value of [1457.7963686566266, 1460.0412, 1455.5]) await pub('layout/motor', JSON.stringify({ Motor_temperature_left_bearing: value }));
    await waitUntil(async () => (await messageRow(page, 'layout/motor').count()) === 3);
    await messageRow(page, 'layout/motor').last().click();
    const field = page.locator('[data-testid="numeric-field"][data-path="Motor_temperature_left_bearing"]');
    await field.waitFor({ timeout: UI_TIMEOUT });
    expect(await field.locator('.detail-field-value').textContent()).toBe('1455.5');
    await field.getByTestId('plot-field').click();
    const chart = page.getByTestId('plot-chart');
    await waitUntil(async () => (await chart.getAttribute('data-points')) === '3');
    await page.getByTestId('plot-window-5m').click();
    expect(await page.getByTestId('plot-last').textContent()).toBe('1455.5');
    // The name is shown whole (wrapped if need be), not cut.
    const label = await page.locator('.plot-label').evaluate((e) => {
      const element = e as unknown as { scrollWidth: number; clientWidth: number; textContent: string };
      return { text: element.textContent, cut: element.scrollWidth > element.clientWidth + 1 };
    });
    expect(label).toEqual({ text: 'Motor_temperature_left_bearing', cut: false });
    // Three values published within a second, in a 5-minute window: the line starts in the left
    // part of the chart, not squeezed against its right edge.
    const start = await chart.evaluate((element) => {
      type Box = { offsetLeft: number; offsetTop: number; clientWidth: number; clientHeight: number };
      type Canvas = Box & { width: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const root = element as unknown as { querySelector(selector: string): unknown };
      const canvas = root.querySelector('canvas') as Canvas;
      const over = root.querySelector('.u-over') as Box;
      const scale = canvas.width / canvas.clientWidth;
      const width = Math.round(over.clientWidth * scale);
      const height = Math.round(over.clientHeight * scale);
      const data = canvas.getContext('2d').getImageData(Math.round(over.offsetLeft * scale), Math.round(over.offsetTop * scale), width, height).data;
      let left = width;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 128 && Math.abs(data[i]! - 0x2f) + Math.abs(data[i + 1]! - 0x81) + Math.abs(data[i + 2]! - 0xf7) < 60) left = Math.min(left, (i / 4) % width);
      }
      return left / width;
    });
    expect(start).toBeLessThan(0.3);
    await page.mouse.move(0, 0);
    await screenshots(page, 'layout-plots');
    // Folded to its header and back, like Publish.
    const pane = page.getByTestId('pane-plots');
    await page.getByTestId('plots-toggle').click();
    await waitUntil(async () => (await pane.boundingBox())!.height < 40);
    expect(await page.getByTestId('plots-toggle').getAttribute('aria-expanded')).toBe('false');
    await page.getByTestId('plots-toggle').click();
    await waitUntil(async () => (await pane.boundingBox())!.height > 100);
    await page.getByTestId('plots-clear').click();
    await page.close();
  });

  it('lists a big payload\'s numbers a page at a time, with a search', async () => {
    const page = await withTraffic({ width: 1440, height: 900 });
    const frames = Array.from({ length: 300 }, (_, i) => ({ i, v: i / 7 }));
    await pub('layout/frames', JSON.stringify({ frames }));
    await messageRow(page, 'layout/frames').click();
    const fields = page.getByTestId('numeric-field');
    await waitUntil(async () => (await fields.count()) === 40);
    expect(await page.getByTestId('numeric-fields-more').textContent()).toBe('560 more numbers: search to find them.');
    await page.getByTestId('numeric-fields-search').fill('frames[250]');
    await waitUntil(async () => (await fields.count()) === 2);
    expect(await fields.evaluateAll((items) => items.map((item) => (item as unknown as { dataset: { path: string } }).dataset.path))).toEqual(['frames[250].i', 'frames[250].v']);
    // The value reads with significant digits: 250 / 7 = 35.714285714...
    expect(await fields.nth(1).locator('.detail-field-value').textContent()).toBe('35.7143');
    expect(await page.getByTestId('numeric-fields-more').count()).toBe(0);
    await screenshots(page, 'layout-numbers-search');
    await page.close();
  });

  it('keeps the publish topic usable with the packet inspector open at 1280x720', async () => {
    const page = await withTraffic({ width: 1280, height: 720 });
    await page.getByTestId('inspector-toggle').click();
    await page.getByTestId('pane-inspector').waitFor({ timeout: UI_TIMEOUT });
    const topic = (await page.getByTestId('publish-topic').boundingBox())!;
    expect(topic.width).toBeGreaterThanOrEqual(200);
    // Nothing of the publish form is pushed out of its panel: its controls wrap instead.
    const panel = (await page.getByTestId('panel-publish').boundingBox())!;
    for (const id of ['publish-qos', 'publish-retain', 'publish-mode-msgpack', 'publish-button']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.x + box.width <= panel.x + panel.width + 1, `${id} inside the Publish panel`).toBe(true);
    }
    await page.getByTestId('inspector-enable').click();
    await page.getByTestId('inspector-count').waitFor({ timeout: UI_TIMEOUT });
    expect(await clippedHeaderControls(page)).toEqual([]);
    await screenshots(page, 'layout-inspector-1280');
    await page.close();
  });
});
