import { describe, expect, it } from 'vitest';
import { topicMatches } from '../../shared/mqtt/topic';
import { Session, type Subscription } from '../../main/core/broker/session';
import { SubscriptionTrie } from '../../main/core/broker/subscription-trie';
import { parseFilter } from '../../main/core/broker/topic-rules';

// The subscription trie must match exactly what the shared reference matcher says.

function subscription(session: Session, filter: string): Subscription {
  const parsed = parseFilter(filter, 128);
  return { session, filter, topicFilter: parsed.topicFilter, group: parsed.group, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0, subscriptionId: undefined };
}

describe('broker subscription trie', () => {
  it('matches like topicMatches for random filters and topics, including $ topics and empty levels', () => {
    const levels = ['a', 'b', '', '$SYS', 'c'];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const filters = new Set<string>();
    while (filters.size < 200) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick([...levels, '+', '+']));
      if (random() < 0.3) parts.push('#');
      filters.add(parts.join('/'));
    }
    const trie = new SubscriptionTrie();
    const sessions = new Map<string, Session>();
    for (const filter of filters) {
      const session = new Session(filter, 5);
      sessions.set(filter, session);
      trie.add(subscription(session, filter));
    }
    for (let i = 0; i < 500; i++) {
      const topic = Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(levels)).join('/');
      const got = new Set<string>();
      trie.match(topic, (s) => got.add(s.filter), () => undefined);
      const expected = [...filters].filter((f) => topicMatches(f, topic));
      expect([...got].sort(), topic).toEqual(expected.sort());
    }
    for (const filter of filters) trie.remove(subscription(sessions.get(filter)!, filter));
    expect(trie.size).toBe(200); // remove() needs the same object: nothing removed
  });

  it('removal prunes and shared groups count members once', () => {
    const trie = new SubscriptionTrie();
    const a = new Session('a', 5);
    const b = new Session('b', 5);
    const sa = subscription(a, '$share/g/x/+');
    const sa2 = subscription(a, '$share/g/x/+');
    const sb = subscription(b, '$share/g/x/+');
    trie.add(sa);
    trie.add(sa2);
    trie.add(sb);
    expect(trie.size).toBe(2);
    const picked: string[] = [];
    for (let i = 0; i < 4; i++) trie.match('x/y', () => undefined, (group) => picked.push(group.pick()!.session.clientId));
    expect(picked.sort()).toEqual(['a', 'a', 'b', 'b']);
    trie.remove(sa2);
    trie.remove(sb);
    expect(trie.size).toBe(0);
    let groups = 0;
    trie.match('x/y', () => undefined, () => groups++);
    expect(groups).toBe(0);
  });
});

describe('broker retained store', () => {
  it('matches like topicMatches, deletes on empty payload and prunes', async () => {
    const { RetainedStore } = await import('../../main/core/broker/retained-store');
    const { Message } = await import('../../main/core/broker/message');
    const store = new RetainedStore();
    const topics = ['a', 'a/b', 'a/b/c', '/a', 'a/', '$SYS/x', '$SYS', 'b/$x', 'sport', 'sport/tennis'];
    const msg = (topic: string, payload = 'x') => new Message({ topic, payload: Buffer.from(payload), qos: 0, retain: true, origin: null, now: 0 });
    for (const t of topics) store.set(msg(t));
    const filters = ['#', '+', '+/+', 'a/#', 'a/+', '/+', '+/b/#', '$SYS/#', '$SYS', 'sport/#', 'sport/+', '+/$x', 'none/#'];
    for (const f of filters) {
      expect(store.match(f, 0).map((m) => m.topic).sort(), f).toEqual(topics.filter((t) => topicMatches(f, t)).sort());
    }
    expect(store.set(msg('a/b', ''))).toBe(true);
    expect(store.set(msg('zz', ''))).toBe(false);
    expect(store.match('a/#', 0).map((m) => m.topic).sort()).toEqual(['a', 'a/', 'a/b/c']);
    for (const t of topics) store.set(msg(t, ''));
    expect(store.size).toBe(0);
    expect(store.match('#', 0)).toEqual([]);
  });
});
