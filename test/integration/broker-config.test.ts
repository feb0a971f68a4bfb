import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBrokerFromArgs } from '../../main/core/broker/cli';
import { parsePasswordFile, passwordMatches } from '../../main/core/broker/config/password-file';
import { limitsFromForm } from '../../renderer/model/broker-limits';
import { createCoreHarness } from '../support/core-harness';
import { type Mosquitto, requireProgram, startMosquitto } from '../support/mosquitto';
import { RawClient } from '../support/raw-mqtt-client';

// Issue 13: the broker configured like mosquitto. A real mosquitto_passwd file, an ACL file, and the
// same configuration loaded by real mosquitto in a differential test.

let dir: string;
let passwordFile: string;
let aclFile: string;
const running: RunningBroker[] = [];
const mosquittos: Mosquitto[] = [];

const ACL = [
  '# anonymous clients',
  'topic read pub/#',
  'topic write anon/in',
  'user alice',
  'topic read a/#',
  'topic deny a/secret',
  'topic write w/+',
  'topic readwrite rw/x',
  'user bob',
  'topic readwrite b/#',
  'user admin',
  'topic readwrite #',
  'pattern readwrite own/%u/#',
  'pattern read end/%c',
  '',
].join('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-broker-config-'));
  chmodSync(dir, 0o755); // mosquitto, started as root, reads these files as its own user
  passwordFile = join(dir, 'passwords');
  const passwd = requireProgram('mosquitto_passwd', 'mosquitto');
  execFileSync(passwd, ['-b', '-c', passwordFile, 'alice', 'secret']); // $7$ (PBKDF2-SHA512), the default
  execFileSync(passwd, ['-H', 'sha512', '-b', passwordFile, 'bob', 'hunter2']); // $6$ (salted SHA-512)
  execFileSync(passwd, ['-b', passwordFile, 'admin', 'root pw']);
  aclFile = join(dir, 'acl');
  writeFileSync(aclFile, ACL);
  chmodSync(passwordFile, 0o644);
  chmodSync(aclFile, 0o644);
});

