import type { StoredMessage } from '../../stores/message-ring';
import { formatBytes, formatTime, payloadPreview } from './format';

export function MessageRow({ message, selected, onSelect }: { message: StoredMessage; selected: boolean; onSelect(seq: number): void }) {
  const preview = payloadPreview(message.payload);
  return (
    <div
      className={`data-row data-grid message-grid dir-${message.direction}${selected ? ' selected' : ''}`}
      data-testid="message-row"
      data-direction={message.direction}
      onClick={() => onSelect(message.seq)}
    >
      <span className="message-dir" title={message.direction === 'in' ? 'Received' : 'Published'}>
        {message.direction}
      </span>
      <span className="message-time" data-testid="message-time">{formatTime(message.timestamp)}</span>
      <span className="message-topic" data-testid="message-topic" title={message.topic}>
        {message.topic}
      </span>
      <span className="message-qos">{message.qos}</span>
      <span className="message-retain" title={message.retain ? 'Retained' : undefined}>
        {message.retain ? 'R' : ''}
      </span>
      <span className="message-size">{formatBytes(message.payloadSize ?? message.payload.byteLength)}</span>
      <span className={`message-payload${preview.isBinary ? ' binary' : ''}`} data-testid="message-payload">
        {preview.text}
      </span>
    </div>
  );
}

export function MessageHeader() {
  return (
    <div className="data-grid message-grid message-header" role="row">
      <span />
      <span>Time</span>
      <span>Topic</span>
      <span title="QoS">Q</span>
      <span title="Retained">R</span>
      <span className="message-size">Size</span>
      <span>Payload</span>
    </div>
  );
}
