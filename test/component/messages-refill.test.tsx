// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { MessagesPanel, MessagesToolbar } from '../../renderer/features/messages/messages-panel';
import { useConnectionsStore } from '../../renderer/stores/connections-store';
import { useMessagesStore } from '../../renderer/stores/messages-store';
import { connectedSummary } from '../support/connection-summaries';

afterEach(() => {
  cleanup();
  act(() => useMessagesStore.getState().clear('c1'));
});

describe('Messages: refilled from History', () => {
  it('shows what a reload (or a window of its own) refilled from History before any live message arrives, and offers Clear', () => {
    act(() => {
      useConnectionsStore.getState().resync([connectedSummary({ connectionKey: 'profile:plant' })]);
      useConnectionsStore.setState({ activeId: 'c1' });
      useMessagesStore.getState().refill('c1', [
        { connectionId: 'c1', direction: 'in', topic: 'plant/a', payload: new TextEncoder().encode('1'), qos: 0, retain: false, dup: false, timestamp: Date.UTC(2026, 0, 1) },
        { connectionId: 'c1', direction: 'in', topic: 'plant/b', payload: new TextEncoder().encode('2'), qos: 0, retain: false, dup: false, timestamp: Date.UTC(2026, 0, 1, 0, 0, 1) },
      ]);
    });
    render(
      <>
        <MessagesToolbar />
        <MessagesPanel />
      </>,
    );
    expect(useMessagesStore.getState().counts.c1).toMatchObject({ size: 2, total: 0 });
    expect(screen.queryByTestId('messages-empty')).toBeNull();
    expect(screen.queryByTestId('first-run')).toBeNull();
    expect((screen.getByTestId('messages-clear') as HTMLButtonElement).disabled).toBe(false);
  });
});
