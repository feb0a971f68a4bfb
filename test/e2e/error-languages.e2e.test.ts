/**
 * Languages (issue 20), errors: a real failure of the core reads in the chosen language. In 简体中文
 * the connection error names what failed in Chinese, with the address or the broker's reason code
 * filled in and the outside words (ECONNREFUSED, the CONNACK reason's name) kept as they are; the
 * stable code stays beside it. In English the core's own sentence is shown.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI_TIMEOUT, connect, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';
import { freePort } from '../support/free-port';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto({ auth: { username: 'line', password: 'right-password' } });

const documentLanguage = async (page: Page) => String(await page.evaluate('document.documentElement.lang'));

async function chooseLanguage(page: Page, language: 'en' | 'zh-CN'): Promise<void> {
  await page.getByTestId('language-select').selectOption(language);
  await waitUntil(async () => (await documentLanguage(page)) === language);
}

/** The connection dialog's error once it shows, then the dialog closed (Escape) for the next attempt. */
async function connectionError(page: Page): Promise<string> {
  const error = page.getByTestId('connection-error');
  await error.waitFor({ timeout: UI_TIMEOUT });
  const text = ((await error.textContent()) ?? '').trim();
  await page.keyboard.press('Escape');
  await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  return text;
}

describe('errors in the chosen language, in Chromium', () => {
  let page: Page;

  it('简体中文: nothing listening reads HOST_UNREACHABLE and a Chinese sentence naming the address, ECONNREFUSED kept', async () => {
    ({ page } = await session.open(undefined, { locale: 'en-US' }));
    await page.getByTestId('language-select').waitFor({ timeout: UI_TIMEOUT });
    await chooseLanguage(page, 'zh-CN');
    const closedPort = await freePort();
    await connect(page, { port: closedPort });
    expect(await connectionError(page)).toBe(`HOST_UNREACHABLE mqtt://127.0.0.1:${closedPort} 上没有服务在监听：连接被拒绝（ECONNREFUSED）`);
  });

  it('简体中文: a wrong password reads CONNECTION_REFUSED with the CONNACK reason code, its spec name kept', async () => {
    const { port } = mosquittoFixture.broker;
    await connect(page, { port, username: 'line', password: 'wrong-password' });
    const text = await connectionError(page);
    // mosquitto answers a wrong password with CONNACK 0x86 (Bad User Name or Password) or 0x87 (Not authorized).
    expect(text).toMatch(new RegExp(`^CONNECTION_REFUSED mqtt://127\\.0\\.0\\.1:${port} 的 Broker 拒绝了连接：CONNACK 0x8[67]（(Bad User Name or Password|Not authorized)）$`));
  });

  it("English: the core's sentence, with the address and the reason code", async () => {
    await chooseLanguage(page, 'en');
    const closedPort = await freePort();
    await connect(page, { port: closedPort });
    expect(await connectionError(page)).toBe(`HOST_UNREACHABLE Nothing listens at mqtt://127.0.0.1:${closedPort}: the connection was refused (ECONNREFUSED)`);

    const { port } = mosquittoFixture.broker;
    await connect(page, { port, username: 'line', password: 'wrong-password' });
    expect(await connectionError(page)).toMatch(new RegExp(`^CONNECTION_REFUSED The broker at mqtt://127\\.0\\.0\\.1:${port} refused the connection: 0x8[67] (Bad User Name or Password|Not authorized)`));
  });
});
