import { describe, expect, it } from 'vitest';
import type { MqttMessage } from '../../shared/contract';
import { messageAt, messageBySeq, useMessagesStore } from '../../renderer/stores/messages-store';

const message = (connectionId: string, n: number): MqttMessage => ({
  connectionId,
  direction: 'in',
  topic: `t/${n}`,
  payload: new Uint8Array([n]),
  qos: 0,
  retain: false,
  dup: false,
  timestamp: 1000 + n,
});

describe('refilling the live list from History after a reload', () => {
  it('puts the older messages first, under the seqs below the kept ones, which keep theirs', () => {
    const store = useMessagesStore.getState();
    store.ingest([message('r1', 3), message('r1', 4)]);
    store.publish();
    const kept = messageBySeq('r1', 1);
    store.refill('r1', [message('r1', 1), message('r1', 2)]);
    expect(useMessagesStore.getState().counts.r1!.size).toBe(4);
    expect([0, 1, 2, 3].map((i) => messageAt('r1', i)?.topic)).toEqual(['t/1', 't/2', 't/3', 't/4']);
    // What pointed at a kept message (the topic tree, a selection) still finds it.
    expect(messageBySeq('r1', 1)).toBe(kept);
    expect(messageBySeq('r1', -2)?.topic).toBe('t/1');
    // Live messages continue after the kept ones.
    store.ingest([message('r1', 5)]);
    expect(messageBySeq('r1', 2)?.topic).toBe('t/5');
  });

  it('brings nothing back to a closed connection', () => {
    const store = useMessagesStore.getState();
    store.forget('r2');
    store.refill('r2', [message('r2', 1)]);
    expect(messageAt('r2', 0)).toBeUndefined();
  });
});
