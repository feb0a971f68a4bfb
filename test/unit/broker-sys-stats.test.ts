import { describe, expect, it } from 'vitest';
import { CounterHistory, SAMPLES_KEPT, statName, sysStats } from '../../renderer/features/broker-stats/sys-stats';
import { TopicTree } from '../../renderer/model/topic-tree';

const value = (topic: string, text: string) => ({ topic, payload: new TextEncoder().encode(text), retain: true, qos: 0 as const, timestamp: 1 });

describe('broker statistics from $SYS', () => {
  it('names values below mosquitto/our $SYS/broker and EMQX $SYS/brokers/<node>, and marks growing counters', () => {
    expect(statName('$SYS/broker/clients/connected')).toBe('clients/connected');
    expect(statName('$SYS/brokers/emqx@127.0.0.1/version')).toBe('version');
    expect(statName('$SYS/brokers/emqx@127.0.0.1/metrics/messages/received')).toBe('metrics/messages/received');
    const tree = new TopicTree();
    tree.ingest(value('$SYS/broker/version', 'mosquitto version 2.0.11'), null, 0);
    tree.ingest(value('$SYS/broker/messages/received', '42'), null, 0);
    tree.ingest(value('$SYS/broker/clients/connected', '3'), null, 0);
    tree.ingest(value('other/topic', 'x'), null, 0);
    expect(sysStats(tree)).toEqual([
      { topic: '$SYS/broker/clients/connected', name: 'clients/connected', value: '3', counter: false },
      { topic: '$SYS/broker/messages/received', name: 'messages/received', value: '42', counter: true },
      { topic: '$SYS/broker/version', name: 'version', value: 'mosquitto version 2.0.11', counter: false },
    ]);
  });

  it('turns counter readings into per-second rates, bounded, and restarts after a broker restart', () => {
    const history = new CounterHistory();
    history.record('c', 0, 100);
    history.record('c', 0, 100); // the same reading again: ignored
    history.record('c', 10_000, 600);
    history.record('c', 20_000, 50); // went down: the broker restarted
    expect(history.rates('c')).toEqual([50, 0]);
    for (let i = 0; i < SAMPLES_KEPT * 2; i++) history.record('d', i * 1000, i);
    expect(history.rates('d')).toHaveLength(SAMPLES_KEPT - 1);
  });
});
