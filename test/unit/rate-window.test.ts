import { describe, expect, it } from 'vitest';
import { RATE_BUCKET_MS, RateWindow } from '../../renderer/model/rate-window';
import { TopicTree, type TreeMessage } from '../../renderer/model/topic-tree';

const T0 = 1_000_000 * RATE_BUCKET_MS; // a bucket boundary
const bytes = (n: number) => new Uint8Array(n);
const msg = (topic: string, size: number): TreeMessage => ({ topic, payload: bytes(size), retain: false, qos: 0, timestamp: 0 });

describe('rate window (last minute, 5 s buckets)', () => {
  it('averages over the last minute once it is a minute old, over its age before', () => {
    const w = new RateWindow(T0);
    for (let s = 0; s < 60; s++) w.add(T0 + s * 1000, 10, 100); // 10 msg/s, 100 B/s for a minute
    const full = w.rates(T0 + 60_000);
    expect(full.messagesPerSecond).toBeCloseTo(550 / 55, 5); // the oldest bucket left the window
    expect(full.bytesPerSecond).toBeCloseTo(5500 / 55, 5);
    const young = new RateWindow(T0);
    young.add(T0, 20, 0);
    young.add(T0 + 1000, 20, 0);
    expect(young.rates(T0 + 2000).messagesPerSecond).toBe(20);
  });

  it('forgets what is older than a minute and falls to 0 when a topic goes quiet', () => {
    const w = new RateWindow(T0);
    w.add(T0, 600, 6000);
    expect(w.rates(T0 + 30_000).messagesPerSecond).toBe(20);
    expect(w.rates(T0 + 61_000).messagesPerSecond).toBe(0);
    w.add(T0 + 10 * 60_000, 5, 5); // long after: no stale bucket comes back
    expect(w.rates(T0 + 10 * 60_000 + 1000).messagesPerSecond).toBeCloseTo(5 / 56, 5);
  });
});

describe('topic tree rates: what is flooding the broker', () => {
  it('lists the top N topics by messages or bytes per second, and sorts the tree by them', () => {
    const tree = new TopicTree();
    for (let i = 0; i < 10_000; i++) tree.ingest(msg(`fleet/${i % 100}/t${i}`, 10), null, T0); // 10,000 quiet topics
    for (let i = 0; i < 500; i++) tree.ingest(msg('flood/fast', 2), null, T0 + i);
    for (let i = 0; i < 20; i++) tree.ingest(msg('flood/big', 100_000), null, T0 + i);
    const now = T0 + 10_000;
    const byMessages = tree.topRates(now, 3, 'messages');
    expect(byMessages.map((r) => r.topic)).toEqual(['flood/fast', 'flood/big', expect.stringMatching(/^fleet\//)]);
    expect(byMessages[0]!.messagesPerSecond).toBe(50);
    expect(tree.topRates(now, 1, 'bytes')).toEqual([{ topic: 'flood/big', messagesPerSecond: 2, bytesPerSecond: 200_000 }]);
    // parents add up their subtree: "flood" (520 messages) above "fleet" (10,000 in ten seconds) by bytes, below by messages
    const top = (sort: 'msgRate' | 'byteRate') => tree.rows({ topicFilter: '', payloadFilter: '', sort, now }).map((r) => r.node.topic);
    expect(top('msgRate').slice(0, 2)).toEqual(['fleet', 'flood']);
    expect(top('byteRate').slice(0, 2)).toEqual(['flood', 'fleet']);
  });
});
