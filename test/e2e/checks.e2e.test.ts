/**
 * The Checks section of the Automation view (issue 17) in the real UI: a profile saved for a
 * mosquitto this test starts, the broker check run on it with its report rows, and scripted check
 * files pasted in that pass and fail (the failing step's message shown, the rest skipped).
 * Fails on any console error, page error or CSP violation.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { UI_TIMEOUT, fillConnection, screenshots, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const mosquitto = useMosquitto();
const session = useWorkbenchSession();

const PROFILE = 'Bench mosquitto';

const checkFile = (setpoint: number, within: number) => `name: Thermostat answers
steps:
  - connect: { profile: "${PROFILE}" }
  - subscribe: { topic: 'therm/+/ack', qos: 1 }
  - publish: { topic: therm/1/ack, payload: { setpoint: 21 }, qos: 1 }
  - expect: { topic: therm/1/ack, json: { setpoint: ${setpoint} }, within: ${within} }
  - expectNone: { topic: therm/1/error, within: 200 }
`;

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').trim();

/** Pastes a check file, runs it and waits for this run's verdict (Run is disabled while it runs). */
async function runCheck(page: Page, file: string): Promise<string> {
  await page.getByTestId('check-text').fill(file);
  await page.getByTestId('check-run').click();
  await page.locator('[data-testid="check-run"]:not([disabled])').waitFor({ timeout: UI_TIMEOUT });
  await page.getByTestId('check-run-verdict').waitFor({ timeout: UI_TIMEOUT });
  return text(page, 'check-run-verdict');
}

/** Each step's status, as its list item's class says (passed, failed, skipped). */
async function stepStatuses(page: Page): Promise<(string | null)[]> {
  const items = await page.locator('[data-testid="check-run-result"] li').all();
  return Promise.all(items.map((item) => item.getAttribute('class')));
}

describe('Checks in Chromium', { timeout: 90_000 }, () => {
  it('runs the broker check on a saved profile and shows its report; a pasted check file passes, and one that fails shows FAIL with the failing step and its message', async () => {
    const { page } = await session.open();
    await fillConnection(page, { port: mosquitto.port, version: '5' });
    await page.getByTestId('profile-name').fill(PROFILE);
    await page.getByTestId('profile-save').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await page.getByTestId('view-automation').click();
    const checks = page.getByTestId('automation-checks');
    await checks.waitFor({ timeout: UI_TIMEOUT });
    const profile = page.getByTestId('broker-check-profile');
    await waitUntil(async () => (await profile.locator('option', { hasText: PROFILE }).count()) === 1);
    await profile.selectOption({ label: PROFILE });
    await page.getByTestId('broker-check-run').click();
    await page.getByTestId('broker-report').waitFor({ timeout: 60_000 });
    // mosquitto 2 speaks all three versions and grants QoS 2, retained messages and wildcards.
    expect(await text(page, 'broker-report')).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+: MQTT 5\.0 yes, MQTT 3\.1\.1 yes, MQTT 3\.1 yes/);
    // CONNACK rows: a boolean reads yes/no; a property mosquitto does not send is "not sent", with its default when MQTT has one.
    const connack = (key: string) => page.getByTestId(`report-connack-${key}`).locator('td');
    expect(await connack('retainAvailable').allTextContents()).toEqual(['yes', 'not sent: the default']);
    expect(await connack('receiveMaximum').allTextContents()).toEqual(['20', 'from CONNACK']);
    expect(await connack('maximumPacketSize').allTextContents()).toEqual(['not set', 'not sent']);
    for (const probe of ['qos2', 'retained', 'wildcard']) {
      const row = page.getByTestId(`report-probe-${probe}`);
      expect(await row.locator('td').first().textContent(), probe).toBe('yes');
    }
    expect(await page.getByTestId('report-probe-qos2').locator('th').textContent()).toBe('QoS 2 round trip');
    expect(await page.getByTestId('broker-check-error').count()).toBe(0);

    // A check file naming the saved profile, that passes: every step ticked.
    expect(await runCheck(page, checkFile(21, 3000))).toMatch(/^PASS Thermostat answers \(\d+ ms\)$/);
    expect(await stepStatuses(page)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed']);
    await screenshots(page, 'automation-checks');

    // One that expects another setpoint: FAIL, the failing step says why, the rest is skipped.
    expect(await runCheck(page, checkFile(22, 500))).toMatch(/^FAIL Thermostat answers \(\d+ ms\)$/);
    expect(await stepStatuses(page)).toEqual(['passed', 'passed', 'passed', 'failed', 'skipped']);
    const failed = page.locator('[data-testid="check-run-result"] li.failed');
    expect(await failed.textContent()).toContain('expect therm/1/ack within 500 ms');
    expect(await failed.locator('.step-message').textContent()).toBe('no matching message on therm/1/ack within 500 ms (last one seen: therm/1/ack: setpoint is 21, expected 22)');

    // A file that is not a check file is named as such, not run.
    await page.getByTestId('check-text').fill('name: nothing to do\n');
    await page.getByTestId('check-run').click();
    await page.getByTestId('check-run-error').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('check-run-result').count()).toBe(0);
  });
});
