import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type History, createHistory } from '../../main/core/history/create-history';
import { historyTempDir, message } from '../support/history-fixtures';

let temp: ReturnType<typeof historyTempDir>;
let history: History | null = null;
beforeEach(() => {
  temp = historyTempDir();
});
afterEach(async () => {
  await history?.close();
  history = null;
  temp.cleanup();
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('history: the topics of a connection, for the topic tree', () => {
  it('lists each received topic with its count, last value head and retained state, never whole payloads', async () => {
    history = await createHistory({ path: temp.file('history.db') });
    const big = 'x'.repeat(500_000);
    const at = (ts: number) => ({ timestamp: ts });
    history.append('c1', message({ topic: 'a/temp', text: '20', retain: true, ...at(1) }));
    history.append('c1', message({ topic: 'a/temp', text: '21', ...at(2) })); // live update: still retained at the broker
    history.append('c1', message({ topic: 'a/big', text: big, ...at(3) }));
    history.append('c1', message({ topic: 'a/gone', text: 'x', retain: true, ...at(4) }));
    history.append('c1', message({ topic: 'a/gone', text: '', ...at(5) })); // deleted retained value
    history.append('c1', message({ topic: 'a/out', text: 'sent', direction: 'out', ...at(6) })); // published by us: not the broker's
    history.append('other', message({ topic: 'b', text: 'elsewhere', ...at(7) }));
    await history.flush();

    const { topics, truncated } = await history.topicSummaries('c1', 100, 16);
    expect(truncated).toBe(false);
    const byTopic = Object.fromEntries(topics.map((t) => [t.topic, { ...t, preview: text(t.preview) }]));
    expect(Object.keys(byTopic).sort()).toEqual(['a/big', 'a/gone', 'a/temp']);
    expect(byTopic['a/temp']).toMatchObject({ messages: 2, lastTimestamp: 2, retained: true, payloadSize: 2, preview: '21' });
    expect(byTopic['a/big']).toMatchObject({ messages: 1, retained: false, payloadSize: 500_000, preview: 'x'.repeat(16) });
    expect(byTopic['a/gone']).toMatchObject({ messages: 2, retained: false, payloadSize: 0, preview: '' });

    const limited = await history.topicSummaries('c1', 2, 16);
    expect(limited.topics).toHaveLength(2);
    expect(limited.truncated).toBe(true);
    expect((await history.topicSummaries('nobody', 10, 16)).topics).toEqual([]);
    expect((await history.topicSummaries('other', 10, 16)).topics.map((t) => t.topic)).toEqual(['b']);
  });
});
