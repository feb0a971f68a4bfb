import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI_TIMEOUT, fillConnection, screenshots, statusIs, subscribe, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

/**
 * Nobody types `#` again at every start: subscriptions saved with a profile (in its dialog, or with
 * the ☆ of a live subscription) are subscribed each time it connects, and survive a reload.
 */
const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();
let page: Page;

const activeRow = (filter: string) => page.locator(`[data-testid="subscription-row"][data-filter="${filter}"][data-state="active"]`);

describe('subscriptions saved with a profile', () => {
  it('are subscribed when the profile connects, and the ☆ of a live one saves it with its options', async () => {
    ({ page } = await session.open());
    await fillConnection(page, { port: mosquittoFixture.broker.port, version: '5' });
    await page.getByTestId('profile-name').fill('Plant');
    await page.getByTestId('connection-tab-subscriptions').click();
    await page.getByTestId('saved-subscription-filter').fill('plant/#');
    await page.getByTestId('saved-subscription-qos').selectOption('1');
    await page.getByTestId('saved-subscription-add').click();
    await page.locator('[data-testid="saved-subscription"][data-filter="plant/#"]').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(page, 'profile-subscriptions-dialog');
    await page.getByTestId('profile-save-connect').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    await activeRow('plant/#').waitFor({ timeout: UI_TIMEOUT });
    expect(await activeRow('plant/#').getByTestId('save-subscription').getAttribute('aria-pressed')).toBe('true');

    // One typed in the panel, then saved with the profile by its star.
    await page.getByTestId('subscribe-options-toggle').click();
    await page.getByTestId('subscribe-no-local').check();
    await subscribe(page, 'extra/#', 2);
    const star = activeRow('extra/#').getByTestId('save-subscription');
    expect(await star.getAttribute('aria-pressed')).toBe('false');
    await star.click();
    await waitUntil(async () => (await star.getAttribute('aria-pressed')) === 'true');
    await screenshots(page, 'profile-subscriptions-panel');

    // Disconnected and connected again: both come back without typing, No Local kept.
    await page.getByTestId('disconnect-button').click();
    await statusIs(page, 'disconnected');
    await page.getByTestId('reconnect-button').click();
    await statusIs(page, 'connected');
    await activeRow('plant/#').waitFor({ timeout: UI_TIMEOUT });
    await activeRow('extra/#').waitFor({ timeout: UI_TIMEOUT });
    expect(await activeRow('extra/#').textContent()).toContain('no local');

    await page.reload();
    await statusIs(page, 'connected');
    await activeRow('extra/#').waitFor({ timeout: UI_TIMEOUT });
    await activeRow('plant/#').waitFor({ timeout: UI_TIMEOUT });
    // The reloaded page did not open it, yet knows its profile (from the host): starred, and reopened from its tab.
    expect(await activeRow('plant/#').getByTestId('save-subscription').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('disconnect-button').click();
    await statusIs(page, 'disconnected');
    await page.getByTestId('reconnect-button').click();
    await statusIs(page, 'connected');
    await activeRow('plant/#').waitFor({ timeout: UI_TIMEOUT });
  });
});
