import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import type { ExportProgressEvent, RequestChannel, RequestOutput } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { runMosquittoPub } from '../support/mosquitto';
import { useMosquitto } from '../support/fixtures';

const broker = useMosquitto();

let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-history-core-'));
});
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
});

function wrap(core: WorkbenchCore) {
  return async <C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> => {
    const result = await core.dispatcher.handle(channel, input);
    if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
    return result.value as RequestOutput<C>;
  };
}

describe('history wired into the core: every message kept, searchable, exported, across restarts', () => {
  it('stores traffic in both directions and finds it by topic filter, text and direction', async () => {
    const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
    const call = wrap(core);
    try {
      const { connectionId } = await call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port });
      await call('messages.subscribe', { connectionId, filter: 'plant/#', qos: 1 });
      const lines = Array.from({ length: 100 }, (_, i) => `{"line":${i % 4},"state":"${i === 42 ? 'overheated' : 'ok'}"}`).join('\n');
      await runMosquittoPub(['-h', broker.host, '-p', String(broker.port), '-q', '1', '-t', 'plant/line/temp', '-l'], Buffer.from(`${lines}\n`));
      await call('messages.publish', { connectionId, topic: 'plant/cmd', payload: Uint8Array.from([0, 1, 2, 255]), qos: 1 });
      // 100 in, 1 out, and the out message's echo (we subscribed to plant/#): 102.
      const total = await waitFor(async () => {
        const { count } = await call('history.count', { query: {} });
        return count >= 102 ? count : undefined;
      }, 'all messages written');
      expect(total).toBe(102);

      const page = await call('history.query', { query: { topicFilter: 'plant/+/temp' }, limit: 10 });
      expect(page.messages).toHaveLength(10);
      expect(page.nextCursor).not.toBeNull();
      const next = await call('history.query', { query: { topicFilter: 'plant/+/temp' }, limit: 10, cursor: page.nextCursor });
      expect(next.messages[0]!.id).toBeLessThan(page.messages.at(-1)!.id);

      const hits = await call('history.query', { query: { text: 'OVERHEATED' } });
      expect(hits.messages).toHaveLength(1);
      expect(Buffer.from(hits.messages[0]!.payload).toString()).toContain('"state":"overheated"');

      const sent = await call('history.query', { query: { direction: 'out' } });
      expect(sent.messages.map((m) => [...m.payload])).toEqual([[0, 1, 2, 255]]);

      const last = await call('history.lastValues', { connectionId, topic: 'plant/line/temp', count: 3 });
      expect(last).toHaveLength(3);

      const status = await call('history.status', {});
      expect(status).toMatchObject({ enabled: true, dropped: 0, failed: 0, totalMessages: 102 });
    } finally {
      await core.close();
    }
  });

  it('still has every message after a restart, and exports them as NDJSON with progress', async () => {
    const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
    const call = wrap(core);
    const progress: ExportProgressEvent[] = [];
    core.events.subscribe((channel, payload) => {
      if (channel === 'history.exportProgress') progress.push(payload as ExportProgressEvent);
    });
    try {
      expect((await call('history.count', { query: {} })).count).toBe(102);
      const { exportId, path } = await call('history.export', { format: 'ndjson', payloadEncoding: 'base64', query: { topicFilter: 'plant/#' }, fileName: 'plant.ndjson' });
      expect(path).toBe(join(dataDir, 'exports', 'plant.ndjson'));
      const done = await waitFor(() => progress.find((p) => p.exportId === exportId && p.state !== 'running'), 'the export to finish');
      expect(done).toMatchObject({ state: 'done', written: 102 });
      const lines = readFileSync(path, 'utf8').trim().split('\n');
      expect(lines.length).toBeGreaterThanOrEqual(102);
      // A second export with the same name never overwrites the first.
      const again = await call('history.export', { format: 'csv', fileName: 'plant.ndjson' });
      expect(again.path).not.toBe(path);
    } finally {
      await core.close();
    }
  });

  it('refuses a path as an export file name (the renderer never chooses where main writes)', async () => {
    const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
    try {
      const result = await core.dispatcher.handle('history.export', { format: 'csv', fileName: '../../etc/passwd' });
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    } finally {
      await core.close();
    }
  });

  it('says history is off when the workbench runs without a data folder', async () => {
    const core = createWorkbenchCore({ version: 'test', shell: 'browser' });
    try {
      expect(await core.dispatcher.handle('history.query', {})).toMatchObject({ ok: false, error: { code: 'HISTORY_UNAVAILABLE' } });
      expect(await wrap(core)('history.status', {})).toMatchObject({ enabled: false });
    } finally {
      await core.close();
    }
  });
});
