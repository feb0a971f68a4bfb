import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { type ConnectionSummary, type RequestChannel, type RequestOutput, type Result, profileIdOfKey } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { useMosquitto } from '../support/fixtures';

const broker = useMosquitto();

/**
 * Subscriptions belong to the profile: saved with every option, subscribed when it connects (the
 * ones switched on), exported with it, and connected again at the next launch when it says so.
 */
const dirs: string[] = [];
const cores: WorkbenchCore[] = [];

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
});

function openCore(dataDir: string, connectOnLaunch = false) {
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir, secretsProtection: 'test', connectOnLaunch });
  cores.push(core);
  const statuses: ConnectionSummary[] = [];
  core.events.subscribe((channel, payload) => {
    if (channel === 'connections.status') statuses.push(payload as ConnectionSummary);
  });
  return {
    core,
    statuses,
    async call<C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> {
      const result = await core.dispatcher.handle(channel, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as RequestOutput<C>;
    },
    attempt: (channel: RequestChannel, input: unknown): Promise<Result<unknown>> => core.dispatcher.handle(channel, input),
  };
}

const newDataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-subs-'));
  dirs.push(dir);
  return dir;
};
const options = () => ({ protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 4 });

describe('saved subscriptions', () => {
  it('are subscribed when the profile connects (only those switched on), and a refused one is reported, not lost', async () => {
    const wb = openCore(newDataDir());
    const profile = await wb.call('profiles.save', {
      name: 'plant',
      folder: '',
      options: options(),
      subscriptions: [
        { filter: 'plant/#', qos: 1 },
        { filter: '$SYS/broker/uptime' },
        { filter: 'later/#', enabled: false },
        { filter: '$share/g/jobs', qos: 0 }, // MQTT 3.1.1: refused unless asked to subscribe literally
      ],
    });
    expect(profile.subscriptions.map((s) => [s.filter, s.enabled])).toEqual([
      ['plant/#', true],
      ['$SYS/broker/uptime', true],
      ['later/#', false],
      ['$share/g/jobs', true],
    ]);
    const connected = await wb.call('profiles.connect', { id: profile.id });
    expect(connected.subscribeFailures.map((f) => [f.filter, f.error.code])).toEqual([['$share/g/jobs', 'SHARED_SUBSCRIPTION_UNSUPPORTED']]);
    const [summary] = await wb.call('connections.list', {});
    expect(summary!.subscriptions.map((s) => [s.filter, s.qos, s.grantedQos])).toEqual([
      ['plant/#', 1, 1],
      ['$SYS/broker/uptime', 0, 0],
    ]);
  });

  it('a save without subscriptions keeps them; export carries them; a Workbench import brings them back', async () => {
    const wb = openCore(newDataDir());
    const profile = await wb.call('profiles.save', { name: 'kept', folder: '', options: options(), subscriptions: [{ filter: 'a/#', qos: 2, noLocal: true }] });
    const renamed = await wb.call('profiles.save', { id: profile.id, name: 'kept too', folder: '', options: options() });
    expect(renamed.subscriptions).toEqual(profile.subscriptions);
    const { json } = await wb.call('profiles.export', {});
    expect(JSON.parse(json).profiles[0].subscriptions).toEqual(profile.subscriptions);
    const other = openCore(newDataDir());
    const report = await other.call('profiles.import', { format: 'workbench', content: json });
    expect(report.imported[0]!.subscriptions).toEqual(profile.subscriptions);
  });

  it('refuses an invalid saved filter with the field named', async () => {
    const wb = openCore(newDataDir());
    const result = await wb.attempt('profiles.save', { name: 'bad', folder: '', options: options(), subscriptions: [{ filter: 'a/#/b' }] });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('a profile marked "connect on launch" connects and subscribes again after a restart of the core', async () => {
    const dataDir = newDataDir();
    const first = openCore(dataDir);
    await first.call('profiles.save', { name: 'always', folder: '', options: options(), connectOnLaunch: true, subscriptions: [{ filter: 'always/#', qos: 1 }] });
    await first.call('profiles.save', { name: 'sometimes', folder: '', options: options(), subscriptions: [{ filter: 'sometimes/#' }] });
    await first.core.close();
    cores.splice(cores.indexOf(first.core), 1);

    const second = openCore(dataDir, true);
    const up = await waitFor(
      () => second.statuses.find((s) => s.status === 'connected' && s.subscriptions.some((sub) => sub.filter === 'always/#')),
      'the launch connection with its subscription',
    );
    expect(up.name).toBe('always');
    // A page that did not open it still learns its profile from the host.
    expect(profileIdOfKey(up.connectionKey)).toBe((await second.call('profiles.list', {})).profiles.find((p) => p.name === 'always')!.id);
    const list = await second.call('connections.list', {});
    expect(list.map((c) => c.name)).toEqual(['always']);
  });
});
