/**
 * The real UI, end to end: the built host, the built renderer in Chromium, a real mosquitto.
 * Every test fails on a console error, an uncaught page error or a CSP violation.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';
import { startHostProcess } from '../support/host-process';
import { runMosquittoPub, runMosquittoSub, startMosquitto } from '../support/mosquitto';
import { encodeCbor } from '../../shared/codecs/cbor';
import { encodeMsgpack } from '../../shared/codecs/msgpack';
import { encodeSparkplug } from '../support/sparkplug';
import { connect, detailPayloadText, forgetLinkErrors, messageRow, screenshots, setPayload, statusIs, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

const mosquitto = useMosquitto();

const session = useWorkbenchSession();

const TEST_TIMEOUT = 90_000;

const openWorkbench = (url?: string) => session.open(url);

describe('MQTT Workbench in Chromium (browser mode, TCP broker)', { timeout: TEST_TIMEOUT }, () => {
  let page: Page;

  it('connects over MQTT 5 and shows a message published by mosquitto_pub', async () => {
    ({ page } = await openWorkbench());
    await connect(page, { port: mosquitto.port, version: '5' });
    await statusIs(page, 'connected');
    await subscribe(page, '#');

    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'sensors/temp', '-m', '21.5', '-V', '5']);
    expect(pub.code, pub.stderr).toBe(0);

    const row = messageRow(page, 'sensors/temp');
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getByTestId('message-payload').textContent()).toBe('21.5');
  });

  /** Publishes from the UI (retained, so mosquitto_sub gets it however late it subscribed) and returns what it received. */
  async function publishAndReceive(topic: string, mode: 'text' | 'json' | 'hex' | 'base64' | 'cbor' | 'msgpack', text: string): Promise<Buffer> {
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', topic, '-C', '1', '-N', '-V', '5']);
    try {
      await page.getByTestId('publish-topic').fill(topic);
      await page.getByTestId(`publish-mode-${mode}`).click();
      await page.getByTestId('publish-retain').check();
      await setPayload(page, text);
      await page.getByTestId('publish-button').click();
      const received = await sub.done;
      expect(received.code, received.stderr).toBe(0);
      await messageRow(page, topic, 'out').waitFor({ timeout: UI_TIMEOUT });
      await page.getByTestId('publish-result').waitFor({ timeout: UI_TIMEOUT });
      return received.stdout;
    } finally {
      sub.kill();
      await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', topic, '-r', '-n']);
    }
  }

  it('publishes JSON typed into Monaco, byte for byte', async () => {
    const json = '{"temp": 21.5, "unit": "°C", "tags": ["a", "b"], "nested": {"ok": true}}';
    const received = await publishAndReceive('workbench/e2e/json', 'json', json);
    expect(received.equals(Buffer.from(json, 'utf8'))).toBe(true);
  });

  it('publishes hex as raw bytes', async () => {
    const received = await publishAndReceive('workbench/e2e/hex', 'hex', 'de ad be ef 00 ff');
    expect(received.equals(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]))).toBe(true);
    // First: the retained clear sent after it may already have arrived as a second, empty row.
    const row = messageRow(page, 'workbench/e2e/hex', 'in').first();
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getByTestId('message-payload').textContent()).toBe('de ad be ef 00 ff');
  });

  it('publishes Base64 as the bytes it encodes', async () => {
    const bytes = Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x7b, 0x22]);
    const received = await publishAndReceive('workbench/e2e/base64', 'base64', bytes.toString('base64'));
    expect(received.equals(bytes)).toBe(true);
  });

  /** Opens the first received row of `topic` and returns the detail's text in `format` (or auto). */
  async function detailAs(topic: string, format?: string): Promise<string> {
    await messageRow(page, topic, 'in').first().click();
    await page.getByTestId('message-detail').locator('.message-detail-topic').getByText(topic, { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    if (format) await page.getByTestId('message-detail-format').selectOption(format);
    let text = '';
    await waitUntil(async () => (text = await detailPayloadText(page)).trim().startsWith('{'));
    return text;
  }

  it('publishes JSON as CBOR and as MessagePack, byte for byte, and shows each decoded back as JSON', async () => {
    const json = '{"temp": 21.5, "count": 300, "ok": true, "tags": ["a"]}';
    const value = JSON.parse(json) as unknown;
    const cbor = await publishAndReceive('workbench/e2e/cbor', 'cbor', json);
    expect(cbor.equals(Buffer.from(encodeCbor(value)))).toBe(true);
    const msgpack = await publishAndReceive('workbench/e2e/msgpack', 'msgpack', json);
    expect(msgpack.equals(Buffer.from(encodeMsgpack(value)))).toBe(true);

    // Received, they are binary; the detail reads them in the format chosen.
    expect(await detailAs('workbench/e2e/cbor', 'cbor')).toContain('"temp": 21.5');
    expect(await detailAs('workbench/e2e/msgpack', 'msgpack')).toContain('"count": 300');
    // Bytes that are not MessagePack: a clear notice, and the raw bytes still shown.
    await messageRow(page, 'workbench/e2e/cbor', 'in').first().click();
    await page.getByTestId('message-detail-format').selectOption('msgpack');
    await waitUntil(async () => /^Not MessagePack: /.test((await page.getByTestId('message-detail-problem').textContent().catch(() => '')) ?? ''));
    await page.getByTestId('message-detail-format').selectOption('auto');
  });

  it('shows a Sparkplug B message decoded, by itself, with every metric', async () => {
    const topic = 'spBv1.0/Plant1/DDATA/Line1/Robot1';
    const payload = encodeSparkplug({
      timestamp: 1_733_400_000_123,
      seq: 4,
      metrics: [
        { name: 'Axis/Temperature', datatype: 9, float_value: 41.5 },
        { name: 'Axis/Offset', datatype: 2, int_value: 0xffff_fff6 }, // Int16 -10
        { name: 'State', datatype: 12, string_value: 'RUNNING' },
      ],
    });
    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', topic, '-s'], Buffer.from(payload));
    expect(pub.code, pub.stderr).toBe(0);
    await messageRow(page, topic, 'in').waitFor({ timeout: UI_TIMEOUT });
    expect(await detailAs(topic)).toContain('"timestamp": 1733400000123');
    expect(await page.getByTestId('message-detail-format').locator('option:checked').textContent()).toBe('auto (Sparkplug B)');
    // Copy gives the whole decoded payload (the view shows only the lines that fit).
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(session.host.url).origin });
    await page.getByTestId('message-detail-copy').click();
    let copied = '';
    await waitUntil(async () => (copied = await page.evaluate<string>('navigator.clipboard.readText()')).includes('RUNNING'));
    expect(JSON.parse(copied)).toEqual({
      timestamp: 1_733_400_000_123,
      seq: 4,
      metrics: [
        { name: 'Axis/Temperature', datatype: 'Float', value: 41.5 },
        { name: 'Axis/Offset', datatype: 'Int16', value: -10 },
        { name: 'State', datatype: 'String', value: 'RUNNING' },
      ],
    });
    await screenshots(page, 'message-detail-sparkplug');

    // Its numeric metrics are listed by name and plot by name: the next DDATA adds a point.
    await page.locator('[data-testid="numeric-field"]').filter({ hasText: 'Axis/Temperature' }).getByTestId('plot-field').click();
    const chart = page.getByTestId('plot-chart');
    await waitUntil(async () => (await chart.getAttribute('data-points')) === '1');
    expect(await page.getByTestId('plot-series').getAttribute('data-label')).toBe(`${topic} › Axis/Temperature`);
    const next = encodeSparkplug({ timestamp: 1_733_400_001_123, seq: 5, metrics: [{ name: 'State', datatype: 12, string_value: 'RUNNING' }, { name: 'Axis/Temperature', datatype: 9, float_value: 42.5 }] });
    const again = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', '-t', topic, '-s'], Buffer.from(next));
    expect(again.code, again.stderr).toBe(0);
    await waitUntil(async () => (await chart.getAttribute('data-points')) === '2');
    await page.getByTestId('plots-clear').click();
    await page.getByTestId('panel-plots').waitFor({ state: 'detached', timeout: UI_TIMEOUT });

    // Any protobuf payload can be read without its schema: field numbers and values.
    await page.getByTestId('message-detail-format').selectOption('protobuf');
    await waitUntil(async () => (await detailPayloadText(page)).includes('"1": 1733400000123'));
    // The metrics: a repeated field of nested messages, each metric's name as its field 1.
    expect(await detailPayloadText(page)).toContain('"1": "Axis/Temperature"');
    await page.getByTestId('message-detail-format').selectOption('auto');
  });

  it('rejects bad hex and bad Base64 with the position of the first bad character, sending nothing', async () => {
    const topic = 'workbench/e2e/bad-encoding';
    await page.getByTestId('publish-topic').fill(topic);
    await page.getByTestId('publish-retain').uncheck();
    await page.getByTestId('publish-mode-hex').click();
    await setPayload(page, 'de ad zz ef');
    await page.getByTestId('publish-button').click();
    const error = page.getByTestId('publish-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toMatch(/^Invalid Hex at line 1, column 7: /);

    await page.getByTestId('publish-mode-base64').click();
    await setPayload(page, 'AAEC*w==');
    await page.getByTestId('publish-button').click();
    await waitUntil(async () => /^Invalid Base64 at line 1, column 5: /.test((await error.textContent()) ?? ''));
    // The text typed is still there after the error and a mode switch.
    expect(((await page.getByTestId('publish-editor').locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ')).toContain('AAEC*w==');
    await page.waitForTimeout(300);
    expect(await messageRow(page, topic, 'out').count()).toBe(0);
  });

  it('shows the JSON error and sends nothing when the payload is invalid', async () => {
    const topic = 'workbench/e2e/invalid';
    await page.getByTestId('publish-topic').fill(topic);
    await page.getByTestId('publish-retain').uncheck();
    await page.getByTestId('publish-mode-json').click();
    await setPayload(page, '{"temp": 21.5,');
    await page.getByTestId('publish-button').click();

    const error = page.getByTestId('publish-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toMatch(/Invalid JSON at line 1/);
    // Give a wrongly sent message time to come back through the host before checking.
    await page.waitForTimeout(300);
    expect(await messageRow(page, topic, 'out').count()).toBe(0);

    // Ctrl/Cmd+Enter publishes from the editor once the JSON is fixed.
    await setPayload(page, '{"temp": 21.5}');
    await page.keyboard.press('ControlOrMeta+Enter');
    await messageRow(page, topic, 'out').waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('publish-error').count()).toBe(0);

    // MQTT 5 properties show in the detail pane.
    const withProperties = ['-t', 'sensors/humidity', '-m', '{"rh": 40}', '-D', 'publish', 'user-property', 'unit', 'percent'];
    await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-V', '5', ...withProperties]);
    await messageRow(page, 'sensors/humidity').click();
    const detail = page.getByTestId('message-detail');
    await detail.waitFor({ timeout: UI_TIMEOUT });
    expect(await detail.getByTestId('message-detail-properties').textContent()).toContain('unitpercent');
    await waitUntil(async () => (await detailPayloadText(page)) === '{\n  "rh": 40\n}');

    await screenshots(page, 'workbench');
  });

  it('unsubscribes', async () => {
    await page.locator('[data-testid="subscription-row"][data-filter="#"]').getByTestId('unsubscribe-button').click();
    await page.locator('[data-testid="subscription-row"][data-filter="#"]').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });

  it('keeps a firehose bounded: the last 20,000 messages, only visible rows in the DOM', async () => {
    await page.getByTestId('messages-clear').click();
    await subscribe(page, 'flood/#');
    const floodArgs = ['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'flood/a', '-l'];
    const flood = (lines: string[]) => runMosquittoPub(floodArgs, Buffer.from(lines.join('\n') + '\n'));
    const count = page.getByTestId('messages-count');
    // The broker drops what a subscriber cannot take at once (max_queued_messages), so send
    // chunks until more than the UI keeps has arrived, rather than counting on exact totals.
    for (let chunk = 0; chunk < 20 && !(await count.textContent())?.startsWith('last 20,000 of'); chunk++) {
      await flood(Array.from({ length: 5000 }, (_, i) => `msg ${chunk}-${i}`));
      await page.waitForTimeout(200);
    }
    expect(await count.textContent()).toMatch(/^last 20,000 of \d{2},\d{3}$/);
    expect(await page.getByTestId('message-row').count()).toBeLessThan(100);

    // Following the newest row: a message sent last is on screen.
    await flood(['the end']);
    await page.getByTestId('message-payload').getByText('the end', { exact: true }).waitFor({ timeout: UI_TIMEOUT });

    // Scrolled up, the view stays put while messages arrive, and offers a way back.
    await page.getByTestId('message-list').hover();
    await page.mouse.wheel(0, -5000);
    await page.getByTestId('messages-jump-newest').waitFor({ timeout: UI_TIMEOUT });
    const before = await count.textContent();
    await flood(['late']);
    await waitUntil(async () => (await count.textContent()) !== before);
    expect(await page.getByTestId('message-payload').getByText('late', { exact: true }).count()).toBe(0);
    await page.getByTestId('messages-jump-newest').click();
    await page.getByTestId('message-payload').getByText('late', { exact: true }).waitFor({ timeout: UI_TIMEOUT });

    await page.getByTestId('messages-clear').click();
    expect(await count.textContent()).toBe('0 messages');
    expect(await page.getByTestId('message-row').count()).toBe(0);
  });

  it('disconnects on request', async () => {
    await page.getByTestId('disconnect-button').click();
    await statusIs(page, 'disconnected');
    expect(await page.getByTestId('disconnect-button').count()).toBe(0);
    expect(await page.locator('[data-testid="connection-tab"][data-status="disconnected"]').count()).toBe(1);
  });

  it('says clearly when the broker cannot be reached', async () => {
    const { page: fresh } = await openWorkbench();
    const closedPort = await freePort();
    await connect(fresh, { port: closedPort });
    const error = fresh.getByTestId('connection-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toContain('HOST_UNREACHABLE');
    expect(await error.textContent()).toContain(`127.0.0.1:${closedPort}`);
    // The dialog stays open with what was typed, and no connection tab was opened.
    expect(await fresh.getByTestId('connect-port').inputValue()).toBe(String(closedPort));
    expect(await fresh.locator(`[data-testid="connection-tab"][data-name$=":${closedPort}"]`).count()).toBe(0);
  });
});

describe('The link to the host', { timeout: TEST_TIMEOUT }, () => {
  it('shows reconnecting, with the cause, when the broker goes away', async () => {
    const doomed = await startMosquitto();
    try {
      const { page } = await openWorkbench();
      await connect(page, { port: doomed.port });
      await statusIs(page, 'connected');
      await doomed.stop();
      await statusIs(page, 'reconnecting');
      await page.getByTestId('connection-error').waitFor({ timeout: UI_TIMEOUT });
      expect(await page.getByTestId('reconnect-state').textContent()).toMatch(/attempt \d+/);
      await page.getByTestId('disconnect-button').click();
      await statusIs(page, 'disconnected');
    } finally {
      await doomed.stop();
    }
  });

  it('says so when the URL has no token', async () => {
    const { page } = await openWorkbench(session.host.url.replace(/#.*$/, ''));
    const banner = page.locator('[data-testid="host-banner"][data-state="no-token"]');
    await banner.waitFor({ timeout: UI_TIMEOUT });
    expect(await banner.textContent()).toContain('#token=');
  });

  it('says so when the token is wrong (e.g. from an earlier launch)', async () => {
    const workbench = await openWorkbench(session.host.url.replace(/#token=.*$/, '#token=stale'));
    try {
      const banner = workbench.page.locator('[data-testid="host-banner"][data-state="wrong-token"]');
      await banner.waitFor({ timeout: UI_TIMEOUT });
      expect(await banner.textContent()).toContain('from another launch of the workbench');
    } finally {
      await workbench.page.close();
      forgetLinkErrors(workbench);
    }
  });

  it('says so when the host goes away, and fails requests instead of hanging', async () => {
    const second = await startHostProcess();
    const workbench = await openWorkbench(second.url);
    const { page } = workbench;
    try {
      await page.getByTestId('host-banner').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
      // The lazily loaded editor must be in before the host goes, or its chunk fails to load (a page error).
      await page.getByTestId('publish-editor').locator('.monaco-editor').waitFor({ timeout: UI_TIMEOUT });
      // So must Monaco's editor worker, which it starts just after the editor appears.
      await waitUntil(async () => (await page.evaluate<boolean>("performance.getEntriesByType('resource').some((e) => e.name.includes('editor.worker'))")) === true);
      await second.stop();
      const banner = page.locator('[data-testid="host-banner"][data-state="closed"]');
      await banner.waitFor({ timeout: UI_TIMEOUT });
      expect(await banner.textContent()).toContain('Disconnected from host');

      await connect(page, { port: mosquitto.port });
      const error = page.getByTestId('connection-error');
      await error.waitFor({ timeout: UI_TIMEOUT });
      expect(await error.textContent()).toContain('CONNECTION_CLOSED');
    } finally {
      await page.close();
      await second.stop();
      forgetLinkErrors(workbench);
    }
  });
});

describe('MQTT Workbench in Chromium (browser mode, WebSocket broker)', { timeout: TEST_TIMEOUT }, () => {
  it('connects over ws:// and shows a message', async () => {
    const { page } = await openWorkbench();
    await connect(page, { protocol: 'ws', port: mosquitto.wsPort, path: '/', version: '4' });
    await statusIs(page, 'connected');
    await subscribe(page, 'ws/#');

    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquitto.port), '-t', 'ws/hello', '-m', 'over websockets']);
    expect(pub.code, pub.stderr).toBe(0);
    const row = messageRow(page, 'ws/hello');
    await row.waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getByTestId('message-payload').textContent()).toBe('over websockets');
  });
});
