import type { StoredMessage } from '../../stores/message-ring';
import { formatTime } from './format';
import { MessageCells } from './message-cells';

const LIVE_TEST_IDS = { time: 'message-time', topic: 'message-topic', payload: 'message-payload' };

export function MessageRow({ message, selected, onSelect }: { message: StoredMessage; selected: boolean; onSelect(seq: number): void }) {
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
  return (
    <div className="data-grid message-grid message-header" role="row">
      <span />
      <span>Time</span>
      <span>Topic</span>
      <span className="message-qos" title="QoS">Q</span>
      <span title="Retained">R</span>
      <span className="message-size">Size</span>
      <span>Payload</span>
    </div>
  );
}
