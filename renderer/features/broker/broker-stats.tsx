import type { BrokerStatsView } from '../../../shared/contract';
import { useBrokerStore } from '../../stores/broker-store';
import { formatNumber, useTranslation } from '../../ui/i18n';

const number = (n: number) => formatNumber(n);
/** Shown before the first reading. */
const NO_VALUE = '–';

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
  const digits = value < 10 ? 2 : 1;
  return `${formatNumber(value, { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${units[unit]}`;
}

type CounterKey =
  | 'connections' | 'sessions' | 'subscriptions' | 'retained' | 'inflight' | 'queued' | 'in-rate' | 'out-rate'
  | 'messages-in' | 'messages-out' | 'bytes-in' | 'bytes-out' | 'dropped' | 'paused-publishers' | 'slow-consumers';
/** Each counter's label is broker:stats.<key>, its explanation (if any) broker:stats.<key>Title. */
const COUNTERS: { key: CounterKey; titled?: true; value(s: BrokerStatsView): string; warn?(s: BrokerStatsView): boolean }[] = [
  { key: 'connections', value: (s) => number(s.connections) },
  { key: 'sessions', value: (s) => number(s.sessions) },
  { key: 'subscriptions', value: (s) => number(s.subscriptions) },
  { key: 'retained', value: (s) => number(s.retained) },
  { key: 'inflight', titled: true, value: (s) => number(s.inflight) },
  { key: 'queued', titled: true, value: (s) => number(s.queued) },
  { key: 'in-rate', value: (s) => number(s.messagesInPerSecond) },
  { key: 'out-rate', value: (s) => number(s.messagesOutPerSecond) },
  { key: 'messages-in', value: (s) => number(s.messagesIn) },
  { key: 'messages-out', value: (s) => number(s.messagesOut) },
  { key: 'bytes-in', value: (s) => bytes(s.bytesIn) },
  { key: 'bytes-out', value: (s) => bytes(s.bytesOut) },
  { key: 'dropped', titled: true, value: (s) => number(s.dropped), warn: (s) => s.dropped > 0 },
  { key: 'paused-publishers', titled: true, value: (s) => number(s.pausedPublishers) },
  { key: 'slow-consumers', titled: true, value: (s) => number(s.slowConsumers), warn: (s) => s.slowConsumers > 0 },
];

/** Live counters from `broker.stats` (once a second while the broker runs). */
export function BrokerStats() {
  const { t } = useTranslation('broker');
  const stats = useBrokerStore((s) => s.status.stats);
  const running = useBrokerStore((s) => s.status.running);
  if (!running) return null;
  return (
    <dl className="broker-stats" data-testid="broker-stats">
      {COUNTERS.map((counter) => (
        <div key={counter.key} className={stats && counter.warn?.(stats) ? 'warn' : undefined} title={counter.titled ? t(`stats.${counter.key as 'inflight' | 'queued' | 'dropped' | 'paused-publishers' | 'slow-consumers'}Title`) : undefined}>
          <dt>{t(`stats.${counter.key}`)}</dt>
          <dd data-testid={`broker-stat-${counter.key}`}>{stats ? counter.value(stats) : NO_VALUE}</dd>
        </div>
      ))}
    </dl>
  );
}
