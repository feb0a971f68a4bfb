import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import type { CodecSettings, RequestChannel, RequestInput, RequestOutput, Result } from '../../shared/contract';

/**
 * The codecs domain through the real core: global rules kept in the data folder, rules kept with
 * a profile (saved, duplicated, exported and imported with it), refused when a schema is missing,
 * and payloads decoded and encoded with the rules in scope.
 */
const dirs: string[] = [];
const cores: WorkbenchCore[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((core) => core.close()));
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-codecs-'));
  dirs.push(dir);
  return dir;
}

function openCore(dir?: string) {
  const core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test', ...(dir ? { dataDir: dir } : {}) });
  cores.push(core);
  const attempt = <C extends RequestChannel>(channel: C, input: RequestInput<C>) => core.dispatcher.handle(channel, input) as Promise<Result<RequestOutput<C>>>;
  return {
    attempt,
    async call<C extends RequestChannel>(channel: C, input: RequestInput<C>): Promise<RequestOutput<C>> {
      const result = await attempt(channel, input);
      if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
      return result.value;
    },
  };
}

const GLOBAL: CodecSettings = {
  rules: [{ id: 'telemetry', name: 'Telemetry', enabled: true, filter: 'factory/+/telemetry', encoding: 'gzip', format: { kind: 'json' } }],
  schemas: [],
};
const options = { protocol: 'mqtt' as const, host: '127.0.0.1', port: 1883 };

