import { messageBySeq, useMessagesStore } from '../../stores/messages-store';
import { useUiStore } from '../../stores/ui-store';
import { formatBytes, formatTime, payloadDetail } from './format';

export function MessageDetail() {
  const seq = useUiStore((s) => s.selectedSeq);
  const select = useUiStore((s) => s.selectMessage);
  useMessagesStore((s) => s.version); // re-check when the ring changes: the message may have dropped off
  const message = seq === null ? undefined : messageBySeq(seq);
  if (!message) return null;
  const detail = payloadDetail(message.payload);
  return (
    <section className="message-detail" data-testid="message-detail">
      <header>
        <span className="message-detail-topic">{message.topic}</span>
        <span className="muted">
          {message.direction === 'in' ? 'received' : 'published'} {formatTime(message.timestamp)} · QoS {message.qos}
          {message.retain ? ' · retained' : ''}
          {message.dup ? ' · dup' : ''} · {formatBytes(message.payload.byteLength)} · {detail.kind}
        </span>
        <button type="button" className="icon-button" data-testid="message-detail-close" title="Close" onClick={() => select(null)}>
          ×
        </button>
      </header>
      <pre data-testid="message-detail-payload">{detail.text}</pre>
    </section>
  );
}
