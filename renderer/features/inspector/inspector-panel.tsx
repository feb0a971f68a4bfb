import { useCallback, useMemo } from 'react';
import { useConnectionsStore } from '../../stores/connections-store';
import { PACKET_CAPACITY, type StoredPacket, packetRing, useInspectorStore } from '../../stores/inspector-store';
import { formatNumber, useTranslation } from '../../ui/i18n';
import { VirtualList } from '../../ui/virtual-list';
import { PacketDetail } from './packet-detail';
import { PacketHeader, PacketRow } from './packet-row';
import './inspector.css';

const ROW_HEIGHT = 22;
export const PACKET_TYPES = ['connect', 'connack', 'publish', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'subscribe', 'suback', 'unsubscribe', 'unsuback', 'pingreq', 'pingresp', 'disconnect', 'auth'];

export function InspectorToolbar() {
  const { t } = useTranslation('inspector');
  const activeId = useConnectionsStore((s) => s.activeId);
  const enabled = useInspectorStore((s) => (activeId ? s.enabled[activeId] === true : false));
  const typeFilter = useInspectorStore((s) => s.typeFilter);
  const { setEnabled, setTypeFilter, clear } = useInspectorStore.getState();
  return (
    <div className="toolbar">
      <select data-testid="inspector-type-filter" value={typeFilter} title={t('typeFilter')} onChange={(e) => setTypeFilter(e.target.value)}>
        <option value="">{t('allTypes')}</option>
        {PACKET_TYPES.map((type) => (
          <option key={type} value={type}>
            {type.toUpperCase()}
          </option>
        ))}
      </select>
      <button type="button" data-testid="inspector-clear" disabled={!activeId} onClick={() => activeId && clear(activeId)}>
        {t('clear')}
      </button>
      <label className="checkbox" title={t('captureTitle')}>
        <input type="checkbox" data-testid="inspector-enabled" disabled={!activeId} checked={enabled} onChange={(e) => activeId && void setEnabled(activeId, e.target.checked)} />
        {t('capture')}
      </label>
    </div>
  );
}

/** Every packet in and out of the selected connection, virtualized, newest last; bounded per connection. */
export function InspectorPanel() {
  const { t } = useTranslation('inspector');
  const activeId = useConnectionsStore((s) => s.activeId);
  const version = useInspectorStore((s) => s.version);
  const total = useInspectorStore((s) => (activeId ? (s.totals[activeId] ?? 0) : 0));
  const enabled = useInspectorStore((s) => (activeId ? s.enabled[activeId] === true : false));
  const typeFilter = useInspectorStore((s) => s.typeFilter);
  const selectedSeq = useInspectorStore((s) => s.selectedSeq);
  const select = useInspectorStore((s) => s.select);
  const error = useInspectorStore((s) => s.error);
  const ring = activeId ? packetRing(activeId) : undefined;

  // With a filter, the rows are the matching positions in the ring (at most PACKET_CAPACITY).
  const matching = useMemo(() => {
    if (!ring || !typeFilter) return null;
    const positions: number[] = [];
    for (let i = 0; i < ring.size; i++) if (ring.at(i)?.type === typeFilter) positions.push(i);
    return positions;
  }, [ring, typeFilter, version]);

  const packetAt = useCallback(
    (index: number): StoredPacket | undefined => (matching ? ring?.at(matching[index] ?? -1) : ring?.at(index)),
    [ring, matching, version],
  );
  const renderRow = useCallback(
    (index: number) => {
      const packet = packetAt(index);
      return packet ? <PacketRow packet={packet} selected={packet.seq === selectedSeq} onSelect={select} /> : null;
    },
    [packetAt, selectedSeq, select],
  );

  const size = ring?.size ?? 0;
  const count = matching ? matching.length : size;
  const selected = selectedSeq === null || !ring ? undefined : ring.at(selectedSeq - (ring.at(0)?.seq ?? 0));

  return (
    <div className="inspector" data-testid="inspector">
      {!activeId ? (
        <p className="empty">{t('noConnection')}</p>
      ) : !enabled ? (
        <p className="empty">
          {t('captureOff')}{' '}
          <button type="button" className="link-button" data-testid="inspector-enable" onClick={() => void useInspectorStore.getState().setEnabled(activeId, true)}>
            {t('turnOn')}
          </button>{' '}
          {t('replayed')}
        </p>
      ) : (
        <>
          <div className="inspector-count muted" data-testid="inspector-count">
            {t('shown', { shown: formatNumber(count) })}
            {total > size ? t('kept', { kept: formatNumber(size), total: formatNumber(total), capacity: formatNumber(PACKET_CAPACITY) }) : ''}
          </div>
          <VirtualList key={`${activeId}:${typeFilter}`} count={count} offset={matching ? 0 : total - size} rowHeight={ROW_HEIGHT} renderRow={renderRow} header={<PacketHeader />} holdOn={selectedSeq} testId="packet-list" jumpTestId="packets-jump-newest" />
          {selected && <PacketDetail packet={selected} />}
        </>
      )}
      {error && <p className="error-box">{error}</p>}
    </div>
  );
}
