// The core's download ids (main/core/downloads/downloads.ts): unguessable, single use, short-lived,
// bounded, and a file made for a download goes with it.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DOWNLOAD_ID_PATTERN, createDownloads, safeFileName } from '../../main/core/downloads/downloads';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'wb-downloads-unit-'));
});
afterEach(() => {
  vi.useRealTimers();
  rmSync(folder, { recursive: true, force: true });
});

async function read(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

function file(name: string, text = 'data'): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('downloads', () => {
  it('mints distinct 32-byte ids that are taken once; describe does not spend one', async () => {
    const downloads = createDownloads();
    const ids = new Set(Array.from({ length: 50 }, () => downloads.mintBytes(new Uint8Array([1]), 'a.bin')));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(DOWNLOAD_ID_PATTERN);
    const path = file('export.ndjson', '{"a":1}\n');
    const id = downloads.mintFile(path, { fileName: 'export.ndjson', bytes: 8 }, { removeAfter: true });
    expect(downloads.describe(id)).toEqual({ fileName: 'export.ndjson', bytes: 8 });
    const taken = downloads.take(id)!;
    expect(await read(taken.open())).toBe('{"a":1}\n');
    expect(downloads.take(id)).toBeNull();
    expect(downloads.describe(id)).toBeNull();
    expect(existsSync(path)).toBe(true);
    await taken.release();
    expect(existsSync(path)).toBe(false);
    await downloads.close();
  });

  it('refuses malformed ids without looking them up', () => {
    const downloads = createDownloads();
    for (const id of ['', '../x', 'a'.repeat(44), undefined as unknown as string]) expect(downloads.take(id)).toBeNull();
  });

  it('an unused id expires, and its file is removed then', async () => {
    vi.useFakeTimers();
    const downloads = createDownloads({ ttlMs: 1000 });
    const path = file('late.csv');
    const id = downloads.mintFile(path, { fileName: 'late.csv', bytes: 4 }, { removeAfter: true });
    await vi.advanceTimersByTimeAsync(1001);
    expect(downloads.take(id)).toBeNull();
    await vi.waitFor(() => expect(existsSync(path)).toBe(false));
  });

  it('keeps at most maxPending unused ids (the oldest goes), and close removes the files left', async () => {
    const downloads = createDownloads({ maxPending: 2 });
    const paths = ['1.csv', '2.csv', '3.csv'].map((name) => file(name));
    const ids = paths.map((path, i) => downloads.mintFile(path, { fileName: `${i}.csv`, bytes: 4 }, { removeAfter: true }));
    expect(downloads.describe(ids[0]!)).toBeNull();
    await vi.waitFor(() => expect(existsSync(paths[0]!)).toBe(false));
    expect(downloads.describe(ids[2]!)).not.toBeNull();
    await downloads.close();
    expect(paths.map((path) => existsSync(path))).toEqual([false, false, false]);
  });

  it('names are made safe for a header and a file system', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\\\Users\\\\x\\\\report.csv')).toBe('report.csv');
    expect(safeFileName('a"b\r\nc.csv')).toBe('a_b_c.csv');
    expect(safeFileName('...')).toBe('download');
    expect(safeFileName('.hidden')).toBe('hidden');
  });
});
