import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, sleep, startTestBroker, type TestBroker } from '../support/raw-mqtt-client';
import { waitFor } from '../support/wait-for';

// Random and mutated frames against a live broker. It must never crash, never answer with an
// internal error (0x83: a bug of ours caught by the safety net), and keep serving other clients.
// BROKER_FUZZ_CONNECTIONS=5000 runs longer; BROKER_FUZZ_SEED reproduces a run.

const CONNECTIONS = Number(process.env.BROKER_FUZZ_CONNECTIONS ?? 300);
const SEED = Number(process.env.BROKER_FUZZ_SEED ?? Date.now() % 1_000_000);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const generate = mqttPacket.generate as unknown as (packet: object, opts: { protocolVersion: number }) => Buffer;

let tb: TestBroker;
beforeAll(async () => {
  tb = await startTestBroker({ maxPacketSize: 64 * 1024, connectTimeoutMs: 2000, topicAliasMaximum: 5, receiveMaximum: 10 });
});
afterAll(async () => {
  await tb.stop();
});

describe('robustness: fuzzing', () => {
  it(`random and mutated frames never crash the broker (${CONNECTIONS} connections, seed ${SEED})`, async () => {
    const random = mulberry32(SEED);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: T[]): T => items[int(items.length)]!;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));

    const watcher = await RawClient.connected(tb.port, { clientId: 'fuzz-watcher' });
    await watcher.subscribe('fuzz/#', 1);

    const templates = (version: 3 | 4 | 5): object[] => [
      { cmd: 'publish', topic: `fuzz/${int(9)}`, payload: bytes(int(40)), qos: int(3), messageId: 1 + int(5), retain: random() < 0.2, dup: false, ...(version === 5 ? { properties: { userProperties: { a: 'b' }, topicAlias: 1 + int(6), messageExpiryInterval: int(5), contentType: 'x' } } : {}) },
      { cmd: 'subscribe', messageId: 1 + int(9), subscriptions: [{ topic: pick(['fuzz/#', '+/x', '$share/g/fuzz/+', 'a/#/b', '#']), qos: int(3), ...(version === 5 ? { nl: random() < 0.5, rap: random() < 0.5, rh: int(3) } : {}) }], ...(version === 5 && random() < 0.3 ? { properties: { subscriptionIdentifier: 1 + int(100) } } : {}) },
      { cmd: 'unsubscribe', messageId: 1 + int(9), unsubscriptions: ['fuzz/#', 'x'] },
      { cmd: 'puback', messageId: 1 + int(5), ...(version === 5 ? { reasonCode: pick([0, 0x10, 0x80]) } : {}) },
      { cmd: 'pubrec', messageId: 1 + int(5) },
      { cmd: 'pubrel', messageId: 1 + int(5) },
      { cmd: 'pubcomp', messageId: 1 + int(5) },
      { cmd: 'pingreq' },
      { cmd: 'disconnect', ...(version === 5 ? { reasonCode: pick([0, 4]), properties: random() < 0.3 ? { sessionExpiryInterval: int(3) } : undefined } : {}) },
      ...(version === 5 ? [{ cmd: 'auth', reasonCode: pick([0, 0x18, 0x19]), properties: { authenticationMethod: 'X' } }] : []),
    ];

    function mutate(frame: Buffer): Buffer {
      const out = Buffer.from(frame);
      switch (int(5)) {
        case 0: // flip bytes
          for (let i = 0; i < 1 + int(3); i++) out[int(out.length)] = int(256);
          return out;
        case 1: // truncate, fixing nothing
          return out.subarray(0, int(out.length));
        case 2: // append garbage
          return Buffer.concat([out, bytes(1 + int(8))]);
        case 3: // wrong remaining length
          out[1] = int(256);
          return out;
        default:
          return out;
      }
    }

    let internalErrors = 0;
    const batch = 25;
    for (let start = 0; start < CONNECTIONS; start += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, CONNECTIONS - start) }, async (_, k) => {
          const version = pick([3, 4, 5] as const);
          const client = await RawClient.open(tb.port, version);
          const frames: Buffer[] = [];
          if (random() < 0.85) {
            const connect = generate(
              {
                cmd: 'connect',
                protocolId: version === 3 ? 'MQIsdp' : 'MQTT',
                protocolVersion: version,
                clientId: `fz${start + k}-${int(20)}`,
                clean: random() < 0.7,
                keepalive: int(3),
                ...(random() < 0.3 ? { will: { topic: 'fuzz/will', payload: Buffer.from('w'), qos: int(3), retain: random() < 0.3, ...(version === 5 ? { properties: { willDelayInterval: int(2) } } : {}) } } : {}),
                ...(version === 5 ? { properties: { sessionExpiryInterval: int(3), receiveMaximum: 1 + int(3), topicAliasMaximum: int(3) } } : {}),
              },
              { protocolVersion: version },
            );
            frames.push(random() < 0.15 ? mutate(connect) : connect);
          }
          for (let i = 0; i < 5 + int(20); i++) {
            const roll = random();
            if (roll < 0.1) frames.push(bytes(1 + int(30)));
            else {
              const packet = generate(pick(templates(version)), { protocolVersion: version });
              frames.push(roll < 0.4 ? mutate(packet) : packet);
            }
          }
          const all = Buffer.concat(frames);
          // sometimes in pieces, sometimes at once
          if (random() < 0.5) client.send(all);
          else for (let at = 0; at < all.length; ) {
            const size = 1 + int(50);
            client.send(all.subarray(at, at + size));
            at += size;
          }
          await sleep(20 + int(40));
          for (const p of client.packets) if (p.cmd === 'disconnect' && p.reasonCode === 0x83) internalErrors++;
          client.end();
        }),
      );
    }
    expect(internalErrors, `seed ${SEED}`).toBe(0);
    // still serving: a new client publishes and the long-lived watcher gets it
    const probe = await RawClient.connected(tb.port, { clientId: 'fuzz-probe' });
    probe.publish('fuzz/probe', 'alive', 1, { messageId: 1 });
    await probe.expect('puback');
    const deadline = Date.now() + 5000;
    for (;;) {
      const got = watcher.packets.find((p) => p.cmd === 'publish' && p.topic === 'fuzz/probe');
      if (got) break;
      if (Date.now() > deadline) throw new Error(`watcher lost, seed ${SEED}`);
      await sleep(20);
    }
    expect(watcher.isClosed).toBe(false);
    // connections opened by the fuzzer are all gone (the broker sees each close on a later turn)
    await waitFor(() => tb.broker.stats().connections === 2, `the fuzzer's connections to close (${tb.broker.stats().connections} open)`);
    expect(tb.broker.stats().connections).toBe(2);
  }, 120_000);
});