afterAll(async () => {
  for (const r of running) await r.stop();
  for (const m of mosquittos) await m.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a config file (lines joined) and returns its path. */
function configFile(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  chmodSync(file, 0o644);
  return file;
}

async function ours(argv: string[]): Promise<{ running: RunningBroker; port: number; wsPort?: number }> {
  const r = await startBrokerFromArgs(argv);
  running.push(r);
  const port = Number(/mqtt:\/\/[^ ]+:(\d+)/.exec(r.line)![1]);
  const ws = /ws:\/\/[^ ]+:(\d+)/.exec(r.line);
  return { running: r, port, ...(ws ? { wsPort: Number(ws[1]) } : {}) };
}

const authLines = (port: number) => ['per_listener_settings false', 'allow_anonymous true', `password_file ${passwordFile}`, `acl_file ${aclFile}`, `listener ${port} 127.0.0.1`];

describe('password_file: files made by Debian mosquitto_passwd', () => {
  it('reads $7$ (PBKDF2-SHA512) and $6$ (salted SHA-512) hashes and verifies them with node:crypto', () => {
    const text = readFileSync(passwordFile, 'utf8');
    expect(text).toMatch(/^alice:\$7\$101\$/m);
    expect(text).toMatch(/^bob:\$6\$/m);
    const users = parsePasswordFile(text, passwordFile);
    expect(passwordMatches(users.get('alice')!, Buffer.from('secret'))).toBe(true);
    expect(passwordMatches(users.get('alice')!, Buffer.from('Secret'))).toBe(false);
    expect(passwordMatches(users.get('bob')!, Buffer.from('hunter2'))).toBe(true);
    expect(passwordMatches(users.get('bob')!, Buffer.from('hunter3'))).toBe(false);
  });

  it('our broker started with --config accepts the right passwords and refuses wrong ones (v5 0x86, 3.1.1 0x04), anonymous per allow_anonymous', async () => {
    const closed = await ours(['--config', configFile('closed.conf', [`password_file ${passwordFile}`, 'listener 0 127.0.0.1'])]);
    await (await RawClient.connected(closed.port, { username: 'alice', password: Buffer.from('secret') })).disconnect();
    await (await RawClient.connected(closed.port, { username: 'bob', password: Buffer.from('hunter2') }, 4)).disconnect();
    for (const [version, packet, code] of [
      [5, { username: 'alice', password: Buffer.from('wrong') }, 0x86],
      [5, { username: 'nobody', password: Buffer.from('secret') }, 0x86],
      [4, { username: 'bob', password: Buffer.from('hunter') }, 0x04],
      [5, {}, 0x87], // allow_anonymous defaults to false with listeners and a password file (mosquitto 2)
    ] as const) {
      const c = await RawClient.open(closed.port, version);
      c.sendPacket({ cmd: 'connect', clientId: `x${code}`, ...packet });
      const connack = await c.expect('connack');
      expect(version === 5 ? connack.reasonCode : connack.returnCode).toBe(code);
      await c.expectClose();
    }
  });
});

describe('differential: the same configuration in mosquitto and in our broker', () => {
  it('the same users and ACL give the same allow/deny results (connect, publish, delivery)', async () => {
    const m = await startMosquitto({ config: (port) => authLines(port).join('\n') + '\n' });
    mosquittos.push(m);
    const our = await ours(['--config', configFile('same.conf', authLines(0))]);

    const topics = ['pub/x', 'anon/in', 'a/b', 'a/secret', 'w/1', 'rw/x', 'b/1', 'own/alice/1', 'own/bob/1', 'x/y'];
    const principals = [
      { name: 'alice', login: { username: 'alice', password: Buffer.from('secret') } },
      { name: 'bob', login: { username: 'bob', password: Buffer.from('hunter2') } },
      { name: 'anonymous', login: {} },
    ];

    async function observe(port: number): Promise<Record<string, unknown>> {
      const out: Record<string, unknown> = {};
      for (const [who, login] of [
        ['alice, wrong password', { username: 'alice', password: Buffer.from('nope') }],
        ['bob, wrong password', { username: 'bob', password: Buffer.from('hunter2 ') }],
        ['unknown user', { username: 'carol', password: Buffer.from('x') }],
      ] as const) {
        const c = await RawClient.open(port, 5);
        c.sendPacket({ cmd: 'connect', clientId: 'refused', ...login });
        out[`${who} connects`] = (await c.expect('connack')).reasonCode === 0;
        c.end();
      }
      const admin = await RawClient.connected(port, { clientId: 'admin-1', username: 'admin', password: Buffer.from('root pw') });
      for (const { name, login } of principals) {
        const clientId = `${name}-1`;
        const c = await RawClient.connected(port, { clientId, ...login });
        const writes: string[] = [];
        for (let i = 0; i < topics.length; i++) {
          c.publish(topics[i]!, 'w', 1, { messageId: i + 1 });
          const ack = await c.expect('puback');
          if (Number(ack.reasonCode ?? 0) < 0x80) writes.push(topics[i]!);
        }
        out[`${name} may publish`] = writes;
        await c.subscribe('#', 0);
        for (const topic of topics) admin.publish(topic, 'r', 0);
        admin.publish(`end/${clientId}`, 'end', 0); // readable through "pattern read end/%c"; QoS 0 keeps the order
        const reads: string[] = [];
        for (;;) {
          const got = await c.expect('publish');
          if (got.topic === `end/${clientId}`) break;
          reads.push(got.topic as string);
        }
        out[`${name} receives`] = reads;
        await c.disconnect();
      }
      await admin.disconnect();
      return out;
    }

    const theirs = await observe(m.port);
    const mine = await observe(our.port);
    expect(mine).toEqual(theirs);
    // and what they agree on is what the ACL says
    expect(mine).toMatchObject({
      'alice, wrong password connects': false,
      'unknown user connects': false,
      'alice may publish': ['w/1', 'rw/x', 'own/alice/1'],
      'alice receives': ['a/b', 'rw/x', 'own/alice/1'],
      'bob may publish': ['b/1', 'own/bob/1'],
      'bob receives': ['b/1', 'own/bob/1'],
      'anonymous may publish': ['anon/in'],
      'anonymous receives': ['pub/x'],
    });
  });
});

describe('ACL refusals on the wire, counted', () => {
  it('(no ID) an ACL-refused SUBSCRIBE gets 0x87 (v5) / 0x80 (3.1.1); a refused PUBLISH gets 0x87 (v5) or is acked and dropped (3.1.1)', async () => {
    const our = await ours(['--config', configFile('acl.conf', authLines(0))]);
    const alice = { username: 'alice', password: Buffer.from('secret') };
    const c5 = await RawClient.connected(our.port, { clientId: 'acl5', ...alice });
    c5.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: ['a/#', 'b/#', 'a/secret', 'own/alice/#', 'own/bob/#'].map((topic) => ({ topic, qos: 1 })) });
    expect((await c5.expect('suback')).granted).toEqual([1, 0x87, 0x87, 1, 0x87]);
    c5.publish('a/b', 'no', 1, { messageId: 5 });
    expect((await c5.expect('puback')).reasonCode).toBe(0x87);
    const c4 = await RawClient.connected(our.port, { clientId: 'acl4', ...alice }, 4);
    c4.sendPacket({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'a/+', qos: 0 }, { topic: 'b/#', qos: 0 }] });
    expect((await c4.expect('suback')).granted).toEqual([0, 0x80]);
    c4.publish('a/c', 'dropped', 1, { messageId: 6 });
    expect([...(await c4.expect('puback')).raw]).toEqual([0x40, 0x02, 0x00, 0x06]);
    c4.publish('rw/x', 'kept', 0);
    // c5 reads a/#: the dropped a/c never arrives, rw/x is not in its subscriptions; own/alice/# is
    c4.publish('own/alice/z', 'mine', 0);
    expect((await c5.expect('publish')).topic).toBe('own/alice/z');
    await c5.expectNothing();
    const stats = our.running.broker.stats();
    expect(stats.deniedSubscribe).toBe(4);
    expect(stats.deniedPublish).toBe(2);
  });

  it('(no ID) a message matching a granted filter but not readable is not delivered (deny inside a/#), counted', async () => {
    const our = await ours(['--config', configFile('read.conf', authLines(0))]);
    const reader = await RawClient.connected(our.port, { clientId: 'reader', username: 'alice', password: Buffer.from('secret') });
    await reader.subscribe('a/#', 0);
    const admin = await RawClient.connected(our.port, { clientId: 'adm', username: 'admin', password: Buffer.from('root pw') });
    admin.publish('a/secret', 'no', 0);
    admin.publish('a/open', 'yes', 0);
    expect((await reader.expect('publish')).topic).toBe('a/open');
    expect(our.running.broker.stats().deniedDelivery).toBe(1);
  });
});

