import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CodecScopes } from '../../main/core/codecs/codec-scopes';
import { type History, createHistory } from '../../main/core/history/create-history';
import { type CodecSettings, codecSettings } from '../../shared/contract';
import { historyTempDir, message } from '../support/history-fixtures';

/**
 * History's text search reads the topics a codec rule covers in their decoded text (issue 16): the
 * reader worker gets every rule set and compiles them itself; rows no rule covers keep the raw
 * search (and the full-text index).
 */
let temp: ReturnType<typeof historyTempDir>;
let history: History | null = null;
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(async () => {
  await history?.close();
  history = null;
  temp.cleanup();
});

const gzipRule: CodecSettings = codecSettings.parse({ rules: [{ id: 'gz', filter: 'factory/+/telemetry', encoding: 'gzip', format: { kind: 'json' } }] });
const scopes = (stamp: number, profiles: Record<string, CodecSettings>, global: CodecSettings = { rules: [], schemas: [] }): CodecScopes => ({ stamp, global, profiles });

describe('history text search with codec rules', () => {
  it('finds a covered topic by its decoded text, leaves other connections and raw rows as they were', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    const gz = (text: string) => new Uint8Array(gzipSync(text));
    history.append('profile:p1', message({ topic: 'factory/1/telemetry', payload: gz('{"alarm":"Overheat","t":91}'), timestamp: 1000 }));
    history.append('profile:p1', message({ topic: 'factory/1/telemetry', payload: gz('{"alarm":"none","t":20}'), timestamp: 1001 }));
    history.append('profile:p1', message({ topic: 'factory/1/log', text: 'overheat seen at line 1', timestamp: 1002 }));
    // Another connection: the profile's rule is not its rule, so its gzip stays unsearchable.
    history.append('endpoint:other', message({ topic: 'factory/1/telemetry', payload: gz('{"alarm":"overheat"}'), timestamp: 1003 }));
    await history.flush();

    const search = async (codecs?: CodecScopes) => {
      const page = await history!.page({ query: { text: 'OVERHEAT' }, ...(codecs ? { codecs } : {}) });
      const counted = await history!.countUpTo({ text: 'overheat' }, 100, codecs);
      return { timestamps: page.messages.map((m) => m.timestamp), count: counted.count };
    };
    expect(await search()).toEqual({ timestamps: [1002], count: 1 });
    expect(await search(scopes(1, { p1: gzipRule }))).toEqual({ timestamps: [1002, 1000], count: 2 });
    // A global rule reaches every connection; with a topic filter too.
    expect(await search(scopes(2, {}, gzipRule))).toEqual({ timestamps: [1003, 1002, 1000], count: 3 });
    const filtered = await history.page({ query: { text: 'overheat', topicFilter: 'factory/+/telemetry' }, codecs: scopes(2, {}, gzipRule) });
    expect(filtered.messages.map((m) => m.timestamp)).toEqual([1003, 1000]);
    // Rules gone (a new stamp): back to raw text.
    expect(await search(scopes(3, {}))).toEqual({ timestamps: [1002], count: 1 });
  });
});
