import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createWorkbenchCore } from '../../main/core/create-core';
import { startHostProcess } from '../support/host-process';
import { runMosquittoPub } from '../support/mosquitto';
import { UI_TIMEOUT, connected, detailPayloadText, messageRow, setPayload, statusIs, subscribe, useWorkbenchSession, waitUntil, useMosquitto } from './e2e-helpers';

/**
 * The host is the truth about open connections: a reloaded page rebuilds its subscription list
 * from what the engine holds, so an active `#` can still be seen and unsubscribed.
 */
const session = useWorkbenchSession();
const mosquittoFixture = useMosquitto();

const rows = '[data-testid="subscription-row"][data-state="active"]';

/** Each active row as "filter text" (this file compiles without DOM types: no evaluateAll). */
async function listed(page: Page, withText = true): Promise<string[]> {
  const out: string[] = [];
  const locator = page.locator(rows);
  for (let i = 0; i < (await locator.count()); i++) {
    const row = locator.nth(i);
    out.push(withText ? `${await row.getAttribute('data-filter')} ${await row.textContent()}` : ((await row.getAttribute('data-filter')) ?? ''));
  }
  return out;
}

describe('after a page reload', () => {
  it('the subscription list matches the core, with granted QoS and options, and can be unsubscribed', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquittoFixture.broker.port });
    await subscribe(page, 'restore/#', 1);
    await subscribe(page, '$SYS/broker/uptime', 0);
    const before = await listed(page);

    await page.reload();
    await statusIs(page, 'connected');
    await page.locator(rows).nth(1).waitFor({ timeout: UI_TIMEOUT });
    const after = await listed(page);
    expect(after).toEqual(before);

    // Still the real subscription: unsubscribing it after the reload reaches the broker.
    await page.locator(`${rows}[data-filter="restore/#"]`).getByTestId('unsubscribe-button').click();
    await waitUntil(async () => (await page.locator(`[data-testid="subscription-row"][data-filter="restore/#"]`).count()) === 0);
    await page.reload();
    await statusIs(page, 'connected');
    await page.locator(rows).first().waitFor({ timeout: UI_TIMEOUT });
    expect(await listed(page, false)).toEqual(['$SYS/broker/uptime']);
  });
});

