/**
 * Languages (issue 20): Monaco's own interface (its find widget here; the context menu and command
 * palette read from the same message pack) is in the UI language it loaded in, and our labels of
 * the editor follow the catalog. Monaco takes its messages once, so a switch after it has loaded
 * reaches its menus at the next start, which the language menu's tooltip says; the Chinese pack is
 * a chunk of its own that an English page never fetches.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub } from '../support/mosquitto';
import { UI_TIMEOUT, closeConnections, fillConnection, messageRow, statusIs, subscribe, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

const publishEditor = (page: Page) => page.getByTestId('publish-editor').locator('.monaco-editor');
/** Whether the page fetched Monaco's Simplified Chinese message pack (its own chunk, zh-cn-*.js). */
const fetchedChinesePack = async (page: Page) =>
  Boolean(await page.evaluate(`performance.getEntriesByType('resource').some((entry) => /\\/zh-cn-[^/]*\\.js$/.test(entry.name))`));

/** Opens Monaco's find widget in the publish editor and returns its input's label. */
async function findWidgetLabel(page: Page): Promise<string | null> {
  await publishEditor(page).click();
  await page.keyboard.press('ControlOrMeta+F');
  const input = page.getByTestId('publish-editor').locator('.find-widget textarea, .find-widget input').first();
  await input.waitFor({ timeout: UI_TIMEOUT });
  const label = await input.getAttribute('aria-label');
  await page.keyboard.press('Escape');
  return label;
}

describe('Monaco in the UI language', { timeout: 90_000 }, () => {
  let page: Page;

  it('a Chinese page loads Monaco with its Chinese messages: the find widget and the editor label read in Chinese', async () => {
    ({ page } = await session.open(undefined, { locale: 'zh-CN' }));
    await fillConnection(page, { port: mosquittoFixture.broker.port, version: '5' });
    await page.getByTestId('connect-button').click();
    await statusIs(page, 'connected');
    await publishEditor(page).waitFor({ timeout: UI_TIMEOUT });
    expect(await fetchedChinesePack(page)).toBe(true);
    expect(await publishEditor(page).locator('[aria-label]').first().getAttribute('aria-label')).toBe('载荷编辑器');
    expect(await findWidgetLabel(page)).toBe('查找');
    // Monaco has not been switched, so the tooltip has nothing to add.
    expect(await page.getByTestId('language-select').getAttribute('title')).toBe('工作台的语言：英语、简体中文，或跟随系统语言');
  });

  it('labels the message payload view and the two sides of a diff in Chinese', async () => {
    await subscribe(page, 'monaco/#');
    const sent = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-V', '5', '-t', 'monaco/a', '-l'], Buffer.from('{"n":1}\n{"n":2}\n'));
    expect(sent.code, sent.stderr).toBe(0);
    await waitUntil(async () => (await messageRow(page, 'monaco/a').count()) === 2);
    await messageRow(page, 'monaco/a').last().click();
    const view = page.getByTestId('message-detail-payload');
    await view.locator('.monaco-editor').waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await view.locator('[aria-label]').first().getAttribute('aria-label')) === '消息载荷');
    await page.getByTestId('message-detail-diff').click();
    const diff = page.getByTestId('message-diff');
    await diff.locator('.editor.original .view-lines').waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await diff.locator('.editor.original [aria-label]').first().getAttribute('aria-label')) === '较早的载荷');
    expect(await diff.locator('.editor.modified [aria-label]').first().getAttribute('aria-label')).toBe('此消息的载荷');
    await page.getByTestId('message-detail-diff').click();
  });

  it('after a switch to English our label follows at once, Monaco\'s menus at the next start, as the tooltip says', async () => {
    await page.getByTestId('language-select').selectOption('en');
    await waitUntil(async () => String(await page.evaluate('document.documentElement.lang')) === 'en');
    expect(await page.getByTestId('language-select').getAttribute('title')).toContain('change language at the next start or page reload');
    await waitUntil(async () => (await publishEditor(page).locator('[aria-label]').first().getAttribute('aria-label')) === 'Payload editor');
    expect(await findWidgetLabel(page)).toBe('查找');

    await page.reload();
    await publishEditor(page).waitFor({ timeout: UI_TIMEOUT });
    expect(await fetchedChinesePack(page)).toBe(false);
    expect(await findWidgetLabel(page)).toBe('Find');
    expect(await page.getByTestId('language-select').getAttribute('title')).toBe('The language of the workbench: English, Simplified Chinese, or the OS language');
    await closeConnections(page);
  });
});
