// The embedded broker's $SYS tree (sys-topics.ts): mosquitto's names, its values, its interval.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYS_VERSION } from '../../main/core/broker/sys-topics';
import { waitFor } from '../support/core-harness';
import { useCoreHarness } from '../support/fixtures';
import { type Mosquitto, requireProgram, startMosquitto } from '../support/mosquitto';
import { RawClient, type TestBroker, startTestBroker } from '../support/raw-mqtt-client';
import { createTestClock } from '../support/test-clock';

/** Names mosquitto 2 publishes at every sys_interval that ours publishes too, with the same meaning. */
const COMMON = [
  'version',
  'uptime',
  'clients/connected',
  'clients/active',
  'clients/disconnected',
  'clients/total',
  'clients/maximum',
  'messages/received',
  'messages/sent',
  'messages/stored',
  'bytes/received',
  'bytes/sent',
  'publish/messages/dropped',
  'subscriptions/count',
  'retained messages/count',
  'store/messages/count',
  'load/messages/received/1min',
  'load/messages/sent/1min',
  'load/bytes/received/1min',
  'load/bytes/sent/1min',
].map((name) => `$SYS/broker/${name}`);

const text = (packet: Record<string, unknown>) => String(packet.payload);

describe('$SYS publisher on the broker clock (sys_interval)', () => {
  it('publishes nothing before the first interval, then every mosquitto name, retained; unchanged values are not sent again', async () => {
    const clock = createTestClock();
    const tb = await startTestBroker({ ...clock.options, sysInterval: 5 });
    try {
      const sub = await RawClient.connected(tb.port, { clientId: 'sys-sub' });
      await sub.subscribe('$SYS/#', 0);
      clock.advance(4999);
      await sub.expectNothing();
      clock.advance(1);
      const first = await sub.publishes(COMMON.length + 8); // + 5min/15min of the four loads
      const byTopic = new Map(first.map((p) => [p.topic as string, text(p)]));
      for (const name of COMMON) expect(byTopic.has(name), name).toBe(true);
      expect(byTopic.get('$SYS/broker/version')).toBe(SYS_VERSION);
      expect(byTopic.get('$SYS/broker/uptime')).toBe('5 seconds');
      expect(byTopic.get('$SYS/broker/clients/connected')).toBe('1');
      expect(byTopic.get('$SYS/broker/clients/maximum')).toBe('1');
      expect(byTopic.get('$SYS/broker/subscriptions/count')).toBe('1');
      await sub.expectNothing();

      // 60 messages in the next 5 s: 720/min over that interval; the 1 min load moves by 1-exp(-5/60) of it
      const pub = await RawClient.connected(tb.port, { clientId: 'sys-pub' });
      for (let i = 0; i < 60; i++) pub.publish('flood/a', 'x', 0);
      await pub.ping();
      clock.advance(5000);
      await sub.ping();
      const second = new Map(sub.packets.splice(0).filter((p) => p.cmd === 'publish').map((p) => [p.topic as string, text(p)]));
      expect(second.get('$SYS/broker/uptime')).toBe('10 seconds');
      expect(second.get('$SYS/broker/clients/connected')).toBe('2');
      expect(second.get('$SYS/broker/messages/received')).toBe('60');
      expect(Number(second.get('$SYS/broker/load/messages/received/1min'))).toBeCloseTo(720 * (1 - Math.exp(-5 / 60)), 1);
      expect(second.has('$SYS/broker/version')).toBe(false); // unchanged: not sent again

      // retained: a late subscriber gets the latest values at once
      const late = await RawClient.connected(tb.port, { clientId: 'sys-late' });
      await late.subscribe('$SYS/broker/messages/received', 0);
      const [retained] = await late.publishes(1);
      expect(retained!.retain).toBe(true);
      expect(text(retained!)).toBe('60');
      await Promise.all([sub.disconnect(), pub.disconnect(), late.disconnect()]);
    } finally {
      await tb.stop();
    }
  });

  it('sysInterval 0 publishes no $SYS tree; [MQTT-4.7.2-1] "#" does not match $SYS topics', async () => {
    const clock = createTestClock();
    const off = await startTestBroker({ ...clock.options, sysInterval: 0 });
    const on = await startTestBroker({ ...clock.options, sysInterval: 1 });
    try {
      const a = await RawClient.connected(off.port, { clientId: 'off' });
      await a.subscribe('$SYS/#', 0);
      const b = await RawClient.connected(on.port, { clientId: 'hash' });
      await b.subscribe('#', 0);
      clock.advance(3000);
      await a.expectNothing();
      await b.expectNothing();
      await Promise.all([a.disconnect(), b.disconnect()]);
    } finally {
      await Promise.all([off.stop(), on.stop()]);
    }
  });
});

