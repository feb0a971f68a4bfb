// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageDetail } from '../../renderer/features/messages/message-detail';
import { payloadFileName } from '../../renderer/features/messages/save-payload';
import { useConnectionsStore } from '../../renderer/stores/connections-store';
import { useMessagesStore } from '../../renderer/stores/messages-store';
import { useUiStore } from '../../renderer/stores/ui-store';
import { connectedSummary } from '../support/connection-summaries';

afterEach(cleanup);

const summary = connectedSummary();

describe('The detail\'s typed views', () => {
  it('lists the number types in their own group and shows the payload as one of them', async () => {
    const user = userEvent.setup();
    const payload = Uint8Array.from([0x01, 0x02, 0xff, 0xff]);
    act(() => {
      useConnectionsStore.getState().resync([summary]);
      const messages = useMessagesStore.getState();
      messages.ingest([{ connectionId: 'c1', direction: 'in', topic: 'plant/raw', payload, qos: 0, retain: false, dup: false, timestamp: Date.UTC(2026, 0, 1) } as never]);
      messages.publish();
      useUiStore.getState().selectMessage(useMessagesStore.getState().counts.c1!.total - 1);
    });
    render(<MessageDetail />);
    const select = screen.getByTestId<HTMLSelectElement>('message-detail-format');
    const group = select.querySelector('optgroup[label="Numbers (typed array)"]')!;
    expect([...group.querySelectorAll('option')].map((o) => o.textContent)).toContain('uint16 array, little endian');
    expect(screen.getByTestId('message-detail').dataset.format).toBe('hex');

    await user.selectOptions(select, 'uint16-le');
    expect(screen.getByTestId('message-detail').dataset.format).toBe('uint16-le');
    expect(select.value).toBe('uint16-le');
    // Saving keeps the raw bytes, named as such.
    expect(payloadFileName('plant/line1/raw', 'uint16-le')).toBe('plant_line1_raw.bin');
  });
});