describe('codecs: the global rules', () => {
  it('are kept in a 0600 file in the data folder and survive a restart', async () => {
    const dir = dataDir();
    const first = openCore(dir);
    expect(await first.call('codecs.getGlobal', {})).toEqual({ rules: [], schemas: [] });
    expect(await first.call('codecs.setGlobal', GLOBAL)).toEqual(GLOBAL);
    expect(statSync(join(dir, 'codecs.json')).mode & 0o777).toBe(0o600);
    await cores.pop()!.close();
    expect(await openCore(dir).call('codecs.getGlobal', {})).toEqual(GLOBAL);
  });

  it('set a damaged file aside and start with none', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'codecs.json'), '{"rules": [{"id": ');
    expect(await openCore(dir).call('codecs.getGlobal', {})).toEqual({ rules: [], schemas: [] });
    expect(readFileSync(join(dir, 'codecs.json.damaged'), 'utf8')).toBe('{"rules": [{"id": ');
  });

  it('refuse a rule naming a schema that is not there, keeping what they had', async () => {
    const core = openCore();
    await core.call('codecs.setGlobal', GLOBAL);
    const refused = await core.attempt('codecs.setGlobal', {
      rules: [{ id: 'p', filter: '#', format: { kind: 'avro', schemaId: 'gone', wire: 'datum' } }],
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CODEC_SCHEMA_INVALID', message: 'Rule "p" names schema "gone", which is not there' } });
    expect(await core.call('codecs.getGlobal', {})).toEqual(GLOBAL);
  });

  it('check a schema without saving it: its message types, or where it is wrong', async () => {
    const core = openCore();
    const good = { id: 'p', kind: 'protobuf' as const, name: 'P', files: [{ name: 'p.proto', text: 'syntax = "proto3";\npackage p;\nmessage A { int32 x = 1; }\nmessage B { A a = 1; }\n' }] };
    expect(await core.call('codecs.checkSchema', { schema: good })).toEqual({ messageTypes: ['p.A', 'p.B'], problems: [] });
    const bad = { ...good, files: [{ name: 'p.proto', text: 'syntax = "proto3";\nmessage A {\n  int32 = 1;\n}\n' }] };
    const checked = await core.call('codecs.checkSchema', { schema: bad });
    expect(checked.messageTypes).toEqual([]);
    expect(checked.problems).toEqual([expect.objectContaining({ file: 'p.proto', line: 3 })]);
    const refused = await core.attempt('codecs.setGlobal', { rules: [], schemas: [bad] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CODEC_SCHEMA_INVALID', message: expect.stringMatching(/^Schema "P" does not compile: p\.proto:3:\d+: /) } });
  });

  it('decode and encode a payload of a topic they cover, and answer null for one they do not', async () => {
    const core = openCore();
    await core.call('codecs.setGlobal', GLOBAL);
    const payload = gzipSync('{"temperature":21.5,"unit":"C"}');
    const { decoded } = await core.call('codecs.decode', { topic: 'factory/7/telemetry', payload });
    expect(decoded).toEqual({ ruleId: 'telemetry', ruleName: 'Telemetry', format: 'gzip+json', json: true, text: '{\n  "temperature": 21.5,\n  "unit": "C"\n}' });
    expect(await core.call('codecs.decode', { topic: 'office/7', payload })).toEqual({ decoded: null });
    const encoded = await core.call('codecs.encode', { ruleId: 'telemetry', text: '{"temperature": 22}' });
    expect(encoded.ok).toBe(true);
    if (encoded.ok) expect(gunzipSync(encoded.payload).toString()).toBe('{"temperature": 22}');
    expect(await core.attempt('codecs.encode', { ruleId: 'nope', text: '{}' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await core.attempt('codecs.decode', { topic: 'x', messageId: 3 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

describe('codecs: a profile rules', () => {
  const profileCodecs: CodecSettings = {
    rules: [{ id: 'line', name: 'Line', enabled: true, filter: 'factory/line/telemetry', encoding: 'none', format: { kind: 'text' } }],
    schemas: [],
  };

  it('are saved, kept when omitted, duplicated, and come before the global ones', async () => {
    const core = openCore();
    await core.call('codecs.setGlobal', GLOBAL);
    const saved = await core.call('profiles.save', { name: 'Plant', options, codecs: profileCodecs });
    expect(saved.codecs).toEqual(profileCodecs);
    const renamed = await core.call('profiles.save', { id: saved.id, name: 'Plant A', options });
    expect(renamed.codecs).toEqual(profileCodecs);
    expect((await core.call('profiles.duplicate', { id: saved.id })).codecs).toEqual(profileCodecs);
    const payload = new TextEncoder().encode('plain');
    expect((await core.call('codecs.decode', { profileId: saved.id, topic: 'factory/line/telemetry', payload })).decoded).toMatchObject({ ruleId: 'line', text: 'plain' });
    // Changed rules apply from the next decode on.
    await core.call('profiles.save', { id: saved.id, name: 'Plant A', options, codecs: { rules: [], schemas: [] } });
    expect((await core.call('codecs.decode', { profileId: saved.id, topic: 'factory/line/telemetry', payload: gzipSync('1') })).decoded).toMatchObject({ ruleId: 'telemetry', text: '1' });
    expect(await core.attempt('codecs.decode', { profileId: 'missing', topic: 'a', payload })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('are refused when a rule names a missing schema', async () => {
    const core = openCore();
    const refused = await core.attempt('profiles.save', {
      name: 'Bad',
      options,
      codecs: { rules: [{ id: 'r', filter: '#', format: { kind: 'protobuf', schemaId: 's', messageType: 'a.B' } }], schemas: [] },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CODEC_SCHEMA_INVALID' } });
    expect((await core.call('profiles.list', {})).profiles).toEqual([]);
  });

  it('travel in our export file to another workbench', async () => {
    const source = openCore();
    await source.call('profiles.save', { name: 'Plant', options, codecs: profileCodecs });
    await source.call('profiles.save', { name: 'Office', options });
    const { json } = await source.call('profiles.export', {});
    const target = openCore(dataDir());
    const report = await target.call('profiles.import', { format: 'auto', content: json });
    expect(report.imported.map((p) => [p.name, p.codecs])).toEqual([
      ['Office', { rules: [], schemas: [] }],
      ['Plant', profileCodecs],
    ]);
    // A file whose rules cannot be saved still brings its profile, without them, and says so.
    const broken = JSON.parse(json) as { profiles: { name: string; codecs: CodecSettings }[] };
    broken.profiles[1]!.codecs.rules[0]!.jsonSchemaId = 'missing';
    const again = await target.call('profiles.import', { format: 'auto', content: JSON.stringify(broken), onSameName: 'update' });
    expect(again.updated.find((p) => p.name === 'Plant')?.codecs).toEqual(profileCodecs);
    expect(again.notes).toEqual([{ name: 'Plant', note: 'Codec rules were not imported: Rule "Line" names schema "missing", which is not there' }]);
  });
});
