/**
 * The topic tree in Chromium against the built host and a real mosquitto: it fills from retained and
 * live traffic with counts, filters, moves by keyboard, opens a node's last message, deletes a
 * retained subtree (checked with a fresh mosquitto_sub), and windows 100,000 topics.
 */
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { connected, detailPayloadText, screenshots, setPayload, subscribe, UI_TIMEOUT, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

async function pub(topic: string, message: string, retain = false): Promise<void> {
  const args = ['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-V', '5', '-t', topic, '-m', message];
  const result = await runMosquittoPub(retain ? [...args, '-r'] : args);
  expect(result.code, result.stderr).toBe(0);
}

/** What a fresh subscriber gets as retained messages under `filter` (topic and payload per line). */
async function retainedAt(filter: string): Promise<string[]> {
  const sub = runMosquittoSub(['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-t', filter, '-v', '--retained-only', '-W', '2']);
  const result = await sub.done;
  return result.stdout.toString('utf8').split('\n').filter(Boolean).sort();
}

const node = (page: Page, topic: string) => page.locator(`[data-testid="topic-node"][data-topic="${topic}"]`);
const visibleTopics = (page: Page) => page.locator('[data-testid="topic-node"]').evaluateAll((rows) => rows.map((row) => (row as unknown as { getAttribute(name: string): string | null }).getAttribute('data-topic')));
const textOf = async (page: Page, topic: string, part: string) => (await node(page, topic).getByTestId(part).textContent())?.trim();

describe('topic tree', { timeout: 120_000 }, () => {
  let page: Page;

  it('fills from retained and live messages, with message and sub-topic counts', async () => {
    await pub('plant/line1/temp', '21.5', true);
    await pub('plant/line1/pressure', '1.2', true);
    await pub('plant/line2/temp', '{"celsius": 19}', true);
    await pub('office/light', 'on'); // not retained: gone before we subscribe

    ({ page } = await session.open());
    await page.getByTestId('topic-tree-empty').waitFor({ timeout: UI_TIMEOUT });
    await screenshots(page, 'topic-tree-empty');

    await connected(page, { port: mosquittoFixture.broker.port });
    await subscribe(page, '#');
    await node(page, 'plant').waitFor({ timeout: UI_TIMEOUT });
    await pub('plant/line1/temp', '22.0');
    await pub('plant/line1/temp', '22.5');
    await pub('office/light', 'off');
    await waitUntil(async () => (await page.getByTestId('topic-tree-count').textContent()) === '4 topics');

    // Collapsed at first: the top levels only.
    expect(await visibleTopics(page)).toEqual(['office', 'plant']);
    await page.getByTestId('topic-tree-expand-all').click();
    await node(page, 'plant/line1/temp').waitFor({ timeout: UI_TIMEOUT });
    expect(await visibleTopics(page)).toEqual(['office', 'office/light', 'plant', 'plant/line1', 'plant/line1/pressure', 'plant/line1/temp', 'plant/line2', 'plant/line2/temp']);
    await waitUntil(async () => (await textOf(page, 'plant', 'topic-messages')) === '5');
    expect(await textOf(page, 'plant', 'topic-subtopics')).toBe('3 topics');
    expect(await textOf(page, 'plant/line1', 'topic-subtopics')).toBe('2 topics');
    expect(await textOf(page, 'plant/line1/temp', 'topic-messages')).toBe('3');
    expect(await textOf(page, 'plant/line1/temp', 'topic-value')).toBe('22.5');
    expect(await textOf(page, 'plant/line2/temp', 'topic-value')).toBe('{"celsius": 19}');
    // Retained: marked on the topics the broker holds, and counted on their parents.
    expect(await node(page, 'plant/line1/pressure').locator('.topic-retained').textContent()).toBe('R');
    expect(await node(page, 'plant').locator('.topic-retained').textContent()).toBe('r');
    expect(await node(page, 'office/light').locator('.topic-retained').textContent()).toBe('');
    await screenshots(page, 'topic-tree');
  });

  it('shows the topics history holds when the workbench opens on a connection already running', async () => {
    // A second window on the same host: its message list starts empty, its tree comes from history.
    const { page: other } = await session.open();
    await node(other, 'plant').waitFor({ timeout: UI_TIMEOUT });
    expect(await visibleTopics(other)).toEqual(['office', 'plant']);
    expect(await textOf(other, 'plant', 'topic-messages')).toBe('5');
    expect(await textOf(other, 'plant', 'topic-subtopics')).toBe('3 topics');
    expect(await node(other, 'plant').locator('.topic-retained').textContent()).toBe('r');
    await other.getByTestId('topic-tree-expand-all').click();
    await node(other, 'plant/line1/temp').click();
    // Not in this window's live list: the last message is read from history, and the note says so.
    await waitUntil(async () => ((await other.getByTestId('topic-detail-note').textContent()) ?? '').includes('shown from history'));
    expect(await other.getByTestId('topic-detail-value').locator('pre').textContent()).toBe('22.5');
    expect(await other.getByTestId('message-detail').count()).toBe(0);
    await screenshots(other, 'topic-tree-from-history');
    // Smaller windows keep the tree readable beside the messages.
    await other.setViewportSize({ width: 1024, height: 640 });
    await screenshots(other, 'topic-tree-1024');
    await other.close();
  });

  it('filters by topic and by value, case-insensitively', async () => {
    await page.getByTestId('topic-tree-collapse-all').click();
    await page.getByTestId('topic-tree-filter').fill('LINE2');
    // The way to a match opens by itself, even though everything is collapsed.
    await waitUntil(async () => JSON.stringify(await visibleTopics(page)) === JSON.stringify(['plant', 'plant/line2']));
    await page.getByTestId('topic-tree-filter').fill('+/+/temp');
    await waitUntil(async () => JSON.stringify(await visibleTopics(page)) === JSON.stringify(['plant', 'plant/line1', 'plant/line1/temp', 'plant/line2', 'plant/line2/temp']));
    await page.getByTestId('topic-tree-filter').fill('no/such/topic');
    await page.getByTestId('topic-tree-no-match').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('topic-tree-filter').fill('');
    await page.getByTestId('topic-tree-payload-filter').fill('CELSIUS');
    await waitUntil(async () => JSON.stringify(await visibleTopics(page)) === JSON.stringify(['plant', 'plant/line2', 'plant/line2/temp']));
    await screenshots(page, 'topic-tree-filtered');
    await page.getByTestId('topic-tree-payload-filter').fill('');
    await waitUntil(async () => JSON.stringify(await visibleTopics(page)) === JSON.stringify(['office', 'plant']));
  });

  it('sorts by messages', async () => {
    await page.getByTestId('topic-tree-sort').selectOption('messages');
    await waitUntil(async () => JSON.stringify(await visibleTopics(page)) === JSON.stringify(['plant', 'office']));
    await page.getByTestId('topic-tree-sort').selectOption('name');
    await waitUntil(async () => JSON.stringify(await visibleTopics(page)) === JSON.stringify(['office', 'plant']));
  });

  it('moves, opens and closes with the keyboard, and shows the last message of a node', async () => {
    const tree = page.getByTestId('topic-tree');
    await tree.focus();
    const selected = async () => page.locator('[data-testid="topic-node"][aria-selected="true"]').getAttribute('data-topic');
    await page.keyboard.press('Home');
    expect(await selected()).toBe('office');
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toBe('plant');
    await page.keyboard.press('ArrowRight'); // opens plant
    await node(page, 'plant/line1').waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('ArrowRight'); // to its first child
    expect(await selected()).toBe('plant/line1');
    await page.keyboard.press('Enter'); // opens line1
    await node(page, 'plant/line1/temp').waitFor({ timeout: UI_TIMEOUT });
    await page.keyboard.press('End');
    expect(await selected()).toBe('plant/line2');
    await page.keyboard.press('ArrowUp');
    expect(await selected()).toBe('plant/line1/temp');
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('message-detail');
    await detail.waitFor({ timeout: UI_TIMEOUT });
    expect(await detail.locator('.message-detail-topic').textContent()).toBe('plant/line1/temp');
    await waitUntil(async () => (await detailPayloadText(page)) === '22.5');
    expect(await page.getByTestId('topic-detail-note').textContent()).toContain('open in the message detail');
    await page.keyboard.press('ArrowLeft'); // to the parent
    expect(await selected()).toBe('plant/line1');
    await page.keyboard.press('ArrowLeft'); // closes it
    await node(page, 'plant/line1/temp').waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    // A mouse click selects too, and the caret opens and closes.
    await node(page, 'plant/line1').getByTestId('topic-toggle').click();
    await node(page, 'plant/line1/pressure').click();
    await waitUntil(async () => (await detailPayloadText(page)) === '1.2');
    await screenshots(page, 'topic-tree-selected');
  });

  it('clears the retained messages of a subtree after a fully visible confirmation naming the count', async () => {
    expect(await retainedAt('plant/#')).toEqual(['plant/line1/pressure 1.2', 'plant/line1/temp 21.5', 'plant/line2/temp {"celsius": 19}']);
    await node(page, 'plant').click();
    const button = page.getByTestId('topic-delete-retained');
    expect(await button.textContent()).toBe('Clear retained (3)');
    await button.click();
    const confirm = page.getByTestId('topic-delete-confirm');
    await confirm.waitFor({ timeout: UI_TIMEOUT });
    expect(await confirm.textContent()).toContain('Clear 3 retained messages at and below plant?');
    // Esc dismisses it (the focus is in it, on Cancel) and clears nothing; the button asks again.
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached', timeout: UI_TIMEOUT });
    expect(await retainedAt('plant/#')).toHaveLength(3);
    await button.click();
    await confirm.waitFor({ timeout: UI_TIMEOUT });
    // Shown whole, buttons included: nothing of it is scrolled or cut out of its panel.
    const panel = (await page.getByTestId('panel-topics').boundingBox())!;
    for (const part of [confirm, page.getByTestId('topic-delete-confirm-button'), page.getByTestId('topic-delete-cancel')]) {
      const box = (await part.boundingBox())!;
      expect(box.y >= panel.y && box.y + box.height <= panel.y + panel.height && box.x >= panel.x && box.x + box.width <= panel.x + panel.width).toBe(true);
    }
    const detail = await page.getByTestId('topic-delete-confirm').evaluate((e) => {
      const section = (e as unknown as { closest(s: string): { scrollHeight: number; clientHeight: number; scrollTop: number } }).closest('.topic-detail');
      const confirmBox = (e as unknown as { getBoundingClientRect(): { top: number; bottom: number } }).getBoundingClientRect();
      const box = (section as unknown as { getBoundingClientRect(): { top: number; bottom: number } }).getBoundingClientRect();
      return confirmBox.top >= box.top - 1 && confirmBox.bottom <= box.bottom + 1;
    });
    expect(detail).toBe(true);
    await screenshots(page, 'topic-tree-delete-confirm');
    await page.getByTestId('topic-delete-confirm-button').click();
    await waitUntil(async () => (await page.getByTestId('topic-delete-result').count()) === 1);
    expect(await page.getByTestId('topic-delete-result').textContent()).toBe('Cleared 3 retained messages.');
    expect(await page.getByTestId('topic-delete-retained').textContent()).toBe('Clear retained');
    expect(await retainedAt('plant/#')).toEqual([]);
    // Nothing else was touched: office/light was never retained, and a retained sibling outside stays.
    await pub('keep/me', 'still here', true);
    expect(await retainedAt('#')).toEqual(['keep/me still here']);
    await pub('keep/me', '', true);
  });

  it('clears a retained message this page just published (its echo carries no retain flag), and publishes an empty payload from JSON, hex, Base64, CBOR and MessagePack', async () => {
    await page.getByTestId('publish-topic').fill('fresh/lamp');
    await page.getByTestId('publish-retain').check();
    await setPayload(page, 'on');
    await page.getByTestId('publish-button').click();
    await waitUntil(async () => (await page.getByTestId('publish-result').textContent()) === 'Published 2 B to fresh/lamp');
    expect(await retainedAt('fresh/#')).toEqual(['fresh/lamp on']);
    await page.getByTestId('topic-tree-expand-all').click();
    // Marked from what was sent: the copy '#' brings back is not flagged retained [MQTT-3.3.1-9].
    await waitUntil(async () => (await node(page, 'fresh/lamp').count()) === 1 && (await node(page, 'fresh/lamp').locator('.topic-retained').textContent()) === 'R');
    await node(page, 'fresh/lamp').click();
    const button = page.getByTestId('topic-delete-retained');
    expect(await button.isEnabled()).toBe(true);
    expect(await button.textContent()).toBe('Clear retained (1)');
    await button.click();
    const confirm = page.getByTestId('topic-delete-confirm');
    await confirm.waitFor({ timeout: UI_TIMEOUT });
    expect(await confirm.textContent()).toContain('Clear 1 retained message of fresh/lamp?');
    await screenshots(page, 'topic-tree-clear-published');
    // At 1280x720 too, the confirmation and both its buttons are whole inside the Topics panel.
    await page.setViewportSize({ width: 1280, height: 720 });
    await waitUntil(async () => {
      const panel = await page.getByTestId('panel-topics').boundingBox();
      if (!panel) return false;
      for (const part of [confirm, page.getByTestId('topic-delete-confirm-button'), page.getByTestId('topic-delete-cancel')]) {
        const box = await part.boundingBox();
        if (!box || box.y < panel.y || box.y + box.height > panel.y + panel.height || box.x < panel.x || box.x + box.width > panel.x + panel.width) return false;
      }
      return true;
    });
    await screenshots(page, 'topic-tree-clear-published-1280');
    await page.setViewportSize({ width: 1400, height: 860 });
    await page.getByTestId('topic-delete-confirm-button').click();
    await waitUntil(async () => (await page.getByTestId('topic-delete-result').textContent()) === 'Cleared 1 retained message.');
    // A fresh subscriber gets no retained message there any more.
    expect(await retainedAt('fresh/#')).toEqual([]);
    expect(await node(page, 'fresh/lamp').locator('.topic-retained').textContent()).toBe('');
    // Nothing is left to clear there, and the button says so rather than offering a no-op; the
    // subtree's count (fresh) went down with it.
    expect(await button.isDisabled()).toBe(true);
    expect(await button.textContent()).toBe('Clear retained');
    expect(await button.getAttribute('title')).toContain('No retained message seen here');
    await node(page, 'fresh').click();
    await waitUntil(async () => (await page.getByTestId('topic-detail').getAttribute('data-topic')) === 'fresh');
    expect(await page.getByTestId('topic-delete-retained').textContent()).toBe('Clear retained');
    expect(await page.getByTestId('topic-delete-retained').isDisabled()).toBe(true);

    // JSON mode: an empty editor is an empty payload (a hint says so), so it clears a retained message too.
    await pub('fresh/json', '{"on": true}', true);
    expect(await retainedAt('fresh/#')).toEqual(['fresh/json {"on": true}']);
    await page.getByTestId('publish-topic').fill('fresh/json');
    await page.getByTestId('publish-mode-json').click();
    await setPayload(page, '');
    const hint = page.getByTestId('publish-empty-hint');
    await hint.waitFor({ timeout: UI_TIMEOUT });
    expect(await hint.textContent()).toContain('in JSON mode that means an empty payload (0 bytes), not an error');
    expect(await hint.textContent()).toContain('With Retain, it clears the retained message of the topic.');
    await screenshots(page, 'publish-empty-json');
    await page.getByTestId('publish-button').click();
    await waitUntil(async () => (await page.getByTestId('publish-result').textContent()) === 'Published 0 B to fresh/json');
    expect(await page.getByTestId('publish-error').count()).toBe(0);
    expect(await retainedAt('fresh/#')).toEqual([]);

    // The same from every other format: an empty editor is 0 bytes, never a hex, Base64, CBOR or
    // MessagePack error, and with Retain it clears the topic's retained message.
    for (const [format, label] of [
      ['hex', 'Hex'],
      ['base64', 'Base64'],
      ['cbor', 'CBOR'],
      ['msgpack', 'MsgPack'],
    ] as const) {
      await pub('fresh/json', `kept for ${format}`, true);
      expect(await retainedAt('fresh/#')).toEqual([`fresh/json kept for ${format}`]);
      await page.getByTestId(`publish-mode-${format}`).click();
      await setPayload(page, '');
      await waitUntil(async () => (await hint.textContent())?.includes(`in ${label} mode that means an empty payload (0 bytes), not an error`) === true);
      await page.getByTestId('publish-button').click();
      await waitUntil(async () => (await retainedAt('fresh/#')).length === 0);
      expect(await page.getByTestId('publish-error').count(), format).toBe(0);
      expect(await page.getByTestId('publish-result').textContent()).toBe('Published 0 B to fresh/json');
    }
  });

  // Long on a loaded 2-core machine: 100,000 messages through mosquitto, the host, history and the page.
  it('windows 100,000 topics: only a bounded number of rows in the DOM while scrolling', { timeout: 300_000 }, async () => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${mosquittoFixture.broker.port}`, { protocolVersion: 5 });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    const TOTAL = 100_000;
    const CHUNK = 5000;
    const before = 7; // office/light, plant/..., keep/me, fresh/lamp, fresh/json
    const topicCount = async () => Number((await page.getByTestId('topic-tree-count').textContent())?.replace(/\D/g, ''));
    // mosquitto drops what a subscriber cannot take at once (max_queued_messages): send in chunks,
    // and send a chunk again only when the tree stopped growing short of it (publishing a topic
    // again only adds a message). On a loaded machine this is slow, never wrong.
    const publishChunk = (start: number) => {
      for (let i = start; i < start + CHUNK; i++) client.publish(`bulk/${i % 100}/${i}`, String(i), { qos: 0 });
    };
    for (let start = 0; start < TOTAL; start += CHUNK) {
      const target = before + start + CHUNK;
      publishChunk(start);
      let last = -1;
      let stalledSince = Date.now();
      for (let resends = 0; ; ) {
        const count = await topicCount();
        if (count >= target) break;
        if (count !== last) {
          last = count;
          stalledSince = Date.now();
        } else if (Date.now() - stalledSince > 2000) {
          expect(resends++, `chunk at ${start} never arrived whole`).toBeLessThan(10);
          publishChunk(start);
          stalledSince = Date.now();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
    expect(await topicCount()).toBe(TOTAL + before);

    await page.getByTestId('topic-tree-expand-all').click();
    const tree = page.getByTestId('topic-tree');
    await waitUntil(async () => Number(await tree.getAttribute('data-rows')) > TOTAL);
    const scrollTo = (fraction: number) =>
      tree.evaluate((element, f) => {
        const scroller = element as unknown as { scrollTop: number; scrollHeight: number };
        scroller.scrollTop = f * scroller.scrollHeight;
      }, fraction);
    const rowsInDom = () => page.locator('[data-testid="topic-node"]').count();
    expect(await rowsInDom()).toBeLessThan(120);
    for (const fraction of [0.25, 0.5, 0.999]) {
      await scrollTo(fraction);
      await page.waitForTimeout(100);
      expect(await rowsInDom()).toBeLessThan(120);
    }
    // Midway, the rows drawn are the ones that belong there.
    await scrollTo(0.5);
    await waitUntil(async () => (await visibleTopics(page)).some((topic) => /^bulk\/(49|50)\/\d+$/.test(topic ?? '')));
    await screenshots(page, 'topic-tree-100k');
  });
});
