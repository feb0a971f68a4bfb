/**
 * The Statistics view in Chromium against the built host and a real mosquitto (sys_interval 1): the
 * button subscribes to $SYS/#, the broker's version and connected clients show, and a topic flooded
 * with messages is at the top of "what is flooding the broker".
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub } from '../support/mosquitto';
import { connected, screenshots, subscribe, UI_TIMEOUT, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquitto = useMosquitto({ extraConfig: ['sys_interval 1'] });

const statValue = (page: Page, name: string) => page.locator(`[data-testid="stats-row"][data-name="${name}"] [data-testid="stats-value"]`);

describe('broker statistics', { timeout: 120_000 }, () => {
  it('subscribes to $SYS/#, shows the version and clients connected, and lists the flooding topic first', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquitto.broker.port });
    await subscribe(page, 'stats/#');
    await page.getByTestId('view-stats').click();
    await page.getByTestId('stats-subscribe-sys').click();
    await page.locator('[data-testid="subscription-row"][data-filter="$SYS/#"][data-state="active"]').waitFor({ state: 'attached', timeout: UI_TIMEOUT });
    await expect.poll(async () => statValue(page, 'version').textContent(), { timeout: UI_TIMEOUT }).toMatch(/^mosquitto version /);
    await expect.poll(async () => Number(await statValue(page, 'clients/connected').textContent()), { timeout: UI_TIMEOUT }).toBeGreaterThanOrEqual(1);

    // 300 messages on one topic, a few on others: the flooded one leads by msg/s
    const lines = Array.from({ length: 300 }, (_, i) => `reading ${i}`).join('\n');
    const flood = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.broker.port), '-t', 'stats/flood', '-l'], Buffer.from(`${lines}\n`));
    expect(flood.code, flood.stderr).toBe(0);
    for (const topic of ['stats/quiet/a', 'stats/quiet/b']) {
      const quiet = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.broker.port), '-t', topic, '-m', 'x']);
      expect(quiet.code, quiet.stderr).toBe(0);
    }
    const first = page.getByTestId('stats-flood-row').first();
    await waitUntil(async () => (await first.getAttribute('data-topic')) === 'stats/flood');
    await page.getByTestId('stats-flood-by').selectOption('bytes');
    await waitUntil(async () => (await first.getAttribute('data-topic')) === 'stats/flood');
    await screenshots(page, 'broker-stats');
    expect(session.opened.flatMap((w) => w.problems)).toEqual([]);
  });
});
