import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startHostProcess } from '../support/host-process';
import { UI_TIMEOUT, connected, statusIs, subscribe, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

/**
 * The host is the truth about open connections: a reloaded page rebuilds its subscription list
 * from what the engine holds, so an active `#` can still be seen and unsubscribed.
 */
const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

const rows = '[data-testid="subscription-row"][data-state="active"]';

/** Each active row as "filter text" (this file compiles without DOM types: no evaluateAll). */
async function listed(page: Page, withText = true): Promise<string[]> {
  const out: string[] = [];
  const locator = page.locator(rows);
  for (let i = 0; i < (await locator.count()); i++) {
    const row = locator.nth(i);
    out.push(withText ? `${await row.getAttribute('data-filter')} ${await row.textContent()}` : ((await row.getAttribute('data-filter')) ?? ''));
  }
  return out;
}

describe('after a page reload', () => {
  it('the subscription list matches the core, with granted QoS and options, and can be unsubscribed', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquittoFixture.broker.port });
    await subscribe(page, 'restore/#', 1);
    await subscribe(page, '$SYS/broker/uptime', 0);
    const before = await listed(page);

    await page.reload();
    await statusIs(page, 'connected');
    await page.locator(rows).nth(1).waitFor({ timeout: UI_TIMEOUT });
    const after = await listed(page);
    expect(after).toEqual(before);

    // Still the real subscription: unsubscribing it after the reload reaches the broker.
    await page.locator(`${rows}[data-filter="restore/#"]`).getByTestId('unsubscribe-button').click();
    await waitUntil(async () => (await page.locator(`[data-testid="subscription-row"][data-filter="restore/#"]`).count()) === 0);
    await page.reload();
    await statusIs(page, 'connected');
    await page.locator(rows).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await listed(page, false)).toEqual(['$SYS/broker/uptime']);
  });
});

describe('the UI state lives in the data folder, not in one browser origin', () => {
  it('a host on another port (a new origin, nothing in its localStorage) shows the theme and panels chosen before', async () => {
    const first = await startHostProcess();
    try {
      const { page } = await session.open(first.url);
      await page.getByTestId('theme-select').selectOption('dark');
      await page.getByTestId('publish-toggle').click();
      const stateFile = join(first.dataDir, 'ui-state.json');
      await waitUntil(async () => existsSync(stateFile) && /"workbench\.theme":"dark"/.test(readFileSync(stateFile, 'utf8')) && /workbench\.publishPanel/.test(readFileSync(stateFile, 'utf8')));
      await page.close();
      await first.halt();

      const second = await startHostProcess({ dataDir: first.dataDir });
      try {
        expect(second.port).not.toBe(first.port);
        const { page: fresh } = await session.open(second.url);
        await waitUntil(async () => (await fresh.getByTestId('theme-select').inputValue()) === 'dark');
        expect(await fresh.evaluate('document.documentElement.dataset.theme')).toBe('dark');
        expect(await fresh.getByTestId('publish-toggle').getAttribute('aria-expanded')).toBe('false');
        await fresh.close();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
