/**
 * Words and details (issue 14), end to end in Chromium: one time format for every time shown (a
 * setting, remembered), plots that read well, buttons that say what they do, and the small texts
 * a user reads (plurals, reason codes, dialogs that stay usable).
 */
import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, connected, messageRow, screenshots, setPayload, subscribe, UI_TIMEOUT, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function publish(page: Page, topic: string, payload: string): Promise<void> {
  await page.getByTestId('publish-topic').fill(topic);
  await page.getByTestId('publish-mode-json').click();
  await setPayload(page, payload);
  await page.getByTestId('publish-button').click();
  await page.getByTestId('publish-result').getByText(`to ${topic}`).waitFor({ timeout: UI_TIMEOUT });
}

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
    await page.close();
  });
});
