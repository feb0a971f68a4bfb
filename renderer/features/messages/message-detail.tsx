import { useState } from 'react';
import { PAYLOAD_FORMATS } from '../../../shared/codecs/payload-format';
import { encodeHex } from '../../../shared/codecs/hex';
import type { StoredMessage } from '../../stores/message-ring';
import { useConnectionsStore } from '../../stores/connections-store';
import { messageBySeq, useMessagesStore } from '../../stores/messages-store';
import { useUiStore } from '../../stores/ui-store';
import { type DetailFormat, formatBytes, formatTime, payloadDetail } from './format';

const FORMATS: readonly DetailFormat[] = ['auto', ...PAYLOAD_FORMATS];

/** MQTT 5 properties worth reading, one line each. */
function propertyLines(message: StoredMessage): [string, string][] {
  const p = message.properties;
  if (!p) return [];
  const lines: [string, string][] = [];
  if (p.contentType !== undefined) lines.push(['Content type', p.contentType]);
  if (p.payloadFormatIndicator !== undefined) lines.push(['Payload format', p.payloadFormatIndicator ? 'UTF-8' : 'bytes']);
  if (p.messageExpiryInterval !== undefined) lines.push(['Expiry', `${p.messageExpiryInterval} s`]);
  if (p.responseTopic !== undefined) lines.push(['Response topic', p.responseTopic]);
  if (p.correlationData !== undefined) lines.push(['Correlation data', encodeHex(p.correlationData, ' ')]);
  if (p.subscriptionIdentifiers?.length) lines.push(['Subscription ids', p.subscriptionIdentifiers.join(', ')]);
  if (p.topicAlias !== undefined) lines.push(['Topic alias', String(p.topicAlias)]);
  for (const { key, value } of p.userProperties ?? []) lines.push([key, value]);
  return lines;
}

export function MessageDetail() {
  const seq = useUiStore((s) => s.selectedSeq);
  const select = useUiStore((s) => s.selectMessage);
  const [format, setFormat] = useState<DetailFormat>('auto');
  useMessagesStore((s) => s.version); // re-check when the ring changes: the message may have dropped off
  const activeId = useConnectionsStore((s) => s.activeId);
  const message = seq === null || !activeId ? undefined : messageBySeq(activeId, seq);
  if (!message) return null;
  const detail = payloadDetail(message.payload, format);
  const properties = propertyLines(message);
  return (
    <section className="message-detail" data-testid="message-detail">
      <header>
        <span className="message-detail-topic">{message.topic}</span>
        <span className="muted">
          {message.direction === 'in' ? 'received' : 'published'} {formatTime(message.timestamp)} · QoS {message.qos}
          {message.retain ? ' · retained' : ''}
          {message.dup ? ' · dup' : ''} · {formatBytes(message.payload.byteLength)}
        </span>
        <select data-testid="message-detail-format" value={format} title="Show the payload as" onChange={(e) => setFormat(e.target.value as DetailFormat)}>
          {FORMATS.map((f) => (
            <option key={f} value={f}>
              {f === 'auto' ? `auto (${detail.format})` : f}
            </option>
          ))}
        </select>
        <button type="button" className="icon-button" data-testid="message-detail-close" title="Close" onClick={() => select(null)}>
          ×
        </button>
      </header>
      {properties.length > 0 && (
        <dl className="message-properties" data-testid="message-detail-properties">
          {properties.map(([name, value], i) => (
            <div key={i} data-testid="message-detail-property">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {detail.problem ? (
        <p className="field-problem message-detail-problem">{detail.problem}</p>
      ) : (
        <pre data-testid="message-detail-payload">{detail.text}</pre>
      )}
    </section>
  );
}
