/**
 * Languages (issue 20): the banner that says the page lost its host words the reason in the UI
 * language (the page's link reports a kind of reason, not English), and a request that fails
 * meanwhile reads in Chinese too.
 */
import { describe, expect, it } from 'vitest';
import { startHostProcess } from '../support/host-process';
import { UI_TIMEOUT, fillConnection, forgetLinkErrors, useMosquitto, useWorkbenchSession } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

describe('the host banner in Simplified Chinese', { timeout: 90_000 }, () => {
  it('says in Chinese that the host stopped, and a request made meanwhile fails in Chinese', async () => {
    const second = await startHostProcess();
    const workbench = await session.open(second.url, { locale: 'zh-CN' });
    const { page } = workbench;
    try {
      await page.getByTestId('host-banner').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      // The lazily loaded editor (and Monaco's Chinese messages) must be in before the host goes, or their chunks fail to load.
      await page.getByTestId('publish-editor').locator('.monaco-editor').waitFor({ timeout: UI_TIMEOUT });
      await second.stop();
      const banner = page.locator('[data-testid="host-banner"][data-state="closed"]');
      await banner.waitFor({ timeout: UI_TIMEOUT });
      const said = (await banner.textContent()) ?? '';
      expect(said).toContain('与主机的连接已断开：主机已停止或无法访问。');
      expect(said).not.toMatch(/host|stopped/);

      await fillConnection(page, { port: mosquittoFixture.broker.port });
      await page.getByTestId('connect-button').click();
      const error = page.getByTestId('connection-error');
      await error.waitFor({ timeout: UI_TIMEOUT });
      expect(await error.textContent()).toContain('CONNECTION_CLOSED');
      expect(await error.textContent()).toContain('应答到达之前连接已关闭');
      expect(await error.textContent()).not.toContain('Lost the connection');
    } finally {
      await page.close();
      await second.stop();
      forgetLinkErrors(workbench);
    }
  });
});
