import { useTimeFormat } from '../../stores/ui-store';
import { describeReason, hexCode } from '../../../shared/mqtt/reason-codes';
import type { StoredPacket } from '../../stores/inspector-store';
import { formatTime } from '../../payload/format';
import { useTranslation } from '../../ui/i18n';

export function reasonText(packet: StoredPacket): string {
  if (packet.reasonCodes?.length) return packet.reasonCodes.map(hexCode).join(' ');
  return packet.reasonCode !== undefined ? hexCode(packet.reasonCode) : '';
}

/** Each reason code with its name ("0x00 Granted QoS 0; 0x87 Not authorized"), for the cell's tooltip. */
function reasonNames(packet: StoredPacket): string | undefined {
  const codes = packet.reasonCodes?.length ? packet.reasonCodes : packet.reasonCode !== undefined ? [packet.reasonCode] : [];
  return codes.length ? codes.map((code) => describeReason(code, packet.type)).join('; ') : undefined;
}

export function PacketRow({ packet, selected, onSelect }: { packet: StoredPacket; selected: boolean; onSelect(seq: number): void }) {
  useTimeFormat();
  const { t } = useTranslation('inspector');
  return (
    <div
      className={`data-row data-grid packet-grid dir-${packet.direction}${selected ? ' selected' : ''}`}
      data-testid="packet-row"
      data-type={packet.type}
      data-direction={packet.direction}
      onClick={() => onSelect(packet.seq)}
    >
      <span className="message-time">{formatTime(packet.timestamp)}</span>
      <span className="message-dir" title={packet.direction === 'in' ? t('fromBroker') : t('toBroker')}>
        {packet.direction}
      </span>
      <span className="packet-type" data-testid="packet-type">
        {packet.type.toUpperCase()}
      </span>
      <span className="muted">{packet.packetId ?? ''}</span>
      <span className="muted">{packet.qos ?? ''}</span>
      <span className="muted message-size">{packet.size ?? ''}</span>
      <span className="packet-reason" data-testid="packet-reason" title={reasonNames(packet)}>
        {reasonText(packet)}
      </span>
      <span className="message-topic">{packet.topic ?? ''}</span>
    </div>
  );
}

export function PacketHeader() {
  const { t } = useTranslation('inspector');
  return (
    <div className="data-grid packet-grid message-header" role="row">
      <span>{t('header.time')}</span>
      <span />
      <span>{t('header.type')}</span>
      <span title={t('header.idTitle')}>{t('header.id')}</span>
      <span title="QoS">{t('header.qos')}</span>
      <span className="message-size" title={t('header.sizeTitle')}>
        {t('header.size')}
      </span>
      <span>{t('header.reason')}</span>
      <span>{t('header.topic')}</span>
    </div>
  );
}
