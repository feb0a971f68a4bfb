import { create } from 'zustand';
import type { InspectedPacket } from '../../shared/contract';
import { getApi } from './api';
import { Ring } from '../model/ring';
import { describeError } from '../ui/errors';

/** Packets kept per connection; the inspector is for reading recent traffic, history keeps the rest. */
export const PACKET_CAPACITY = 5000;

export interface StoredPacket extends InspectedPacket {
  seq: number;
}

const rings = new Map<string, Ring<StoredPacket>>();
/** Closed tabs: packets still in flight for one are dropped. */
const forgotten = new Set<string>();

interface InspectorState {
  version: number;
  totals: Record<string, number>;
  /** Connections whose packet stream is on. */
  enabled: Record<string, boolean>;
  /** The packet shown in detail (seq within the active connection). */
  selectedSeq: number | null;
  /** Packet types shown; empty = all. */
  typeFilter: string;
  error: string | null;
  append(packets: readonly InspectedPacket[]): void;
  setEnabled(connectionId: string, enabled: boolean): Promise<void>;
  select(seq: number | null): void;
  setTypeFilter(type: string): void;
  clear(connectionId: string): void;
  forget(connectionId: string): void;
}

export const useInspectorStore = create<InspectorState>()((set, get) => ({
  version: 0,
  totals: {},
  enabled: {},
  selectedSeq: null,
  typeFilter: '',
  error: null,
  append(packets) {
    if (packets.length === 0) return;
    const totals = { ...get().totals };
    for (const packet of packets) {
      if (forgotten.has(packet.connectionId)) continue;
      let ring = rings.get(packet.connectionId);
      if (!ring) rings.set(packet.connectionId, (ring = new Ring(PACKET_CAPACITY)));
      const seq = totals[packet.connectionId] ?? 0;
      ring.push({ ...packet, seq });
      totals[packet.connectionId] = seq + 1;
    }
    set((state) => ({ version: state.version + 1, totals }));
  },
  async setEnabled(connectionId, enabled) {
    set((state) => ({ enabled: { ...state.enabled, [connectionId]: enabled }, error: null }));
    // Turning it on replays the packets logged so far: start from an empty list to avoid doubles.
    if (enabled) get().clear(connectionId);
    const result = await getApi().inspector.setEnabled({ connectionId, enabled });
    if (!result.ok) set((state) => ({ enabled: { ...state.enabled, [connectionId]: false }, error: describeError(result.error) }));
  },
  select: (selectedSeq) => set({ selectedSeq }),
  setTypeFilter: (typeFilter) => set({ typeFilter }),
  clear(connectionId) {
    rings.get(connectionId)?.clear();
    set((state) => ({ version: state.version + 1, selectedSeq: null, totals: { ...state.totals, [connectionId]: 0 } }));
  },
  forget(connectionId) {
    rings.delete(connectionId);
    forgotten.add(connectionId);
    set((state) => {
      const enabled = { ...state.enabled };
      delete enabled[connectionId];
      return { version: state.version + 1, enabled };
    });
  },
}));

export function packetRing(connectionId: string): Ring<StoredPacket> | undefined {
  return rings.get(connectionId);
}
