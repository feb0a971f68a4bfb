import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port';
import { RawClient, startTestBroker } from '../support/raw-mqtt-client';

// Issue 13 (opt-in persistence): the headless broker (npm run broker -- --config FILE, run from the
// sources) killed with SIGKILL while a QoS 1 publisher runs; restarted, a persistent subscriber gets
// every message the broker acknowledged, and retained messages are still there.

const ROOT = resolve(__dirname, '../..');
let dir: string;
let config: string;
let port: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-broker-persist-'));
  port = await freePort();
  config = join(dir, 'broker.conf');
  writeFileSync(config, ['allow_anonymous true', `listener ${port} 127.0.0.1`, 'max_queued_messages 100000', 'persistence true', `persistence_location ${dir}`, ''].join('\n'));
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the headless broker from the sources and resolves once it prints its line. */
function startBroker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', './main/core/history/ts-worker-bootstrap.cjs', 'main/cli/broker.ts', '--config', config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s: ${out} ${err}`)), 20_000);
    child.stderr!.on('data', (chunk) => (err += chunk));
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Broker listening:')) {
        clearTimeout(timer);
        resolveStart(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`broker exited (${code}): ${err}`)));
  });
}

describe('persistence: retained messages and persistent sessions survive kill -9', () => {
  it('(no ID) every QoS 1 message the broker acknowledged reaches the persistent subscriber after a restart', async () => {
    let broker = await startBroker();
    const sub = await RawClient.connected(port, { clientId: 'keeper', clean: true, properties: { sessionExpiryInterval: 3600 } });
    await sub.subscribe('kill/#', 1);
    const legacy = await RawClient.connected(port, { clientId: 'keeper311', clean: false }, 4);
    await legacy.subscribe('kill/#', 1);
    const pub = await RawClient.connected(port, { clientId: 'writer' });
    pub.publish('kill/retained', 'still here', 1, { messageId: 60000, retain: true });
    await pub.expect('puback');
    await sub.disconnect();
    await legacy.disconnect();

    // a QoS 1 publisher at full speed; the broker is killed once it has acknowledged a good part
    const total = 3000;
    for (let i = 1; i <= total; i++) pub.publish('kill/n', String(i), 1, { messageId: i });
    const acked = new Set<number>();
    const exited = new Promise((r) => broker.once('exit', r));
    for (;;) {
      const packet = await pub.next(10_000);
      if (packet.cmd === 'puback') acked.add(packet.messageId as number);
      if (acked.size >= 500) break;
    }
    broker.kill('SIGKILL');
    await exited;
    await pub.closed;
    // PUBACKs that were in the socket when it died count too
    for (const packet of pub.packets) if (packet.cmd === 'puback') acked.add(packet.messageId as number);
    expect(acked.size).toBeGreaterThanOrEqual(500);

    broker = await startBroker();
    for (const [client, version] of [
      ['keeper', 5],
      ['keeper311', 4],
    ] as const) {
      const back = await RawClient.open(port, version);
      back.sendPacket({ cmd: 'connect', clientId: client, clean: false, ...(version === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}) });
      expect((await back.expect('connack')).sessionPresent).toBe(true);
      const missing = new Set(acked);
      while (missing.size > 0) {
        const [got] = await back.publishes(1, { timeoutMs: 10_000 });
        if (got!.topic === 'kill/n') missing.delete(Number(String(got!.payload)));
      }
      await back.disconnect();
    }
    const late = await RawClient.connected(port, { clientId: 'late' });
    await late.subscribe('kill/retained', 0);
    const retained = await late.expect('publish');
    expect([String(retained.payload), retained.retain]).toEqual(['still here', true]);
    broker.kill('SIGTERM');
  });

  it('(no ID) restored in process: subscriptions with options and ids, a QoS 2 awaiting PUBCOMP (PUBREL, same id), the queue; unsubscribed and ended are gone', async () => {
    const store = mkdtempSync(join(dir, 'in-process-'));
    const first = await startTestBroker({ persistenceDir: store });
    const s = await RawClient.connected(first.port, { clientId: 'p2', properties: { sessionExpiryInterval: 600 } });
    s.sendPacket({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q/a', qos: 2, rap: true }], properties: { subscriptionIdentifier: 7 } });
    await s.expect('suback');
    await s.subscribe('q/gone', 1);
    s.sendPacket({ cmd: 'unsubscribe', messageId: 2, unsubscriptions: ['q/gone'] });
    await s.expect('unsuback');
    const e = await RawClient.connected(first.port, { clientId: 'ends', properties: { sessionExpiryInterval: 600 } });
    await e.subscribe('q/#', 1);
    await e.disconnect();
    await (await RawClient.connected(first.port, { clientId: 'ends', clean: true })).disconnect(); // Clean Start 1, expiry 0: ended
    const p = await RawClient.connected(first.port, { clientId: 'pub2' });
    p.publish('q/a', 'exactly once', 2, { messageId: 1 });
    await p.expect('pubrec');
    const got = await s.expect('publish');
    s.sendPacket({ cmd: 'pubrec', messageId: got.messageId });
    await s.expect('pubrel'); // no PUBCOMP: the broker owes only PUBREL now
    s.end();
    await new Promise<void>((r) => {
      const stop = first.broker.onEvent((event) => event.type === 'client.disconnected' && event.clientId === 'p2' && (stop(), r()));
    });
    p.publish('q/a', 'queued', 1, { messageId: 2 });
    await p.expect('puback');
    // an incoming QoS 2 awaiting PUBREL from a persistent publisher session
    const p3 = await RawClient.connected(first.port, { clientId: 'pub3', properties: { sessionExpiryInterval: 600 } });
    p3.publish('q/a', 'qos2 once', 2, { messageId: 9 });
    await p3.expect('pubrec');
    await first.stop();

    const second = await startTestBroker({ persistenceDir: store });
    try {
      const sessions = second.broker.sessions();
      expect(sessions.map((x) => x.clientId).sort()).toEqual(['p2', 'pub3']);
      expect(sessions.find((x) => x.clientId === 'p2')!.subscriptions).toEqual([{ filter: 'q/a', qos: 2, subscriptionId: 7 }]);
      const back = await RawClient.open(second.port, 5);
      back.sendPacket({ cmd: 'connect', clientId: 'p2', clean: false, properties: { sessionExpiryInterval: 600 } });
      expect((await back.expect('connack')).sessionPresent).toBe(true);
      expect((await back.expect('pubrel')).messageId).toBe(got.messageId);
      const queued = await back.expect('publish');
      expect([String(queued.payload), queued.qos, (queued.properties as { subscriptionIdentifier?: number }).subscriptionIdentifier]).toEqual(['queued', 1, 7]);
      back.sendPacket({ cmd: 'pubcomp', messageId: got.messageId });
      back.sendPacket({ cmd: 'puback', messageId: queued.messageId });
      const once = await back.expect('publish');
      expect(String(once.payload)).toBe('qos2 once');
      back.sendPacket({ cmd: 'pubrec', messageId: once.messageId });
      await back.expect('pubrel');
      back.sendPacket({ cmd: 'pubcomp', messageId: once.messageId });
      // [MQTT-4.3.3-10] the publisher's repeat after the restart is acknowledged, not routed again
      const p3again = await RawClient.open(second.port, 5);
      p3again.sendPacket({ cmd: 'connect', clientId: 'pub3', clean: false, properties: { sessionExpiryInterval: 600 } });
      expect((await p3again.expect('connack')).sessionPresent).toBe(true);
      p3again.publish('q/a', 'qos2 once', 2, { messageId: 9, dup: true });
      expect((await p3again.expect('pubrec')).messageId).toBe(9);
      p3again.sendPacket({ cmd: 'pubrel', messageId: 9 });
      expect((await p3again.expect('pubcomp')).reasonCode ?? 0).toBe(0);
      await back.expectNothing();
      await p3again.disconnect();
      await back.disconnect();
    } finally {
      await second.stop();
    }
    // acknowledged and completed: nothing is owed after a third start
    const third = await startTestBroker({ persistenceDir: store });
    try {
      const again = await RawClient.open(third.port, 5);
      again.sendPacket({ cmd: 'connect', clientId: 'p2', clean: false, properties: { sessionExpiryInterval: 600 } });
      expect((await again.expect('connack')).sessionPresent).toBe(true);
      await again.expectNothing();
    } finally {
      await third.stop();
    }
  });

  it('(no ID) a journal line cut by the kill at its end is dropped; damage in the middle is a clear error at start', async () => {
    const store = mkdtempSync(join(dir, 'damaged-'));
    const journal = join(store, 'workbench-broker.journal');
    const retained = (topic: string) => JSON.stringify({ t: 'ret', topic, p: Buffer.from('v').toString('base64'), q: 0, r: true });
    writeFileSync(journal, `${retained('j/a')}\n${retained('j/b').slice(0, 20)}`);
    const b = await startTestBroker({ persistenceDir: store });
    expect(b.broker.retained().map((r) => r.topic)).toEqual(['j/a']);
    await b.stop();
    expect(readFileSync(journal, 'utf8')).toBe(`${retained('j/a')}\n`); // compacted at start
    writeFileSync(journal, `${retained('j/a')}\n{garbage\n${retained('j/c')}\n`);
    await expect(startTestBroker({ persistenceDir: store })).rejects.toThrow(`${journal}:2: damaged persistence journal line`);
  });
});
