// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { BROKER_DOM_ROWS, BrokerLists } from '../../renderer/features/broker/broker-lists';
import { type BrokerInspection, useBrokerStore } from '../../renderer/stores/broker-store';


afterEach(() => {
  cleanup();
  useBrokerStore.setState(useBrokerStore.getInitialState(), true);
});

/** The broker running with these lists, as `broker.stats` and `broker.inspect` leave the store. */
function brokerHolds(inspection: Partial<BrokerInspection>) {
  act(() => {
    useBrokerStore.getState().applyStats({ running: true, host: '127.0.0.1', tcpPort: 1883 });
    useBrokerStore.setState({ inspection: { clients: [], sessions: [], retained: [], truncated: false, ...inspection } });
  });
}

const client = (clientId: string, extra: Partial<BrokerInspection['clients'][number]> = {}): BrokerInspection['clients'][number] => ({
  clientId,
  remoteAddress: '127.0.0.1:50000',
  protocolVersion: 5,
  connectedAt: Date.UTC(2026, 0, 1),
  ...extra,
});

describe('Broker lists', () => {
  it('show nothing while the broker is stopped', () => {
    render(<BrokerLists />);
    expect(screen.queryByTestId('broker-clients')).toBeNull();
  });

  it('put at most BROKER_DOM_ROWS rows in the page, say how many are left out, and find them by filter', async () => {
    const user = userEvent.setup();
    const total = BROKER_DOM_ROWS + 50;
    brokerHolds({ clients: Array.from({ length: total }, (_, i) => client(`sensor-${String(i).padStart(3, '0')}`)) });
    render(<BrokerLists />);

    expect(screen.getByTestId('broker-clients-count').textContent).toBe(String(total));
    expect(screen.getAllByTestId('broker-client')).toHaveLength(BROKER_DOM_ROWS);
    expect(screen.getByTestId('broker-clients-more').textContent).toBe(`Showing ${BROKER_DOM_ROWS} of ${total}: filter to find the others.`);

    // The last client is beyond the cap: the filter brings it into view (case-insensitively).
    await user.type(screen.getByRole('searchbox', { name: 'Filter clients' }), 'SENSOR-249');
    expect(screen.getAllByTestId('broker-client').map((row) => row.dataset.clientId)).toEqual(['sensor-249']);
    expect(screen.queryByTestId('broker-clients-more')).toBeNull();
    // The count is the broker's, not the filter's.
    expect(screen.getByTestId('broker-clients-count').textContent).toBe(String(total));

    await user.clear(screen.getByRole('searchbox', { name: 'Filter clients' }));
    await user.type(screen.getByRole('searchbox', { name: 'Filter clients' }), 'no-such-client');
    expect(within(screen.getByTestId('broker-clients')).getByText('Nothing matches the filter.')).toBeTruthy();
  });

  it('find a client by user name and say what version it speaks', async () => {
    const user = userEvent.setup();
    brokerHolds({ clients: [client('a', { username: 'alice', protocolVersion: 4 }), client('b', { username: 'bob' })] });
    render(<BrokerLists />);
    await user.type(screen.getByRole('searchbox', { name: 'Filter clients' }), 'ALICE');
    const rows = screen.getAllByTestId('broker-client');
    expect(rows.map((row) => row.dataset.clientId)).toEqual(['a']);
    expect(rows[0]!.textContent).toContain('127.0.0.1:50000 · v3.1.1 · alice');
  });

  it('show a session with its expiry, queue and subscriptions, and find it by a filter it holds', async () => {
    const user = userEvent.setup();
    const subscriptions = Array.from({ length: 15 }, (_, i) => ({ filter: `plant/line-${i}/#`, qos: 1 }));
    brokerHolds({
      sessions: [
        { clientId: 'logger', connected: false, expiryInterval: 0xffffffff, subscriptions, inflight: 2, queued: 40, dropped: 3, slowConsumer: true },
        { clientId: 'panel', connected: true, expiryInterval: 0, subscriptions: [{ filter: 'alarms/#', qos: 0 }], inflight: 0, queued: 0, dropped: 0, slowConsumer: false },
      ],
    });
    render(<BrokerLists />);
    const [logger] = screen.getAllByTestId('broker-session');
    expect(logger!.dataset.connected).toBe('false');
    expect(logger!.textContent).toContain('expiry never · in flight 2 · queued 40 · dropped 3 · slow consumer');
    expect(within(logger!).getAllByTestId('broker-session-subscription')).toHaveLength(12);
    expect(logger!.textContent).toContain('+3 more');

    await user.type(screen.getByRole('searchbox', { name: 'Filter sessions' }), 'alarms');
    expect(screen.getAllByTestId('broker-session').map((row) => row.dataset.clientId)).toEqual(['panel']);
  });

  it('list retained topics with QoS and size, and say when there are none', () => {
    brokerHolds({ retained: [{ topic: 'plant/status', qos: 1, payloadBytes: 12_345 }] });
    render(<BrokerLists />);
    expect(screen.getByTestId('broker-retained-topic').textContent).toBe('plant/statusQoS 1 · 12,345 B');
    expect(within(screen.getByTestId('broker-clients')).getByText('No client is connected.')).toBeTruthy();
  });
});
