import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExternalBroker, startNats } from '../support/other-brokers';
import { startScriptedBroker } from '../support/scripted-broker';
import { UI_TIMEOUT, connected, fillConnection, screenshots, setPayload, statusIs, useWorkbenchSession, waitUntil } from './e2e-helpers';

/**
 * What a user of NATS (MQTT 3.1.1 only) sees in the workbench: the default connection works and
 * says which version the broker speaks, a refused message is named in the connection's problems
 * instead of a silent reconnect loop, and a shared subscription on 3.1.1 is explained.
 */
const session = useWorkbenchSession();
let nats: ExternalBroker;
let page: Page;

beforeAll(async () => {
  nats = await startNats();
  ({ page } = await session.open());
}, 60_000);

afterAll(async () => {
  await nats?.stop();
});

describe('a broker that speaks only MQTT 3.1.1 (NATS)', () => {
  it('connects with Auto, says the broker speaks 3.1.1, and explains a shared subscription before and after subscribing', async () => {
    await connected(page, { port: nats.port, version: 'auto' });
    const note = page.getByTestId('version-note');
    await note.waitFor({ timeout: UI_TIMEOUT });
    expect(await note.textContent()).toMatch(/This broker speaks MQTT 3\.1\.1: MQTT 5\.0 was refused/);
    expect(await page.getByTestId('connection-detail').textContent()).toMatch(/MQTT 3\.1\.1 \(auto\)/);

    await page.getByTestId('subscribe-filter').fill('$share/workers/jobs/#');
    await page.getByTestId('shared-subscription-warning').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('subscribe-button').click();
    const row = page.locator('[data-testid="subscription-row"][data-filter="$share/workers/jobs/#"]');
    await row.locator('[data-state="failed"], [data-testid="subscription-error"]').first().waitFor({ timeout: UI_TIMEOUT });
    expect(await row.getByTestId('subscription-error').textContent()).toMatch(/literal topic filter that no message ever matches/);
    await row.getByTestId('subscribe-literally').click();
    await page.locator('[data-testid="subscription-row"][data-filter="$share/workers/jobs/#"][data-state="active"]').waitFor({ timeout: UI_TIMEOUT });
  });

  it('a QoS 2 message NATS refuses by closing ends in the problems list, and the connection is usable again', async () => {
    await page.getByTestId('publish-topic').fill('interop/e2e/qos2');
    await page.getByTestId('publish-qos').selectOption('2');
    await setPayload(page, 'refused');
    await page.getByTestId('publish-button').click();
    const publishError = page.getByTestId('publish-error');
    await publishError.waitFor({ timeout: UI_TIMEOUT });
    expect(await publishError.textContent()).toMatch(/MESSAGE_REFUSED|may not allow QoS 2/);
    await statusIs(page, 'connected');
    await page.getByTestId('problems-toggle').click();
    const problems = page.getByTestId('problem-list');
    await problems.waitFor({ timeout: UI_TIMEOUT });
    expect(await problems.textContent()).toMatch(/MESSAGE_REFUSED.*QoS 2 PUBLISH to 'interop\/e2e\/qos2'/);
    await screenshots(page, 'interop-nats-problems');
  });
});

describe('a saved profile with Auto', () => {
  it('saves the version the broker speaks in one click, and the form explains what clean session off needs in MQTT 5', async () => {
    const fresh = (await session.open()).page;
    await fillConnection(fresh, { port: nats.port, version: 'auto' });
    await fresh.getByTestId('profile-name').fill('NATS');
    // Clean session off with Auto: the form says the MQTT 5 session ends at once without a Session Expiry.
    await fresh.getByTestId('connect-clean').uncheck();
    expect(await fresh.getByTestId('session-expiry-hint').textContent()).toMatch(/Session Expiry Interval, which is 0 here/);
    await fresh.getByTestId('connect-clean').check();
    await fresh.getByTestId('profile-save-connect').click();
    await fresh.getByTestId('connection-dialog').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    await statusIs(fresh, 'connected');
    await fresh.getByTestId('save-version').click();
    await waitUntil(async () => /Saved MQTT 3\.1\.1 in “NATS”/.test((await fresh.getByTestId('version-note').textContent()) ?? ''));
    await fresh.locator('[data-testid="profile-row"][data-name="NATS"]').getByTestId('profile-edit').click();
    expect(await fresh.getByTestId('connect-version').inputValue()).toBe('4');
    await fresh.getByTestId('connection-dialog-close').click();
    await fresh.close();
  });
});

describe('a broker that sends a malformed packet after CONNACK', () => {
  it('shows PROTOCOL_ERROR at once instead of hanging green for 1.5 x keep alive', async () => {
    const broker = await startScriptedBroker((packet, s) => {
      if (packet.cmd === 'connect') s.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
      if (packet.cmd === 'subscribe') s.sendRaw(Buffer.from([0x41, 0x02, 0x00, 0x01]));
    });
    try {
      const fresh = (await session.open()).page;
      await connected(fresh, { port: broker.port, version: '4' });
      await fresh.getByTestId('subscribe-filter').fill('any/#');
      await fresh.getByTestId('subscribe-button').click();
      const error = fresh.getByTestId('connection-error');
      await waitUntil(async () => /PROTOCOL_ERROR/.test((await error.textContent().catch(() => '')) ?? ''), UI_TIMEOUT);
      expect(await error.textContent()).toMatch(/cannot be read/);
      await fresh.close();
    } finally {
      await broker.close();
    }
  });
});
