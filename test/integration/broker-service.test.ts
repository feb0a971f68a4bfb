import { describe, expect, it } from 'vitest';
import type { BrokerStatusView } from '../../shared/contract';
import { createCoreHarness, waitFor } from '../support/core-harness';
import { useCoreHarness } from '../support/fixtures';
import { freePort } from '../support/free-port';
import { runMosquittoPub } from '../support/mosquitto';

const harness = useCoreHarness();

describe('one-click embedded broker through the contract', () => {
  it('starts on loopback, takes a workbench connection and mosquitto clients, shows its inside, and stops', async () => {
    const port = await freePort();
    const status = await harness.call('broker.start', { port, wsPort: 0 });
    expect(status).toMatchObject({ running: true, host: '127.0.0.1', tcpPort: port, authRequired: false });
    expect(status.wsPort).toBeGreaterThan(0);

    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, clientId: 'wb-self' });
    await harness.call('messages.subscribe', { connectionId, filter: 'lab/#', qos: 1 });
    const pub = await runMosquittoPub(['-h', '127.0.0.1', '-p', String(port), '-V', '5', '-q', '1', '-t', 'lab/temp', '-m', '20', '-r']);
    expect(pub.code, pub.stderr).toBe(0);
    await waitFor(() => harness.received().find((m) => m.topic === 'lab/temp'), 'the message through our broker');

    const inside = await harness.call('broker.inspect', {});
    expect(inside.clients.map((c) => c.clientId)).toContain('wb-self');
    expect(inside.sessions.find((s) => s.clientId === 'wb-self')?.subscriptions).toEqual([expect.objectContaining({ filter: 'lab/#', qos: 1 })]);
    expect(inside.retained).toEqual([expect.objectContaining({ topic: 'lab/temp', payloadBytes: 2 })]);

    const stats: BrokerStatusView[] = [];
    const stopListening = harness.core.events.subscribe((channel, payload) => {
      if (channel === 'broker.stats') stats.push(payload as BrokerStatusView);
    });
    const tick = await waitFor(() => stats.find((s) => s.running && (s.stats?.messagesIn ?? 0) >= 1), 'a stats event', 3000);
    expect(tick.stats).toMatchObject({ connections: 1, retained: 1 });
    stopListening();

    await harness.call('broker.stop', {});
    expect(await harness.call('broker.status', {})).toEqual({ running: false });
    await waitFor(() => harness.statuses.find((s) => s.connectionId === connectionId && s.status === 'reconnecting'), 'the client to notice');
    await harness.call('connections.disconnect', { connectionId });
  });

  it('requires a login when users are given', async () => {
    const port = await freePort();
    await harness.call('broker.start', { port, users: [{ username: 'ann', password: 'pw' }] });
    const refused = await harness.attempt('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, username: 'ann', password: 'nope' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONNECTION_REFUSED' } });
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port, username: 'ann', password: 'pw' });
    await harness.call('connections.disconnect', { connectionId });
    await harness.call('broker.stop', {});
  });

  it('says clearly when the port is taken', async () => {
    const port = await freePort();
    await harness.call('broker.start', { port });
    const other = createCoreHarness();
    try {
      const result = await other.attempt('broker.start', { port });
      expect(result).toMatchObject({ ok: false, error: { code: 'BROKER_START_FAILED' } });
      if (!result.ok) expect(result.error.message).toContain(String(port));
    } finally {
      await other.close();
      await harness.call('broker.stop', {});
    }
  });
});
