import { useTimeFormat } from '../../stores/ui-store';
import { describeReason } from '../../../shared/mqtt/reason-codes';
import { type StoredPacket, useInspectorStore } from '../../stores/inspector-store';
import { formatTime } from '../../payload/format';

/** Fields beyond this many characters are cut: a detail pane, not a dump. */
const MAX_JSON_CHARS = 20_000;

function header(packet: StoredPacket): [string, string][] {
  const lines: [string, string][] = [];
  const add = (name: string, value: unknown) => value !== undefined && lines.push([name, String(value)]);
  add('direction', packet.direction === 'in' ? 'received' : 'sent');
  add('time', formatTime(packet.timestamp));
  add('size', packet.size !== undefined ? `${packet.size} B` : undefined);
  add('packet id', packet.packetId);
  add('QoS', packet.qos);
  add('retain', packet.retain);
  add('dup', packet.dup);
  add('topic', packet.topic);
  add('payload size', packet.payloadSize !== undefined ? `${packet.payloadSize} B` : undefined);
  add('session present', packet.sessionPresent);
  if (packet.reasonCode !== undefined) add('reason code', describeReason(packet.reasonCode, packet.type));
  packet.reasonCodes?.forEach((code, i) => add(`reason code ${i + 1}`, describeReason(code, packet.type)));
  return lines;
}

export function PacketDetail({ packet }: { packet: StoredPacket }) {
  useTimeFormat();
  const select = useInspectorStore((s) => s.select);
  const json = packet.fields ? JSON.stringify(packet.fields, null, 2) : '';
  return (
    <section className="packet-detail" data-testid="packet-detail">
      <header>
        <strong>{packet.type.toUpperCase()}</strong>
        <button type="button" className="icon-button" title="Close" aria-label="Close" onClick={() => select(null)}>
          ×
        </button>
      </header>
      <dl className="message-properties">
        {header(packet).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {json && <pre data-testid="packet-fields">{json.length > MAX_JSON_CHARS ? `${json.slice(0, MAX_JSON_CHARS)}\n…` : json}</pre>}
    </section>
  );
}
