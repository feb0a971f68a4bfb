import { useTimeFormat } from '../../stores/ui-store';
import { type ReactNode, useState } from 'react';
import { useBrokerStore } from '../../stores/broker-store';
import { formatMoment } from '../../ui/clock';
import { versionLabel } from '../../../shared/mqtt/versions';

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
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const shown = needle ? items.filter((item) => matches(item, needle)) : items;
  const capped = shown.slice(0, BROKER_DOM_ROWS);
  return (
    <section className="broker-list" data-testid={`broker-${name}`}>
      <header>
        <h3>
          {title} <span className="muted" data-testid={`broker-${name}-count`}>{items.length.toLocaleString('en-US')}</span>
        </h3>
        <input type="search" placeholder="Filter" aria-label={`Filter ${title.toLowerCase()}`} data-testid={`broker-${name}-filter`} value={filter} onChange={(e) => setFilter(e.target.value)} />
      </header>
      <ul>
        {capped.map(render)}
        {capped.length === 0 && <li className="muted broker-list-empty">{needle ? 'Nothing matches the filter.' : empty}</li>}
      </ul>
      {shown.length > capped.length && (
        <p className="muted broker-list-more" data-testid={`broker-${name}-more`}>
          Showing {capped.length.toLocaleString('en-US')} of {shown.length.toLocaleString('en-US')}: filter to find the others.
        </p>
      )}
    </section>
  );
}

/** The broker's inside from `broker.inspect`, refreshed (debounced) on `broker.changed`. */
export function BrokerLists() {
  useTimeFormat();
  const running = useBrokerStore((s) => s.status.running);
  const { clients, sessions, retained, truncated } = useBrokerStore((s) => s.inspection);
  const inspectError = useBrokerStore((s) => s.inspectError);
  const inspect = useBrokerStore((s) => s.inspect);
  if (!running) return null;
  return (
    <>
      {truncated && (
        <p className="muted" data-testid="broker-truncated">
          The broker holds more than the live view lists; counts above are complete.
        </p>
      )}
      {inspectError && (
        <p className="field-problem" data-testid="broker-inspect-error">
          {inspectError.message}{' '}
          <button type="button" className="link-button" data-testid="broker-inspect-retry" onClick={() => void inspect()}>
            Retry
          </button>
        </p>
      )}
      <div className="broker-lists">
        <CappedList
          name="clients"
          title="Clients"
          items={clients}
          empty="No client is connected."
          matches={(c, f) => c.clientId.toLowerCase().includes(f) || c.remoteAddress.includes(f) || (c.username?.toLowerCase().includes(f) ?? false)}
          render={(c) => (
            <li key={c.clientId} data-testid="broker-client" data-client-id={c.clientId}>
              <span className="broker-item-main">{c.clientId || <em>(empty id)</em>}</span>
              <span className="muted">
                {c.remoteAddress} · v{versionLabel(c.protocolVersion)}
                {c.username ? ` · ${c.username}` : ''} · {time(c.connectedAt)}
              </span>
            </li>
          )}
        />
        <CappedList
          name="sessions"
          title="Sessions"
          items={sessions}
          empty="No session."
          matches={(s, f) => s.clientId.toLowerCase().includes(f) || s.subscriptions.some((sub) => sub.filter.toLowerCase().includes(f))}
          render={(s) => (
            <li key={s.clientId} data-testid="broker-session" data-client-id={s.clientId} data-connected={s.connected}>
              <span className="broker-item-main">
                <span className={`status-dot ${s.connected ? 'status-connected' : ''}`} aria-label={s.connected ? 'connected' : 'offline'} /> {s.clientId || <em>(empty id)</em>}
              </span>
              <span className="muted">
                expiry {s.expiryInterval === 0xffffffff ? 'never' : `${s.expiryInterval} s`} · in flight {s.inflight} · queued {s.queued}
                {s.dropped > 0 ? ` · dropped ${s.dropped}` : ''}
                {s.slowConsumer ? ' · slow consumer' : ''}
              </span>
              {s.subscriptions.length > 0 && (
                <span className="broker-subscriptions">
                  {s.subscriptions.slice(0, SUBSCRIPTIONS_SHOWN).map((sub) => (
                    <code key={sub.filter} data-testid="broker-session-subscription" title={`QoS ${sub.qos}${sub.subscriptionId ? ` · id ${sub.subscriptionId}` : ''}`}>
                      {sub.filter} <span className="muted">q{sub.qos}</span>
                    </code>
                  ))}
                  {s.subscriptions.length > SUBSCRIPTIONS_SHOWN && <span className="muted">+{s.subscriptions.length - SUBSCRIPTIONS_SHOWN} more</span>}
                </span>
              )}
            </li>
          )}
        />
        <CappedList
          name="retained"
          title="Retained topics"
          items={retained}
          empty="No retained message."
          matches={(r, f) => r.topic.toLowerCase().includes(f)}
          render={(r) => (
            <li key={r.topic} data-testid="broker-retained-topic" data-topic={r.topic}>
              <span className="broker-item-main">{r.topic}</span>
              <span className="muted">
                QoS {r.qos} · {r.payloadBytes.toLocaleString('en-US')} B
              </span>
            </li>
          )}
        />
      </div>
    </>
  );
}
