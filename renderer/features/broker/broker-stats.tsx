import type { BrokerStatsView } from '../../../shared/contract';
import { useBrokerStore } from '../../stores/broker-store';

const number = (n: number) => n.toLocaleString('en-US');

/** 1,234 B / 12.3 KB / 4.5 MB: counters grow for hours, keep them short. */
function bytes(n: number): string {
  if (n < 1024) return `${number(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

const COUNTERS: { key: string; label: string; title?: string; value(s: BrokerStatsView): string; warn?(s: BrokerStatsView): boolean }[] = [
  { key: 'connections', label: 'Connections', value: (s) => number(s.connections) },
  { key: 'sessions', label: 'Sessions', value: (s) => number(s.sessions) },
  { key: 'subscriptions', label: 'Subscriptions', value: (s) => number(s.subscriptions) },
  { key: 'retained', label: 'Retained', value: (s) => number(s.retained) },
  { key: 'inflight', label: 'In flight', title: 'QoS 1/2 messages sent and not yet acknowledged', value: (s) => number(s.inflight) },
  { key: 'queued', label: 'Queued', title: 'Messages waiting for a client (offline or window full)', value: (s) => number(s.queued) },
  { key: 'in-rate', label: 'In / s', value: (s) => number(s.messagesInPerSecond) },
  { key: 'out-rate', label: 'Out / s', value: (s) => number(s.messagesOutPerSecond) },
  { key: 'messages-in', label: 'Messages in', value: (s) => number(s.messagesIn) },
  { key: 'messages-out', label: 'Messages out', value: (s) => number(s.messagesOut) },
  { key: 'bytes-in', label: 'Bytes in', value: (s) => bytes(s.bytesIn) },
  { key: 'bytes-out', label: 'Bytes out', value: (s) => bytes(s.bytesOut) },
  {
    key: 'dropped',
    label: 'Dropped',
    title: 'Messages a client did not get because of a limit (queue full, slow consumer, too large, expired)',
    value: (s) => number(s.dropped),
    warn: (s) => s.dropped > 0,
  },
  {
    key: 'paused-publishers',
    label: 'Paused publishers',
    title: 'Publishers not read right now because a subscriber has a full queue (flow control instead of dropping QoS 1/2)',
    value: (s) => number(s.pausedPublishers),
  },
  {
    key: 'slow-consumers',
    label: 'Slow consumers',
    title: 'Subscribers that kept publishers paused too long: what does not fit their queue is dropped for them',
    value: (s) => number(s.slowConsumers),
    warn: (s) => s.slowConsumers > 0,
  },
];

/** Live counters from `broker.stats` (once a second while the broker runs). */
export function BrokerStats() {
  const stats = useBrokerStore((s) => s.status.stats);
  const running = useBrokerStore((s) => s.status.running);
  if (!running) return null;
  return (
    <dl className="broker-stats" data-testid="broker-stats">
      {COUNTERS.map((counter) => (
        <div key={counter.key} className={stats && counter.warn?.(stats) ? 'warn' : undefined} title={counter.title}>
          <dt>{counter.label}</dt>
          <dd data-testid={`broker-stat-${counter.key}`}>{stats ? counter.value(stats) : '–'}</dd>
        </div>
      ))}
    </dl>
  );
}
