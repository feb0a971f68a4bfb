import { useEffect, useMemo, useState } from 'react';
import { peekTree, useTopicTreeStore } from '../../stores/topic-tree-store';
import { useConnectionsStore } from '../../stores/connections-store';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { CounterHistory, sysStats } from './sys-stats';
import './broker-stats.css';

const SYS_FILTER = '$SYS/#';
/** Topics in the "what is flooding the broker" list. */
const TOP_N = 10;
/** The flooding list and rates are read again this often (rates fall while nothing arrives). */
const REFRESH_MS = 1000;

/** One history of counter readings per connection, kept while the app runs. */
const histories = new Map<string, CounterHistory>();
function historyOf(connectionId: string): CounterHistory {
  let history = histories.get(connectionId);
  if (!history) histories.set(connectionId, (history = new CounterHistory()));
  return history;
}

/** Rates with one decimal, in the UI language's way. */
const rate = (value: number) => formatNumber(value, { maximumFractionDigits: 1 });

function Sparkline({ rates }: { rates: number[] }) {
  const { t } = useTranslation('brokerStats');
  if (rates.length < 2) return <span className="stats-spark-empty">…</span>;
  const max = Math.max(...rates, 1e-9);
  const points = rates.map((r, i) => `${(i / (rates.length - 1)) * 100},${20 - (r / max) * 18}`).join(' ');
  return (
    <svg className="stats-spark" viewBox="0 0 100 20" preserveAspectRatio="none" aria-label={t('sparkline', { rate: rate(rates.at(-1)!) })}>
      <polyline points={points} />
    </svg>
  );
}

/**
 * The selected connection's broker statistics: what the broker publishes under `$SYS` (mosquitto's and
 * our `$SYS/broker/...`, EMQX's `$SYS/brokers/<node>/...`), counters with their rate plotted, and
 * "what is flooding the broker": the topics with the most messages or bytes per second over the last minute.
 */
export function BrokerStatsPanel() {
  const { t } = useTranslation('brokerStats');
  const connectionId = useConnectionsStore((s) => s.activeId);
  const subscription = useConnectionsStore((s) => (s.activeId ? s.subscriptions[s.activeId]?.find((x) => x.filter === SYS_FILTER) : undefined));
  const version = useTopicTreeStore((s) => s.version);
  const [tick, setTick] = useState(0);
  const [by, setBy] = useState<'messages' | 'bytes'>('messages');
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  const tree = peekTree(connectionId);
  const stats = useMemo(() => sysStats(tree), [tree, version]);
  const history = connectionId ? historyOf(connectionId) : undefined;
  useEffect(() => {
    if (!history || !tree) return;
    for (const stat of stats) if (stat.counter) history.record(stat.topic, tree.find(stat.topic)?.valueTimestamp ?? 0, Number(stat.value));
  }, [history, tree, stats]);
  const flooding = useMemo(() => tree?.topRates(Date.now(), TOP_N, by) ?? [], [tree, by, tick, version]);

  if (!connectionId) return <p className="muted">{t('selectConnection')}</p>;
  const subscribed = subscription?.state === 'active';
  return (
    <div className="broker-stats" data-testid="broker-stats">
      <div className="broker-stats-bar">
        <button type="button" data-testid="stats-subscribe-sys" disabled={subscription !== undefined && subscription.state !== 'failed'} onClick={() => void useConnectionsStore.getState().subscribe({ filter: SYS_FILTER, qos: 0 })}>
          {subscribed ? t('subscribed', { filter: SYS_FILTER }) : subscription?.state === 'pending' ? t('subscribing') : t('subscribe', { filter: SYS_FILTER })}
        </button>
        <span className="muted">{stats.length === 0 ? t('noValues') : t('values', { count: stats.length })}</span>
      </div>
      <div className="broker-stats-columns">
        <section className="broker-stats-section">
          <h3>{t('reports')}</h3>
          <table className="stats-table" data-testid="stats-table">
            <tbody>
              {stats.map((stat) => (
                <tr key={stat.topic} data-testid="stats-row" data-name={stat.name} title={stat.topic}>
                  <td className="stats-name">{stat.name}</td>
                  <td className="stats-value" data-testid="stats-value">
                    {stat.value}
                  </td>
                  <td className="stats-rate">{stat.counter && history ? <Sparkline rates={history.rates(stat.topic)} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section className="broker-stats-section">
          <h3>
            {t('flooding')}{' '}
            <select data-testid="stats-flood-by" value={by} onChange={(e) => setBy(e.target.value as 'messages' | 'bytes')}>
              <option value="messages">{t('messagesPerSecond')}</option>
              <option value="bytes">{t('bytesPerSecond')}</option>
            </select>
          </h3>
          <ol className="stats-flood" data-testid="stats-flood">
            {flooding.map((r) => (
              <li key={r.topic} data-testid="stats-flood-row" data-topic={r.topic}>
                <span className="stats-name">{r.topic}</span>
                <span className="stats-value">{t('messageRate', { rate: rate(r.messagesPerSecond) })}</span>
                <span className="stats-value">{t('byteRate', { rate: rate(r.bytesPerSecond) })}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
