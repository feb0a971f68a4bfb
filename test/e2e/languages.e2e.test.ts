/**
 * Languages (issue 20): the top bar's language select switches the workbench to Simplified Chinese
 * (the connection dialog, the publish panel and the subscriptions read in Chinese), the choice
 * survives a reload, and back to English. With no choice made, the OS's language decides (the
 * browser's locale is the OS's in a browser tab and in Electron alike).
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI_TIMEOUT, closeConnections, fillConnection, screenshots, statusIs, subscribe, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
const documentLanguage = async (page: Page) => String(await page.evaluate('document.documentElement.lang'));

describe('languages in Chromium', () => {
  let page: Page;

  it('switches to 简体中文 from the top bar: the connection dialog, publish panel and subscriptions read in Chinese', async () => {
    ({ page } = await session.open(undefined, { locale: 'en-US' }));
    await page.getByTestId('language-select').waitFor({ timeout: UI_TIMEOUT });
    expect(await documentLanguage(page)).toBe('en');
    expect(await text(page, 'new-connection')).toBe('+ New connection');
    // How secrets are kept: the host names the protection (its key file), the page words it.
    await waitUntil(async () => (await text(page, 'app-info')).includes('Secrets are encrypted with a local key file'));

    await page.getByTestId('language-select').selectOption('zh-CN');
    await waitUntil(async () => (await documentLanguage(page)) === 'zh-CN');
    expect(await text(page, 'new-connection')).toBe('+ 新建连接');
    expect(await text(page, 'app-info')).toMatch(/机密数据使用仅你的用户可读的本地密钥文件（.*secrets\.key）加密/);
    expect(await page.getByTestId('app-info').getAttribute('title')).not.toMatch(/Secrets/);

    await fillConnection(page, { port: mosquittoFixture.broker.port, version: '5' });
    const dialog = page.getByTestId('connection-dialog');
    expect(await dialog.getAttribute('aria-label')).toBe('连接');
    expect(await dialog.locator('h2').textContent()).toBe('新建连接');
    expect(await text(page, 'connect-button')).toBe('连接');
    expect(await text(page, 'profile-save')).toBe('保存配置');
    expect(await text(page, 'connection-tab-general')).toBe('常规');
    expect(await text(page, 'connection-tab-will')).toBe('遗嘱消息');
    expect(await dialog.textContent()).toContain('客户端 ID');
    await screenshots(page, 'languages-zh-connection-dialog');

    await page.getByTestId('connect-button').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    expect(await text(page, 'connection-status')).toBe('已连接');

    await subscribe(page, 'lang/#', 1);
    expect(await text(page, 'subscribe-button')).toBe('订阅');
    expect(await page.getByTestId('subscribe-filter').getAttribute('placeholder')).toBe('主题/过滤器/#');
    expect(await page.locator('[data-testid="subscription-row"][data-filter="lang/#"]').getByTestId('subscription-qos').textContent()).toContain('已授予 QoS 1');

    expect(await page.getByTestId('panel-subscriptions').locator('h2').textContent()).toBe('订阅');
    expect(await page.getByTestId('panel-publish').locator('h2').textContent()).toBe('发布');
    expect(await text(page, 'publish-button')).toBe('发布');
    expect(await page.getByTestId('publish-topic').getAttribute('placeholder')).toBe('主题/名称');
    expect(await text(page, 'publish-tab-properties')).toBe('MQTT 5 属性');
    await page.getByTestId('publish-topic').fill('lang/zh');
    await page.getByTestId('publish-button').click();
    await waitUntil(async () => (await page.getByTestId('publish-result').count()) > 0);
    expect(await text(page, 'publish-result')).toBe('已发布 0 B 到 lang/zh');
    await screenshots(page, 'languages-zh-workbench');
  });

  it('keeps the choice across a reload', async () => {
    await page.reload();
    await page.getByTestId('language-select').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('language-select').inputValue()).toBe('zh-CN');
    expect(await documentLanguage(page)).toBe('zh-CN');
    await page.getByTestId('publish-button').waitFor({ timeout: UI_TIMEOUT });
    expect(await text(page, 'publish-button')).toBe('发布');
    expect(await text(page, 'subscribe-button')).toBe('订阅');
  });

  it('goes back to English', async () => {
    await page.getByTestId('language-select').selectOption('en');
    await waitUntil(async () => (await documentLanguage(page)) === 'en');
    expect(await text(page, 'publish-button')).toBe('Publish');
    expect(await text(page, 'subscribe-button')).toBe('Subscribe');
    expect(await text(page, 'connection-status')).toBe('connected');
    await page.reload();
    await page.getByTestId('publish-button').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('language-select').inputValue()).toBe('en');
    expect(await text(page, 'publish-button')).toBe('Publish');
    await closeConnections(page);
  });

  it('follows the OS language when none is chosen: a Chinese OS reads Simplified Chinese', async () => {
    const { page: chinese } = await session.open(undefined, { locale: 'zh-CN' });
    await chinese.getByTestId('language-select').waitFor({ timeout: UI_TIMEOUT });
    expect(await chinese.getByTestId('language-select').inputValue()).toBe('system');
    expect(await documentLanguage(chinese)).toBe('zh-CN');
    expect(await text(chinese, 'new-connection')).toBe('+ 新建连接');
    await chinese.close();
  });
});