describe('configuration keys on the wire, from the file and as flags', () => {
  const limits = ['max_keepalive 30', 'max_inflight_messages 5', 'max_packet_size 2048', 'message_size_limit 10', 'retain_available false', 'max_queued_messages 7'];

  async function checkLimits(port: number): Promise<void> {
    const c = await RawClient.open(port, 5);
    c.sendPacket({ cmd: 'connect', clientId: 'limits', keepalive: 60 });
    const connack = await c.expect('connack');
    expect(connack.properties).toMatchObject({ serverKeepAlive: 30, receiveMaximum: 5, maximumPacketSize: 2048, retainAvailable: false });
    c.publish('size/a', '0123456789', 1, { messageId: 1 });
    expect((await c.expect('puback')).reasonCode).toBeLessThan(0x80);
    c.publish('size/a', '0123456789!', 1, { messageId: 2 });
    expect((await c.expect('puback')).reasonCode).toBe(0x97); // message_size_limit
    const within = await RawClient.open(port, 5);
    within.sendPacket({ cmd: 'connect', clientId: 'short', keepalive: 20 });
    expect((await within.expect('connack')).properties).not.toHaveProperty('serverKeepAlive'); // within max_keepalive
  }

  it('max_keepalive (Server Keep Alive), max_inflight_messages (Receive Maximum), max_packet_size, message_size_limit, retain_available; listener with protocol websockets; persistence accepted', async () => {
    const location = mkdtempSync(join(dir, 'store-'));
    const file = configFile('limits.conf', ['# limits', 'allow_anonymous true', 'listener 0 127.0.0.1', 'listener 0 127.0.0.1', 'protocol websockets', ...limits, 'persistence false', `persistence_location ${location}`]);
    const our = await ours(['--config', file]);
    expect(our.running.line).toMatch(/^Broker listening: mqtt:\/\/127\.0\.0\.1:\d+ ws:\/\/127\.0\.0\.1:\d+$/);
    await checkLimits(our.port);
    const ws = mqtt.connect(`ws://127.0.0.1:${our.wsPort}`, { protocolVersion: 5, reconnectPeriod: 0 });
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('connect', () => resolve());
        ws.once('error', reject);
      });
    } finally {
      ws.end(true);
    }
    const persistent = await ours(['--config', configFile('persist.conf', ['allow_anonymous true', 'listener 0 127.0.0.1', 'persistence true', `persistence_location ${location}`])]);
    expect(persistent.running.warnings).toEqual([]);
    await expect(startBrokerFromArgs(['--config', configFile('nowhere.conf', ['persistence true', `persistence_location ${join(dir, 'no-such-folder')}`])])).rejects.toThrow(/no-such-folder: persistence_location: does not exist/);
  });

  it('the same settings as flags', async () => {
    const flags = limits.flatMap((line) => {
      const [key, value] = line.split(' ');
      return [`--${key!.replace(/_/g, '-')}`, value!];
    });
    const our = await ours(['--port', '0', ...flags]);
    await checkLimits(our.port);
    await expect(startBrokerFromArgs(['--port', '0', '--max-keepalive', 'soon'])).rejects.toThrow(/^--max-keepalive: "soon" is not a whole number/);
  });
});

