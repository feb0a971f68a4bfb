/**
 * Codec rules (issue 16) in Chromium against the built host and a real mosquitto: two .proto files
 * (one importing the other) added through the UI and bound to factory/+/telemetry decode live
 * Protobuf traffic in the list, the tree, the detail and a plot; a gzip+JSON rule with a JSON
 * Schema marks the payloads that fail it and "Only invalid" finds them; JSON typed in Publish is
 * encoded by a rule and received byte-exact by mosquitto_sub. Payloads are made here with the
 * reference encoders (protobufjs, zlib).
 */
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { UI_TIMEOUT, connected, detailPayloadText, messageRow, screenshots, setPayload, subscribe, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

const COMMON_PROTO = `syntax = "proto3";
package common;

message Reading {
  double value = 1;
  string unit = 2;
}
`;

const TELEMETRY_PROTO = `syntax = "proto3";
package factory;

import "common.proto";

message Telemetry {
  string device = 1;
  double temperature = 2;
  common.Reading pressure = 3;
  uint32 sequence = 4;
}
`;

/** The reference encoder: the same two files, parsed by protobufjs into one root. */
function telemetryType(): protobuf.Type {
  const root = new protobuf.Root();
  protobuf.parse(COMMON_PROTO, root, { keepCase: true });
  protobuf.parse(TELEMETRY_PROTO, root, { keepCase: true });
  root.resolveAll();
  return root.lookupType('factory.Telemetry');
}

const Telemetry = telemetryType();
const encodeTelemetry = (value: Record<string, unknown>) => Buffer.from(Telemetry.encode(Telemetry.fromObject(value)).finish());

async function pubBytes(topic: string, payload: Buffer): Promise<void> {
  // -s: the payload is stdin, byte for byte.
  const result = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-V', '5', '-t', topic, '-s'], payload);
  expect(result.code, result.stderr).toBe(0);
}

/** An RGB PNG (ISO/IEC 15948: signature, IHDR, IDAT, IEND with CRC-32s), pixels a gradient. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample
  header[9] = 2; // RGB
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) for (let x = 0; x < width * 3; x++) rows[y * (1 + width * 3) + 1 + x] = (x * 4 + y * 6) & 0xff;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const dialog = (page: Page) => page.getByTestId('codec-dialog');

/** Opens the rules for all connections from the top bar. */
async function openGlobalRules(page: Page): Promise<void> {
  await page.getByTestId('decoding-button').click();
  await dialog(page).getByTestId('codec-editor').waitFor({ timeout: UI_TIMEOUT });
}

async function saveRules(page: Page): Promise<void> {
  await page.getByTestId('codec-dialog-save').click();
  await dialog(page).waitFor({ state: 'detached', timeout: UI_TIMEOUT });
}

/** Adds a rule and fills what every rule has; returns its form. */
async function addRule(page: Page, name: string, filter: string) {
  await dialog(page).getByTestId('codec-rule-add').click();
  const form = dialog(page).getByTestId('codec-rule-form');
  await form.getByTestId('codec-rule-name').fill(name);
  await form.getByTestId('codec-rule-filter').fill(filter);
  return form;
}

const payloadCell = (page: Page, topic: string) => messageRow(page, topic).last().getByTestId('message-payload');

describe('codec rules', { timeout: 180_000 }, () => {
  let page: Page;

  it('decodes Protobuf from two .proto files (one imports the other) in the list, the tree, the detail and a plot', async () => {
    ({ page } = await session.open());
    await connected(page, { port: mosquittoFixture.broker.port });
    await subscribe(page, '#');

    await openGlobalRules(page);
    await dialog(page)
      .getByTestId('codec-schema-files')
      .setInputFiles([
        { name: 'telemetry.proto', mimeType: 'text/plain', buffer: Buffer.from(TELEMETRY_PROTO) },
        { name: 'common.proto', mimeType: 'text/plain', buffer: Buffer.from(COMMON_PROTO) },
      ]);
    const schema = dialog(page).getByTestId('codec-schema');
    await schema.locator('[data-testid="codec-schema-state"][data-state="ok"]').waitFor({ timeout: UI_TIMEOUT });
    expect(await schema.textContent()).toContain('telemetry.proto, common.proto');

    const form = await addRule(page, 'Line telemetry', 'factory/+/telemetry');
    await form.getByTestId('codec-rule-format').selectOption('protobuf');
    // The message types come from the host's compile of both files (codecs.checkSchema).
    const types = form.getByTestId('codec-rule-message-type');
    await waitUntil(async () => (await types.locator('option').allTextContents()).some((t) => t.includes('factory.Telemetry')));
    const telemetryOption = (await types.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value))).find((v) => v.endsWith('factory.Telemetry'))!;
    await types.selectOption(telemetryOption);
    expect(await dialog(page).getByTestId('codec-rule-summary').textContent()).toContain('Protobuf');
    await screenshots(page, 'codecs-editor-protobuf');
    await saveRules(page);

    await pubBytes('factory/line1/telemetry', encodeTelemetry({ device: 'press-7', temperature: 21.5, pressure: { value: 1.25, unit: 'bar' }, sequence: 1 }));
    const cell = payloadCell(page, 'factory/line1/telemetry');
    await cell.waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await cell.getAttribute('data-decoded')) === 'protobuf');
    const preview = (await cell.textContent()) ?? '';
    expect(preview).toContain('"device":"press-7"');
    expect(preview).toContain('"temperature":21.5');
    expect(preview).toContain('"unit":"bar"');

    // The tree's last value is the decoded one.
    await page.getByTestId('topic-tree-expand-all').click();
    const treeValue = page.locator('[data-testid="topic-node"][data-topic="factory/line1/telemetry"]').getByTestId('topic-value');
    await treeValue.waitFor({ timeout: UI_TIMEOUT });
    expect(await treeValue.getAttribute('data-decoded')).toBe('protobuf');
    expect(await treeValue.textContent()).toContain('"temperature":21.5');

    // The detail: which rule, the whole decoded text, and its numbers to plot.
    await messageRow(page, 'factory/line1/telemetry').last().click();
    const detail = page.getByTestId('message-detail');
    await waitUntil(async () => (await detail.getAttribute('data-decoded')) === 'protobuf');
    expect(await page.getByTestId('message-detail-decoded-rule').textContent()).toBe('Decoded by rule Line telemetry (protobuf)');
    await waitUntil(async () => (await detailPayloadText(page)).includes('"temperature": 21.5'));
    expect(await detailPayloadText(page)).toContain('"unit": "bar"');
    await page.locator('[data-testid="numeric-field"][data-path="temperature"]').getByTestId('plot-field').click();
    await page.locator('[data-testid="numeric-field"][data-path="pressure.value"]').waitFor({ timeout: UI_TIMEOUT });

    for (const [sequence, temperature] of [
      [2, 22.25],
      [3, 23.5],
    ] as const) {
      await pubBytes('factory/line1/telemetry', encodeTelemetry({ device: 'press-7', temperature, pressure: { value: 1.3, unit: 'bar' }, sequence }));
    }
    const series = page.getByTestId('plot-series').first();
    await waitUntil(async () => Number(await series.getAttribute('data-points')) >= 3);
    expect(await series.getByTestId('plot-last').textContent()).toContain('23.5');
    await screenshots(page, 'codecs-protobuf-live');

    // A diff with the previous message compares the decoded texts (pretty, from the host).
    await messageRow(page, 'factory/line1/telemetry').last().click();
    await waitUntil(async () => (await detailPayloadText(page)).includes('"temperature": 23.5'));
    const viewport = page.viewportSize()!;
    // Tall enough for the diff to render every line of both texts.
    await page.setViewportSize({ width: viewport.width, height: 1600 });
    await page.getByTestId('message-detail-diff').click();
    const diff = page.getByTestId('message-diff');
    const diffText = async (side: string) => (await diff.locator(`.editor.${side} .view-lines`).first().innerText()).replace(/\u00a0/g, ' ');
    await diff.locator('.editor.original .view-lines').first().waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await diffText('original')).includes('"temperature": 22.25'));
    expect(await diffText('modified')).toContain('"temperature": 23.5');
    // Two changed lines of the pretty JSON: temperature and sequence.
    await waitUntil(async () => (await diff.getAttribute('data-changes')) === '2');
    await page.getByTestId('message-detail-diff').click();
    await page.setViewportSize(viewport);

    // The raw bytes are one click away.
    await page.getByTestId('message-detail-decoded-raw').click();
    await waitUntil(async () => (await detail.getAttribute('data-decoded')) === null);
    expect(await detail.getAttribute('data-format')).toBe('hex');
    await page.getByTestId('message-detail-close').click();
  });

  it('reports a rule that cannot decode its messages once, with its count, and shows those payloads raw', async () => {
    // Field 1, length-delimited, 255 bytes long, in a 3-byte payload: protobuf runs out of bytes.
    await pubBytes('factory/line2/telemetry', Buffer.from([0x0a, 0xff, 0x01]));
    const notice = page.locator('[data-testid="codec-notice"]').filter({ hasText: 'Line telemetry' });
    await notice.waitFor({ timeout: UI_TIMEOUT });
    expect(await notice.getByTestId('codec-notice-failures').textContent()).toBe('could not decode 1 message');
    const cell = payloadCell(page, 'factory/line2/telemetry');
    expect(await cell.getAttribute('data-decoded')).toBeNull();
    expect(await cell.getAttribute('title')).toContain('Rule Line telemetry could not decode this');

    // Another failure is counted on the same notice, never a notice per message.
    await pubBytes('factory/line2/telemetry', Buffer.from([0x0a, 0xff, 0x02]));
    await waitUntil(async () => (await messageRow(page, 'factory/line2/telemetry').count()) === 2);
    expect(await page.getByTestId('codec-notice').count()).toBe(1);
    await messageRow(page, 'factory/line2/telemetry').last().click();
    await page.getByTestId('message-detail-decoded-problem').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('message-detail').getAttribute('data-format')).toBe('hex');
    await screenshots(page, 'codecs-rule-problem');
    await page.getByTestId('message-detail-close').click();
    await notice.getByTestId('codec-notice-dismiss').click();
    await notice.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  it('reads gzip+JSON with a JSON Schema: a failing payload is marked with its path and keyword and "Only invalid" finds it', async () => {
    await openGlobalRules(page);
    await dialog(page).getByTestId('codec-schema-kind').selectOption('json-schema');
    await dialog(page).getByTestId('codec-schema-paste').click();
    await dialog(page).getByTestId('codec-paste-name').fill('reading.schema.json');
    await dialog(page)
      .getByTestId('codec-paste-text')
      .fill(JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', required: ['celsius'], properties: { celsius: { type: 'number' } } }));
    await dialog(page).getByTestId('codec-paste-add').click();
    await dialog(page).locator('[data-testid="codec-schema"][data-kind="json-schema"] [data-testid="codec-schema-state"][data-state="ok"]').waitFor({ timeout: UI_TIMEOUT });

    const form = await addRule(page, 'Zipped readings', 'gz/+/reading');
    await form.getByTestId('codec-rule-encoding').selectOption('gzip');
    await form.getByTestId('codec-rule-format').selectOption('json');
    await form.getByTestId('codec-rule-json-schema').selectOption({ label: 'reading.schema.json' });
    await saveRules(page);

    await pubBytes('gz/a/reading', gzipSync(JSON.stringify({ celsius: 19.5 })));
    await pubBytes('gz/b/reading', gzipSync(JSON.stringify({ celsius: 'warm' })));
    const valid = payloadCell(page, 'gz/a/reading');
    const invalid = payloadCell(page, 'gz/b/reading');
    await invalid.waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await valid.getAttribute('data-decoded')) === 'gzip+json');
    expect(await valid.textContent()).toBe('{"celsius":19.5}');
    expect(await valid.getAttribute('data-invalid')).toBeNull();
    expect(await invalid.textContent()).toBe('{"celsius":"warm"}');
    expect(await invalid.getAttribute('data-invalid')).toBe('true');
    expect(await invalid.getAttribute('data-mark')).toBe('✗ /celsius type');

    await page.getByTestId('messages-only-invalid').check();
    await waitUntil(async () => (await page.getByTestId('messages-matched').textContent()) === '1 shown');
    expect(await page.getByTestId('message-row').count()).toBe(1);
    await messageRow(page, 'gz/b/reading').click();
    await page.getByTestId('message-detail-decoded-invalid').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('message-detail-decoded-invalid').textContent()).toContain('/celsius: type:');
    await screenshots(page, 'codecs-only-invalid');
    await page.getByTestId('messages-only-invalid').uncheck();
    await page.getByTestId('message-detail-close').click();
  });

  it('shows an image payload as a picture made from its own bytes (a blob: URL the page CSP allows), with its size and dimensions', async () => {
    await openGlobalRules(page);
    const form = await addRule(page, 'Snapshots', 'cam/+/snapshot');
    await form.getByTestId('codec-rule-format').selectOption('image');
    await saveRules(page);

    const picture = png(48, 32);
    await pubBytes('cam/1/snapshot', picture);
    const cell = payloadCell(page, 'cam/1/snapshot');
    await cell.waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await cell.getAttribute('data-decoded')) === 'image');
    await messageRow(page, 'cam/1/snapshot').click();
    const image = page.getByTestId('message-detail-image').locator('img');
    await image.waitFor({ timeout: UI_TIMEOUT });
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    // Loaded, not blocked: the picture has its real size.
    await waitUntil(async () => (await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)) === 48);
    expect(await page.getByTestId('message-detail-image-caption').textContent()).toBe(`image/png · 48×32 px · ${picture.byteLength} B`);
    await screenshots(page, 'codecs-image');
    await page.getByTestId('message-detail-close').click();
  });

  it('publishes JSON encoded by a Protobuf rule, received byte-exact by mosquitto_sub', async () => {
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-V', '5', '-t', 'factory/line9/telemetry', '-C', '1', '-N'], { signalSubscribed: true });
    await sub.subscribed;

    await page.getByTestId('publish-topic').fill('factory/line9/telemetry');
    const picker = page.getByTestId('publish-encode-rule');
    await picker.waitFor({ timeout: UI_TIMEOUT });
    await picker.selectOption({ label: (await picker.locator('option').allTextContents()).find((t) => t.startsWith('Line telemetry'))! });
    const value = { device: 'press-9', temperature: -4.75, pressure: { value: 0.98, unit: 'bar' }, sequence: 42 };
    await setPayload(page, JSON.stringify(value));
    const expected = encodeTelemetry(value);
    const encoded = page.getByTestId('publish-encoded');
    await waitUntil(async () => (await encoded.getAttribute('data-bytes')) === String(expected.byteLength));
    await screenshots(page, 'codecs-publish-encoded');
    await page.getByTestId('publish-button').click();

    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.equals(expected), `${result.stdout.toString('hex')} != ${expected.toString('hex')}`).toBe(true);
    expect(await page.getByTestId('publish-result').textContent()).toBe(`Published ${expected.byteLength} B to factory/line9/telemetry`);

    // JSON the message type cannot take is refused with why, and nothing is published.
    await setPayload(page, '{"temperature": "hot"');
    await page.getByTestId('publish-encode-error').waitFor({ timeout: UI_TIMEOUT });
  });

  it("keeps a profile's own rules (a binary layout, from the connection dialog's Decoding tab) and decodes its connection's packed structs", async () => {
    await page.getByTestId('new-connection').click();
    await page.getByTestId('connection-dialog').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('profile-name').fill('Packed line');
    await page.getByTestId('connect-host').fill('127.0.0.1');
    await page.getByTestId('connect-port').fill(String(mosquittoFixture.broker.port));
    await page.getByTestId('connect-version').selectOption('5');
    await page.getByTestId('connection-tab-decoding').click();
    const section = page.getByTestId('decoding-section');
    await section.getByTestId('codec-rule-add').click();
    const form = section.getByTestId('codec-rule-form');
    await form.getByTestId('codec-rule-name').fill('Packed sensor');
    await form.getByTestId('codec-rule-filter').fill('pack/+/frame');
    await form.getByTestId('codec-rule-format').selectOption('layout');
    await form.getByTestId('codec-rule-layout').fill('u16be temperature /10 -40; i32le pressure; f32le accel[3]; u8 flags:bits(4)');
    expect(await page.getByTestId('connection-tab-decoding').textContent()).toBe('Decoding (1)');
    await screenshots(page, 'codecs-profile-decoding-tab');
    await page.getByTestId('profile-save-connect').click();
    await page.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await page.locator('[data-testid="connection-info"] [data-testid="connection-status"][data-status="connected"]').waitFor({ timeout: UI_TIMEOUT });
    await subscribe(page, 'pack/#');

    // A packed struct as firmware writes it: (21.5 + 40) * 10, a little-endian int, three floats, a nibble.
    const frame = Buffer.alloc(2 + 4 + 12 + 1);
    frame.writeUInt16BE(615, 0);
    frame.writeInt32LE(-1200, 2);
    [0.5, -1, 9.75].forEach((value, i) => frame.writeFloatLE(value, 6 + 4 * i));
    frame.writeUInt8(0xa0, 18);
    await pubBytes('pack/7/frame', frame);
    const cell = payloadCell(page, 'pack/7/frame');
    await cell.waitFor({ timeout: UI_TIMEOUT });
    await waitUntil(async () => (await cell.getAttribute('data-decoded')) === 'layout');
    expect(JSON.parse((await cell.textContent())!)).toEqual({ temperature: 21.5, pressure: -1200, accel: [0.5, -1, 9.75], flags: 10 });

    // "Decode like this…" from a message of this connection adds a rule to its profile, for the topic or a wildcarded parent.
    await messageRow(page, 'pack/7/frame').click();
    await page.getByTestId('message-detail-decode-like').click();
    await dialog(page).getByTestId('codec-rule-form').waitFor({ timeout: UI_TIMEOUT });
    expect(await dialog(page).getAttribute('data-scope')).toBe('profile');
    const seeded = dialog(page).getByTestId('codec-rule-form');
    expect(await seeded.getByTestId('codec-rule-filter').inputValue()).toBe('pack/7/frame');
    expect(await seeded.getByTestId('codec-filter-choice').allTextContents()).toEqual(['pack/7/frame', 'pack/+/frame', '+/7/frame', 'pack/7/#', 'pack/#']);
    await seeded.getByTestId('codec-filter-choice').filter({ hasText: /^pack\/#$/ }).click();
    await seeded.getByTestId('codec-rule-format').selectOption('raw');
    await screenshots(page, 'codecs-decode-like-this');
    await saveRules(page);
    await page.getByTestId('message-detail-close').click();

    // Saved with the profile: editing it again finds both rules, the one made from the message first (it wins).
    await page.locator('[data-testid="profile-row"][data-name="Packed line"]').getByTestId('profile-edit').click();
    await page.getByTestId('connection-tab-decoding').click();
    expect(await page.getByTestId('codec-rule').evaluateAll((rows) => rows.map((row) => (row as unknown as { dataset: { filter: string } }).dataset.filter))).toEqual(['pack/#', 'pack/+/frame']);
    await page.getByTestId('connection-dialog-close').click();
  });

  it("decodes History's messages with the rules too: found by their decoded text, shown decoded in the detail", async () => {
    await page.getByTestId('view-history').click();
    await page.getByTestId('history-text').fill('press-7');
    await page.getByTestId('history-search').click();
    const rows = page.locator('[data-testid="history-row"][data-topic="factory/line1/telemetry"]');
    await waitUntil(async () => (await rows.count()) === 3);
    expect(await page.getByTestId('history-row').count()).toBe(3);
    // The rows read decoded as the live list does (History applies the rules as it reads).
    const previews = rows.getByTestId('history-row-payload');
    expect(await previews.evaluateAll((cells: { getAttribute(name: string): string | null }[]) => cells.map((cell) => cell.getAttribute('data-decoded')))).toEqual(['protobuf', 'protobuf', 'protobuf']);
    expect(await previews.first().textContent()).toContain('"device":"press-7"');
    await rows.first().click();
    await page.getByTestId('history-detail-decoded-rule').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('history-detail-decoded-rule').textContent()).toBe('Decoded by rule Line telemetry (protobuf)');
    const shown = await page.getByTestId('history-detail-payload').textContent();
    expect(shown).toContain('"device": "press-7"');
    await screenshots(page, 'codecs-history-detail');
    await page.getByTestId('history-detail-decoded-raw').click();
    await waitUntil(async () => (await page.getByTestId('history-detail-payload').getAttribute('data-decoded')) === null);
    await page.getByTestId('view-workbench').click();
  });
});
