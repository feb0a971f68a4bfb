// Big payloads reach the live views as a preview with their size; the whole payload is one request away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_PAYLOAD_PREVIEW_BYTES } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { type TestBroker, startTestBroker } from '../support/raw-mqtt-client';
import { useCoreHarness } from '../support/fixtures';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker?.stop();
});

const harness = useCoreHarness(); // declared after: closed before the broker stops

describe('live messages toward the UI', () => {
  it('carry a 4 KiB preview of a 500 KB payload with its size, and messages.payload returns every byte', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5 });
    await harness.call('messages.subscribe', { connectionId, filter: 'big/#', qos: 1 });
    const big = Uint8Array.from({ length: 500_000 }, (_, i) => i % 251);
    await harness.call('messages.publish', { connectionId, topic: 'big/one', payload: big, qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'big/small', payload: Uint8Array.from([1, 2, 3]), qos: 1 });

    const bigLive = await waitFor(() => harness.received().find((m) => m.topic === 'big/one'), 'the big message');
    const smallLive = await waitFor(() => harness.received().find((m) => m.topic === 'big/small'), 'the small message');
    expect(bigLive.payload.byteLength).toBe(LIVE_PAYLOAD_PREVIEW_BYTES);
    expect(bigLive.payloadSize).toBe(500_000);
    expect(Buffer.from(bigLive.payload).equals(Buffer.from(big.subarray(0, LIVE_PAYLOAD_PREVIEW_BYTES)))).toBe(true);
    expect(smallLive.payloadSize).toBeUndefined();
    expect(smallLive.id).toBeGreaterThan(bigLive.id);

    const { payload } = await harness.call('messages.payload', { connectionId, id: bigLive.id });
    expect(Buffer.from(payload).equals(Buffer.from(big))).toBe(true);
    await harness.call('connections.disconnect', { connectionId });
  });
});
