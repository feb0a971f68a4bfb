// Engine features that need our own broker as the peer (mosquitto lacks SCRAM and a small Maximum Packet Size setting).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scramSha256 } from '../../main/core/broker/auth-scram';
import { waitFor } from '../support/core-harness';
import { type TestBroker, startTestBroker } from '../support/raw-mqtt-client';
import { useCoreHarness } from '../support/fixtures';

let broker: TestBroker;

beforeAll(async () => {
  // Our broker with SCRAM-SHA-256 as its only way in (mosquitto has no SCRAM).
  broker = await startTestBroker({ auth: { methods: { 'SCRAM-SHA-256': scramSha256({ alice: 'wonderland' }, 4096) } } });
});
afterAll(async () => {
  await broker?.stop();
});

const harness = useCoreHarness(); // declared after: closed before the broker stops

const options = (password: string) => ({
  protocol: 'mqtt',
  host: '127.0.0.1',
  port: broker.port,
  protocolVersion: 5,
  username: 'alice',
  password,
  enhancedAuth: { method: 'SCRAM-SHA-256' },
});

describe('enhanced authentication: SCRAM-SHA-256 through the AUTH exchange (MQTT 5 4.12)', () => {
  it('logs in, never sends the password in CONNECT, and works as any connection', async () => {
    const { connectionId } = await harness.call('connections.connect', options('wonderland'));
    await harness.call('inspector.setEnabled', { connectionId, enabled: true });
    const types = await waitFor(() => {
      const seen = harness.packets.filter((p) => p.connectionId === connectionId).map((p) => `${p.direction}:${p.type}`);
      return seen.includes('in:connack') ? seen : undefined;
    }, 'the replayed handshake');
    expect(types.slice(0, 4)).toEqual(['out:connect', 'in:auth', 'out:auth', 'in:connack']);
    const connect = harness.packets.find((p) => p.connectionId === connectionId && p.type === 'connect')!;
    expect(connect.fields?.password).toBeUndefined();
    expect(JSON.stringify(connect)).not.toContain('wonderland');
    await harness.call('messages.subscribe', { connectionId, filter: 'scram/#', qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'scram/ok', payload: Uint8Array.from([1]), qos: 1 });
    await waitFor(() => harness.received().find((m) => m.topic === 'scram/ok'), 'own message back');
    await harness.call('connections.disconnect', { connectionId });
  });

  it('is refused with a wrong password, as a clear error', async () => {
    const result = await harness.attempt('connections.connect', options('not the password'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(['CONNECTION_REFUSED', 'AUTH_FAILED']).toContain(result.error.code);
  });

  it('refuses SCRAM on MQTT 3.1.1 before connecting', async () => {
    const result = await harness.attempt('connections.connect', { ...options('wonderland'), protocolVersion: 4 });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});

describe('SCRAM: every mechanism the engine offers against our broker started with a users list (issue 13)', () => {
  // The reported failure: a SCRAM-SHA-256 profile against the Broker view's broker with users got 0x8C.
  // The user name needs escaping (',' and '=') and the password is not ASCII (already NFKC, see the README).
  const user = { username: 'al=i,ce', password: 'wönderland' };

  for (const method of ['SCRAM-SHA-1', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
    it(`${method}: the engine logs in to our broker (broker.start with users); a wrong password is refused`, async () => {
      const started = await harness.call('broker.start', { host: '127.0.0.1', port: 0, users: [user] });
      try {
        const profile = { protocol: 'mqtt', host: '127.0.0.1', port: started.running ? started.tcpPort : 0, protocolVersion: 5, username: user.username, enhancedAuth: { method } };
        const { connectionId, connack } = await harness.call('connections.connect', { ...profile, password: user.password });
        expect(connack.reasonCode ?? 0).toBe(0);
        await harness.call('messages.subscribe', { connectionId, filter: `scram/${method}`, qos: 1 });
        await harness.call('messages.publish', { connectionId, topic: `scram/${method}`, payload: Uint8Array.from([1]), qos: 1 });
        await waitFor(() => harness.received().find((m) => m.topic === `scram/${method}`), 'own message back');
        await harness.call('connections.disconnect', { connectionId });
        const wrong = await harness.attempt('connections.connect', { ...profile, password: 'not the password' });
        expect(wrong.ok).toBe(false);
        if (!wrong.ok) expect(['CONNECTION_REFUSED', 'AUTH_FAILED']).toContain(wrong.error.code);
        // plain user name and password in CONNECT still work beside SCRAM
        const plain = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: profile.port, protocolVersion: 5, username: user.username, password: user.password });
        await harness.call('connections.disconnect', { connectionId: plain.connectionId });
      } finally {
        await harness.call('broker.stop', {});
      }
    });
  }
});

describe("the broker's Maximum Packet Size (CONNACK) is respected before sending", () => {
  it('refuses a PUBLISH over the limit with PAYLOAD_TOO_LARGE and keeps the connection', async () => {
    const small = await startTestBroker({ maxPacketSize: 1024 });
    try {
      const { connectionId, connack } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: small.port, protocolVersion: 5 });
      expect(connack.properties?.maximumPacketSize).toBe(1024);
      const topic = 'size/check';
      // 1024 bytes on the wire = 1 + 2 (remaining length) + 2 + 10 (topic) + 1 (no properties) + 1008 payload.
      await harness.call('messages.publish', { connectionId, topic, payload: new Uint8Array(1008) });
      const tooBig = await harness.attempt('messages.publish', { connectionId, topic, payload: new Uint8Array(1009) });
      expect(tooBig).toMatchObject({ ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } });
      if (!tooBig.ok) expect(tooBig.error.message).toContain('1025 bytes');
      expect((await harness.call('connections.list', {})).find((c) => c.connectionId === connectionId)?.status).toBe('connected');
      await harness.call('connections.disconnect', { connectionId });
    } finally {
      await small.stop();
    }
  });
});
