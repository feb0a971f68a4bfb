import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
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
