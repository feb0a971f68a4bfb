import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkbenchCore } from '../../main/core/create-core';
import { UI_STATE_LIMITS } from '../../shared/contract';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-ui-state-'));
  dirs.push(dir);
  return dir;
}

async function withCore<T>(dir: string, run: (handle: (channel: 'app.uiState' | 'app.setUiState', input: unknown) => ReturnType<ReturnType<typeof createWorkbenchCore>['dispatcher']['handle']>) => Promise<T>): Promise<T> {
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir: dir, secretsProtection: 'test' });
  try {
    return await run((channel, input) => core.dispatcher.handle(channel, input));
  } finally {
    await core.close();
  }
}

describe('the UI state in the data folder', () => {
  it('survives a restart of the core, in a 0600 file; null removes an entry', async () => {
    const dir = dataDir();
    await withCore(dir, async (handle) => {
      expect(await handle('app.setUiState', { entries: { 'workbench.theme': 'dark', 'workbench.layout.columns:sidebar,center': '{"sidebar":20}' } })).toMatchObject({ ok: true });
      expect(await handle('app.setUiState', { entries: { 'workbench.layout.columns:sidebar,center': null } })).toMatchObject({ ok: true });
    });
    expect(statSync(join(dir, 'ui-state.json')).mode & 0o777).toBe(0o600);
    await withCore(dir, async (handle) => {
      expect(await handle('app.uiState', {})).toEqual({ ok: true, value: { entries: { 'workbench.theme': 'dark' } } });
    });
  });

  it('refuses more than the limits allow, keeping what it had', async () => {
    const dir = dataDir();
    await withCore(dir, async (handle) => {
      await handle('app.setUiState', { entries: { a: '1' } });
      const huge = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'x'.repeat(UI_STATE_LIMITS.valueBytes)]));
      expect(await handle('app.setUiState', { entries: huge })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      expect(await handle('app.setUiState', { entries: { b: 'y'.repeat(UI_STATE_LIMITS.valueBytes + 1) } })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      expect(await handle('app.uiState', {})).toEqual({ ok: true, value: { entries: { a: '1' } } });
    });
  });

  it('a damaged file is set aside and the defaults apply', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'ui-state.json'), '{"workbench.theme": "da');
    await withCore(dir, async (handle) => {
      expect(await handle('app.uiState', {})).toEqual({ ok: true, value: { entries: {} } });
    });
    expect(readFileSync(join(dir, 'ui-state.json.damaged'), 'utf8')).toBe('{"workbench.theme": "da');
  });
});
