import { useTimeFormat } from '../../stores/ui-store';
import { describeReason, hexCode } from '../../../shared/mqtt/reason-codes';
import type { StoredPacket } from '../../stores/inspector-store';
import { formatTime } from '../../payload/format';

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
  return (
    <div
      className={`data-row data-grid packet-grid dir-${packet.direction}${selected ? ' selected' : ''}`}
      data-testid="packet-row"
      data-type={packet.type}
      data-direction={packet.direction}
      onClick={() => onSelect(packet.seq)}
    >
      <span className="message-time">{formatTime(packet.timestamp)}</span>
      <span className="message-dir" title={packet.direction === 'in' ? 'From the broker' : 'To the broker'}>
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
  return (
    <div className="data-grid packet-grid message-header" role="row">
      <span>Time</span>
      <span />
      <span>Type</span>
      <span title="Packet identifier">Id</span>
      <span title="QoS">Q</span>
      <span className="message-size" title="Bytes on the wire">Size</span>
      <span>Reason</span>
      <span>Topic</span>
    </div>
  );
}
