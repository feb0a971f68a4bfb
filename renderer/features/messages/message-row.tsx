import type { RingMessage } from '../../model/message-ring';
import { useTimeFormat, useUiStore } from '../../stores/ui-store';
import { ColumnResizer } from '../../ui/column-resizer';
import { formatTime } from '../../payload/format';
import { MessageCells } from './message-cells';

const LIVE_TEST_IDS = { time: 'message-time', topic: 'message-topic', payload: 'message-payload' };

export function MessageRow({ message, selected, onSelect }: { message: RingMessage; selected: boolean; onSelect(seq: number): void }) {
  useTimeFormat();
  return (
    <div
      className={`data-row data-grid message-grid dir-${message.direction}${selected ? ' selected' : ''}`}
      data-testid="message-row"
      data-direction={message.direction}
      onClick={() => onSelect(message.seq)}
    >
      <MessageCells
        direction={message.direction}
        time={formatTime(message.timestamp)}
        topic={message.topic}
        qos={message.qos}
        retain={message.retain}
        size={message.payloadSize ?? message.payload.byteLength}
        payload={message.payload}
        testIds={LIVE_TEST_IDS}
      />
    </div>
  );
}

export function MessageHeader() {
  const setTopicColumn = useUiStore((s) => s.setTopicColumn);
  return (
    <div className="data-grid message-grid message-header" role="row">
      <span />
      <span>Time</span>
      <span className="message-topic-header">
        Topic
        <ColumnResizer label="Resize the topic column" testId="message-topic-resize" onResize={setTopicColumn} />
      </span>
      <span className="message-qos" title="QoS">Q</span>
      <span title="R: sent with the retain flag (the broker's kept value of the topic, given to each new subscriber)">R</span>
      <span className="message-size">Size</span>
      <span>Payload</span>
    </div>
  );
}