describe('the same limits in the Broker view (broker.start)', () => {
  it('the form gives mosquitto-named limits to broker.start, and the broker announces them in CONNACK', async () => {
    const form = {
      limits: { maxKeepalive: '30', maxInflightMessages: '5', maxQueuedMessages: '7', maxPacketSize: '2048', messageSizeLimit: '' },
      retainAvailable: false,
    };
    const { limits, problem } = limitsFromForm(form);
    expect(problem).toBeUndefined();
    expect(limits).toEqual({ maxKeepalive: 30, maxInflightMessages: 5, maxQueuedMessages: 7, maxPacketSize: 2048, retainAvailable: false });
    expect(limitsFromForm({ ...form, limits: { ...form.limits, maxPacketSize: '10' } }).problem).toMatch(/max_packet_size/);
    expect(limitsFromForm({ ...form, limits: { ...form.limits, maxKeepalive: '1.5' } }).problem).toMatch(/max_keepalive must be a whole number/);

    const harness = createCoreHarness();
    try {
      const refused = await harness.attempt('broker.start', { host: '127.0.0.1', port: 0, limits: { maxPacketSize: 10 } });
      expect(refused).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
      const started = await harness.call('broker.start', { host: '127.0.0.1', port: 0, limits });
      const c = await RawClient.open((started.running ? started.tcpPort : undefined) ?? 0, 5);
      c.sendPacket({ cmd: 'connect', clientId: 'view', keepalive: 0 });
      expect((await c.expect('connack')).properties).toMatchObject({ serverKeepAlive: 30, receiveMaximum: 5, maximumPacketSize: 2048, retainAvailable: false });
      c.end();
    } finally {
      await harness.call('broker.stop', {}).catch(() => undefined);
      await harness.close();
    }
  });
});

describe('bad configuration is a clear error naming file, line and key', () => {
  it('an unknown or unsupported key, a bad value, a bad ACL or password line: nothing listens', async () => {
    const unknown = configFile('unknown.conf', ['listener 0 127.0.0.1', '', 'max_connections 10']);
    await expect(startBrokerFromArgs(['--config', unknown])).rejects.toThrow(`${unknown}:3: max_connections: unknown or unsupported option`);
    const badValue = configFile('bad-value.conf', ['allow_anonymous yes']);
    await expect(startBrokerFromArgs(['--config', badValue])).rejects.toThrow(`${badValue}:1: allow_anonymous: "yes" must be true or false`);
    const orphan = configFile('orphan.conf', ['protocol websockets']);
    await expect(startBrokerFromArgs(['--config', orphan])).rejects.toThrow(`${orphan}:1: protocol: needs a listener line before it`);
    const badAcl = join(dir, 'bad.acl');
    writeFileSync(badAcl, 'user alice\ntopic readwrite a/#/b\n');
    await expect(startBrokerFromArgs(['--config', configFile('bad-acl.conf', [`acl_file ${badAcl}`])])).rejects.toThrow(`${badAcl}:2: topic: "a/#/b"`);
    const plain = join(dir, 'plain-passwords');
    writeFileSync(plain, 'alice:$7$101$c2FsdA==$aGFzaA==\nbob:hunter2\n');
    await expect(startBrokerFromArgs(['--config', configFile('plain.conf', [`password_file ${plain}`])])).rejects.toThrow(`${plain}:1: alice: the hash must be 64 bytes`);
    await expect(startBrokerFromArgs(['--config', join(dir, 'missing.conf')])).rejects.toThrow(/missing\.conf: cannot be read/);
    await expect(startBrokerFromArgs(['--config', configFile('both.conf', ['listener 0 127.0.0.1']), '--port', '0'])).rejects.toThrow(/--port, --ws-port and --host cannot be used/);
  });
});
