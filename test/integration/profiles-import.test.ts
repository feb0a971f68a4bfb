/**
 * Importing profiles through the real core (SQLite in a temp data folder): the file's format is told
 * by its content, a file that is not the chosen format is refused naming the right one, the preview
 * writes nothing, and a profile whose name is taken is updated or kept, never duplicated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import type { RequestChannel, RequestOutput } from '../../shared/contract';

const dirs: string[] = [];
const cores: WorkbenchCore[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function openCore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-import-'));
  dirs.push(dataDir);
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  cores.push(core);
  return {
    async call<C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> {
      const result = await core.dispatcher.handle(channel, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as RequestOutput<C>;
    },
    attempt: (channel: RequestChannel, input: unknown) => core.dispatcher.handle(channel, input),
  };
}

/** An MQTTX export: secure WebSocket, MQTT 5, two subscriptions. */
const MQTTX = JSON.stringify([
  { id: 'a1', name: 'Cloud', clientId: 'mqttx_a1', host: 'cloud.example.com', port: 8084, path: '/mqtt', protocol: 'wss', ssl: true, mqttVersion: '5.0', subscriptions: [{ topic: 'a/#', qos: 1 }, { topic: 'b', qos: 0 }] },
  { id: 'a2', name: 'Bench', clientId: 'mqttx_a2', host: 'bench.local', port: 1883, protocol: 'mqtt', mqttVersion: '3.1.1' },
]);
/** MQTTX's newer layout: {connections: [...]}. */
const MQTTX_WRAPPED = JSON.stringify({ connections: [{ name: 'Wrapped', clientId: 'c', host: 'w.local', port: 1883, mqttVersion: '5.0' }] });
const EXPLORER = JSON.stringify({
  ConnectionManager_connections: { 'id-1': { id: 'id-1', type: 'mqtt', name: 'home', host: 'nas.local', port: 1883, protocol: 'mqtt', encryption: false, subscriptions: [{ topic: '#', qos: 0 }, { topic: '$SYS/#', qos: 0 }] } },
});

