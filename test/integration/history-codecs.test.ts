import { readFileSync } from 'node:fs';
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

  it('exports a decoded column beside the raw bytes (NDJSON and CSV), empty where no rule applies', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    history.append('profile:p1', message({ topic: 'factory/1/telemetry', payload: new Uint8Array(gzipSync('{"t": 21.5}')), timestamp: 1000 }));
    history.append('profile:p1', message({ topic: 'factory/1/telemetry', text: 'not gzip', timestamp: 1001 }));
    history.append('profile:p1', message({ topic: 'factory/1/log', text: 'plain', timestamp: 1002 }));
    await history.flush();
    const codecs = scopes(1, { p1: codecSettings.parse({ rules: [{ id: 'gz', name: 'Telemetry', filter: 'factory/+/telemetry', encoding: 'gzip', format: { kind: 'json' } }] }) });

    const ndjson = temp.file('out.ndjson');
    await history.exportTo({ path: ndjson, format: 'ndjson', payloadEncoding: 'base64', codecs, decodedColumn: true }).done;
    const records = readFileSync(ndjson, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map(({ decodedRule, decodedFormat, decoded }) => ({ decodedRule, decodedFormat, decoded }))).toEqual([
      { decodedRule: 'Telemetry', decodedFormat: 'gzip+json', decoded: '{"t":21.5}' },
      { decodedRule: 'Telemetry', decodedFormat: 'gzip+json', decoded: '' },
      { decodedRule: null, decodedFormat: null, decoded: null },
    ]);
    expect(records[1]!.decodedProblem).toMatch(/^Not valid gzip data/);
    // The raw bytes are there as always.
    expect(Buffer.from(records[0]!.payload as string, 'base64')).toEqual(gzipSync('{"t": 21.5}'));

    const csv = temp.file('out.csv');
    await history.exportTo({ path: csv, format: 'csv', codecs, decodedColumn: true }).done;
    const lines = readFileSync(csv, 'utf8').trim().split('\r\n');
    expect(lines[0]!.endsWith(',properties,decoded_rule,decoded_format,decoded,decoded_problem')).toBe(true);
    expect(lines[1]!.endsWith(',Telemetry,gzip+json,"{""t"":21.5}",')).toBe(true);
    expect(lines[3]!.endsWith(',,,,')).toBe(true);
  });
});
