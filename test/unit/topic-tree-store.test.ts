import { beforeEach, describe, expect, it } from 'vitest';
import type { MqttMessage, WorkbenchApi } from '../../shared/contract';
import { setApi } from '../../renderer/stores/api';
import { messageBySeq, useMessagesStore } from '../../renderer/stores/messages-store';
import { peekTree, topicSuggestions, useTopicTreeStore } from '../../renderer/stores/topic-tree-store';

let connection = 0;
let id = 'x';
beforeEach(() => {
  id = `tree-test-${++connection}`;
});

function message(topic: string, text: string, extra: Partial<MqttMessage> = {}): MqttMessage {
  return { connectionId: id, direction: 'in', topic, payload: new TextEncoder().encode(text), qos: 0, retain: false, dup: false, timestamp: Date.now(), ...extra };
}

/** What the event feed does: each batch into the list, then the tree; each shown on its frame. */
function feed(messages: MqttMessage[]): void {
  useMessagesStore.getState().ingest(messages);
  useTopicTreeStore.getState().ingestBatch(messages);
  useMessagesStore.getState().publish();
  useTopicTreeStore.getState().publishValues();
}

describe('topic tree store', () => {
  it('links each node to its last message in the live list, whatever else the batch holds', () => {
    feed([message('a/1', 'x'), message('a/2', 'y')]);
    feed([message('a/1', 'z'), { ...message('b', 'other connection'), connectionId: `${id}-other` }, message('a/3', 'w')]);
    const tree = peekTree(id)!;
    for (const [topic, payload] of [['a/1', 'z'], ['a/2', 'y'], ['a/3', 'w']] as const) {
      const stored = messageBySeq(id, tree.find(topic)!.lastSeq!);
      expect(stored?.topic).toBe(topic);
      expect(new TextDecoder().decode(stored!.payload)).toBe(payload);
    }
  });

  it('leaves out what this client published, and serves publish-topic suggestions', () => {
    feed([message('sensors/temp', '1'), message('sensors/hum', '2'), message('sensors/mine', '3', { direction: 'out' })]);
    expect(topicSuggestions(id, 'sensors/', 10)).toEqual(['sensors/hum', 'sensors/temp']);
    expect(topicSuggestions(id, 'sensors/', 1)).toEqual(['sensors/hum']);
    expect(topicSuggestions('no-such-connection', '', 10)).toEqual([]);
  });

  it('marks a topic retained when this client publishes it with retain, though the echo carries no flag [MQTT-3.3.1-9]', () => {
    feed([message('mine/state', 'on', { direction: 'out', retain: true }), message('mine/plain', 'x', { direction: 'out' })]);
    const tree = peekTree(id)!;
    expect(tree.find('mine/state')?.retained).toBe(true);
    expect(tree.find('mine/plain')).toBeUndefined();
    // Not a received message: not counted, and no value of its own until one arrives.
    expect(tree.messageCount).toBe(0);
    feed([message('mine/state', 'on')]);
    expect(tree.find('mine/state')).toMatchObject({ retained: true, messages: 1 });
    expect(tree.retainedUnder(tree.root)).toEqual(['mine/state']);
    // An empty retained publish of our own: the broker forgot it.
    feed([message('mine/state', '', { direction: 'out', retain: true })]);
    expect(tree.find('mine/state')?.retained).toBe(false);
    expect(tree.root.retainedTopics).toBe(0);
  });

  it('deletes retained messages with empty retained publishes, a bounded number in flight', async () => {
    const topics = Array.from({ length: 120 }, (_, i) => `r/${i}`);
    feed(topics.map((t) => message(t, 'v', { retain: true })));
    let inFlight = 0;
    let maxInFlight = 0;
    const published: { topic: string; size: number; retain: boolean }[] = [];
    setApi({
      messages: {
        publish: async (input: { topic: string; payload: Uint8Array; retain: boolean }) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 1));
          inFlight--;
          published.push({ topic: input.topic, size: input.payload.byteLength, retain: input.retain });
          return input.topic === 'r/7' ? { ok: false, error: { code: 'NOT_CONNECTED', message: 'Not connected' } } : { ok: true, value: {} };
        },
      },
    } as unknown as WorkbenchApi);
    const tree = peekTree(id)!;
    const root = tree.find('r')!;
    expect(root.retainedTopics).toBe(120);
    const result = await useTopicTreeStore.getState().deleteRetained(id, tree.retainedUnder(root));
    expect(result).toEqual({ deleted: 119, failed: 1, error: 'Not connected' });
    expect(published).toHaveLength(120);
    expect(published.every((p) => p.size === 0 && p.retain)).toBe(true);
    expect(maxInFlight).toBeLessThanOrEqual(50);
    // The one that failed is still retained at the broker, and still marked.
    expect(root.retainedTopics).toBe(1);
    expect(tree.find('r/7')!.retained).toBe(true);
  });

  it('adds the topics history holds, once per connection, and forgets a closed connection for good', async () => {
    let asked = 0;
    setApi({
      history: {
        topics: async () => {
          asked++;
          return {
            ok: true,
            value: { truncated: false, topics: [{ topic: 'h/t', messages: 7, lastTimestamp: 1, retained: true, qos: 1, payloadSize: 2, preview: new TextEncoder().encode('42') }] },
          };
        },
      },
    } as unknown as WorkbenchApi);
    await useTopicTreeStore.getState().loadFromHistory(id);
    await useTopicTreeStore.getState().loadFromHistory(id);
    expect(asked).toBe(1);
    expect(peekTree(id)!.find('h/t')).toMatchObject({ messages: 7, preview: '42', retained: true });
    useTopicTreeStore.getState().forget(id);
    expect(peekTree(id)).toBeUndefined();
    feed([message('late/batch', 'x')]);
    expect(peekTree(id)).toBeUndefined();
  });
});