describe('profile import that does not trust the chosen format', () => {
  it('detects each format by its content', async () => {
    const wb = openCore();
    const { json: workbench } = await (async () => {
      await wb.call('profiles.save', { name: 'Ours', folder: '', options: { protocol: 'mqtt', host: 'ours.local', port: 1883, protocolVersion: 5 } });
      return wb.call('profiles.export', {});
    })();
    const other = openCore();
    for (const [content, format, names] of [
      [workbench, 'workbench', ['Ours']],
      [MQTTX, 'mqttx', ['Cloud', 'Bench']],
      [MQTTX_WRAPPED, 'mqttx', ['Wrapped']],
      [EXPLORER, 'mqtt-explorer', ['home']],
    ] as const) {
      const preview = await other.call('profiles.previewImport', { format: 'auto', content });
      expect(preview.format, names[0]).toBe(format);
      expect(preview.candidates.map((c) => c.name)).toEqual(names);
      // The chosen format, when right, is taken as it is.
      expect((await other.call('profiles.previewImport', { format, content })).format).toBe(format);
    }
  });

  it('refuses a file that is not the chosen format, naming the right one', async () => {
    const wb = openCore();
    const asExplorer = await wb.attempt('profiles.import', { format: 'mqtt-explorer', content: MQTTX });
    expect(asExplorer).toMatchObject({ ok: false, error: { code: 'IMPORT_WRONG_FORMAT' } });
    expect(!asExplorer.ok && asExplorer.error.message).toContain('This file is an MQTTX export, not an MQTT Explorer settings file: choose "MQTTX export"');
    const asMqttx = await wb.attempt('profiles.previewImport', { format: 'mqttx', content: EXPLORER });
    expect(!asMqttx.ok && asMqttx.error.message).toContain('This file is an MQTT Explorer settings file, not an MQTTX export');
    const asWorkbench = await wb.attempt('profiles.previewImport', { format: 'workbench', content: MQTTX });
    expect(asWorkbench).toMatchObject({ ok: false, error: { code: 'IMPORT_WRONG_FORMAT' } });
    // Nothing was written by the refused import: no wss-turned-mqtt, 5.0-turned-3.1.1 duplicates.
    expect((await wb.call('profiles.list', {})).profiles).toEqual([]);
    // A file of no known format, and one that is not JSON, say so.
    expect(await wb.attempt('profiles.previewImport', { format: 'auto', content: '{"hello": 1}' })).toMatchObject({
      ok: false,
      error: { code: 'IMPORT_INVALID', message: expect.stringContaining('Not a profiles file this app knows') },
    });
    expect(await wb.attempt('profiles.previewImport', { format: 'auto', content: '{nope' })).toMatchObject({
      ok: false,
      error: { code: 'IMPORT_INVALID', message: expect.stringContaining('not valid JSON') },
    });
    // The format choice is validated like every request.
    expect(await wb.attempt('profiles.previewImport', { format: 'mosquitto', content: MQTTX })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('previews names, endpoints, versions and subscription counts, writing nothing', async () => {
    const wb = openCore();
    await wb.call('profiles.save', { name: 'Bench', folder: 'Lab', options: { protocol: 'mqtt', host: 'old-bench.local', port: 1883, protocolVersion: 4 } });
    const before = await wb.call('profiles.list', {});
    const preview = await wb.call('profiles.previewImport', { format: 'auto', content: MQTTX });
    expect(preview).toEqual({
      format: 'mqttx',
      skipped: [],
      candidates: [
        { index: 0, name: 'Cloud', folder: '', endpoint: 'wss://cloud.example.com:8084/mqtt', protocolVersion: 5, subscriptions: 2, existing: null, notes: [] },
        {
          index: 1,
          name: 'Bench',
          folder: '',
          endpoint: 'mqtt://bench.local:1883',
          protocolVersion: 4,
          subscriptions: 0,
          existing: { id: before.profiles[0]!.id, endpoint: 'mqtt://old-bench.local:1883' },
          notes: [],
        },
      ],
    });
    expect(await wb.call('profiles.list', {})).toEqual(before);
  });

  it('updates or keeps a profile of the same name, per profile or for all, never duplicating it', async () => {
    const wb = openCore();
    const bench = await wb.call('profiles.save', {
      name: 'bench',
      folder: 'Lab',
      options: { protocol: 'mqtt', host: 'old-bench.local', port: 1883, protocolVersion: 4, username: 'u', password: 'kept-secret' },
    });
    const cloud = await wb.call('profiles.save', { name: 'Cloud', folder: '', options: { protocol: 'mqtt', host: 'old-cloud.local', port: 1883, protocolVersion: 4 } });

    // Default: keep what is there.
    const kept = await wb.call('profiles.import', { format: 'auto', content: MQTTX });
    expect(kept).toMatchObject({ format: 'mqttx', imported: [], updated: [], kept: [{ name: 'Cloud' }, { name: 'Bench' }] });
    expect((await wb.call('profiles.list', {})).profiles).toHaveLength(2);

    // Per profile: update Cloud, keep Bench.
    const mixed = await wb.call('profiles.import', { format: 'mqttx', content: MQTTX, onSameName: 'keep', choices: [{ index: 0, action: 'update' }] });
    expect(mixed.updated.map((p) => p.id)).toEqual([cloud.id]);
    expect(mixed.kept).toEqual([{ name: 'Bench' }]);
    expect(mixed.updated[0]!.options).toMatchObject({ protocol: 'wss', host: 'cloud.example.com', port: 8084, path: '/mqtt', protocolVersion: 5 });
    expect(mixed.updated[0]!.subscriptions.map((s) => s.filter)).toEqual(['a/#', 'b']);

    // For all: update. The name match ignores case; the stored password and folder stay.
    const all = await wb.call('profiles.import', { format: 'auto', content: MQTTX, onSameName: 'update' });
    expect(all.updated.map((p) => p.id).sort()).toEqual([bench.id, cloud.id].sort());
    const list = (await wb.call('profiles.list', {})).profiles;
    expect(list).toHaveLength(2);
    const updatedBench = list.find((p) => p.id === bench.id)!;
    expect(updatedBench).toMatchObject({ name: 'bench', folder: 'Lab', secrets: { password: true } });
    expect(updatedBench.options).toMatchObject({ host: 'bench.local', protocolVersion: 4 });

    // A name not taken is a new profile.
    const fresh = await wb.call('profiles.import', { format: 'auto', content: MQTTX_WRAPPED });
    expect(fresh.imported.map((p) => p.name)).toEqual(['Wrapped']);
    expect((await wb.call('profiles.list', {})).profiles).toHaveLength(3);
    // Choices are validated like every request.
    expect(await wb.attempt('profiles.import', { format: 'auto', content: MQTTX, choices: [{ index: 0, action: 'duplicate' }] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });
});
