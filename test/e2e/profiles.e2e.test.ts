/**
 * Saved profiles in the real UI: a password that never comes back to the page, import with a
 * report, export as a download, and a TLS connection with a CA file picked in the browser.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestPki, createTestPki } from '../support/certificates';
import { type Mosquitto, startMosquitto } from '../support/mosquitto';
import { fillConnection, screenshots, statusIs, UI_TIMEOUT, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();

const TEST_TIMEOUT = 60_000;
const USER = 'alice';
const PASSWORD = 'pw-Zq8#never-in-the-page';

let auth: Mosquitto;
let tls: Mosquitto;
let pki: TestPki;
let files: string;

beforeAll(async () => {
  pki = createTestPki();
  files = mkdtempSync(join(tmpdir(), 'wb-e2e-files-'));
  [auth, tls] = await Promise.all([
    startMosquitto({ auth: { username: USER, password: PASSWORD } }),
    startMosquitto({ tls: { caPath: pki.caPath, certPath: pki.serverCertPath, keyPath: pki.serverKeyPath } }),
  ]);
});

afterAll(async () => {
  await auth?.stop();
  await tls?.stop();
  pki?.remove();
  if (files) rmSync(files, { recursive: true, force: true });
});

/** Every input's value and the page's whole text and markup: where a leaked secret would show. */
async function pageText(page: Page): Promise<string> {
  const values = (await page.evaluate(`[...document.querySelectorAll('input, textarea, select')].map((e) => e.value).join('\\n')`)) as string;
  return `${await page.content()}\n${values}`;
}

function profileRow(page: Page, name: string) {
  return page.locator(`[data-testid="profile-row"][data-name="${name}"]`);
}

