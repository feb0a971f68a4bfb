/**
 * The live message list, the message detail and plots, end to end: the built UI in Chromium, the
 * host, and a real mosquitto fed by mosquitto_pub. Every test fails on a console error, a page
 * error or a CSP violation (Monaco and uPlot included).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PAYLOAD_BUDGET_BYTES } from '../../main/core/engine/live-payloads';
import { type Mosquitto, runMosquittoPub, startMosquitto } from '../support/mosquitto';
import { connected, messageRow, screenshots, setPayload, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
let mosquitto: Mosquitto;
let page: Page;

beforeAll(async () => {
  mosquitto = await startMosquitto();
});

afterAll(async () => {
  await mosquitto?.stop();
});

/** Publishes each line as one message on `topic` (one mosquitto_pub process for all of them). */
async function pub(topic: string, ...lines: string[]): Promise<void> {
  const result = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', topic, '-l'], Buffer.from(lines.join('\n') + '\n'));
  expect(result.code, result.stderr).toBe(0);
}

async function pubFile(topic: string, bytes: Buffer): Promise<void> {
  const file = join(tmpdir(), `wb-payload-${process.pid}-${Date.now()}`);
  writeFileSync(file, bytes);
  const result = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', topic, '-f', file]);
  rmSync(file, { force: true });
  expect(result.code, result.stderr).toBe(0);
}

const attributes = async (locator: Locator, name: string) => Promise.all((await locator.all()).map((item) => item.getAttribute(name)));
const rows = () => page.getByTestId('message-row');
const text = async (locator: Locator) => (await locator.textContent()) ?? '';

/**
 * For each colour, the share of the chart's plotting area (uPlot's .u-over) that its pixels span
 * from top to bottom: how readable a line is. Axis labels, drawn in the series' colours too, lie
 * outside that area.
 */
