/**
 * The workbench's own chrome, end to end in Chromium: light and dark themes (following the OS or
 * picked), the keyboard shortcuts overlay, the Publish panel hidden and shown, and the searchable
 * history of published messages.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, colorScheme, connected, setPayload, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

const mosquitto = useMosquitto();

const session = useWorkbenchSession();
const TEST_TIMEOUT = 90_000;

// Strings, not functions: the tests compile without DOM types.
const theme = (page: Page) => page.evaluate<string>('document.documentElement.dataset.theme');
const background = (page: Page) => page.evaluate<string>("getComputedStyle(document.querySelector('.topbar')).backgroundColor");

describe('Workbench chrome in Chromium', { timeout: TEST_TIMEOUT }, () => {
  it('follows the OS colour scheme, and keeps a picked theme across a reload', async () => {
    const { page } = await session.open();
    await page.getByTestId('theme-select').waitFor({ timeout: UI_TIMEOUT });
    await colorScheme(page, 'dark');
    const darkBackground = await background(page);
    await colorScheme(page, 'light');
    expect(await background(page)).not.toBe(darkBackground);

    // Picked light wins over a dark OS, and survives a reload.
    await page.getByTestId('theme-select').selectOption('light');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForTimeout(100);
    expect(await theme(page)).toBe('light');
    await page.reload();
    await page.getByTestId('theme-select').waitFor({ timeout: UI_TIMEOUT });
    expect(await theme(page)).toBe('light');
    expect(await page.getByTestId('theme-select').inputValue()).toBe('light');

    await page.getByTestId('theme-select').selectOption('dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.waitForTimeout(100);
    expect(await theme(page)).toBe('dark');
    expect(await background(page)).toBe(darkBackground);

    // Back to following the OS.
    await page.getByTestId('theme-select').selectOption('system');
    await colorScheme(page, 'light');
    await page.close();
  });

  it('lists the keyboard shortcuts on ? or F1, but not while typing, and closes on Escape', async () => {
    const { page } = await session.open();
    await page.getByTestId('publish-topic').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('body').press('?');
    const overlay = page.getByTestId('help-overlay');
    await overlay.waitFor({ timeout: UI_TIMEOUT });
    const shortcuts = await page.getByTestId('help-shortcut').allTextContents();
    expect(shortcuts.some((text) => text.includes('K') && text.includes('New connection'))).toBe(true);
    expect(shortcuts.some((text) => text.includes('Enter') && text.includes('Publish'))).toBe(true);
    // Every row's keys fit their column: none runs into its description.
    const overflowing = await page.evaluate<string[]>(
      `[...document.querySelectorAll('[data-testid="help-shortcut"] dt')].filter((keys) => keys.scrollWidth > keys.clientWidth + 1).map((keys) => keys.textContent)`,
    );
    expect(overflowing).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}help-overlay.png` });
    await page.keyboard.press('Escape');
    await overlay.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    // A ? typed into a field is text, not a shortcut.
    await page.getByTestId('publish-topic').fill('');
    await page.getByTestId('publish-topic').press('?');
    expect(await page.getByTestId('publish-topic').inputValue()).toBe('?');
    expect(await overlay.count()).toBe(0);

    await page.keyboard.press('F1');
    await overlay.waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('help-close').click();
    await overlay.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.getByTestId('help-button').click();
    await overlay.waitFor({ timeout: UI_TIMEOUT });
    await page.close();
  });

  it('hides the publish form to give the messages its height, keeps the draft, and remembers the choice across a reload', async () => {
    const { page } = await session.open();
    await page.getByTestId('publish-topic').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('publish-topic').fill('draft/kept');
    await page.getByTestId('publish-mode-json').click();
    await setPayload(page, '{"draft": true}');
    const messagesHeight = async () => (await page.getByTestId('panel-messages').boundingBox())!.height;
    const before = await messagesHeight();
    const publishBefore = (await page.getByTestId('panel-publish').boundingBox())!.height;

    await page.getByTestId('publish-toggle').click();
    await page.getByTestId('publish-topic').waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    expect(await page.getByTestId('publish-toggle').getAttribute('aria-expanded')).toBe('false');
    // The panel is down to its header, and the messages panel has the height it gave up.
    const publishAfter = (await page.getByTestId('panel-publish').boundingBox())!.height;
    expect(publishAfter).toBeLessThan(40);
    expect(publishBefore - publishAfter).toBeGreaterThan(150);
    expect(await messagesHeight()).toBeGreaterThan(before + (publishBefore - publishAfter) - 2);
    await page.screenshot({ path: `${ARTIFACTS}publish-hidden.png` });

    // Shown again: the topic, the mode and the text as they were.
    await page.getByTestId('publish-toggle').click();
    await page.getByTestId('publish-topic').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('publish-topic').inputValue()).toBe('draft/kept');
    expect(await page.getByTestId('publish-mode-json').getAttribute('aria-pressed')).toBe('true');
    const editorText = async () => ((await page.getByTestId('publish-editor').locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
    await waitUntil(async () => (await editorText()).includes('{"draft": true}'));

    // Hidden stays hidden after a reload, until shown again.
    await page.getByTestId('publish-toggle').click();
    await page.reload();
    await page.getByTestId('publish-toggle').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('publish-toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('publish-topic').isVisible()).toBe(false);
    await page.getByTestId('publish-toggle').click();
    await page.getByTestId('publish-topic').waitFor({ timeout: UI_TIMEOUT });
    await page.close();
  });

  it('remembers published messages: search them, put one back in the editor, publish it again', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquitto.port, version: '5' });

    async function publish(topic: string, mode: 'json' | 'hex', payload: string) {
      await page.getByTestId('publish-topic').fill(topic);
      await page.getByTestId(`publish-mode-${mode}`).click();
      await setPayload(page, payload);
      await page.getByTestId('publish-button').click();
      await page.getByTestId('publish-result').getByText(`to ${topic}`).waitFor({ timeout: UI_TIMEOUT });
    }
    await publish('history/e2e/json', 'json', '{"temp": 21.5}');
    await publish('history/e2e/hex', 'hex', 'de ad be ef');

    await page.getByTestId('publish-tab-history').click();
    const entries = page.getByTestId('publish-history-entry');
    await waitUntil(async () => (await entries.count()) === 2);
    expect(await entries.first().textContent()).toContain('history/e2e/hex');

    await page.getByTestId('publish-history-search').fill('TEMP');
    await waitUntil(async () => (await entries.count()) === 1);
    await page.screenshot({ path: `${ARTIFACTS}publish-history.png` });

    // Using it restores the topic, the mode and the exact text.
    await entries.first().getByRole('button', { name: /history\/e2e\/json/ }).click();
    expect(await page.getByTestId('publish-topic').inputValue()).toBe('history/e2e/json');
    expect(await page.getByTestId('publish-mode-json').getAttribute('aria-pressed')).toBe('true');
    // Monaco renders spaces as no-break spaces.
    const editorText = async () => ((await page.getByTestId('publish-editor').locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
    await waitUntil(async () => (await editorText()).includes('"temp": 21.5'));

    // Publishing the same message again counts it instead of listing it twice.
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-history-search').fill('');
    // The cleared search applies a moment later (a deferred value): wait for both entries.
    await waitUntil(async () => (await entries.count()) === 2 && ((await entries.first().textContent()) ?? '').includes('×2'));

    // The topic field suggests the topics seen on the connection (from the topic tree).
    await subscribe(page, 'history/#');
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-topic').fill('history/e2e/');
    const suggestions = page.getByTestId('publish-topic-suggestions').locator('option');
    await waitUntil(async () => (await suggestions.count()) > 0);
    expect(await suggestions.evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).toContain('history/e2e/json');

    // Kept across a reload.
    await page.reload();
    await page.getByTestId('publish-tab-history').click();
    await waitUntil(async () => (await entries.count()) === 2);
    await page.close();
  });
});