describe('Connection profiles', { timeout: TEST_TIMEOUT }, () => {
  let page: Page;

  it('saves a profile with a password, connects from it, and never shows the password again', async () => {
    ({ page } = await session.open(undefined, { acceptDownloads: true }));
    await fillConnection(page, { port: auth.port, username: USER, password: PASSWORD });
    await page.getByTestId('profile-name').fill('Line broker');
    await page.getByTestId('profile-folder').fill('Plant A/Line 2');
    await page.getByTestId('profile-color-1a7f37').click();
    await page.getByTestId('profile-save-connect').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    await profileRow(page, 'Line broker').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator('[data-testid="profile-folder"][data-path="Plant A/Line 2"]').count()).toBe(1);
    expect(await pageText(page)).not.toContain(PASSWORD);

    await page.reload();
    await profileRow(page, 'Line broker').waitFor({ timeout: UI_TIMEOUT });
    await profileRow(page, 'Line broker').getByTestId('profile-edit').click();
    await page.getByTestId('connection-tab-auth').click();
    expect(await page.getByTestId('password-state').getAttribute('data-state')).toBe('set');
    expect(await page.getByTestId('connect-password').inputValue()).toBe('');
    expect(await page.getByTestId('connect-username').inputValue()).toBe(USER);
    expect(await page.getByTestId('secrets-protection').textContent()).toMatch(/Saved secrets: \S+/);
    expect(await pageText(page)).not.toContain(PASSWORD);
    await screenshots(page, 'profile-dialog');

    // Edit something else without re-entering the password, then connect: the stored one is used.
    await page.getByTestId('connection-tab-general').click();
    await page.getByTestId('connect-client-id').fill('edited-profile-client');
    await page.getByTestId('connect-button').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    expect(await page.getByTestId('connection-detail').textContent()).toContain('edited-profile-client');
    expect(await pageText(page)).not.toContain(PASSWORD);

    // A closed profile connection opens again from its tab.
    await page.getByTestId('disconnect-button').click();
    await statusIs(page, 'disconnected');
    await page.getByTestId('reconnect-button').click();
    await statusIs(page, 'connected');
  });

  it('clears a stored password, and the broker then refuses the profile', async () => {
    await profileRow(page, 'Line broker').getByTestId('profile-edit').click();
    await page.getByTestId('connection-tab-auth').click();
    await page.getByTestId('password-state-clear').click();
    expect(await page.getByTestId('password-state').getAttribute('data-state')).toBe('not set');
    await page.getByTestId('profile-save').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await profileRow(page, 'Line broker').getByTestId('profile-connect').click();
    const error = profileRow(page, 'Line broker').getByTestId('profile-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toMatch(/CONNECTION_REFUSED|AUTH/);
  });

  it('duplicates and deletes a profile, deletion after a confirmation that Esc dismisses; icon buttons work from the keyboard', async () => {
    // An icon-only button, reached by the keyboard and pressed with Enter.
    await profileRow(page, 'Line broker').getByTestId('profile-duplicate').focus();
    await page.keyboard.press('Enter');
    await waitUntil(async () => (await page.getByTestId('profile-row').count()) === 2);
    const copy = page.locator('[data-testid="profile-row"]:not([data-name="Line broker"])');
    expect(await copy.getAttribute('data-name')).toContain('Line broker');
    // Space on the Delete icon asks; Esc keeps the profile and gives the focus back to its row.
    await copy.getByTestId('profile-delete').focus();
    await page.keyboard.press('Space');
    const confirm = copy.getByTestId('profile-delete-confirm');
    await confirm.waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(await page.getByTestId('profile-row').count()).toBe(2);
    expect(await copy.locator('.profile-main').evaluate((e) => e === (e as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
    await copy.getByTestId('profile-delete').click();
    await copy.getByTestId('profile-delete-yes').click();
    await waitUntil(async () => (await page.getByTestId('profile-row').count()) === 1);
  });

  it('refuses an MQTTX file imported as MQTT Explorer settings, naming the right format, and writes nothing', async () => {
    const file = join(files, 'mqttx-export.json');
    writeFileSync(
      file,
      JSON.stringify([
        { id: 'x1', name: 'EMQX cloud', clientId: 'mqttx_1', host: 'broker.example.com', port: 8883, protocol: 'mqtts', ssl: true, certType: 'self', ca: '/home/me/ca.pem', mqttVersion: '5.0', subscriptions: [{ topic: 'a/#', qos: 0 }] },
        { id: 'x2', name: 'Old', host: 'legacy.local', port: 1883, mqttVersion: '3.1.1', protocol: 'mqtt' },
        { id: 'x3', name: 'Broken', port: 1 },
      ]),
    );
    const rowsBefore = await page.getByTestId('profile-row').count();
    // Auto-detect is the default choice.
    expect(await page.getByTestId('profiles-import-format').inputValue()).toBe('auto');
    await page.getByTestId('profiles-import-format').selectOption('mqtt-explorer');
    await page.getByTestId('profiles-import-file').setInputFiles(file);
    const error = page.getByTestId('profiles-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toContain('IMPORT_WRONG_FORMAT');
    expect(await error.textContent()).toContain('This file is an MQTTX export, not an MQTT Explorer settings file: choose "MQTTX export"');
    expect(await page.getByTestId('import-preview').count()).toBe(0);
    expect(await page.getByTestId('profile-row').count()).toBe(rowsBefore);
    await screenshots(page, 'profiles-import-wrong-format');
  });

  it('shows what an MQTTX export holds before importing it, then what was taken and what was not', async () => {
    const file = join(files, 'mqttx-export.json');
    const rowsBefore = await page.getByTestId('profile-row').count();
    await page.getByTestId('profiles-import-format').selectOption('auto');
    await page.getByTestId('profiles-import-file').setInputFiles(file);
    const preview = page.getByTestId('import-preview');
    await preview.waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('profiles-error').count()).toBe(0);
    expect(await preview.getByTestId('import-preview-format').textContent()).toBe('MQTTX export');
    const rows = preview.getByTestId('import-preview-row');
    expect(await rows.evaluateAll((list) => list.map((row) => (row as unknown as { getAttribute(n: string): string | null }).getAttribute('data-name')))).toEqual(['EMQX cloud', 'Old']);
    const cloud = preview.locator('[data-testid="import-preview-row"][data-name="EMQX cloud"]');
    expect(await cloud.getByTestId('import-preview-endpoint').textContent()).toBe('mqtts://broker.example.com:8883');
    expect(await cloud.getByTestId('import-preview-version').textContent()).toBe('MQTT 5.0');
    expect(await cloud.getByTestId('import-preview-subscriptions').textContent()).toBe('1 subscription');
    const old = preview.locator('[data-testid="import-preview-row"][data-name="Old"]');
    expect(await old.getByTestId('import-preview-version').textContent()).toBe('MQTT 3.1.1');
    expect(await preview.getByTestId('import-preview-skipped').textContent()).toContain('Broken: No host');
    // Nothing is written while the preview shows.
    expect(await page.getByTestId('profile-row').count()).toBe(rowsBefore);
    await screenshots(page, 'profiles-import-preview');
    await preview.getByTestId('import-preview-confirm').click();
    const report = page.getByTestId('import-report');
    await report.waitFor({ timeout: UI_TIMEOUT });
    expect(await report.getByTestId('import-report-summary').textContent()).toBe('Imported 2 profiles, skipped 1');
    expect(await report.getByTestId('import-report-skipped').textContent()).toContain('Broken: No host');
    expect(await report.getByTestId('import-report-notes').textContent()).toContain('EMQX cloud');
    await profileRow(page, 'EMQX cloud').waitFor({ timeout: UI_TIMEOUT });
    await profileRow(page, 'Old').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(page, 'profiles-import');
  });

  it('imports the same file again: a profile of the same name is updated or kept, as chosen, never duplicated', async () => {
    const rowsBefore = await page.getByTestId('profile-row').count();
    await page.getByTestId('profiles-import-file').setInputFiles(join(files, 'mqttx-export.json'));
    const preview = page.getByTestId('import-preview');
    await preview.waitFor({ timeout: UI_TIMEOUT });
    expect(await preview.locator('[data-testid="import-preview-row"][data-existing="yes"]').count()).toBe(2);
    expect(await preview.getByTestId('import-preview-confirm').textContent()).toBe('Nothing to import');
    await preview.getByTestId('import-preview-update-all').click();
    expect(await preview.getByTestId('import-preview-confirm').textContent()).toBe('Import 2 profiles');
    await preview.locator('[data-testid="import-preview-row"][data-name="Old"]').getByTestId('import-preview-action').selectOption('keep');
    expect(await preview.getByTestId('import-preview-confirm').textContent()).toBe('Import 1 profile');
    await screenshots(page, 'profiles-import-same-name');
    await preview.getByTestId('import-preview-confirm').click();
    const report = page.getByTestId('import-report');
    await waitUntil(async () => (await report.getByTestId('import-report-summary').textContent()) === 'Imported 0 profiles, updated 1, kept 1, skipped 1');
    expect(await report.getByTestId('import-report-updated').textContent()).toContain('EMQX cloud');
    expect(await report.getByTestId('import-report-kept').textContent()).toContain('Old');
    expect(await page.getByTestId('profile-row').count()).toBe(rowsBefore);
    // Esc on a preview writes nothing.
    await page.getByTestId('profiles-import-file').setInputFiles(join(files, 'mqttx-export.json'));
    await preview.waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(await page.getByTestId('profile-row').count()).toBe(rowsBefore);
  });

  it('exports the profiles as a JSON download, without secrets', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('profiles-export').click()]);
    expect(download.suggestedFilename()).toBe('mqtt-workbench-profiles.json');
    const text = readFileSync((await download.path())!, 'utf8');
    const parsed = JSON.parse(text) as { format: string; profiles: { name: string }[] };
    expect(parsed.format).toBe('mqtt-workbench-profiles');
    expect(parsed.profiles.map((p) => p.name).sort()).toEqual(['EMQX cloud', 'Line broker', 'Old']);
    expect(text).not.toContain(PASSWORD);
  });

  it('connects over mqtts with a CA file picked in the browser', async () => {
    await fillConnection(page, { protocol: 'mqtts', port: tls.tlsPort! });
    await page.getByTestId('connection-tab-tls').click();
    await page.getByTestId('connect-ca-file').setInputFiles(pki.caPath);
    await page.getByTestId('connect-ca-file-chosen').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('connect-alpn').fill('mqtt');
    await screenshots(page, 'connection-tls');
    await page.getByTestId('connect-button').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    expect(await page.getByTestId('connection-detail').textContent()).toContain(`mqtts://127.0.0.1:${tls.tlsPort}`);
  });

  it('shows the schema problem next to the field', async () => {
    await fillConnection(page, { port: 70000 });
    await page.getByTestId('connect-button').click();
    const problem = page.getByTestId('connect-port-problem');
    await problem.waitFor({ timeout: UI_TIMEOUT });
    expect(await problem.textContent()).toBe('Port must be 1-65535');
    await page.getByTestId('connect-port').fill(String(auth.port));
    await page.getByTestId('connection-tab-mqtt5').click();
    await page.getByTestId('connect-receiveMaximum').fill('0');
    await page.getByTestId('connect-user-properties-add').click();
    await page.getByTestId('connect-user-properties-key').fill('site');
    await page.getByTestId('connect-user-properties-value').fill('north');
    await page.getByTestId('connect-button').click();
    const receiveMaximum = page.getByTestId('connect-receiveMaximum-problem');
    await receiveMaximum.waitFor({ timeout: UI_TIMEOUT });
    expect(await receiveMaximum.textContent()).toBe('Receive Maximum must be at least 1');
    expect(await page.getByTestId('connection-tab-mqtt5').getAttribute('class')).toContain('flagged');
    await screenshots(page, 'connection-mqtt5');
    await page.keyboard.press('Escape');
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  it('keeps an Authorization header as a stored secret: saved, marked "stored" in the dialog, never shown, kept on a save without retyping', async () => {
    const BEARER = 'Bearer e2e-header-secret-9127';
    ({ page } = await session.open());
    await fillConnection(page, { protocol: 'ws', port: tls.wsPort, path: '/' });
    await page.getByTestId('profile-name').fill('Header broker');
    await page.getByTestId('connection-tab-advanced').click();
    await page.getByTestId('connect-ws-headers-add').click();
    await page.getByTestId('connect-ws-headers-key').fill('Authorization');
    await page.getByTestId('connect-ws-headers-value').fill(BEARER);
    await page.getByTestId('profile-save-connect').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');

    await page.reload();
    await profileRow(page, 'Header broker').waitFor({ timeout: UI_TIMEOUT });
    await profileRow(page, 'Header broker').getByTestId('profile-edit').click();
    await page.getByTestId('connection-tab-advanced').click();
    const stored = page.locator('[data-testid="stored-header"][data-name="Authorization"]');
    await stored.waitFor({ timeout: UI_TIMEOUT });
    expect(await stored.getAttribute('data-state')).toBe('stored');
    expect(await page.getByTestId('connect-ws-headers-row').count()).toBe(0);
    expect(await pageText(page)).not.toContain(BEARER);
    await screenshots(page, 'connection-stored-header');

    // Saved again without the value the page never had: the host keeps it.
    await page.getByTestId('profile-save').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await profileRow(page, 'Header broker').getByTestId('profile-edit').click();
    await page.getByTestId('connection-tab-advanced').click();
    expect(await page.locator('[data-testid="stored-header"][data-name="Authorization"]').getAttribute('data-state')).toBe('stored');
    expect(await pageText(page)).not.toContain(BEARER);
    await page.keyboard.press('Escape');
  });
});
