import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ExportProgress, exportMessages, importMessages } from '../../main/core/history/export';
import type { StoredMessage } from '../../main/core/history/types';
import { historyTempDir, message } from '../support/history-fixtures';
import type { OpenStore, StoreUnderTest } from './history-store-behaviour';

const BINARY = Uint8Array.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x22]);

async function all(s: StoreUnderTest['store']): Promise<StoredMessage[]> {
  return (await s.page({ order: 'asc', limit: 5000 })).messages;
}

const withoutId = (messages: StoredMessage[]) => messages.map(({ id: _id, ...rest }) => rest);

/** Minimal RFC 4180 reader for checking our CSV (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field), rows.push(row), (row = []), (field = ''), i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

/**
 * Export in every format and import back, over any store: the same assertions against SQLite
 * (history-export.test.ts) and PostgreSQL (history-store-postgres.test.ts).
 */
export function describeHistoryExport(name: string, open: OpenStore): void {
  let temp: ReturnType<typeof historyTempDir>;
  let store: StoreUnderTest['store'];
  const opened: StoreUnderTest[] = [];
  const openStore = async () => {
    const s = await open({});
    opened.push(s);
    return s.store;
  };

  beforeEach(async () => {
    temp = historyTempDir();
    store = await openStore();
    await store.insert([
      message({ topic: 'plain/text', text: 'hello world', timestamp: 1_700_000_000_001 }),
      message({ topic: 'csv,needs "quoting"', text: 'line one\r\nline "two", with comma', timestamp: 1_700_000_000_002, qos: 1, packetId: 7 }),
      message({ topic: 'binary', payload: BINARY, timestamp: 1_700_000_000_003, retain: true, direction: 'out' }),
      message({ topic: 'props', text: '{"a":1}', timestamp: 1_700_000_000_004, qos: 2, dup: true, properties: { contentType: 'application/json', userProperties: [{ key: 'k', value: 'v' }], correlationData: Uint8Array.from([9, 8]) } }),
      message({ topic: 'empty', payload: new Uint8Array(0), timestamp: 1_700_000_000_005, connectionKey: 'c2' }),
      message({ topic: 'unicode/ü', text: 'température 🌡', timestamp: 1_700_000_000_006 }),
    ]);
    await store.setConnectionLabel('c1', 'Kitchen, "main" broker'); // c2 is not described: its key stands in
  });
  afterEach(async () => {
    for (const s of opened.splice(0).reverse()) await s.close();
    temp.cleanup();
  });

  describe(`${name} history export`, () => {
    it('writes NDJSON, one record per line, with the payload encoding in every record', async () => {
      const path = temp.file('out.ndjson');
      const result = await exportMessages(store, { path, format: 'ndjson', payloadEncoding: 'utf8' });
      expect(result).toMatchObject({ path, format: 'ndjson', payloadEncoding: 'utf8', count: 6 });
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(6);
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(records[0]).toMatchObject({
        topic: 'plain/text',
        connectionKey: 'c1',
        connectionLabel: 'Kitchen, "main" broker',
        payloadEncoding: 'utf8',
        payload: 'hello world',
        time: '2023-11-14T22:13:20.001Z',
      });
      expect(records[4]).toMatchObject({ topic: 'empty', connectionKey: 'c2', connectionLabel: 'c2' });
      // Not UTF-8: written as base64 even though utf8 was asked for, and the record says so.
      expect(records[2]).toMatchObject({ topic: 'binary', payloadEncoding: 'base64', payload: Buffer.from(BINARY).toString('base64'), retain: true });
      expect(records[3]).toMatchObject({ properties: { contentType: 'application/json', correlationData: { $bytes: 'CQg=' } }, dup: true, qos: 2 });
      expect(result.bytes).toBe(readFileSync(path).byteLength);
    });

    it('writes a JSON array that parses, with hex payloads when asked', async () => {
      const path = temp.file('out.json');
      await exportMessages(store, { path, format: 'json', payloadEncoding: 'hex' });
      const records = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
      expect(records).toHaveLength(6);
      expect(records.every((r) => r.payloadEncoding === 'hex')).toBe(true);
      expect(records[0]!.payload).toBe(Buffer.from('hello world').toString('hex'));
    });

    it('writes an empty JSON array for an empty result', async () => {
      const path = temp.file('empty.json');
      expect((await exportMessages(store, { path, format: 'json', query: { topicFilter: 'none/#' } })).count).toBe(0);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual([]);
    });

    it('writes RFC 4180 CSV: header, CRLF rows, quoted fields, the payload encoding in its own column', async () => {
      const path = temp.file('out.csv');
      await exportMessages(store, { path, format: 'csv', payloadEncoding: 'utf8' });
      const text = readFileSync(path, 'utf8');
      const rows = parseCsv(text);
      expect(rows[0]).toEqual([
        'id', 'timestamp', 'time', 'connection_key', 'connection_label', 'direction', 'topic', 'qos', 'retain', 'dup',
        'packet_id', 'payload_size', 'payload_encoding', 'payload', 'properties',
      ]);
      expect(rows).toHaveLength(7);
      expect(rows.every((row) => row.length === 15)).toBe(true);
      expect(rows[2]).toEqual([
        '2', '1700000000002', '2023-11-14T22:13:20.002Z', 'c1', 'Kitchen, "main" broker', 'in', 'csv,needs "quoting"', '1', 'false', 'false',
        '7', '32', 'utf8', 'line one\r\nline "two", with comma', '',
      ]);
      expect(rows[3]!.slice(12, 14)).toEqual(['base64', Buffer.from(BINARY).toString('base64')]);
      expect(rows[5]!.slice(3, 5)).toEqual(['c2', 'c2']);
      expect(JSON.parse(rows[4]![14]!)).toEqual({ contentType: 'application/json', userProperties: [{ key: 'k', value: 'v' }], correlationData: { $bytes: 'CQg=' } });
      expect(text).toContain('"csv,needs ""quoting"""');
    });

    it('writes CSV payloads as base64 or hex when chosen, and says so in every row', async () => {
      for (const encoding of ['base64', 'hex'] as const) {
        const path = temp.file(`out-${encoding}.csv`);
        await exportMessages(store, { path, format: 'csv', payloadEncoding: encoding });
        const rows = parseCsv(readFileSync(path, 'utf8')).slice(1);
        expect(rows.every((row) => row[12] === encoding)).toBe(true);
        expect(Buffer.from(rows[0]![13]!, encoding).toString()).toBe('hello world');
      }
    });

    it('exports only the current query’s result', async () => {
      const path = temp.file('query.ndjson');
      const result = await exportMessages(store, { path, format: 'ndjson', query: { connectionKeys: ['c2'] } });
      expect(result.count).toBe(1);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ topic: 'empty', payload: '', payloadSize: 0 });
    });

    it('reports progress up to the total, page by page', async () => {
      await store.insert(Array.from({ length: 1200 }, (_, i) => message({ text: `bulk ${i}`, timestamp: 1_800_000_000_000 + i })));
      const progress: ExportProgress[] = [];
      await exportMessages(store, { path: temp.file('p.ndjson'), format: 'ndjson' }, { onProgress: (p) => progress.push(p) });
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress.at(-1)).toMatchObject({ written: 1206, total: 1206 });
      expect(progress.every((p, i) => i === 0 || p.written >= progress[i - 1]!.written)).toBe(true);
    });

    it('stops on cancel, rejects with HISTORY_EXPORT_CANCELLED and leaves no file behind', async () => {
      await store.insert(Array.from({ length: 2000 }, (_, i) => message({ text: `bulk ${i}` })));
      const controller = new AbortController();
      const path = temp.file('cancelled.csv');
      const done = exportMessages(store, { path, format: 'csv' }, { signal: controller.signal, onProgress: () => controller.abort() });
      await expect(done).rejects.toMatchObject({ code: 'HISTORY_EXPORT_CANCELLED' });
      expect(readdirSync(temp.dir).filter((f) => f.startsWith('cancelled'))).toEqual([]);
    });

    it('fails clearly on an unwritable path, leaving no partial file', async () => {
      await expect(exportMessages(store, { path: temp.file('no/such/dir/out.csv'), format: 'csv' })).rejects.toMatchObject({
        code: 'HISTORY_EXPORT_UNWRITABLE',
        message: expect.stringContaining('no/such/dir/out.csv') as string,
      });
      mkdirSync(temp.file('a-directory.partial'));
      await expect(exportMessages(store, { path: temp.file('a-directory'), format: 'json' })).rejects.toMatchObject({
        code: 'HISTORY_EXPORT_UNWRITABLE',
      });
      expect(existsSync(temp.file('a-directory'))).toBe(false);
    });
  });

  describe(`${name} history import`, () => {
    it.each([
      ['ndjson', 'utf8'],
      ['ndjson', 'base64'],
      ['json', 'hex'],
      ['json', 'utf8'],
    ] as const)('round-trips a %s export with %s payloads into identical rows', async (format, payloadEncoding) => {
      const path = temp.file(`rt.${format}`);
      await exportMessages(store, { path, format, payloadEncoding });
      const target = await openStore();
      expect(await importMessages(target, { path })).toEqual({ imported: 6, cancelled: false });
      expect(withoutId(await all(target))).toEqual(withoutId(await all(store)));
      expect(await target.count({ text: 'température' })).toBe(1);
      expect(await target.count({ connectionLabels: ['Kitchen, "main" broker'] })).toBe(5);
    });

    it('keeps the name a connection already has here: the file’s label may be older', async () => {
      const path = temp.file('labels.ndjson');
      await exportMessages(store, { path, format: 'ndjson' });
      const target = await openStore();
      await target.setConnectionLabel('c1', 'Kitchen (renamed)');
      await importMessages(target, { path });
      expect(await target.connections()).toEqual([
        { key: 'c2', label: 'c2' },
        { key: 'c1', label: 'Kitchen (renamed)' },
      ]);
    });

    it('imports an export from before connection keys: its connectionId becomes the key', async () => {
      const path = temp.file('old.ndjson');
      const old = { id: 1, timestamp: 1, time: '1970-01-01T00:00:00.001Z', connectionId: 'c1', direction: 'in', topic: 'old/t', qos: 0, retain: false, dup: false, packetId: null, payloadSize: 2, payloadEncoding: 'utf8', payload: 'hi', properties: null };
      writeFileSync(path, `${JSON.stringify(old)}\n`);
      const target = await openStore();
      expect(await importMessages(target, { path })).toEqual({ imported: 1, cancelled: false });
      expect(await all(target)).toMatchObject([{ connectionKey: 'c1', connectionLabel: 'c1', topic: 'old/t' }]);
    });

    it('reads the bytes of an export from before the one byte envelope ({ "$base64": ... }) as bytes', async () => {
      const path = temp.file('old-bytes.ndjson');
      const old = { id: 1, timestamp: 1, connectionKey: 'c1', direction: 'in', topic: 'old/t', qos: 1, retain: false, dup: false, packetId: 1, payloadSize: 2, payloadEncoding: 'utf8', payload: 'hi', properties: { correlationData: { $base64: 'CQg=' } } };
      writeFileSync(path, `${JSON.stringify(old)}\n`);
      const target = await openStore();
      expect(await importMessages(target, { path })).toEqual({ imported: 1, cancelled: false });
      expect((await all(target))[0]!.properties).toEqual({ correlationData: Uint8Array.from([9, 8]) });
    });

    it('imports a JSON array that is not laid out one record per line', async () => {
      const path = temp.file('compact.json');
      await exportMessages(store, { path: temp.file('pretty.json'), format: 'json' });
      writeFileSync(path, JSON.stringify(JSON.parse(readFileSync(temp.file('pretty.json'), 'utf8'))));
      const target = await openStore();
      expect(await importMessages(target, { path })).toEqual({ imported: 6, cancelled: false });
      expect(withoutId(await all(target))).toEqual(withoutId(await all(store)));
    });

    it('rejects a file with a bad record, naming the line, and imports nothing from it', async () => {
      const path = temp.file('bad.ndjson');
      await exportMessages(store, { path, format: 'ndjson' });
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      lines[3] = lines[3]!.replace('"qos":2', '"qos":3');
      writeFileSync(path, `${lines.join('\n')}\n`);
      const target = await openStore();
      await expect(importMessages(target, { path })).rejects.toMatchObject({
        code: 'HISTORY_IMPORT_INVALID',
        message: expect.stringContaining('line 4: qos must be 0, 1 or 2') as string,
      });
      expect(await target.count()).toBe(0);
      writeFileSync(path, 'id,topic\r\n1,a\r\n');
      await expect(importMessages(target, { path })).rejects.toMatchObject({ code: 'HISTORY_IMPORT_INVALID' });
    });

    it('rejects a payload that does not match its payloadSize', async () => {
      const path = temp.file('size.ndjson');
      await exportMessages(store, { path, format: 'ndjson', query: { topicFilter: 'plain/text' } });
      writeFileSync(path, readFileSync(path, 'utf8').replace('"payloadSize":11', '"payloadSize":12'));
      await expect(importMessages(await openStore(), { path })).rejects.toMatchObject({ code: 'HISTORY_IMPORT_INVALID' });
    });
  });
}