async function verticalSpans(chart: Locator, colours: [number, number, number][]): Promise<number[]> {
  return chart.evaluate((element, wanted) => {
    type Box = { offsetLeft: number; offsetTop: number; clientWidth: number; clientHeight: number };
    type Canvas = Box & { width: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const root = element as unknown as { querySelector(selector: string): unknown };
    const canvas = root.querySelector('canvas') as Canvas;
    const over = root.querySelector('.u-over') as Box;
    const scale = canvas.width / canvas.clientWidth;
    const width = Math.round(over.clientWidth * scale);
    const height = Math.round(over.clientHeight * scale);
    const data = canvas.getContext('2d').getImageData(Math.round(over.offsetLeft * scale), Math.round(over.offsetTop * scale), width, height).data;
    return wanted.map(([r, g, b]) => {
      let top = height;
      let bottom = -1;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 128 && Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 60) {
          const y = Math.floor(i / 4 / width);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
      return bottom < 0 ? 0 : (bottom - top + 1) / height;
    });
  }, colours);
}

/** Waits until the first two series' lines (blue and red in the palette) span what `ok` wants. */
async function linesSpan(chart: Locator, ok: (first: number, second: number) => boolean, what: string): Promise<void> {
  let spans: number[] = [];
  try {
    await waitUntil(async () => {
      spans = await verticalSpans(chart, [
        [0x2f, 0x81, 0xf7],
        [0xe5, 0x53, 0x4b],
      ]);
      return ok(spans[0]!, spans[1]!);
    });
  } catch {
    throw new Error(`with ${what} the lines span ${spans.map((span) => span.toFixed(2)).join(' and ')} of the chart's height`);
  }
}

/** The text Monaco shows (its rendered lines; spaces come back as no-break spaces). */
async function monacoText(locator: Locator): Promise<string> {
  const lines = locator.locator('.view-lines');
  await lines.first().waitFor({ timeout: UI_TIMEOUT });
  return (await lines.first().innerText()).replace(/\u00a0/g, ' ');
}

/** A token of the detail's payload view (JSON is tokenised; plain text is one token a line). */
const token = (shown: string) => page.getByTestId('message-detail-payload').locator('.view-line span span').getByText(shown, { exact: true });
// Forced: Monaco's caret, left on a token by an earlier click, covers it; Monaco hit-tests clicks itself.
const clickToken = (shown: string, modifiers: 'ControlOrMeta'[] = []) => token(shown).click({ force: true, modifiers });

async function detailShows(expected: (shown: string) => boolean): Promise<string> {
  let shown = '';
  await waitUntil(async () => expected((shown = await monacoText(page.getByTestId('message-detail-payload')))));
  return shown;
}

/**
 * Back to following the newest row: opening a message holds the list where it is (issue 14), so
 * rows that arrived since may lie below what is drawn.
 */
async function followNewest(): Promise<void> {
  const jump = page.getByTestId('messages-jump-newest');
  if ((await jump.count()) > 0) await jump.click();
}

/** Opens the newest row of `topic` (the one with `payload`, when given: it may still be on its way). */
async function openNewest(topic: string, payload?: string): Promise<void> {
  await followNewest();
  const row = messageRow(page, topic);
  await (payload === undefined ? row : row.filter({ has: page.getByTestId('message-payload').getByText(payload, { exact: true }) })).last().click();
  await page.getByTestId('message-detail').locator('.message-detail-topic').getByText(topic, { exact: true }).waitFor({ timeout: UI_TIMEOUT });
}

describe('Messages, message detail and plots in Chromium', { timeout: 120_000 }, () => {
  it('filters the list by direction, topic filter (with wildcards), subscription and text', async () => {
    ({ page } = await session.open(undefined, { acceptDownloads: true }));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(session.host.url).origin });
    await connected(page, { port: mosquitto.port, version: '5' });
    await subscribe(page, 'sensors/#');
    await subscribe(page, 'lights/#');
    // For the detail and plot tests below (nothing is published there yet).
    await subscribe(page, 'devices/#');
    await subscribe(page, 'plant/#');
    await pub('sensors/kitchen/temp', '21.5');
    await pub('sensors/garage/temp', '12.0');
    await pub('sensors/garage/humidity', '40');
    await pub('lights/kitchen', 'ON');
    await waitUntil(async () => (await rows().count()) === 4);

    // A message sent from the UI, for the Sent view.
    await page.getByTestId('publish-topic').fill('commands/heater');
    await setPayload(page, 'heat to 22');
    await page.getByTestId('publish-button').click();
    await messageRow(page, 'commands/heater', 'out').waitFor({ timeout: UI_TIMEOUT });

    await page.getByTestId('messages-view-out').click();
    await waitUntil(async () => (await rows().count()) === 1);
    expect(await rows().first().getAttribute('data-direction')).toBe('out');
    await page.getByTestId('messages-view-in').click();
    await waitUntil(async () => (await rows().count()) === 4);
    await page.getByTestId('messages-view-all').click();
    await waitUntil(async () => (await rows().count()) === 5);

    await page.getByTestId('messages-topic-filter').fill('sensors/+/temp');
    await waitUntil(async () => (await rows().count()) === 2);
    expect(await page.getByTestId('message-topic').allTextContents()).toEqual(['sensors/kitchen/temp', 'sensors/garage/temp']);
    expect(await text(page.getByTestId('messages-matched'))).toBe('2 shown');

    // An invalid filter says why and leaves the last valid one in force.
    await page.getByTestId('messages-topic-filter').fill('sensors/#/temp');
    expect(await text(page.getByTestId('messages-topic-filter-problem'))).toMatch(/'#' must be a whole level and the last one/);
    expect(await rows().count()).toBe(2);
    await page.getByTestId('messages-topic-filter').fill('');
    await waitUntil(async () => (await rows().count()) === 5);

    await page.getByTestId('messages-subscription').selectOption('lights/#');
    await waitUntil(async () => (await rows().count()) === 1);
    expect(await text(rows().first().getByTestId('message-topic'))).toBe('lights/kitchen');
    await page.getByTestId('messages-subscription').selectOption('');

    // Case-insensitive, in topics and payloads, applied once typing pauses.
    await page.getByTestId('messages-text-filter').fill('KITCHEN');
    await waitUntil(async () => (await rows().count()) === 2);
    await page.getByTestId('messages-text-filter').fill('heat TO');
    await waitUntil(async () => (await rows().count()) === 1);
    await page.getByTestId('messages-text-filter').fill('no such text');
    await page.getByTestId('messages-none-match').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(page, 'messages-filter-empty');
    await page.getByTestId('messages-text-filter').fill('');
    await waitUntil(async () => (await rows().count()) === 5);
  });

  it('pauses the list while messages keep arriving, counts them, and shows them all on resume', async () => {
    await page.getByTestId('messages-topic-filter').fill('sensors/#');
    await waitUntil(async () => (await rows().count()) === 3);
    await page.getByTestId('messages-pause').click();
    await pub('sensors/burst', ...Array.from({ length: 30 }, (_, i) => `burst ${i}`));
    await pub('lights/hall', 'OFF');
    const waiting = page.getByTestId('messages-new');
    await waitUntil(async () => (await waiting.getAttribute('data-count')) === '31');
    expect(await text(waiting)).toBe('31 new');
    expect(await rows().count()).toBe(3);
    expect(await text(page.getByTestId('messages-count'))).toBe('36 messages');
    await screenshots(page, 'messages-paused');

    await page.getByTestId('messages-pause').click();
    expect(await waiting.count()).toBe(0);
    // Nothing lost: all 30 matching messages are in the list, in order.
    await waitUntil(async () => (await text(page.getByTestId('messages-matched'))) === '33 shown');
    await page.getByTestId('messages-topic-filter').fill('sensors/burst');
    await waitUntil(async () => (await text(page.getByTestId('messages-matched'))) === '30 shown');
    const payloads = await page.getByTestId('message-payload').allTextContents();
    expect(payloads.at(-1)).toBe('burst 29');
    await page.getByTestId('messages-topic-filter').fill('');
  });

  it('shows a payload in Monaco as JSON, text, hex and Base64, and remembers the mode per topic', async () => {
    await pub('devices/env', '{"temp":21.5,"hum":40,"name":"env-1","readings":[1,2]}');
    await openNewest('devices/env');
    const detail = page.getByTestId('message-detail');
    await waitUntil(async () => (await detail.getAttribute('data-format')) === 'json');
    const json = await detailShows((s) => s.includes('"temp": 21.5'));
    expect(json.split('\n').slice(0, 3)).toEqual(['{', '  "temp": 21.5,', '  "hum": 40,']);

    await page.getByTestId('message-detail-format').selectOption('hex');
    const hex = await detailShows((s) => s.startsWith('00000000'));
    expect(hex.split('\n')[0]).toBe('00000000  7b 22 74 65 6d 70 22 3a  32 31 2e 35 2c 22 68 75  |{"temp":21.5,"hu|');
    await screenshots(page, 'message-detail-hex');

    await page.getByTestId('message-detail-format').selectOption('base64');
    await detailShows((s) => s.startsWith('eyJ0ZW1wIjoyMS41'));
    await page.getByTestId('message-detail-format').selectOption('text');
    // One line of text, which the detail beside the list may wrap.
    await detailShows((s) => s.replace(/\n/g, '') === '{"temp":21.5,"hum":40,"name":"env-1","readings":[1,2]}');

    // Remembered for the topic: the next message of it opens as text too.
    await page.getByTestId('message-detail-remember').check();
    await pub('devices/env', '{"temp":22}');
    await openNewest('devices/env', '{"temp":22}');
    await waitUntil(async () => (await detail.getAttribute('data-format')) === 'text');
    await detailShows((s) => s === '{"temp":22}');
    await page.getByTestId('message-detail-remember').uncheck();
    await page.getByTestId('message-detail-format').selectOption('auto');
    await waitUntil(async () => (await detail.getAttribute('data-format')) === 'json');
  });

  it('says clearly when a payload is not JSON, and still shows its raw bytes', async () => {
    await pub('devices/broken', '{"temp": 21.5,');
    await openNewest('devices/broken');
    await page.getByTestId('message-detail-format').selectOption('json');
    const problem = page.getByTestId('message-detail-problem');
    await problem.waitFor({ timeout: UI_TIMEOUT });
    expect(await text(problem)).toMatch(/^Not JSON: .*raw bytes/);
    const raw = await detailShows((s) => s.startsWith('00000000'));
    expect(raw).toContain('7b 22 74 65 6d 70 22 3a  20 32 31 2e 35 2c');
    expect(raw).toContain('|{"temp": 21.5,|');
    await screenshots(page, 'message-detail-bad-json');
  });

  it('diffs a message with the previous value of its topic, or any earlier one', async () => {
    await pub('devices/config', '{"mode":"eco","target":20,"fan":1}');
    await pub('devices/config', '{"mode":"eco","target":21,"fan":1}');
    await pub('devices/config', '{"mode":"boost","target":21,"fan":3}');
    await waitUntil(async () => (await messageRow(page, 'devices/config').count()) === 3);
    await openNewest('devices/config');
    await page.getByTestId('message-detail-diff').click();
    const diff = page.getByTestId('message-diff');
    // Against the previous value: "mode" and "fan" changed (two separate lines of the pretty JSON).
    await waitUntil(async () => (await diff.getAttribute('data-changes')) === '2');
    expect(await monacoText(diff.locator('.editor.original'))).toContain('"mode": "eco"');
    expect(await monacoText(diff.locator('.editor.modified'))).toContain('"mode": "boost"');
    await screenshots(page, 'message-diff');

    // Against the oldest: the target changed too, on a line between the other two: three hunks.
    const against = page.getByTestId('message-diff-against');
    expect(await against.locator('option').count()).toBe(2);
    await against.selectOption({ index: 1 });
    await waitUntil(async () => (await diff.getAttribute('data-changes')) === '1' || (await diff.getAttribute('data-changes')) === '3');
    expect(await monacoText(diff.locator('.editor.original'))).toContain('"target": 20');
    await page.getByTestId('message-detail-diff').click();

    // The first message of a topic has nothing to compare with, and says so.
    await pub('devices/lonely', 'only one');
    await openNewest('devices/lonely');
    await page.getByTestId('message-detail-diff').click();
    await page.getByTestId('message-diff-none').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('message-detail-diff').click();
  });

  it('copies the payload and saves its exact bytes to a file', async () => {
    await pub('devices/env', '{"temp":23.5}');
    await openNewest('devices/env', '{"temp":23.5}');
    await page.getByTestId('message-detail-copy').click();
    await waitUntil(async () => (await text(page.getByTestId('message-detail-status'))) === 'Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe('{\n  "temp": 23.5\n}');

    const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x41]);
    await pubFile('devices/blob', binary);
    await openNewest('devices/blob');
    await waitUntil(async () => (await page.getByTestId('message-detail').getAttribute('data-format')) === 'hex');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('message-detail-save').click()]);
    expect(download.suggestedFilename()).toBe('devices_blob.bin');
    expect(readFileSync(await download.path()).equals(binary)).toBe(true);
    await page.getByTestId('message-detail-copy').click();
    await waitUntil(async () => (await page.evaluate('navigator.clipboard.readText()')) === '00 ff 10 80 41');
  });

  it('opens a 3 MB payload without freezing: shows the start, then all of it on request', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 'a');
    big.write('START', 0);
    await pubFile('devices/big', big);
    await openNewest('devices/big');
    const cut = page.getByTestId('message-detail-cut');
    // The live list holds a 4 KB preview; the detail fetches the whole payload from the host.
    await cut.waitFor({ timeout: UI_TIMEOUT });
    expect(await text(page.getByTestId('message-detail').locator('header'))).toContain('3,145,728 B');
    expect(await text(cut)).toMatch(/Showing the first 262,144 B of 3,145,728 B/);
    await detailShows((s) => s.startsWith('START'));
    // The page still answers promptly while the big payload is open.
    const started = Date.now();
    await page.evaluate('1 + 1');
    expect(Date.now() - started).toBeLessThan(1000);
    await page.getByTestId('message-detail-show-all').click();
    await cut.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await detailShows((s) => s.startsWith('START'));
    await screenshots(page, 'message-detail-large');

    // Saving it streams the bytes from the host as a browser download (never a Blob of the page).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('message-detail-save').click()]);
    expect(download.url()).toMatch(/\/download\/[A-Za-z0-9_-]{43}\?token=/);
    expect(download.suggestedFilename()).toMatch(/^devices_big\.\w+$/);
    expect(readFileSync(await download.path()).equals(big)).toBe(true);
    await waitUntil(async () => (await text(page.getByTestId('message-detail-status'))).startsWith('Downloading devices_big.'));
    await screenshots(page, 'payload-download');
  });

  it('finds text past the first 4 KB of big payloads, and says when one too big to keep could not be searched', async () => {
    /** `size` bytes of dots with `text` at `at`. */
    const dots = (size: number, text = '', at = 0) => {
      const bytes = Buffer.alloc(size, '.');
      bytes.write(text, at);
      return bytes;
    };
    await pubFile('devices/report', dots(20_000, 'Overheat in zone 7', 12_000));
    await pubFile('devices/report', dots(20_000));
    await waitUntil(async () => (await messageRow(page, 'devices/report').count()) === 2);
    // The list holds 4 KB of each: the host searches the rest.
    await page.getByTestId('messages-text-filter').fill('OVERHEAT in zone');
    await waitUntil(async () => (await rows().count()) === 1);
    expect(await text(rows().first().getByTestId('message-topic'))).toBe('devices/report');
    expect(await text(page.getByTestId('messages-matched'))).toBe('1 shown');
    // One arriving while the filter is on is searched too, and joins the list.
    await pubFile('devices/later', dots(30_000, 'overheat IN ZONE 9', 25_000));
    await waitUntil(async () => (await rows().count()) === 2);
    expect(await page.getByTestId('message-topic').allTextContents()).toEqual(['devices/report', 'devices/later']);
    expect(await page.getByTestId('messages-search-status').count()).toBe(0);

    // Bigger than the host's whole-payload budget: never kept whole, so not searched past its
    // preview; the list says so instead of passing it off as no match.
    await pubFile('devices/huge', dots(LIVE_PAYLOAD_BUDGET_BYTES + 1024 * 1024, 'overheat in zone 11', 10_000));
    const status = page.locator('[data-testid="messages-search-status"][data-state="incomplete"]');
    await status.waitFor({ timeout: UI_TIMEOUT });
    expect(await text(status)).toBe('1 big payload could not be searched whole');
    expect(await rows().count()).toBe(2);
    await screenshots(page, 'messages-search-whole-payloads');
    await page.getByTestId('messages-text-filter').fill('');
    await status.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  it('plots numbers clicked in the JSON view (or picked from its list), each readable on its own y axis, live, in a time window', async () => {
    // Temperatures in °C rising while pressures in pascals, a thousand times larger, fall. One
    // mosquitto_pub each, so no two share a millisecond: the lines do not stack on one instant.
    for (const [i, temp] of [60, 62.5, 61, 64, 66].entries()) await pub('plant/boiler', JSON.stringify({ sensor: { temp, pressure: 101_460 - i * 40 }, id: 'b1' }));
    await waitUntil(async () => (await messageRow(page, 'plant/boiler').count()) === 5);
    await openNewest('plant/boiler');
    await detailShows((s) => s.includes('"temp": 66'));
    const fields = page.getByTestId('numeric-field');
    await waitUntil(async () => (await fields.count()) === 2);
    expect(await attributes(fields, 'data-path')).toEqual(['sensor.temp', 'sensor.pressure']);
    // Each path is shown whole (a long one wraps), not cut to "sensor.pres…".
    const clipped = await page.locator('.detail-field-path').evaluateAll((elements) => {
      const paths = elements as unknown as { scrollWidth: number; clientWidth: number; textContent: string | null }[];
      return paths.filter((p) => p.scrollWidth > p.clientWidth + 1).map((p) => p.textContent);
    });
    expect(clipped).toEqual([]);

    // In the JSON view a number under the pointer shows it can be clicked; a key cannot.
    const view = page.getByTestId('message-detail-payload');
    const offer = page.getByTestId('payload-plot-number');
    await clickToken('"temp"');
    expect(await offer.count()).toBe(0);
    await token('66').hover();
    await view.locator('.payload-number-pickable').getByText('66', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    // A click offers to plot that field of that topic; Escape takes the offer back.
    await clickToken('66');
    expect(await text(offer)).toBe('Plot sensor.temp');
    await page.keyboard.press('Escape');
    await offer.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await clickToken('66');
    await screenshots(page, 'plots-offer');
    await offer.click();
    await offer.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    // Backfilled from the five kept messages and drawn on the canvas.
    const chart = page.getByTestId('plot-chart');
    await waitUntil(async () => (await chart.getAttribute('data-points')) === '5');
    expect(await chart.locator('canvas').count()).toBe(1);

    // Ctrl/Cmd+click plots at once: a second series on the same chart.
    await clickToken('101300', ['ControlOrMeta']);
    await waitUntil(async () => (await chart.getAttribute('data-points')) === '10');

    // Each series has its own y axis (uPlot's .u-axis: the time axis and two), so both lines use
    // the chart's height; on one shared axis, from 0 past 101,460, both are flat lines.
    await page.getByTestId('plot-window-all').click();
    expect(await page.getByTestId('plot-axes-per-series').getAttribute('aria-pressed')).toBe('true');
    expect(await chart.getAttribute('data-y-axes')).toBe('2');
    expect(await chart.locator('.u-axis').count()).toBe(3);
    await linesSpan(chart, (temp, pressure) => temp > 0.5 && pressure > 0.5, 'an axis per series');
    await page.getByTestId('plot-axes-shared').click();
    await waitUntil(async () => (await chart.locator('.u-axis').count()) === 2);
    await linesSpan(chart, (temp, pressure) => temp < 0.1 && pressure < 0.1, 'one shared axis');
    await page.getByTestId('plot-axes-per-series').click();
    await waitUntil(async () => (await chart.locator('.u-axis').count()) === 3);

    // Live messages extend both series (published apart, so they are not in the same millisecond).
    await pub('plant/boiler', JSON.stringify({ sensor: { temp: 70, pressure: 101_500 } }));
    await pub('plant/boiler', JSON.stringify({ sensor: { temp: 71 } }));
    const series = page.getByTestId('plot-series');
    await waitUntil(async () => (await chart.getAttribute('data-points')) === '13');
    expect(await attributes(series, 'data-label')).toEqual(['plant/boiler › sensor.temp', 'plant/boiler › sensor.pressure']);
    expect(await attributes(series, 'data-points')).toEqual(['7', '6']);

    // The pointer over the chart reads out the time and each series' value there. At the newest
    // message: the temperature it carried, and the pressure held from the message before it.
    const readout = page.getByTestId('plot-hover');
    const area = (await chart.locator('.u-over').boundingBox())!;
    const pointAtNewest = async () => {
      await page.mouse.move(area.x + area.width - 2, area.y + area.height / 2);
      await page.mouse.move(area.x + area.width - 1, area.y + area.height / 2);
      await readout.waitFor({ timeout: UI_TIMEOUT });
    };
    await pointAtNewest();
    await followNewest();
    expect(await text(page.getByTestId('plot-hover-time'))).toBe(await text(messageRow(page, 'plant/boiler').last().getByTestId('message-time')));
    expect(await attributes(page.getByTestId('plot-hover-row'), 'data-label')).toEqual(['plant/boiler › sensor.temp', 'plant/boiler › sensor.pressure']);
    expect(await page.getByTestId('plot-hover-value').allTextContents()).toEqual(['71', '101500']);
    await screenshots(page, 'plots-hover', pointAtNewest);
    // At the oldest, the first message's values.
    await page.mouse.move(area.x + 1, area.y + area.height / 2);
    await waitUntil(async () => (await page.getByTestId('plot-hover-value').allTextContents()).join() === '60,101460');
    await page.mouse.move(area.x + area.width / 2, area.y - 40);
    await readout.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });

    // Plotting the same field twice (here from the list of numbers) says so instead of adding a copy.
    await page.locator('[data-testid="numeric-field"][data-path="sensor.temp"]').getByTestId('plot-field').click();
    expect(await text(page.getByTestId('plot-notice'))).toMatch(/already plotted/);

    await page.getByTestId('plot-window-1m').click();
    await waitUntil(async () => (await chart.getAttribute('data-points')) === '13');
    await screenshots(page, 'plots');

    await page.getByTestId('plot-series-remove').first().click();
    await waitUntil(async () => (await series.count()) === 1);
    // The open message held the list; following again, it must keep following as it grows.
    await followNewest();
    await page.getByTestId('plots-clear').click();
    await page.getByTestId('panel-plots').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // The list got the panel's height back and still follows its newest row: a new message shows
    // at the bottom, and no "Newest" button is offered. (The browser clamps the list's scroll
    // before it reports the new height; the list once read that as "scrolled up".)
    await pub('plant/boiler', JSON.stringify({ sensor: { temp: 73 } }));
    const newest = messageRow(page, 'plant/boiler').filter({ has: page.getByTestId('message-payload').getByText('{"sensor":{"temp":73}}', { exact: true }) });
    await newest.waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => {
      const [list, row] = await Promise.all([page.getByTestId('message-list').boundingBox(), newest.boundingBox()]);
      return !!list && !!row && row.y >= list.y && row.y + row.height <= list.y + list.height + 1;
    });
    expect(await page.getByTestId('messages-jump-newest').count()).toBe(0);
  });

  it('keeps eight series of very different magnitudes readable, each on its own y axis, and refuses a ninth', async () => {
    // A numeric payload is shown as text, and its number is the value itself.
    await pub('sensors/kitchen/temp', '22', '22.5');
    await openNewest('sensors/kitchen/temp', '22.5');
    await detailShows((s) => s.trim() === '22.5');
    await clickToken('22.5');
    expect(await text(page.getByTestId('payload-plot-number'))).toBe('Plot the value');
    await page.getByTestId('payload-plot-number').click();

    const readings: Record<string, number[]> = {
      rpm: [1500, 1530, 1490],
      pressure_pa: [101_300, 101_250, 101_320],
      flow: [0.5, 0.7, 0.6],
      current_a: [12, 12.5, 11.8],
      vibration_g: [0.002, 0.006, 0.004],
      count: [1_000_000, 1_002_000, 1_004_000],
      voltage: [230, 228, 231],
      phase: [-1, 1, 0],
    };
    for (let i = 0; i < 3; i++) await pub('plant/line', JSON.stringify(Object.fromEntries(Object.entries(readings).map(([key, values]) => [key, values[i]]))));
    await followNewest();
    await waitUntil(async () => (await messageRow(page, 'plant/line').count()) === 3);
    await openNewest('plant/line');
    await detailShows((s) => s.includes('"rpm": 1490'));
    // The same JSON shown as text, on one wrapped line: a number in the middle is offered under it.
    await page.getByTestId('message-detail-format').selectOption('text');
    const firstLine = page.getByTestId('message-detail-payload').locator('.view-line span span').first();
    // Monaco draws the new text on its next frame: measure the line once it shows the number.
    await waitUntil(async () => (await text(firstLine)).includes('101320'));
    // ...and once it stays put: the editor may still settle its scroll from the JSON view for a
    // frame or two (a click measured before would land a row off).
    let line = (await firstLine.boundingBox())!;
    await waitUntil(async () => {
      await page.waitForTimeout(50);
      const again = (await firstLine.boundingBox())!;
      const settled = again.x === line.x && again.y === line.y && again.width === line.width;
      line = again;
      return settled;
    });
    const lineText = await text(firstLine);
    const charWidth = line.width / lineText.length; // monospace
    await page.mouse.click(line.x + (lineText.indexOf('101320') + 2.5) * charWidth, line.y + line.height / 2);
    const offer = page.getByTestId('payload-plot-number');
    await offer.waitFor({ timeout: UI_TIMEOUT });
    // The offer's text and where it sits against the line, read in one go (one frame).
    const placed = await page.evaluate(`(() => {
      const offer = document.querySelector('[data-testid="payload-plot-number"]');
      const line = document.querySelector('[data-testid="message-detail-payload"] .view-line span span');
      return { text: offer.textContent, top: offer.getBoundingClientRect().top, lineBottom: line.getBoundingClientRect().bottom };
    })()`) as { text: string; top: number; lineBottom: number };
    expect(placed.text).toBe('Plot pressure_pa');
    expect(placed.top).toBeGreaterThanOrEqual(placed.lineBottom - 1);
    await page.keyboard.press('Escape');
    await page.getByTestId('message-detail-format').selectOption('auto');
    for (const key of Object.keys(readings)) await page.locator(`[data-testid="numeric-field"][data-path="${key}"]`).getByTestId('plot-field').click();
    expect(await text(page.getByTestId('plot-notice'))).toMatch(/at most 8 series/);

    const chart = page.getByTestId('plot-chart');
    await page.getByTestId('plot-window-all').click();
    await waitUntil(async () => (await page.getByTestId('plot-series').count()) === 8);
    expect(await chart.getAttribute('data-y-axes')).toBe('8');
    // Eight y axes as wide as their labels, half each side, still leave most of the width to the lines.
    const axes = await Promise.all((await chart.locator('.u-axis').all()).map(async (axis) => (await axis.boundingBox())!));
    expect(axes).toHaveLength(9);
    const chartBox = (await chart.boundingBox())!;
    const area = (await chart.locator('.u-over').boundingBox())!;
    for (const axis of axes.slice(1)) expect(axis.width).toBeLessThan(80);
    expect(axes.slice(1).filter((axis) => axis.x < area.x)).toHaveLength(4);
    expect(area.width / chartBox.width).toBeGreaterThan(0.5);

    // The readout lists all eight, and stays inside the window at the chart's right edge.
    const pointAtNewest = async () => {
      await page.mouse.move(area.x + area.width - 2, area.y + area.height / 2);
      await page.mouse.move(area.x + area.width - 1, area.y + area.height / 2);
      await page.getByTestId('plot-hover').waitFor({ timeout: UI_TIMEOUT });
    };
    await pointAtNewest();
    expect(await page.getByTestId('plot-hover-value').allTextContents()).toEqual(['22.5', '1490', '101320', '0.6', '11.8', '0.004', '1004000', '231']);
    const readout = (await page.getByTestId('plot-hover').boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(readout.x >= 0 && readout.y >= 0 && readout.x + readout.width <= viewport.width && readout.y + readout.height <= viewport.height).toBe(true);
    // With Plots and Publish open, the messages panel still fits its toolbar, list and detail:
    // nothing in it is scrolled out of sight.
    const messagesPanel = await page.getByTestId('panel-messages').locator('.panel-body').evaluate((element) => {
      const body = element as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number };
      return [body.scrollTop, body.scrollHeight - body.clientHeight];
    });
    expect(messagesPanel).toEqual([0, 0]);
    await screenshots(page, 'plots-eight', pointAtNewest);

    await page.mouse.move(0, 0);
    await page.getByTestId('plots-clear').click();
    await page.getByTestId('panel-plots').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });
});
