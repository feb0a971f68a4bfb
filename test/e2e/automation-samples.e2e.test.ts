/**
 * The Automation view's starter code in the UI's language (issue 20): in Simplified Chinese the
 * script test pane, the scripted check, the built-in scenario and a new responder open with
 * Chinese comments and names, and the sample runs as in English. Back in English, the untouched
 * samples follow; the saved responder keeps the script it was written with.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI_TIMEOUT, closeConnections, connected, screenshots, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const mosquitto = useMosquitto();
const session = useWorkbenchSession();

const editorText = async (page: Page, testId: string) => ((await page.getByTestId(testId).locator('.view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');
const documentLanguage = async (page: Page) => String(await page.evaluate('document.documentElement.lang'));

async function chooseLanguage(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  await page.getByTestId('language-select').selectOption(language);
  await waitUntil(async () => (await documentLanguage(page)) === language);
}

describe('Automation samples in the UI language', { timeout: 90_000 }, () => {
  it('open in Chinese, run as in English, and a saved responder keeps its language', async () => {
    const { page } = await session.open(undefined, { locale: 'en-US' });
    await connected(page, { port: mosquitto.port, clientId: 'wb-samples' });
    await chooseLanguage(page, 'zh-CN');
    await page.getByTestId('view-automation').click();

    // The script test pane: a Chinese comment, and the decoder logs in Chinese.
    await page.getByTestId('script-test-editor').locator('.view-lines').waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await editorText(page, 'script-test-editor')).includes('// 粘贴一个编解码脚本'));
    expect(await page.getByTestId('script-test-editor').locator('[aria-label]').first().getAttribute('aria-label')).toBe('脚本编辑器');
    await page.getByTestId('script-test-run').click();
    await page.getByTestId('script-test-output').waitFor({ timeout: UI_TIMEOUT });
    expect(JSON.parse((await page.getByTestId('script-test-output').textContent())!)).toEqual({ cmd: 'ping' });
    expect(await page.getByTestId('script-test-logs').textContent()).toBe('正在解码 15 字节，主题 devices/1/cmd');

    // The scripted check and the built-in scenario.
    expect(await page.getByTestId('check-text').inputValue()).toMatch(/^name: 温控器应答\n[\s\S]*# 或 \{ profile: "我的服务器" \}/);
    await waitUntil(async () => (await page.getByTestId('scenario-text').inputValue()).startsWith('# 温度和湿度传感器'));
    expect(await page.getByTestId('scenario-built-in').inputValue()).toBe('sensor-fleet');
    await waitUntil(async () => ((await page.getByTestId('scenario-summary').textContent()) ?? '').startsWith('传感器每 2 秒上报温度'));

    // A new responder is written in Chinese, once.
    await page.getByTestId('responder-add').click();
    expect(await page.getByTestId('responder-name').inputValue()).toBe('响应器');
    await waitUntil(async () => (await editorText(page, 'responder-script')).includes('// 过滤器上的每条消息都会调用它'));
    await screenshots(page, 'automation-samples-zh');
    await page.getByTestId('responder-save').click();
    const row = page.locator('[data-testid="responder-row"][data-name="响应器"]');
    await row.waitFor({ timeout: UI_TIMEOUT });

    await chooseLanguage(page, 'en');
    await waitUntil(async () => (await editorText(page, 'script-test-editor')).includes('// Paste a codec script'));
    expect(await page.getByTestId('check-text').inputValue()).toMatch(/^name: Thermostat answers\n/);
    await waitUntil(async () => (await page.getByTestId('scenario-text').inputValue()).startsWith('# Temperature and humidity sensors'));
    await row.getByTestId('responder-edit').click();
    await waitUntil(async () => (await editorText(page, 'responder-script')).includes('// 过滤器上的每条消息都会调用它'));
    await page.getByTestId('responder-cancel').click();
    await row.getByTestId('responder-delete').click();
    await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await page.getByTestId('view-workbench').click();
    await closeConnections(page);
  });
});
