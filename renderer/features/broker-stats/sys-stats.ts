import type { TopicNode, TopicTree } from '../../model/topic-tree';

/** One `$SYS` value as the broker last reported it. */
export interface SysStat {
  topic: string;
  /** The topic below `$SYS/broker/` (mosquitto, ours) or `$SYS/brokers/<node>/` (EMQX). */
  name: string;
  value: string;
  /** A counter that only grows (messages, bytes, packets received or sent): its rate is plotted. */
  counter: boolean;
}

/** Samples kept per counter for its rate plot: at mosquitto's 10 s interval, the last 10 minutes. */
export const SAMPLES_KEPT = 60;

const COUNTER = /(^|\/)(messages|bytes|packets)\/(received|sent|dropped)$|\/(received|sent)$|^metrics\//;

/** The topic's name below the broker's own prefix, as the table shows it. */
export function statName(topic: string): string {
  const match = /^\$SYS\/(?:broker\/|brokers\/[^/]+\/)(.*)$/.exec(topic);
  return match ? match[1]! : topic.slice('$SYS/'.length);
}

/** Every `$SYS` topic the connection has a value for, in topic order (at most `limit`). */
export function sysStats(tree: TopicTree | undefined, limit = 2000): SysStat[] {
  const sys = tree?.find('$SYS');
  if (!sys) return [];
  const out: SysStat[] = [];
  const stack: TopicNode[] = [sys];
  while (stack.length > 0 && out.length < limit) {
    const node = stack.pop()!;
    if (node.hasValue) {
      const name = statName(node.topic);
      const value = node.preview;
      out.push({ topic: node.topic, name, value, counter: /^\d+$/.test(value.trim()) && COUNTER.test(name) });
    }
    if (node.children) for (const child of node.children.values()) stack.push(child);
  }
  return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/** A counter's readings over time: per-second rates between successive readings. */
export class CounterHistory {
  private readonly samples = new Map<string, Array<{ at: number; value: number }>>();

  /** Records a reading when it is new (another time or value); the oldest fall off past SAMPLES_KEPT. */
  record(topic: string, at: number, value: number): void {
    let list = this.samples.get(topic);
    if (!list) this.samples.set(topic, (list = []));
    const last = list.at(-1);
    if (last && last.at === at) return;
    list.push({ at, value });
    if (list.length > SAMPLES_KEPT) list.shift();
  }

  /** Rates per second between readings; a counter that went down (broker restart) starts again from 0. */
  rates(topic: string): number[] {
    const list = this.samples.get(topic) ?? [];
    const out: number[] = [];
    for (let i = 1; i < list.length; i++) {
      const seconds = (list[i]!.at - list[i - 1]!.at) / 1000;
      const delta = list[i]!.value - list[i - 1]!.value;
      if (seconds > 0) out.push(delta >= 0 ? delta / seconds : 0);
    }
    return out;
  }
}
