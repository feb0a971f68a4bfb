import { describe, expect, it } from 'vitest';
import { createLivePayloads } from '../../main/core/engine/live-payloads';
import type { MqttMessage } from '../../shared/contract';

const message = (connectionId: string, size: number, fill = 0x61): MqttMessage => ({
  connectionId,
  direction: 'in',
  topic: 't',
  payload: new Uint8Array(size).fill(fill),
  qos: 0,
  retain: false,
  dup: false,
  timestamp: 1,
});

describe('live payloads: what crosses to the UI of each message', () => {
  it('numbers messages in arrival order and passes small payloads whole', () => {
    const live = createLivePayloads({ previewBytes: 8, budgetBytes: 100 });
    const a = live.toLive(message('c', 8));
    const b = live.toLive(message('c', 3));
    expect([a.id, b.id]).toEqual([0, 1]);
    expect(a.payload.byteLength).toBe(8);
    expect(a.payloadSize).toBeUndefined();
  });

  it('cuts a big payload to a preview with its full size, and returns the whole on request', () => {
    const live = createLivePayloads({ previewBytes: 8, budgetBytes: 100 });
    const big = live.toLive(message('c', 50, 0x62));
    expect(big.payload.byteLength).toBe(8);
    expect(big.payloadSize).toBe(50);
    const whole = live.fullPayload('c', big.id);
    expect(whole.byteLength).toBe(50);
    expect(whole.every((b) => b === 0x62)).toBe(true);
  });

  it('keeps whole payloads within the byte budget, oldest evicted first with PAYLOAD_EVICTED', () => {
    const live = createLivePayloads({ previewBytes: 8, budgetBytes: 100 });
    const first = live.toLive(message('c', 40));
    const second = live.toLive(message('c', 40));
    const third = live.toLive(message('c', 40)); // 120 > 100: the first goes
    expect(() => live.fullPayload('c', first.id)).toThrow(expect.objectContaining({ code: 'PAYLOAD_EVICTED' }));
    expect(live.fullPayload('c', second.id).byteLength).toBe(40);
    expect(live.fullPayload('c', third.id).byteLength).toBe(40);
  });

  it('never hands one connection the payload of another, and forgets a closed connection', () => {
    const live = createLivePayloads({ previewBytes: 8, budgetBytes: 100 });
    const mine = live.toLive(message('a', 20));
    expect(() => live.fullPayload('b', mine.id)).toThrow(expect.objectContaining({ code: 'PAYLOAD_EVICTED' }));
    live.forget('a');
    expect(() => live.fullPayload('a', mine.id)).toThrow(expect.objectContaining({ code: 'PAYLOAD_EVICTED' }));
    expect(() => live.fullPayload('a', 99)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
