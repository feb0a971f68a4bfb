import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionOptions } from '../../shared/contract';
import { createProfileStore } from '../../main/core/profiles/profile-store';
import { createKeyFileCipher } from '../../main/core/secrets/key-file-cipher';
import { decodeMsgpack } from '../../shared/codecs/msgpack';
import { runCli, startCli } from '../support/cli-process';
import { useMosquitto } from '../support/fixtures';
import { runMosquittoPub, runMosquittoSub } from '../support/mosquitto';
import { useBuiltBroker } from '../support/built-broker';

const mosquitto = useMosquitto();
const secured = useMosquitto({ auth: { username: 'cli-user', password: 'cli-secret' } });
const ours = useBuiltBroker();
const scratch = mkdtempSync(join(tmpdir(), 'cli-pub-sub-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Starts `sub` and resolves once its SUBSCRIBE was acknowledged (it says so on stderr). */
async function subscribed(args: string[]) {
  const sub = startCli(['sub', ...args]);
  await sub.waitForLine(/^Subscribed to /, 'stderr');
  return sub;
}

const port = () => String(mosquitto.port);

describe('mqtt-workbench pub and sub', () => {
  it('round trip of a text message through mosquitto, printed with its topic (-v), exit 0 after -C', async () => {
    const sub = await subscribed(['-p', port(), '-t', 'rt/#', '-v', '-C', '1']);
    const pub = await runCli(['pub', '-p', port(), '-t', 'rt/one', '-m', 'hello there', '-q', '1']);
    expect(pub.code, pub.stderr).toBe(0);
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('rt/one hello there\n');
  });

  it('ndjson output parses line by line: text payloads, binary ones as {"$bytes"}, QoS, retain and MQTT 5 properties', async () => {
    const sub = await subscribed(['-p', port(), '-t', 'nd/#', '--output', 'ndjson', '-C', '3', '-q', '2']);
    expect((await runCli(['pub', '-p', port(), '-t', 'nd/json', '-m', '{"t": 21.5}', '--format', 'json', '-q', '2', '--content-type', 'application/json', '--user-property', 'site=berlin', '--user-property', 'line=2', '--response-topic', 'nd/reply', '--message-expiry', '300'])).code).toBe(0);
    expect((await runCli(['pub', '-p', port(), '-t', 'nd/hex', '-m', 'ff 00 fe', '--format', 'hex', '-q', '1'])).code).toBe(0);
    expect((await runCli(['pub', '-p', port(), '-t', 'nd/b64', '-m', 'aGk=', '--format', 'base64'])).code).toBe(0);
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      topic: 'nd/json',
      payload: '{"t": 21.5}',
      qos: 2,
      retain: false,
      properties: { contentType: 'application/json', responseTopic: 'nd/reply', userProperties: [{ key: 'site', value: 'berlin' }, { key: 'line', value: '2' }] },
    });
    expect((lines[0]!.properties as { messageExpiryInterval: number }).messageExpiryInterval).toBeGreaterThan(290);
    expect(lines[1]).toMatchObject({ topic: 'nd/hex', payload: { $bytes: Buffer.from([0xff, 0x00, 0xfe]).toString('base64') }, qos: 1 });
    expect(lines[2]).toMatchObject({ topic: 'nd/b64', payload: 'hi', qos: 0 });
  });

  it('msgpack and cbor are encoded from JSON text; mosquitto_sub receives the exact bytes', async () => {
    const peer = runMosquittoSub(['-h', '127.0.0.1', '-p', port(), '-t', 'mp/x', '-C', '1', '-N'], { signalSubscribed: true });
    await peer.subscribed;
    expect((await runCli(['pub', '-p', port(), '-t', 'mp/x', '-m', '{"a":[1,2]}', '--format', 'msgpack'])).code).toBe(0);
    expect(decodeMsgpack(new Uint8Array((await peer.done).stdout))).toEqual({ a: [1, 2] });
    const bad = await runCli(['pub', '-p', port(), '-t', 'mp/x', '-m', '{"a":', '--format', 'cbor']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid cbor/);
  });

  it('stdin whole (-s) is one message; -l sends one message per line, skipping empty lines', async () => {
    const sub = await subscribed(['-p', port(), '-t', 'in/#', '-v', '-C', '4']);
    expect((await runCli(['pub', '-p', port(), '-t', 'in/whole', '-s'], { input: 'line a\nline b' })).code).toBe(0);
    const lines = await runCli(['pub', '-p', port(), '-t', 'in/lines', '-l', '-q', '1'], { input: 'first\n\nsecond\nthird\n' });
    expect(lines.code, lines.stderr).toBe(0);
    const result = await sub.done;
    // The whole message holds a newline, so its output spans two lines.
    expect(result.stdout).toBe('in/whole line a\nline b\nin/lines first\nin/lines second\nin/lines third\n');
  });

  it('-f sends a file\'s bytes; --repeat sends it again; --file writes the ndjson there', async () => {
    const input = join(scratch, 'blob.bin');
    writeFileSync(input, Buffer.from([0, 1, 2, 250]));
    const outFile = join(scratch, 'out.ndjson');
    const sub = await subscribed(['-p', port(), '-t', 'file/x', '--output', 'json', '-C', '3', '--file', outFile]);
    expect((await runCli(['pub', '-p', port(), '-t', 'file/x', '-f', input, '--repeat', '3', '--interval', '5', '-q', '1'])).code).toBe(0);
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const lines = readFileSync(outFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { payload: unknown });
    expect(lines.map((l) => l.payload)).toEqual(Array(3).fill({ $bytes: Buffer.from([0, 1, 2, 250]).toString('base64') }));
  });

  it('-W: exit 1 when nothing arrived in time; exit 0 when messages came and no -C was asked', async () => {
    const empty = await runCli(['sub', '-p', port(), '-t', 'quiet/#', '-W', '1']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/Timed out after 1 s with 0 of a message/);
    // Long enough for the publisher's start on a busy machine: the command still waits it out.
    const sub = await subscribed(['-p', port(), '-t', 'some/#', '-W', '4']);
    expect((await runMosquittoPub(['-h', '127.0.0.1', '-p', port(), '-t', 'some/x', '-m', 'm'])).code).toBe(0);
    await sub.waitForLine(/^m$/);
    expect((await sub.done).code).toBe(0);
    const short = await subscribed(['-p', port(), '-t', 'few/#', '-W', '1', '-C', '2']);
    expect((await runCli(['pub', '-p', port(), '-t', 'few/x', '-m', 'only one'])).code).toBe(0);
    expect((await short.done).code).toBe(1);
  });

  it('a reader that goes away (| head -1) ends sub quietly with exit 0', async () => {
    const sub = await subscribed(['-p', port(), '-t', 'pipe/#']);
    expect((await runCli(['pub', '-p', port(), '-t', 'pipe/a', '-m', 'first'])).code).toBe(0);
    await sub.waitForLine(/^first$/);
    sub.child.stdout.destroy();
    // Several, so one write surely meets the closed pipe.
    expect((await runCli(['pub', '-p', port(), '-t', 'pipe/b', '-m', 'second', '--repeat', '3'])).code).toBe(0);
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/EPIPE/);
  });

  it('exit 3 when nothing listens or the credentials are wrong; exit 2 on a usage error', async () => {
    const refused = await runCli(['pub', '-p', '1', '-t', 'x', '-m', 'y']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/Could not connect/);
    const denied = await runCli(['pub', '-p', String(secured.port), '-u', 'cli-user', '-P', 'wrong', '-t', 'x', '-m', 'y']);
    expect(denied.code).toBe(3);
    expect((await runCli(['pub', '-p', port(), '-t', 'x'])).code).toBe(2); // no message source
    expect((await runCli(['pub', '-p', port(), '-t', 'x', '-m', 'y', '-q', '3'])).code).toBe(2);
    expect((await runCli(['sub', '--no-such-flag'])).code).toBe(2);
    const help = await runCli(['pub', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/3 {2}could not connect/);
  });

  it('--profile uses a saved profile with its stored password, and its codec rule fills "decoded"', async () => {
    const dataDir = join(scratch, 'data');
    const store = createProfileStore(join(dataDir, 'profiles.db'), createKeyFileCipher(join(dataDir, 'secrets.key')));
    store.save({
      name: 'Secured bench',
      folder: '',
      options: connectionOptions.parse({ protocol: 'mqtt', host: '127.0.0.1', port: secured.port, username: 'cli-user', password: 'cli-secret', protocolVersion: 5 }),
      codecs: { rules: [{ id: 'mp', name: 'Packed telemetry', enabled: true, filter: 'packed/#', encoding: 'none', format: { kind: 'msgpack' } }], schemas: [] },
      subscriptions: [
        { filter: 'packed/#', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0, enabled: true },
        { filter: 'switched/off/#', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0, enabled: false },
      ],
    });
    store.close();
    const profile = ['--profile', 'Secured bench', '--data-dir', dataDir];
    // No -t: the profile's saved subscriptions that are switched on.
    const sub = startCli(['sub', ...profile, '--output', 'ndjson', '-C', '1']);
    expect(await sub.waitForLine(/^Subscribed to /, 'stderr')).toBe('Subscribed to packed/#');
    const pub = await runCli(['pub', ...profile, '-t', 'packed/m1', '-m', '{"temp":20}', '--format', 'msgpack']);
    expect(pub.code, pub.stderr).toBe(0);
    const result = await sub.done;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ topic: 'packed/m1', qos: 0, decoded: { rule: 'Packed telemetry', format: 'msgpack', value: { temp: 20 } } });
    const unknown = await runCli(['pub', '--profile', 'Nope', '--data-dir', dataDir, '-t', 'x', '-m', 'y']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No profile named "Nope".*Secured bench/);
  });

  it('round trip through our own broker (npm run broker), MQTT 3.1.1', async () => {
    const sub = await subscribed(['-p', String(ours.port), '-V', '311', '-t', 'ours/#', '-q', '1', '--output', 'ndjson', '-C', '1']);
    expect((await runCli(['pub', '-p', String(ours.port), '-V', '311', '-t', 'ours/a', '-m', 'to our broker', '-q', '1', '-r'])).code).toBe(0);
    const result = await sub.done;
    expect(JSON.parse(result.stdout)).toMatchObject({ topic: 'ours/a', payload: 'to our broker', qos: 1 });
  });
});
