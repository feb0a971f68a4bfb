/**
 * Variables in what is published (issue 17), in Chromium against the built host and a real
 * mosquitto: with "Variables" on and site=berlin in the panel's list, `sensors/{{site}}/t` and a
 * JSON payload with {{randomFloat}}, {{uuid}} and {{seq}} arrive at mosquitto_sub expanded, each
 * message with its own uuid and number; an unknown variable shows where it is and blocks Publish.
 */
import { describe, expect, it } from 'vitest';
import { runMosquittoSub } from '../support/mosquitto';
import { UI_TIMEOUT, connected, setPayload, useMosquitto, useWorkbenchSession, waitUntil } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();
const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('publish with variables', () => {
  it('expands the topic and payload for each message, as mosquitto_sub receives them', async () => {
    const { page } = await session.open();
    const port = mosquittoFixture.broker.port;
    await connected(page, { port });
    // -v: each line is the topic, a space, then the payload.
    const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(port), '-V', '5', '-t', 'sensors/+/t', '-C', '2', '-v'], { signalSubscribed: true });
    await sub.subscribed;

    await page.getByTestId('publish-variables').check();
    await page.getByTestId('publish-tab-variables').click();
    await page.getByTestId('publish-variables-list').fill('site=berlin');
    await page.getByTestId('publish-topic').fill('sensors/{{site}}/t');
    await setPayload(page, '{"t": {{randomFloat 20 25 1}}, "id": "{{uuid}}", "n": {{seq}}}');

    const previewTopic = page.getByTestId('publish-variables-preview-topic');
    await waitUntil(async () => (await previewTopic.count()) > 0 && (await previewTopic.textContent()) === 'sensors/berlin/t');
    const previewPayload = JSON.parse((await page.getByTestId('publish-variables-preview-payload').textContent()) ?? '') as { n: number };
    expect(previewPayload.n).toBe(1);

    const publish = page.getByTestId('publish-button');
    await publish.click();
    await page.getByTestId('publish-result').waitFor({ timeout: UI_TIMEOUT });
    // The preview moves on to the next number once one is sent.
    await waitUntil(async () => (JSON.parse((await page.getByTestId('publish-variables-preview-payload').textContent()) ?? '{}') as { n?: number }).n === 2);
    await publish.click();

    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const received = lines.map((line) => {
      const space = line.indexOf(' ');
      return { topic: line.slice(0, space), payload: JSON.parse(line.slice(space + 1)) as { t: number; id: string; n: number } };
    });
    for (const { topic, payload } of received) {
      expect(topic).toBe('sensors/berlin/t');
      expect(payload.t).toBeGreaterThanOrEqual(20);
      expect(payload.t).toBeLessThanOrEqual(25);
      expect(Math.round(payload.t * 10) / 10).toBe(payload.t);
      expect(payload.id).toMatch(V4);
    }
    expect(received.map((r) => r.payload.n)).toEqual([1, 2]);
    expect(received[0]?.payload.id).not.toBe(received[1]?.payload.id);

    // An unknown variable: where it is, and Publish is blocked.
    await setPayload(page, '{"x": {{nope}}}');
    const error = page.getByTestId('publish-variables-error');
    await error.waitFor({ timeout: UI_TIMEOUT });
    expect(await error.textContent()).toBe('Variables in the payload at line 1, column 9: Unknown variable: nope');
    expect(await publish.isDisabled()).toBe(true);
  });
});
