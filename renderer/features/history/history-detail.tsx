import { useTimeFormat } from '../../stores/ui-store';
import { useState } from 'react';
import { VIEW_FORMATS } from '../../../shared/codecs/payload-format';
import { useHistoryStore } from '../../stores/history-store';
import { type DetailFormat, formatBytes, payloadDetail } from '../../payload/format';
import { formatStoredTime } from './history-list';
import { profileIdOfKey } from '../../../shared/contract';
import { decodeBytes } from '../../stores/codecs-store';
import { DecodedBanner, PayloadImage, useDecodedPayload } from '../codecs';
import { useTranslation } from '../../ui/i18n';

const FORMATS: readonly DetailFormat[] = ['auto', ...VIEW_FORMATS];

/** The selected stored message: the payload as JSON, text, hex, Base64, CBOR, MessagePack or Sparkplug B, and its properties. */
export function HistoryDetail() {
  useTimeFormat();
  const { t } = useTranslation('history');
  const selectedId = useHistoryStore((s) => s.selectedId);
  const rows = useHistoryStore((s) => s.rows);
  const select = useHistoryStore((s) => s.select);
  const [format, setFormat] = useState<DetailFormat>('auto');
  const [raw, setRaw] = useState(false);
  const message = selectedId === null ? undefined : rows.find((row) => row.id === selectedId);
  // The rules of the message's profile (then the global ones) decode it, whenever it was received.
  const decodedState = useDecodedPayload(
    `history:${message?.id ?? ''}`,
    message
      ? () => {
          const profileId = profileIdOfKey(message.connectionKey);
          const contentType = (message.properties as { contentType?: string } | undefined)?.contentType;
          return decodeBytes(profileId ? { profileId } : {}, message.topic, message.payload, typeof contentType === 'string' ? contentType : undefined);
        }
      : null,
  );
  if (!message) return null;
  const decoded = decodedState.state === 'done' || decodedState.state === 'loading' ? (decodedState.decoded ?? undefined) : undefined;
  const showDecoded = decoded !== undefined && !decoded.problem && !raw;
  const detail = payloadDetail(message.payload, format, message.topic);
  const properties = Object.entries(message.properties ?? {});
  return (
    <section className="message-detail history-detail" data-testid="history-detail" data-id={message.id}>
      <header>
        <span className="message-detail-topic" data-testid="history-detail-topic">
          {message.topic}
        </span>
        <span className="muted">
          {message.direction === 'in' ? t('detail.received') : t('detail.published')} {formatStoredTime(message.timestamp)} · <span data-testid="history-detail-connection">{message.connectionLabel}</span>
          {t('detail.qos', { qos: String(message.qos) })}
          {message.retain ? t('detail.retained') : ''}
          {message.dup ? t('detail.dup') : ''}
          {message.packetId !== null ? t('detail.packet', { id: String(message.packetId) }) : ''} · {formatBytes(message.payloadSize)}
        </span>
        <select data-testid="history-detail-format" value={format} title={t('detail.showAs')} onChange={(e) => setFormat(e.target.value as DetailFormat)}>
          {FORMATS.map((f) => (
            <option key={f} value={f}>
              {f === 'auto' ? t('detail.auto', { format: detail.format }) : f}
            </option>
          ))}
        </select>
        <button type="button" className="icon-button" data-testid="history-detail-close" title={t('close')} aria-label={t('close')} onClick={() => select(null)}>
          ×
        </button>
      </header>
      {properties.length > 0 && (
        <dl className="message-properties" data-testid="history-detail-properties">
          {properties.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
            </div>
          ))}
        </dl>
      )}
      {decoded && <DecodedBanner decoded={decoded} loading={false} raw={raw} onRaw={setRaw} testId="history-detail-decoded" />}
      {showDecoded && decoded.image ? (
        <PayloadImage bytes={message.payload} mime={decoded.image.mime} width={decoded.image.width} height={decoded.image.height} testId="history-detail-image" />
      ) : showDecoded ? (
        <pre data-testid="history-detail-payload" data-decoded={decoded.format}>
          {decoded.text}
        </pre>
      ) : detail.problem ? (
        <p className="field-problem message-detail-problem">{detail.problem}</p>
      ) : (
        <pre data-testid="history-detail-payload">{detail.text}</pre>
      )}
    </section>
  );
}
