import { useTimeFormat } from '../../stores/ui-store';
import { type ReactNode, useState } from 'react';
import { useBrokerStore } from '../../stores/broker-store';
import { formatMoment } from '../../ui/clock';
import { versionLabel } from '../../../shared/mqtt/versions';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { describeError } from '../../ui/errors';

/** Rows each list puts in the DOM; the rest are counted and reachable through the filter. */
export const BROKER_DOM_ROWS = 200;
/** Subscriptions shown per session row. */
const SUBSCRIPTIONS_SHOWN = 12;

const time = (at: number) => formatMoment(at);

/** A titled, filterable list that renders at most BROKER_DOM_ROWS rows. */
function CappedList<T>({
  name,
  title,
  items,
  matches,
  render,
  empty,
}: {
  name: string;
  title: string;
  items: readonly T[];
  matches(item: T, filter: string): boolean;
  render(item: T): ReactNode;
  empty: string;
}) {
  const { t } = useTranslation('broker');
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = needle ? items.filter((item) => matches(item, needle)) : items;
  const capped = shown.slice(0, BROKER_DOM_ROWS);
  return (
    <section className="broker-list" data-testid={`broker-${name}`}>
      <header>
        <h3>
          {title} <span className="muted" data-testid={`broker-${name}-count`}>{formatNumber(items.length)}</span>
        </h3>
        <input type="search" placeholder={t('lists.filter')} aria-label={t('lists.filterLabel', { what: title.toLowerCase() })} data-testid={`broker-${name}-filter`} value={filter} onChange={(e) => setFilter(e.target.value)} />
      </header>
      <ul>
        {capped.map(render)}
        {capped.length === 0 && <li className="muted broker-list-empty">{needle ? t('lists.noMatch') : empty}</li>}
      </ul>
      {shown.length > capped.length && (
        <p className="muted broker-list-more" data-testid={`broker-${name}-more`}>
          {t('lists.showing', { shown: formatNumber(capped.length), total: formatNumber(shown.length) })}
        </p>
      )}
    </section>
  );
}

/** The broker's inside from `broker.inspect`, refreshed (debounced) on `broker.changed`. */
export function BrokerLists() {
  useTimeFormat();
  const { t } = useTranslation('broker');
  const running = useBrokerStore((s) => s.status.running);
  const { clients, sessions, retained, truncated } = useBrokerStore((s) => s.inspection);
  const inspectError = useBrokerStore((s) => s.inspectError);
  const inspect = useBrokerStore((s) => s.inspect);
  if (!running) return null;
  return (
    <>
      {truncated && (
        <p className="muted" data-testid="broker-truncated">
          {t('lists.truncated')}
        </p>
      )}
      {inspectError && (
        <p className="field-problem" data-testid="broker-inspect-error">
          {describeError(inspectError)}{' '}
          <button type="button" className="link-button" data-testid="broker-inspect-retry" onClick={() => void inspect()}>
            {t('lists.retry')}
          </button>
        </p>
      )}
      <div className="broker-lists">
        <CappedList
          name="clients"
          title={t('lists.clients')}
          items={clients}
          empty={t('lists.noClient')}
          matches={(c, f) => c.clientId.toLowerCase().includes(f) || c.remoteAddress.includes(f) || (c.username?.toLowerCase().includes(f) ?? false)}
          render={(c) => (
            <li key={c.clientId} data-testid="broker-client" data-client-id={c.clientId}>
              <span className="broker-item-main">{c.clientId || <em>{t('lists.emptyId')}</em>}</span>
              <span className="muted">
                {c.remoteAddress} · v{versionLabel(c.protocolVersion)}
                {c.username ? ` · ${c.username}` : ''} · {time(c.connectedAt)}
              </span>
            </li>
          )}
        />
        <CappedList
          name="sessions"
          title={t('lists.sessions')}
          items={sessions}
          empty={t('lists.noSession')}
          matches={(s, f) => s.clientId.toLowerCase().includes(f) || s.subscriptions.some((sub) => sub.filter.toLowerCase().includes(f))}
          render={(s) => (
            <li key={s.clientId} data-testid="broker-session" data-client-id={s.clientId} data-connected={s.connected}>
              <span className="broker-item-main">
                <span className={`status-dot ${s.connected ? 'status-connected' : ''}`} aria-label={s.connected ? t('lists.connected') : t('lists.offline')} /> {s.clientId || <em>{t('lists.emptyId')}</em>}
              </span>
              <span className="muted">
                {t('lists.expiry', {
                  expiry: s.expiryInterval === 0xffffffff ? t('lists.never') : t('lists.seconds', { n: formatNumber(s.expiryInterval) }),
                  inflight: formatNumber(s.inflight),
                  queued: formatNumber(s.queued),
                })}
                {s.dropped > 0 ? t('lists.dropped', { n: formatNumber(s.dropped) }) : ''}
                {s.slowConsumer ? t('lists.slowConsumer') : ''}
              </span>
              {s.subscriptions.length > 0 && (
                <span className="broker-subscriptions">
                  {s.subscriptions.slice(0, SUBSCRIPTIONS_SHOWN).map((sub) => (
                    <code key={sub.filter} data-testid="broker-session-subscription" title={`QoS ${sub.qos}${sub.subscriptionId ? t('lists.subscriptionId', { id: String(sub.subscriptionId) }) : ''}`}>
                      {sub.filter} <span className="muted">q{sub.qos}</span>
                    </code>
                  ))}
                  {s.subscriptions.length > SUBSCRIPTIONS_SHOWN && <span className="muted">{t('lists.more', { n: formatNumber(s.subscriptions.length - SUBSCRIPTIONS_SHOWN) })}</span>}
                </span>
              )}
            </li>
          )}
        />
        <CappedList
          name="retained"
          title={t('lists.retained')}
          items={retained}
          empty={t('lists.noRetained')}
          matches={(r, f) => r.topic.toLowerCase().includes(f)}
          render={(r) => (
            <li key={r.topic} data-testid="broker-retained-topic" data-topic={r.topic}>
              <span className="broker-item-main">{r.topic}</span>
              <span className="muted">
                {t('lists.retainedLine', { qos: String(r.qos), size: formatNumber(r.payloadBytes) })}
              </span>
            </li>
          )}
        />
      </div>
    </>
  );
}
