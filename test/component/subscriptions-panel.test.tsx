// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActiveSubscription, ConnectionSummary } from '../../shared/contract';
import { SubscriptionRow } from '../../renderer/features/subscriptions/subscription-row';
import { SubscriptionsPanel } from '../../renderer/features/subscriptions/subscriptions-panel';
import { useConnectionsStore } from '../../renderer/stores/connections-store';

afterEach(() => {
  cleanup();
  useConnectionsStore.setState(useConnectionsStore.getInitialState(), true);
});

function subscription(filter: string, qos: 0 | 1 | 2, grantedQos: 0 | 1 | 2, extra: Partial<ActiveSubscription> = {}): ActiveSubscription {
  return { filter, qos, grantedQos, noLocal: false, retainAsPublished: false, retainHandling: 0, ...extra };
}

function summary(status: ConnectionSummary['status'], protocolVersion: 3 | 4 | 5, subscriptions: ActiveSubscription[] = []): ConnectionSummary {
  return {
    connectionId: 'c1',
    name: 'plant',
    connectionKey: 'profile:plant',
    status,
    url: 'mqtt://127.0.0.1:1883',
    protocolVersion,
    requestedVersion: protocolVersion,
    clientId: 'workbench-1',
    reconnectAttempts: 0,
    problems: [],
    problemCount: 0,
    hiddenDollarMessages: 0,
    subscriptions,
  };
}

/** The host's list arriving, as after the host link comes back: the store makes it the active tab. */
function hostReports(...list: ConnectionSummary[]) {
  act(() => useConnectionsStore.getState().resync(list));
}

describe('SubscriptionsPanel', () => {
  it("shows each granted subscription with its SUBACK reason code's name and hex code", () => {
    hostReports(
      summary('connected', 5, [
        subscription('plant/+/temperature', 1, 1),
        subscription('plant/alarms/#', 2, 0, { noLocal: true, retainHandling: 2, subscriptionIdentifier: 7 }),
      ]),
    );
    render(<SubscriptionsPanel />);
    const rows = screen.getAllByTestId('subscription-row');
    expect(rows.map((row) => row.dataset.filter)).toEqual(['plant/+/temperature', 'plant/alarms/#']);

    const granted = within(rows[0]!).getByTestId('subscription-qos');
    expect(granted.textContent).toBe('Granted QoS 1 0x01');
    expect(granted.title).toBe('SUBACK 0x01 Granted QoS 1');
    expect(granted.classList.contains('warning-text')).toBe(false);

    // Granted less than asked: the user must see that delivery is capped at QoS 0.
    const downgraded = within(rows[1]!).getByTestId('subscription-qos');
    expect(downgraded.textContent).toBe('Granted QoS 0 (asked 2) 0x00');
    expect(downgraded.classList.contains('warning-text')).toBe(true);
    expect(downgraded.title).toContain('the broker granted less than the QoS asked for');
    expect(rows[1]!.textContent).toContain('no local · RH 2 · id 7');
  });

  it("refuses a filter with '#' before its last level and says why [MQTT-4.7.1-1]", async () => {
    const user = userEvent.setup();
    hostReports(summary('connected', 5));
    render(<SubscriptionsPanel />);
    const input = screen.getByTestId('subscribe-filter');
    const button = screen.getByRole('button', { name: 'Subscribe' });
    await user.type(input, 'plant/#/temperature');
    expect(screen.getByTestId('subscribe-error').textContent).toBe("'#' must be a whole level and the last one");
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect((button as HTMLButtonElement).disabled).toBe(true);

    await user.clear(input);
    await user.type(input, 'plant/+/temperature');
    expect(screen.queryByTestId('subscribe-error')).toBeNull();
    expect((button as HTMLButtonElement).disabled).toBe(false);
  });

  it("refuses '+' sharing a level with other characters [MQTT-4.7.1-2]", async () => {
    const user = userEvent.setup();
    hostReports(summary('connected', 5));
    render(<SubscriptionsPanel />);
    await user.type(screen.getByTestId('subscribe-filter'), 'plant/a+/x');
    expect(screen.getByTestId('subscribe-error').textContent).toBe("'+' must occupy a whole level");
    expect((screen.getByRole('button', { name: 'Subscribe' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps Subscribe off while disconnected and says to connect first', async () => {
    const user = userEvent.setup();
    hostReports(summary('disconnected', 5));
    render(<SubscriptionsPanel />);
    await user.type(screen.getByTestId('subscribe-filter'), 'plant/#');
    expect(screen.getByText('Connect to a broker to subscribe.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Subscribe' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('warns that a $share filter is literal on MQTT 3.1.1, and not on MQTT 5', async () => {
    const user = userEvent.setup();
    hostReports(summary('connected', 4));
    render(<SubscriptionsPanel />);
    await user.type(screen.getByTestId('subscribe-filter'), '$share/workers/jobs');
    expect(screen.getByTestId('shared-subscription-warning').textContent).toContain('Shared subscriptions are MQTT 5');

    hostReports(summary('connected', 5));
    expect(screen.queryByTestId('shared-subscription-warning')).toBeNull();
  });
});

describe('SubscriptionRow', () => {
  it('names a refused SUBACK code and offers the literal subscribe for an unsupported shared subscription', async () => {
    const user = userEvent.setup();
    let literally = 0;
    render(
      <ul>
        <SubscriptionRow
          subscription={{
            filter: '$share/workers/jobs',
            options: { filter: '$share/workers/jobs', qos: 1 },
            state: 'failed',
            reasonCode: 0x9e,
            error: { code: 'SHARED_SUBSCRIPTION_UNSUPPORTED', message: 'The broker does not support shared subscriptions' },
          }}
          onRemove={() => {}}
          onSubscribeLiterally={() => literally++}
          saved={null}
          onToggleSaved={() => {}}
        />
      </ul>,
    );
    expect(screen.getByTestId('subscription-qos').textContent).toBe('failed: Shared Subscriptions not supported 0x9e');
    // No profile behind the connection: nothing to save it with.
    expect(screen.queryByTestId('save-subscription')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Subscribe anyway, as a literal filter' }));
    expect(literally).toBe(1);
  });

  it('cannot be unsubscribed while its SUBACK is still awaited', () => {
    render(
      <ul>
        <SubscriptionRow
          subscription={{ filter: 'plant/#', options: { filter: 'plant/#', qos: 0 }, state: 'pending' }}
          onRemove={() => {}}
          onSubscribeLiterally={() => {}}
          saved={null}
          onToggleSaved={() => {}}
        />
      </ul>,
    );
    expect(screen.getByTestId('subscription-qos').textContent).toBe('…');
    expect(screen.getByTestId('subscription-qos').title).toBe('Waiting for SUBACK');
    expect((screen.getByRole('button', { name: 'Unsubscribe from plant/#' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