describe('the UI state lives in the data folder, not in one browser origin', () => {
  it('a host on another port (a new origin, nothing in its localStorage) shows the theme and panels chosen before', async () => {
    const first = await startHostProcess();
    try {
      const { page } = await session.open(first.url);
      await page.getByTestId('theme-select').selectOption('dark');
      await page.getByTestId('publish-toggle').click();
      const stateFile = join(first.dataDir, 'ui-state.json');
      await waitUntil(async () => existsSync(stateFile) && /"workbench\.theme":"dark"/.test(readFileSync(stateFile, 'utf8')) && /workbench\.publishPanel/.test(readFileSync(stateFile, 'utf8')));
      await page.close();
      await first.halt();

      const second = await startHostProcess({ dataDir: first.dataDir });
      try {
        expect(second.port).not.toBe(first.port);
        const { page: fresh } = await session.open(second.url);
        await waitUntil(async () => (await fresh.getByTestId('theme-select').inputValue()) === 'dark');
        expect(await fresh.evaluate('document.documentElement.dataset.theme')).toBe('dark');
        expect(await fresh.getByTestId('publish-toggle').getAttribute('aria-expanded')).toBe('false');
        await fresh.close();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});

/** The publish form as the user sees it. */
async function draftShown(page: Page) {
  const lines = page.getByTestId('publish-editor').locator('.monaco-editor .view-lines');
  await lines.waitFor({ timeout: UI_TIMEOUT });
  let mode = '';
  for (const format of ['text', 'json', 'hex', 'base64', 'cbor', 'msgpack']) {
    if ((await page.getByTestId(`publish-mode-${format}`).getAttribute('aria-pressed')) === 'true') mode = format;
  }
  return {
    topic: await page.getByTestId('publish-topic').inputValue(),
    qos: await page.getByTestId('publish-qos').inputValue(),
    retain: await page.getByTestId('publish-retain').isChecked(),
    mode,
    payload: (await lines.innerText()).replace(/\u00a0/g, ' '),
    expiry: await page.getByTestId('publish-expiry').inputValue(),
    contentType: await page.getByTestId('publish-content-type').inputValue(),
  };
}

const tab = (page: Page, clientId: string) => page.locator(`[data-testid="connection-tab"][data-client-id="${clientId}"]`);

/** Shows the tab of `clientId` and waits until the form shows that connection's draft topic. */
async function showTab(page: Page, clientId: string, topic: string): Promise<void> {
  await tab(page, clientId).click();
  await waitUntil(async () => (await page.getByTestId('publish-topic').inputValue()) === topic);
}

const FIRST = { topic: 'draft/one', qos: '1', retain: true, mode: 'json', payload: '{"level": 3}', expiry: '60', contentType: 'application/json' };
const SECOND = { topic: 'draft/two', qos: '0', retain: false, mode: 'text', payload: 'hello two', expiry: '', contentType: '' };

async function typeDraft(page: Page, draft: typeof FIRST): Promise<void> {
  await page.getByTestId('publish-topic').fill(draft.topic);
  await page.getByTestId('publish-qos').selectOption(draft.qos);
  await page.getByTestId('publish-retain').setChecked(draft.retain);
  await page.getByTestId(`publish-mode-${draft.mode}`).click();
  await setPayload(page, draft.payload);
  await page.getByTestId('publish-expiry').fill(draft.expiry);
  await page.getByTestId('publish-content-type').fill(draft.contentType);
}

describe('publish drafts', { timeout: 120_000 }, () => {
  it('each connection tab keeps its own draft, and both come back after a reload and after a host restart', async () => {
    const host = await startHostProcess();
    try {
      const { page } = await session.open(host.url);
      await connected(page, { port: mosquittoFixture.broker.port, clientId: 'draft-a' });
      await typeDraft(page, FIRST);
      await connected(page, { port: mosquittoFixture.broker.port, clientId: 'draft-b' });
      // A new connection starts from an empty form, not from the other tab's draft.
      expect((await draftShown(page)).topic).toBe('');
      await typeDraft(page, SECOND);
      await showTab(page, 'draft-a', FIRST.topic);
      expect(await draftShown(page)).toEqual(FIRST);
      await showTab(page, 'draft-b', SECOND.topic);
      expect(await draftShown(page)).toEqual(SECOND);

      await page.reload();
      await statusIs(page, 'connected');
      await showTab(page, 'draft-a', FIRST.topic);
      expect(await draftShown(page)).toEqual(FIRST);
      await showTab(page, 'draft-b', SECOND.topic);
      expect(await draftShown(page)).toEqual(SECOND);

      // A payload over the cap is kept while the page is open, said so, and left out of what is stored.
      const long = 'x'.repeat(17 * 1024);
      await setPayload(page, long);
      await page.getByTestId('publish-draft-too-long').waitFor({ timeout: UI_TIMEOUT });
      await showTab(page, 'draft-a', FIRST.topic);
      await showTab(page, 'draft-b', SECOND.topic);
      await page.getByTestId('publish-draft-too-long').waitFor({ timeout: UI_TIMEOUT });
      const stateFile = join(host.dataDir, 'ui-state.json');
      await waitUntil(async () => {
        if (!existsSync(stateFile)) return false;
        const drafts = JSON.parse((JSON.parse(readFileSync(stateFile, 'utf8')) as Record<string, string>)['workbench.publishDrafts'] ?? '{}') as Record<string, { topic: string; payload: string }>;
        const second = Object.values(drafts).find((d) => d.topic === SECOND.topic);
        return second?.payload === '';
      });
      await page.close();
      await host.halt();

      // Another launch on the same data folder: connecting to the same endpoint brings its draft back.
      const again = await startHostProcess({ dataDir: host.dataDir });
      try {
        const { page: fresh } = await session.open(again.url);
        await connected(fresh, { port: mosquittoFixture.broker.port, clientId: 'draft-a' });
        await waitUntil(async () => (await fresh.getByTestId('publish-topic').inputValue()) === FIRST.topic);
        expect(await draftShown(fresh)).toEqual(FIRST);
        await connected(fresh, { port: mosquittoFixture.broker.port, clientId: 'draft-b' });
        await waitUntil(async () => (await fresh.getByTestId('publish-topic').inputValue()) === SECOND.topic);
        expect(await draftShown(fresh)).toEqual({ ...SECOND, payload: '' });
        await fresh.close();
      } finally {
        await again.stop();
      }
    } finally {
      rmSync(host.dataDir, { recursive: true, force: true });
    }
  });
});

describe('after a restart, the tabs that were open', { timeout: 180_000 }, () => {
  const tabNames = async (page: Page) => {
    const tabs = page.getByTestId('connection-tab');
    const out: string[] = [];
    for (let i = 0; i < (await tabs.count()); i++) out.push(`${await tabs.nth(i).getAttribute('data-name')} ${await tabs.nth(i).getAttribute('data-status')}`);
    return out;
  };
  const tabNamed = (page: Page, name: string) => page.locator(`[data-testid="connection-tab"][data-name="${name}"]`);
  const stateOf = (dataDir: string): Record<string, string> => {
    const file = join(dataDir, 'ui-state.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  };

  it('come back, the connected ones reconnected (unless the user switched that off), the others ready to reconnect', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wb-e2e-restart-tabs-'));
    try {
      const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
      const options = { protocol: 'mqtt', host: '127.0.0.1', port: mosquittoFixture.broker.port, protocolVersion: 5 } as const;
      const first = await core.dispatcher.handle('profiles.save', { name: 'Tab A', folder: '', options });
      const second = await core.dispatcher.handle('profiles.save', { name: 'Tab B', folder: '', options });
      expect(first.ok && second.ok).toBe(true);
      const idA = first.ok ? (first.value as { id: string }).id : '';
      await core.close();

      let host = await startHostProcess({ dataDir });
      const { page } = await session.open(host.url);
      for (const name of ['Tab A', 'Tab B']) {
        await page.locator(`[data-testid="profile-row"][data-name="${name}"]`).getByTestId('profile-connect').click();
        await tabNamed(page, name).and(page.locator('[data-status="connected"]')).waitFor({ timeout: UI_TIMEOUT });
      }
      // B is disconnected but its tab stays open; A is the tab shown.
      await tabNamed(page, 'Tab B').click();
      await page.getByTestId('disconnect-button').click();
      await statusIs(page, 'disconnected');
      await tabNamed(page, 'Tab A').click();
      await statusIs(page, 'connected');
      // The core keeps which profiles are connected; the page which tabs are open.
      await waitUntil(async () => {
        const state = stateOf(dataDir);
        return state['workbench.session.openProfiles'] === JSON.stringify([idA]) && /Tab B/.test(state['workbench.openTabs'] ?? '') && (state['workbench.openTabs'] ?? '').includes(`"active":"profile:${idA}"`);
      });
      await page.close();
      await host.halt();

      host = await startHostProcess({ dataDir });
      const { page: fresh } = await session.open(host.url);
      await statusIs(fresh, 'connected');
      expect(await tabNames(fresh)).toEqual(['Tab A connected', 'Tab B disconnected']);
      expect(await tabNamed(fresh, 'Tab A').getAttribute('aria-selected')).toBe('true');
      await tabNamed(fresh, 'Tab B').click();
      await statusIs(fresh, 'disconnected');
      await fresh.getByTestId('reconnect-button').click();
      await statusIs(fresh, 'connected');
      expect(await tabNames(fresh)).toEqual(['Tab A connected', 'Tab B connected']);

      // Switched off: the tabs still come back, closed.
      await fresh.getByTestId('reconnect-on-launch').setChecked(false);
      await waitUntil(async () => stateOf(dataDir)['workbench.reconnectOnLaunch'] === 'off');
      await fresh.close();
      await host.halt();
      host = await startHostProcess({ dataDir });
      const { page: third } = await session.open(host.url);
      await statusIs(third, 'disconnected');
      expect(await tabNames(third)).toEqual(['Tab A disconnected', 'Tab B disconnected']);
      expect(await third.getByTestId('reconnect-on-launch').isChecked()).toBe(false);
      await third.getByTestId('reconnect-button').click();
      await statusIs(third, 'connected');
      await third.close();
      await host.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('after a page reload, the live view', { timeout: 120_000 }, () => {
  it('is refilled from History, with its filter, plot, selected message and payload format', async () => {
    const { page } = await session.open();
    await connected(page, { port: mosquittoFixture.broker.port, clientId: 'reload-live' });
    await subscribe(page, 'reload/#', 1);
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ t: 20 + i }));
    const sent = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-q', '1', '-t', 'reload/temp', '-l'], Buffer.from(`${lines.join('\n')}\n`));
    expect(sent.code).toBe(0);
    await waitUntil(async () => (await page.getByTestId('messages-count').textContent()) === '30 messages');

    await page.getByTestId('messages-topic-filter').fill('reload/+');
    const row = messageRow(page, 'reload/temp').filter({ hasText: '{"t":30}' });
    await row.click();
    const detail = page.getByTestId('message-detail');
    // The topic filter was just typed: under load the list can re-render between finding the row
    // and the click, which then selects nothing (seen twice in full CI runs, never alone). Click
    // again until the detail opens.
    await waitUntil(async () => (await detail.count()) > 0 || (await row.click(), false));
    await page.locator('[data-testid="numeric-field"][data-path="t"]').getByTestId('plot-field').click();
    await page.locator('[data-testid="plot-series"][data-points="30"]').waitFor({ timeout: UI_TIMEOUT });
    await page.getByTestId('message-detail-format').selectOption('hex');
    await page.getByTestId('message-detail-remember').check();
    await waitUntil(async () => (await detailPayloadText(page)).includes('7b 22 74 22'));
    const shown = await detailPayloadText(page);
    // What is kept for the reload is in the data folder once its batch went out.
    await waitUntil(async () => {
      const file = join(session.host.dataDir, 'ui-state.json');
      const state = existsSync(file) ? readFileSync(file, 'utf8') : '';
      return ['workbench.selection', 'workbench.plots.series', 'workbench.messageFilter', 'workbench.topicModes'].every((key) => state.includes(key)) && state.includes('reload/+');
    });

    await page.reload();
    await statusIs(page, 'connected');
    await waitUntil(async () => (await page.getByTestId('messages-count').textContent()) === '30 messages');
    expect(await page.getByTestId('messages-topic-filter').inputValue()).toBe('reload/+');
    await page.locator('[data-testid="plot-series"][data-points="30"]').waitFor({ timeout: UI_TIMEOUT });
    await detail.waitFor({ timeout: UI_TIMEOUT });
    expect(await page.getByTestId('message-detail-format').inputValue()).toBe('hex');
    await waitUntil(async () => (await detailPayloadText(page)) === shown);

    // Live messages keep coming after the refilled ones.
    await runMosquittoPub(['-h', '127.0.0.1', '-p', String(mosquittoFixture.broker.port), '-q', '1', '-t', 'reload/temp', '-m', '{"t":99}']);
    await waitUntil(async () => (await page.getByTestId('messages-count').textContent()) === '31 messages');
    await page.locator('[data-testid="plot-series"][data-points="31"]').waitFor({ timeout: UI_TIMEOUT });
  });
});
