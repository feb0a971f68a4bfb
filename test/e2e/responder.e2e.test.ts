/**
 * A responder (issue 17) in the real UI, against mosquitto: made in the Automation view with its
 * Monaco editor, it answers a request sent from the publish panel's request/response controls
 * (MQTT 5 Response Topic and Correlation Data), and its counters move live.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI_TIMEOUT, closeConnections, connected, screenshots, setPayload, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const mosquitto = useMosquitto();
const session = useWorkbenchSession();

const SCRIPT = [
  'function respond(message) {',
  '  log("asked to", message.json.cmd);',
  '  return { payload: { ack: message.json.cmd, device: message.topic.split("/")[1] } };',
  '}',
].join('\n');

/** Replaces a Monaco editor's text through Monaco itself (insertText skips its bracket auto-closing). */
async function setEditor(page: Page, testId: string, text: string): Promise<void> {
  const editor = page.getByTestId(testId).locator('.monaco-editor');
  await editor.waitFor({ timeout: UI_TIMEOUT });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

describe('Responders in the Automation view', { timeout: 90_000 }, () => {
  it('a responder answers a request sent from the publish panel, with the request\'s correlation data [MQTT-4.10]', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquitto.port, clientId: 'wb-device' });

    await page.getByTestId('view-automation').click();
    await page.getByTestId('responder-add').click();
    await page.getByTestId('responder-name').fill('Thermostat');
    await page.getByTestId('responder-filter').fill('devices/+/cmd');
    await setEditor(page, 'responder-script', SCRIPT);
    // The test pane runs the unsaved script on a sample: the reply it would send, and its log.
    await page.getByTestId('responder-test-sample').fill('{"cmd": "heat"}');
    await page.getByTestId('responder-test-topic').fill('devices/7/cmd');
    await page.getByTestId('responder-test-run').click();
    const output = page.getByTestId('responder-test-output');
    await output.waitFor({ timeout: UI_TIMEOUT });
    expect(await output.textContent()).toContain('→ replies/test');
    expect(await output.textContent()).toContain('{"ack":"heat","device":"7"}');
    expect(await page.getByTestId('responder-test-logs').textContent()).toBe('asked to heat');
    await page.getByTestId('responder-save').click();
    const row = page.locator('[data-testid="responder-row"][data-name="Thermostat"]');
    await row.getByTestId('responder-state').getByText('running', { exact: true }).waitFor({ timeout: UI_TIMEOUT });

    await page.getByTestId('view-workbench').click();
    await page.getByTestId('publish-tab-request').click();
    await page.getByTestId('publish-topic').fill('devices/42/cmd');
    await setPayload(page, '{"cmd":"cool"}');
    await page.getByTestId('request-response-topic').fill('replies/app');
    await page.getByTestId('request-correlation').fill('61 62 63');
    await page.getByTestId('request-timeout').fill('10000');
    await page.getByTestId('request-send').click();
    const result = page.locator('[data-testid="request-result"][data-status="response"]');
    await result.waitFor({ timeout: UI_TIMEOUT });
    expect(await result.textContent()).toMatch(/^response in \d+ ms: \{"ack":"cool","device":"42"\}$/);

    await page.getByTestId('view-automation').click();
    await waitUntil(async () => (await row.getByTestId('responder-replied').textContent()) === '1');
    expect(await row.getByTestId('responder-handled').textContent()).toBe('1');
    expect(await row.getByTestId('responder-failed').textContent()).toBe('0');
    await screenshots(page, 'automation-responders');

    // Off: the responder stops (and unsubscribes what it subscribed).
    // A click, not uncheck(): the box follows the host's answer, a moment after the click.
    await row.getByTestId('responder-enabled').click();
    await row.getByTestId('responder-state').getByText('off', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    await row.getByTestId('responder-delete').click();
    await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.getByTestId('view-workbench').click();
    await closeConnections(page);
  });
});