/**
 * The latest values of the common names, read with mosquitto_sub until it has seen them all (mosquitto
 * publishes clients/maximum only once it is above 0, at the tick after mosquitto_sub itself connected).
 */
async function readCommon(port: number): Promise<Map<string, string>> {
  const child = spawn(requireProgram('stdbuf', 'coreutils'), ['-oL', requireProgram('mosquitto_sub', 'mosquitto-clients'), '-h', '127.0.0.1', '-p', String(port), '-v', ...COMMON.flatMap((t) => ['-t', t])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new Map<string, string>();
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) {
      // "retained messages/count" has a space: the name is the known one the line starts with
      const name = COMMON.find((t) => line.startsWith(`${t} `));
      if (name) out.set(name, line.slice(name.length + 1));
    }
  });
  try {
    return await waitFor(() => out.size === COMMON.length && out, `every common $SYS name on port ${port}`, 10_000);
  } finally {
    child.kill();
  }
}

describe('$SYS read by other clients', () => {
  let ours: TestBroker;
  let mosquitto: Mosquitto;
  beforeAll(async () => {
    ours = await startTestBroker({ sysInterval: 1 });
    mosquitto = await startMosquitto({ extraConfig: ['sys_interval 1'] });
  });
  afterAll(async () => {
    await ours?.stop();
    await mosquitto?.stop();
  });
  const harness = useCoreHarness(); // declared after: closed before the brokers stop

  it('mosquitto_sub finds the same $SYS/broker names on ours as on mosquitto 2', async () => {
    const [fromOurs, fromMosquitto] = await Promise.all([readCommon(ours.port), readCommon(mosquitto.port)]);
    expect([...fromOurs.keys()].sort()).toEqual([...COMMON].sort());
    expect([...fromMosquitto.keys()].sort()).toEqual([...COMMON].sort());
    expect(fromOurs.get('$SYS/broker/version')).toBe(SYS_VERSION);
    expect(fromMosquitto.get('$SYS/broker/version')).toMatch(/^mosquitto version /);
    for (const values of [fromOurs, fromMosquitto]) {
      expect(values.get('$SYS/broker/uptime')).toMatch(/^\d+ seconds$/);
      expect(values.get('$SYS/broker/messages/received')).toMatch(/^\d+$/);
      expect(values.get('$SYS/broker/load/messages/received/1min')).toMatch(/^\d+\.\d\d$/);
    }
  });

  it('the engine subscribed to $SYS/# receives our broker version and connected clients', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: ours.port, protocolVersion: 5 });
    await harness.call('messages.subscribe', { connectionId, filter: '$SYS/#', qos: 0 });
    const seen = (topic: string, accept: (text: string) => boolean = () => true) =>
      harness.received().find((m) => m.connectionId === connectionId && m.topic === topic && accept(Buffer.from(m.payload).toString()));
    const version = await waitFor(() => seen('$SYS/broker/version'), 'the $SYS version');
    expect(Buffer.from(version.payload).toString()).toBe(SYS_VERSION);
    expect(version.retain).toBe(true);
    // the retained value may be from before the engine connected: the next interval counts it
    await waitFor(() => seen('$SYS/broker/clients/connected', (text) => Number(text) >= 1), 'clients/connected counting the engine');
    await harness.call('connections.disconnect', { connectionId });
  });
});
