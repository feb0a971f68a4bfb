// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageDetail } from '../../renderer/features/messages/message-detail';
import { useConnectionsStore } from '../../renderer/stores/connections-store';
import { useMessagesStore } from '../../renderer/stores/messages-store';
import { seriesBuffer, usePlotsStore } from '../../renderer/stores/plots-store';
import { useUiStore } from '../../renderer/stores/ui-store';
import { connectedSummary } from '../support/connection-summaries';

// The payload viewer (Monaco) is lazy: it stays in its "Loading viewer…" fallback for these short
// tests (it loads in happy-dom too, without errors, after ~15 s of transforming); the Numbers list
// beside it is plain React.
afterEach(() => {
  cleanup();
  act(() => usePlotsStore.getState().clear());
});

const summary = connectedSummary({ connectionKey: 'profile:plant' });

/** A JSON message arriving on the connection and opened in the detail. */
function open(payload: unknown) {
  act(() => {
    useConnectionsStore.getState().resync([summary]);
    const messages = useMessagesStore.getState();
    messages.ingest([
      { connectionId: 'c1', direction: 'in', topic: 'plant/line-1/metrics', payload: new TextEncoder().encode(JSON.stringify(payload)), qos: 0, retain: false, dup: false, timestamp: Date.UTC(2026, 0, 1) },
    ]);
    messages.publish();
    const { total } = useMessagesStore.getState().counts.c1!;
    useUiStore.getState().selectMessage(total - 1);
  });
  render(<MessageDetail />);
}

describe('Message detail: Numbers', () => {
  it('lists each number of a small payload without a search field', () => {
    open({ temperature: 21.5, humidity: 40, label: 'north' });
    expect(screen.getAllByTestId('numeric-field').map((row) => row.dataset.path)).toEqual(['temperature', 'humidity']);
    expect(screen.getByTestId('numeric-fields-count').textContent).toBe('2');
    expect(screen.queryByRole('searchbox')).toBeNull();
  });

  it("lists 40 numbers of a big payload, says 'N of M' and finds the rest by path", async () => {
    const user = userEvent.setup();
    // 25 sensors with two numbers each: 50 numbers, more than the 40 listed at once.
    const sensors = Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`s${i}`, { temp: 20 + i, hum: 40 + i }]));
    open({ sensors });
    expect(screen.getAllByTestId('numeric-field')).toHaveLength(40);
    expect(screen.getByTestId('numeric-fields-count').textContent).toBe('40 of 50');
    expect(screen.getByTestId('numeric-fields-more').textContent).toBe('10 more numbers: search to find them.');

    const search = screen.getByRole('searchbox', { name: 'Find a numeric field by its path' });
    // The last sensor is beyond the first 40: the search brings it up.
    await user.type(search, 'S24.');
    expect(screen.getAllByTestId('numeric-field').map((row) => row.dataset.path)).toEqual(['sensors.s24.temp', 'sensors.s24.hum']);
    expect(screen.getByTestId('numeric-fields-count').textContent).toBe('2 of 50');
    expect(screen.queryByTestId('numeric-fields-more')).toBeNull();

    await user.clear(search);
    await user.type(search, 'pressure');
    expect(screen.queryAllByTestId('numeric-field')).toHaveLength(0);
    expect(screen.getByText("No number's path contains that.")).toBeTruthy();
  });

  it('plots a number from the list with the values already kept', async () => {
    const user = userEvent.setup();
    open({ temperature: 21.5, humidity: 40 });
    await user.click(screen.getByRole('button', { name: 'Plot', description: 'Plot temperature of plant/line-1/metrics over time' }));
    const [series] = usePlotsStore.getState().series;
    expect(series).toMatchObject({ connectionId: 'c1', topic: 'plant/line-1/metrics', path: ['temperature'], label: 'plant/line-1/metrics › temperature' });
    // Backfilled from the message the user is looking at: the chart does not start empty.
    const points = seriesBuffer(series!.id)!;
    expect(points.size).toBeGreaterThan(0);
    expect(points.y(points.size - 1)).toBe(21.5);
  });
});
