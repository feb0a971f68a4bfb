/**
 * Saved messages (issue 17) in Chromium against the built host and a real mosquitto: a message
 * typed in the publish panel is saved to a new collection, found by search, and sent from the
 * Collections panel with the user's variables expanded, as mosquitto_sub receives it; the
 * collection is exported as a file, deleted, and imported back from that file.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runMosquittoSub } from '../support/mosquitto';
import { UI_TIMEOUT, connected, fillConnection, screenshots, setPayload, statusIs, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

describe('collections', () => {
  it('saves from the publish panel, finds by search, sends to mosquitto_sub, and exports then imports', async () => {
    const { page } = await session.open();
    const port = mosquittoFixture.broker.port;
    await connected(page, { port });
    const panel = page.getByTestId('collections-panel');
    const menu = async (item: string) => {
      await panel.getByTestId('collections-menu').click();
      await panel.getByTestId(item).click();
      await panel.getByTestId('collections-menu').click();
    };

    // Two messages saved as typed, the first with variables on.
    await page.getByTestId('publish-variables').check();
    await page.getByTestId('publish-topic').fill('col/{{site}}/status');
    await page.getByTestId('publish-mode-json').click();
    await setPayload(page, '{"n": {{seq}}, "site": "{{site}}"}');
    await page.getByTestId('publish-save-to-collection').click();
    const dialog = page.getByTestId('collections-save-dialog');
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    await dialog.getByTestId('collections-save-name').fill('Line status');
    expect(await dialog.getByTestId('collections-save-collection').inputValue()).toBe('__new__');
    await dialog.getByTestId('collections-save-new-name').fill('Daily');
    await dialog.getByTestId('collections-save-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await page.getByTestId('publish-variables').uncheck();
    await page.getByTestId('publish-topic').fill('col/other');
    await page.getByTestId('publish-mode-text').click();
    await setPayload(page, 'unrelated');
    await page.getByTestId('publish-save-to-collection').click();
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    await dialog.getByTestId('collections-save-name').fill('Other');
    await dialog.getByTestId('collections-save-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    const rows = panel.getByTestId('collections-message');
    await waitUntil(async () => (await rows.count()) === 2);

    // The user's own variables, for every connection.
    await menu('collections-variables-toggle');
    await panel.getByTestId('collections-user-variables').fill('site=berlin');
    await panel.getByTestId('collections-user-variables-save').click();

    // Search by name, by topic and by payload.
    const search = panel.getByTestId('collections-search');
    const shown = async () => (await rows.getByTestId('collections-message-name').allTextContents()).join(',');
    await search.fill('status');
    await waitUntil(async () => (await shown()) === 'Line status');
    await search.fill('col/other');
    await waitUntil(async () => (await shown()) === 'Other');
    await search.fill('{{seq}}');
    await waitUntil(async () => (await shown()) === 'Line status');

    // The preview shows it expanded; Send delivers it expanded.
    const row = rows.first();
    await row.locator('.collections-message-main').click();
    await waitUntil(async () => (await panel.getByTestId('collections-preview-topic').count()) > 0 && (await panel.getByTestId('collections-preview-topic').textContent()) === 'col/berlin/status');
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(port), '-V', '5', '-t', 'col/#', '-C', '1', '-v'], { signalSubscribed: true });
    await sub.subscribed;
    await row.getByTestId('collections-message-send').click();
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    const line = result.stdout.toString('utf8').trim();
    expect(line.slice(0, line.indexOf(' '))).toBe('col/berlin/status');
    expect(JSON.parse(line.slice(line.indexOf(' ') + 1))).toEqual({ n: 1, site: 'berlin' });
    expect(await panel.getByTestId('collections-result').textContent()).toBe('Sent 1 message');
    await screenshots(page, 'collections-panel');

    // Export, delete, import the file back: both messages return, as saved.
    await search.fill('');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: UI_TIMEOUT }), menu('collections-export')]);
    expect(download.suggestedFilename()).toBe('Daily.collection.json');
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; collection: { messages: { name: string; topic: string; format: string; variables: boolean }[] } };
    expect(exported.kind).toBe('mqtt-workbench.collection');
    expect(exported.collection.messages.map((m) => [m.name, m.topic, m.format, m.variables])).toEqual([
      ['Line status', 'col/{{site}}/status', 'json', true],
      ['Other', 'col/other', 'text', false],
    ]);
    await menu('collections-delete');
    await waitUntil(async () => (await rows.count()) === 0);
    await panel.getByTestId('collections-import-file').setInputFiles(file);
    await waitUntil(async () => (await shown()) === 'Line status,Other');
    expect(await panel.getByTestId('collections-select').locator('option:checked').textContent()).toBe('Daily');

    // A broken file is refused with its problem named; the collection stays.
    await panel.getByTestId('collections-import-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"kind": "mqtt-workbench.collection", "version": 1}') });
    await panel.getByTestId('collections-error').waitFor({ timeout: UI_TIMEOUT });
    expect(await panel.getByTestId('collections-error').textContent()).toMatch(/^broken\.json: Not a collection file this version reads: collection: /);
    expect(await shown()).toBe('Line status,Other');

    // Load puts a saved message back in the publish panel as written; Publish sends what was loaded,
    // with the user's variables from Collections.
    await panel.locator('[data-testid="collections-message"][data-name="Line status"]').getByTestId('collections-message-load').click();
    expect(await page.getByTestId('publish-topic').inputValue()).toBe('col/{{site}}/status');
    expect(await page.getByTestId('publish-variables').isChecked()).toBe(true);
    expect(await page.getByTestId('publish-mode-json').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('publish-button').click();
    await waitUntil(async () => (await page.getByTestId('publish-result').count()) > 0 && (await page.getByTestId('publish-result').textContent()) === 'Published 26 B to col/berlin/status');
  });
  it('saves entries of the publish history and sends a selection as a sequence, in order', async () => {
    const { page } = await session.open();
    const port = mosquittoFixture.broker.port;
    await connected(page, { port });
    const panel = page.getByTestId('collections-panel');

    // Variables expand in the MQTT 5 properties too, and the preview shows them.
    await page.getByTestId('publish-mode-text').click();
    await page.getByTestId('publish-variables').check();
    await page.getByTestId('publish-tab-variables').click();
    await page.getByTestId('publish-variables-list').fill('site=paris');
    await page.getByTestId('publish-tab-properties').click();
    await page.getByTestId('publish-response-topic').fill('seq/{{site}}/reply');
    await page.getByTestId('publish-content-type').fill('text/{{site}}');
    await page.getByTestId('publish-topic').fill('seq/a');
    await setPayload(page, 'A');
    const previewProperties = page.getByTestId('publish-variables-preview-properties');
    await waitUntil(async () => (await previewProperties.count()) > 0 && (await previewProperties.textContent()) === ' · content type text/paris · response topic seq/paris/reply');
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-result').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('publish-topic').fill('seq/b');
    await setPayload(page, 'B');
    await page.getByTestId('publish-button').click();
    await waitUntil(async () => (await page.getByTestId('publish-result').textContent()) === 'Published 1 B to seq/b');

    // Newest first in the history: save seq/a, then seq/b, into a new collection.
    await page.getByTestId('publish-tab-history').click();
    const entries = page.getByTestId('publish-history-entry');
    const dialog = page.getByTestId('collections-save-dialog');
    await entries.nth(1).getByTestId('publish-history-save').click();
    await dialog.getByTestId('collections-save-collection').selectOption('__new__');
    await dialog.getByTestId('collections-save-new-name').fill('Sequence');
    await dialog.getByTestId('collections-save-name').fill('A');
    await dialog.getByTestId('collections-save-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await entries.nth(0).getByTestId('publish-history-save').click();
    expect(await dialog.getByTestId('collections-save-collection').locator('option:checked').textContent()).toBe('Sequence');
    await dialog.getByTestId('collections-save-name').fill('B');
    await dialog.getByTestId('collections-save-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    await panel.getByTestId('collections-select').selectOption({ label: 'Sequence' });
    const rows = panel.getByTestId('collections-message');
    await waitUntil(async () => (await rows.getByTestId('collections-message-name').allTextContents()).join(',') === 'A,B');
    for (const box of await rows.getByTestId('collections-message-select').all()) await box.check();
    await panel.getByTestId('collections-sequence-toggle').click();
    const delays = panel.getByTestId('collections-sequence-delay');
    expect(await delays.nth(0).inputValue()).toBe('0');
    await delays.nth(1).fill('300');

    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(port), '-V', '5', '-t', 'seq/+', '-C', '2', '-F', '%t %p %R %C'], { signalSubscribed: true });
    await sub.subscribed;
    await panel.getByTestId('collections-sequence-start').click();
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    // Saved as written with their properties: each arrives in order, expanded again when sent.
    expect(result.stdout.toString('utf8').trim().split('\n')).toEqual(['seq/a A seq/paris/reply text/paris', 'seq/b B seq/paris/reply text/paris']);
    await waitUntil(async () => (await panel.getByTestId('collections-sequence-status').textContent()) === '2/2 sent · done');
  });
  it("expands a profile's environment in the publish panel and in the profile's own collection", async () => {
    const { page } = await session.open();
    const port = mosquittoFixture.broker.port;
    await fillConnection(page, { port });
    await page.getByTestId('profile-name').fill('Berlin line');
    await page.getByTestId('profile-save-connect').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(page, 'connected');
    const panel = page.getByTestId('collections-panel');

    // An environment, chosen for this profile.
    await panel.getByTestId('collections-menu').click();
    await panel.getByTestId('collections-variables-toggle').click();
    await panel.getByTestId('collections-menu').click();
    await panel.getByTestId('collections-env-new-name').fill('Spandau');
    await panel.getByTestId('collections-env-add').click();
    const env = panel.getByTestId('collections-env');
    await env.locator('summary').click();
    await env.getByTestId('collections-env-variables').fill('plant=spandau');
    await env.getByTestId('collections-env-variables-save').click();
    await panel.getByTestId('collections-environment').selectOption({ label: 'Spandau' });

    // The publish panel's preview uses it.
    await page.getByTestId('publish-variables').check();
    await page.getByTestId('publish-topic').fill('env/{{plant}}');
    await setPayload(page, 'from {{plant}}');
    const previewTopic = page.getByTestId('publish-variables-preview-topic');
    await waitUntil(async () => (await previewTopic.count()) > 0 && (await previewTopic.textContent()) === 'env/spandau');

    // A collection of this profile only, and the message saved into it.
    await panel.getByTestId('collections-new-profile').click();
    await panel.getByTestId('collections-name-input').fill('Line only');
    await panel.getByTestId('collections-name-input').press('Enter');
    await waitUntil(async () => (await panel.getByTestId('collections-select').locator('option:checked').textContent()) === 'Line only (Berlin line)');
    await page.getByTestId('publish-save-to-collection').click();
    const dialog = page.getByTestId('collections-save-dialog');
    await dialog.getByTestId('collections-save-collection').selectOption({ label: 'Line only (this profile)' });
    await dialog.getByTestId('collections-save-name').fill('Env');
    await dialog.getByTestId('collections-save-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    const row = panel.locator('[data-testid="collections-message"][data-name="Env"]');
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(port), '-V', '5', '-t', 'env/#', '-C', '1', '-v'], { signalSubscribed: true });
    await sub.subscribed;
    await row.getByTestId('collections-message-send').click();
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.toString('utf8').trim()).toBe('env/spandau from spandau');
  });
});
