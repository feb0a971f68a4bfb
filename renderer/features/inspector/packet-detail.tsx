import { useTimeFormat } from '../../stores/ui-store';
import { describeReason } from '../../../shared/mqtt/reason-codes';
import { type StoredPacket, useInspectorStore } from '../../stores/inspector-store';
import { formatTime } from '../../payload/format';
import { formatNumber, translate as t, useTranslation } from '../../ui/i18n';

/** Fields beyond this many characters are cut: a detail pane, not a dump. */
const MAX_JSON_CHARS = 20_000;

function header(packet: StoredPacket): [string, string][] {
  const lines: [string, string][] = [];
  const add = (name: string, value: unknown) => value !== undefined && lines.push([name, String(value)]);
  const bytes = (size: number | undefined) => (size !== undefined ? t('inspector:field.bytes', { size: formatNumber(size) }) : undefined);
  add(t('inspector:field.direction'), packet.direction === 'in' ? t('inspector:field.received') : t('inspector:field.sent'));
  add(t('inspector:field.time'), formatTime(packet.timestamp));
  add(t('inspector:field.size'), bytes(packet.size));
  add(t('inspector:field.packetId'), packet.packetId);
  add(t('inspector:field.qos'), packet.qos);
  add(t('inspector:field.retain'), packet.retain);
  add(t('inspector:field.dup'), packet.dup);
  add(t('inspector:field.topic'), packet.topic);
  add(t('inspector:field.payloadSize'), bytes(packet.payloadSize));
  add(t('inspector:field.sessionPresent'), packet.sessionPresent);
  if (packet.reasonCode !== undefined) add(t('inspector:field.reasonCode'), describeReason(packet.reasonCode, packet.type));
  packet.reasonCodes?.forEach((code, i) => add(t('inspector:field.reasonCodeN', { n: String(i + 1) }), describeReason(code, packet.type)));
  return lines;
}

export function PacketDetail({ packet }: { packet: StoredPacket }) {
  useTimeFormat();
  useTranslation('inspector');
  const select = useInspectorStore((s) => s.select);
  const json = packet.fields ? JSON.stringify(packet.fields, null, 2) : '';
  return (
    <section className="packet-detail" data-testid="packet-detail">
      <header>
        <strong>{packet.type.toUpperCase()}</strong>
        <button type="button" className="icon-button" title={t('inspector:close')} aria-label={t('inspector:close')} onClick={() => select(null)}>
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
