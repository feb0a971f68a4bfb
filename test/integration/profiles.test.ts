import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import type { ImportReport, Profile, RequestChannel, RequestOutput } from '../../shared/contract';
import { useMosquitto } from '../support/fixtures';

const USER = 'operator';
const PASSWORD = 'pa55-w0rd-unique-7731';
const broker = useMosquitto({ auth: { username: USER, password: PASSWORD } });
const dirs: string[] = [];
const cores: WorkbenchCore[] = [];

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close()));
});

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-data-'));
  dirs.push(dir);
  return dir;
}

function openCore(dataDir: string) {
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', dataDir });
  cores.push(core);
  return {
    core,
    async call<C extends RequestChannel>(channel: C, input: unknown): Promise<RequestOutput<C>> {
      const result = await core.dispatcher.handle(channel, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value as RequestOutput<C>;
    },
    attempt: (channel: RequestChannel, input: unknown) => core.dispatcher.handle(channel, input),
  };
}

const brokerOptions = () => ({ protocol: 'mqtt', host: '127.0.0.1', port: broker.port, username: USER, password: PASSWORD, protocolVersion: 5 });

describe('connection profiles with secrets kept safe', () => {
  it('saves a profile, never returns its password, and connects with the stored secret', async () => {
    const dataDir = newDataDir();
    const wb = openCore(dataDir);
    const saved = await wb.call('profiles.save', { name: 'Plant broker', folder: 'Plant A/Line 2', color: '#ff8800', options: brokerOptions() });
    expect(saved).toMatchObject({ name: 'Plant broker', folder: 'Plant A/Line 2', color: '#ff8800', secrets: { password: true, tlsKey: false } });
    const listed = await wb.call('profiles.list', {});
    expect(JSON.stringify(listed)).not.toContain(PASSWORD);
    expect(listed.secretsProtection).toMatch(/key file/);
    expect(listed.osProtected).toBe(false);
    const { connectionId } = await wb.call('profiles.connect', { id: saved.id });
    expect((await wb.call('connections.list', {}))[0]).toMatchObject({ connectionId, status: 'connected', name: 'Plant broker' });
  });

  it('encrypts secrets at rest with a key file only the user can read', async () => {
    const dataDir = newDataDir();
    const wb = openCore(dataDir);
    await wb.call('profiles.save', { name: 'p', options: brokerOptions() });
    await wb.core.close();
    const keyMode = statSync(join(dataDir, 'secrets.key')).mode & 0o777;
    expect(keyMode).toBe(0o600);
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('profiles.db'))) {
      expect(readFileSync(join(dataDir, file)).includes(Buffer.from(PASSWORD))).toBe(false);
    }
  });

  it('keeps secrets across restarts, keeps them on an edit without a password, and clears them on request', async () => {
    const dataDir = newDataDir();
    let wb = openCore(dataDir);
    const saved = await wb.call('profiles.save', { name: 'p', options: brokerOptions() });
    await wb.core.close();
    wb = openCore(dataDir);
    const { username: _u, password: _p, ...withoutSecret } = brokerOptions();
    const edited = await wb.call('profiles.save', { id: saved.id, name: 'renamed', options: { ...withoutSecret, username: USER } });
    expect(edited.secrets.password).toBe(true);
    expect(edited.createdAt).toBe(saved.createdAt);
    const { connectionId } = await wb.call('profiles.connect', { id: saved.id });
    await wb.call('connections.disconnect', { connectionId });
    const cleared = await wb.call('profiles.save', { id: saved.id, name: 'renamed', options: { ...withoutSecret, username: USER }, clearSecrets: ['password'] });
    expect(cleared.secrets.password).toBe(false);
    const refused = await wb.attempt('profiles.connect', { id: saved.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
  });

  it('keeps a SCRAM profile editable without retyping the stored password, and refuses one that has none', async () => {
    const wb = openCore(newDataDir());
    const scram = { ...brokerOptions(), enhancedAuth: { method: 'SCRAM-SHA-256' } };
    const saved = await wb.call('profiles.save', { name: 'scram', options: scram });
    const { password: _p, ...withoutPassword } = scram;
    const edited = await wb.call('profiles.save', { id: saved.id, name: 'scram 2', options: withoutPassword });
    expect(edited.secrets.password).toBe(true);
    expect(await wb.attempt('profiles.save', { name: 'new scram', options: withoutPassword })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
  });

  it('says clearly when a stored secret cannot be decrypted any more (key file replaced)', async () => {
    const dataDir = newDataDir();
    let wb = openCore(dataDir);
    const saved = await wb.call('profiles.save', { name: 'p', options: brokerOptions() });
    await wb.core.close();
    rmSync(join(dataDir, 'secrets.key'));
    wb = openCore(dataDir);
    const result = await wb.attempt('profiles.connect', { id: saved.id });
    expect(result).toMatchObject({ ok: false, error: { code: 'SECRET_UNREADABLE' } });
    if (!result.ok) expect(result.error.message).toMatch(/Enter it again/);
  });

  it('duplicates a profile with its secrets, and deletes one', async () => {
    const wb = openCore(newDataDir());
    const saved = await wb.call('profiles.save', { name: 'orig', options: brokerOptions() });
    const copy = await wb.call('profiles.duplicate', { id: saved.id });
    expect(copy).toMatchObject({ name: 'orig (copy)', secrets: { password: true } });
    expect(copy.id).not.toBe(saved.id);
    await wb.call('profiles.delete', { id: saved.id });
    expect((await wb.call('profiles.list', {})).profiles.map((p: Profile) => p.id)).toEqual([copy.id]);
    expect(await wb.attempt('profiles.delete', { id: saved.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('exports without secrets and imports its own export back, bytes included', async () => {
    const wb = openCore(newDataDir());
    const ca = Uint8Array.from([0x2d, 0x2d, 0x2d, 0x00, 0xff]);
    await wb.call('profiles.save', {
      name: 'tls one',
      folder: 'f',
      options: { ...brokerOptions(), protocol: 'mqtts', tls: { ca: [ca], key: Uint8Array.from([1, 2, 3]), passphrase: 'pp' } },
    });
    const { json } = await wb.call('profiles.export', {});
    expect(json).not.toContain(PASSWORD);
    expect(json).not.toContain('"passphrase"');
    expect(JSON.parse(json)).toMatchObject({ format: 'mqtt-workbench-profiles', version: 1 });
    const other = openCore(newDataDir());
    const report: ImportReport = await other.call('profiles.import', { format: 'workbench', content: json });
    expect(report.skipped).toEqual([]);
    expect(report.imported).toHaveLength(1);
    expect(report.imported[0]).toMatchObject({ name: 'tls one', folder: 'f', secrets: { password: false, tlsKey: false } });
    expect([...report.imported[0]!.options.tls!.ca![0]!]).toEqual([...ca]);
  });

  it("imports MQTTX's export, reporting what it could not take", async () => {
    const wb = openCore(newDataDir());
    const mqttx = [
      {
        id: 'x1',
        name: 'EMQX cloud',
        clientId: 'mqttx_1',
        host: 'broker.example.com',
        port: 8883,
        protocol: 'mqtts',
        ssl: true,
        certType: 'self',
        ca: '/home/me/ca.pem',
        rejectUnauthorized: false,
        username: 'u',
        password: 'p',
        clean: false,
        keepalive: 30,
        connectTimeout: 4,
        reconnect: true,
        mqttVersion: '5.0',
        properties: { sessionExpiryInterval: 300, receiveMaximum: 10, userProperties: { site: 'a' } },
        will: { lastWillTopic: 'dev/offline', lastWillPayload: 'bye', lastWillQos: 1, lastWillRetain: true, properties: { willDelayInterval: 5 } },
        subscriptions: [
          { topic: 'a/#', qos: 0 },
          { topic: 'b/+/c', qos: 2, disabled: true, nl: true, rap: true, rh: 1, subscriptionIdentifier: 7 },
          { topic: 'bad/#/x', qos: 1 },
        ],
      },
      { id: 'x2', name: 'Old', host: 'legacy.local', port: 1883, mqttVersion: '3.1.1', path: 'mqtt', protocol: 'ws' },
      { id: 'x3', name: 'Broken', port: 1 },
    ];
    const report = await wb.call('profiles.import', { format: 'mqttx', content: JSON.stringify(mqttx) });
    expect(report.imported.map((p) => p.name)).toEqual(['EMQX cloud', 'Old']);
    expect(report.skipped).toEqual([{ name: 'Broken', reason: 'No host' }]);
    const cloud = report.imported[0]!;
    expect(cloud.options).toMatchObject({
      protocol: 'mqtts',
      host: 'broker.example.com',
      clientId: 'mqttx_1',
      clean: false,
      keepaliveSeconds: 30,
      connectTimeoutMs: 4000,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 300, receiveMaximum: 10, userProperties: [{ key: 'site', value: 'a' }] },
      will: { topic: 'dev/offline', qos: 1, retain: true, properties: { willDelayInterval: 5 } },
      tls: { rejectUnauthorized: false },
    });
    expect(cloud.secrets.password).toBe(true);
    const notes = report.notes.filter((n) => n.name === 'EMQX cloud').map((n) => n.note);
    expect(notes.some((n) => n.includes('Certificate files'))).toBe(true);
    // MQTTX keeps subscriptions per connection: they come along, options and on/off included.
    expect(cloud.subscriptions).toEqual([
      { filter: 'a/#', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0, enabled: true },
      { filter: 'b/+/c', qos: 2, noLocal: true, retainAsPublished: true, retainHandling: 1, subscriptionIdentifier: 7, enabled: false },
    ]);
    expect(notes.some((n) => n.startsWith('Subscription "bad/#/x" was not imported'))).toBe(true);
    expect(report.imported[1]!.options).toMatchObject({ protocol: 'ws', path: '/mqtt', protocolVersion: 4 });
  });

  it("imports MQTT Explorer's settings file with its embedded certificates", async () => {
    const wb = openCore(newDataDir());
    const settings = {
      ConnectionManager_connections: {
        'id-1': {
          id: 'id-1',
          type: 'mqtt',
          name: 'home',
          host: 'nas.local',
          port: 8884,
          protocol: 'ws',
          basePath: 'ws',
          encryption: true,
          certValidation: true,
          username: 'me',
          password: 'secret',
          selfSignedCertificate: { name: 'ca.crt', data: Buffer.from('CA-PEM').toString('base64') },
          subscriptions: [{ topic: '#', qos: 0 }],
        },
      },
    };
    const report = await wb.call('profiles.import', { format: 'mqtt-explorer', content: JSON.stringify(settings) });
    expect(report.imported).toHaveLength(1);
    expect(report.imported[0]!.options).toMatchObject({ protocol: 'wss', host: 'nas.local', port: 8884, path: '/ws', protocolVersion: 4 });
    expect(Buffer.from(report.imported[0]!.options.tls!.ca![0]!).toString()).toBe('CA-PEM');
    expect(report.imported[0]!.secrets.password).toBe(true);
    expect(report.imported[0]!.subscriptions.map((s) => [s.filter, s.qos, s.enabled])).toEqual([['#', 0, true]]);
  });

  it('answers a file that is not the chosen format with IMPORT_INVALID', async () => {
    const wb = openCore(newDataDir());
    expect(await wb.attempt('profiles.import', { format: 'mqttx', content: '{not json' })).toMatchObject({ ok: false, error: { code: 'IMPORT_INVALID' } });
    expect(await wb.attempt('profiles.import', { format: 'workbench', content: '{"format":"other"}' })).toMatchObject({
      ok: false,
      error: { code: 'IMPORT_INVALID' },
    });
  });

  it('moves a corrupt profiles database aside and starts fresh', async () => {
    const dataDir = newDataDir();
    writeFileSync(join(dataDir, 'profiles.db'), Buffer.from('this is not a database at all, just junk bytes'.repeat(200)));
    const wb = openCore(dataDir);
    expect((await wb.call('profiles.list', {})).profiles).toEqual([]);
    expect(readdirSync(dataDir).some((f) => f.startsWith('profiles.db.corrupt-'))).toBe(true);
    expect(existsSync(join(dataDir, 'profiles.db'))).toBe(true);
  });
});
