/**
 * The script test pane (issue 17) in the real UI: a script written in its Monaco editor runs in
 * the host's sandbox on a sample (JSON, hex) or on the message open in the workbench, and the pane
 * shows the output, what the script logged, and a thrown error with its line number.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub } from '../support/mosquitto';
import { UI_TIMEOUT, closeConnections, connected, messageRow, subscribe, useMosquitto, useWorkbenchSession } from './e2e-helpers';

const mosquitto = useMosquitto();
const session = useWorkbenchSession();

const DECODER = [
  'function decode(payload, message) {',
  '  log("frame of", payload.length, "bytes on", message.topic);',
  '  if (payload[0] !== 0x2a) throw new Error("not a frame: starts with " + payload[0]);',
  '  return { kind: "frame", level: payload[1] };',
  '}',
].join('\n');

async function setEditor(page: Page, testId: string, text: string): Promise<void> {
  const editor = page.getByTestId(testId).locator('.monaco-editor');
  await editor.waitFor({ timeout: UI_TIMEOUT });
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Runs the pane and waits for this run's answer (the Run button is disabled while it runs). */
async function run(page: Page): Promise<void> {
  const button = page.getByTestId('script-test-run');
  await button.click();
  await page.locator('[data-testid="script-test-run"]:not([disabled])').waitFor({ timeout: UI_TIMEOUT });
  await page.getByTestId('script-test-result').waitFor({ timeout: UI_TIMEOUT });
}

describe('Script test pane', { timeout: 90_000 }, () => {
  it('shows a decode script\'s output and logs, and a thrown error with its line number', async () => {
    const { page } = await session.open();
    await page.getByTestId('view-automation').click();
    await setEditor(page, 'script-test-editor', DECODER);
    await page.getByTestId('script-test-function').selectOption('decode');
    await page.getByTestId('script-test-kind').selectOption('hex');
    await page.getByTestId('script-test-topic').fill('devices/7/raw');
    await page.getByTestId('script-test-sample').fill('2a 05');
    await run(page);
    expect(JSON.parse((await page.getByTestId('script-test-output').textContent())!)).toEqual({ kind: 'frame', level: 5 });
    expect(await page.getByTestId('script-test-logs').textContent()).toBe('frame of 2 bytes on devices/7/raw');

    await page.getByTestId('script-test-sample').fill('07 05');
    await run(page);
    const error = page.getByTestId('script-test-error');
    expect(await error.getAttribute('data-line')).toBe('3');
    expect(await error.textContent()).toMatch(/^line 3, column \d+: Error: not a frame: starts with 7$/);
    // What it logged before it threw is shown too.
    expect(await page.getByTestId('script-test-logs').textContent()).toBe('frame of 2 bytes on devices/7/raw');
  });

  it('runs on the message open in the workbench', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquitto.port, clientId: 'wb-script-pane' });
    await subscribe(page, 'devices/#');
    const sent = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'devices/9/raw', '-m', '*\u0009']);
    expect(sent.code, sent.stderr).toBe(0);
    await messageRow(page, 'devices/9/raw').click();
    await page.getByTestId('message-detail').waitFor({ timeout: UI_TIMEOUT });

    await page.getByTestId('view-automation').click();
    await setEditor(page, 'script-test-editor', DECODER);
    await page.getByTestId('script-test-use-open').check();
    await run(page);
    expect(JSON.parse((await page.getByTestId('script-test-output').textContent())!)).toEqual({ kind: 'frame', level: 9 });
    expect(await page.getByTestId('script-test-logs').textContent()).toBe('frame of 2 bytes on devices/9/raw');
    await page.getByTestId('view-workbench').click();
    await closeConnections(page);
  });
});
