/**
 * A page that stops reading during a firehose (its JavaScript paused in the debugger, so Chromium
 * stops taking frames off the socket): the host drops live messages for it instead of queueing
 * them without bound, and the page says how many it missed once it runs again.
 */
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { UI_TIMEOUT, connected, screenshots, subscribe, useWorkbenchSession, useMosquitto } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

/** 4 KiB (all of it shown live) x 30,000: 120 MB, more than the host queues for a page plus what the kernel buffers. */
const PAYLOAD_BYTES = 4000;
const MESSAGES = 30_000;
const CHUNK = 500;

describe('a page that stops reading', { timeout: 120_000 }, () => {
  it('is told how many live messages it was not sent, and that they are in History', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquittoFixture.broker.port });
    await subscribe(page, 'fire/#', 1);

    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Debugger.enable');
    // Stops at the next script that runs: the socket's first message handler.
    await cdp.send('Debugger.pause');

    const publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mosquittoFixture.broker.port}`, { protocolVersion: 5 });
    const payload = Buffer.alloc(PAYLOAD_BYTES, 0x61);
    for (let sent = 0; sent < MESSAGES; sent += CHUNK) {
      await Promise.all(Array.from({ length: CHUNK }, () => publisher.publishAsync('fire/load', payload, { qos: 1 })));
    }
    await publisher.endAsync();

    await cdp.send('Debugger.resume');
    await cdp.send('Debugger.disable');
    const notice = page.getByTestId('messages-dropped');
    await notice.waitFor({ timeout: UI_TIMEOUT });
    expect(Number(await notice.getAttribute('data-count'))).toBeGreaterThan(0);
    expect(await notice.textContent()).toMatch(/^[\d,]+ messages were not shown; they are in History/);
    await screenshots(page, 'messages-dropped');
    await page.getByTestId('messages-dropped-dismiss').click();
    await notice.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
  });
});
