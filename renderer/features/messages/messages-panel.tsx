import { useCallback } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import { messageAt, useMessageCounts, useMessagesStore } from '../../stores/messages-store';
import { useUiStore } from '../../stores/ui-store';
import { MessageDetail } from './message-detail';
import { MessageHeader, MessageRow } from './message-row';
import { VirtualList } from '../../ui/virtual-list';

/** Matches --row-height in app.css. */
const ROW_HEIGHT = 22;

export function MessagesToolbar() {
  const activeId = useConnectionsStore((s) => s.activeId);
  const { size, total } = useMessageCounts(activeId);
  const clear = useMessagesStore((s) => s.clear);
  return (
    <div className="toolbar">
      <span className="muted" data-testid="messages-count">
        {size === total ? `${total.toLocaleString('en-US')} messages` : `last ${size.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`}
      </span>
      <button type="button" data-testid="messages-clear" onClick={() => activeId && clear(activeId)} disabled={total === 0}>
        Clear
      </button>
    </div>
  );
}

export function MessagesPanel() {
  // `version` changes whenever the ring does; the rows are read from it during render.
  useMessagesStore((s) => s.version);
  const activeId = useConnectionsStore((s) => s.activeId);
  const { size, total } = useMessageCounts(activeId);
  const selectedSeq = useUiStore((s) => s.selectedSeq);
  const select = useUiStore((s) => s.selectMessage);

  const renderRow = useCallback(
    (index: number) => {
      const message = activeId ? messageAt(activeId, index) : undefined;
      return message ? <MessageRow message={message} selected={message.seq === selectedSeq} onSelect={select} /> : null;
    },
    [selectedSeq, select, activeId],
  );

  return (
    <div className="messages">
      {total === 0 ? (
        <p className="empty" data-testid="messages-empty">
          No messages yet. Subscribe to a topic filter (e.g. <code>#</code>) to see traffic here.
        </p>
      ) : (
        <VirtualList key={activeId} count={size} offset={total - size} rowHeight={ROW_HEIGHT} renderRow={renderRow} header={<MessageHeader />} testId="message-list" />
      )}
      <MessageDetail />
    </div>
  );
}
