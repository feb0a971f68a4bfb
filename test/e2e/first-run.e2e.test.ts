/**
 * The first run: an empty workbench (no profiles, no connections) offers the three ways in where
 * the traffic would be, and each one works in the real UI against the built host.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { UI_TIMEOUT, screenshots, statusIs, useWorkbenchSession } from './e2e-helpers';

const session = useWorkbenchSession();
const files = mkdtempSync(join(tmpdir(), 'wb-first-run-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

describe('first run in Chromium', () => {
  let page: Page;

  it('offers the three ways in where the traffic would be', async () => {
    ({ page } = await session.open());
    // In the Messages panel, where the traffic will be.
    await page.getByTestId('panel-messages').getByTestId('first-run').waitFor({ timeout: UI_TIMEOUT });
    for (const id of ['first-run-embedded', 'first-run-connect', 'first-run-import-mqttx', 'first-run-import-mqtt-explorer']) {
      expect(await page.getByTestId(id).isVisible()).toBe(true);
    }
    await screenshots(page, 'first-run');
  });

  it('"Create a connection" opens the connection dialog', async () => {
    await page.getByTestId('first-run-connect').click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connection-dialog-close').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  it('"Start the embedded broker" starts it on a free port and connects to it', async () => {
    await page.getByTestId('first-run-embedded').click();
    await statusIs(page, 'connected');
    const tab = page.locator('[data-testid="connection-tab"][data-status="connected"]');
    await tab.waitFor({ timeout: UI_TIMEOUT });
    expect(await tab.textContent()).toContain('Embedded broker');
    await page.getByTestId('first-run').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // The embedded broker runs and has that connection as its client.
    await page.getByTestId('view-broker').click();
    await page.getByTestId('broker-client').first().waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('view-workbench').click();
    // Closing the only connection brings the workbench back to empty: the first run shows again.
    await page.getByTestId('connection-tab-close').click();
    await page.getByTestId('first-run').waitFor({ timeout: UI_TIMEOUT });
  });

  it('"Import from MQTTX" / "from MQTT Explorer" open the profiles import file picker set to that format, and import what is chosen', async () => {
    const explorer = page.waitForEvent('filechooser', { timeout: UI_TIMEOUT });
    await page.getByTestId('first-run-import-mqtt-explorer').click();
    expect(await (await explorer).element().getAttribute('data-testid')).toBe('profiles-import-file');
    expect(await page.getByTestId('profiles-import-format').inputValue()).toBe('mqtt-explorer');

    const file = join(files, 'mqttx-export.json');
    writeFileSync(file, JSON.stringify([{ id: 'x1', name: 'From MQTTX', clientId: 'mqttx_1', host: 'broker.example.com', port: 1883, protocol: 'mqtt', mqttVersion: '5.0' }]));
    const chooser = page.waitForEvent('filechooser', { timeout: UI_TIMEOUT });
    await page.getByTestId('first-run-import-mqttx').click();
    expect(await (await chooser).element().getAttribute('data-testid')).toBe('profiles-import-file');
    expect(await page.getByTestId('profiles-import-format').inputValue()).toBe('mqttx');
    await (await chooser).setFiles(file);
    // What the file holds is shown first; nothing is saved before the user confirms.
    await page.locator('[data-testid="import-preview-row"][data-name="From MQTTX"]').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('import-preview-confirm').click();
    await page.locator('[data-testid="profile-row"][data-name="From MQTTX"]').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('import-report').waitFor({ timeout: UI_TIMEOUT });
    // A profile exists now: the workbench is no longer empty.
    await page.getByTestId('first-run').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });
});
