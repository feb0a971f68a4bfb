import type { Packet } from 'mqtt';

/** A packet kept for the inspector, its payload replaced by its size so the log stays small. */
export interface LoggedPacket {
  direction: 'in' | 'out';
  timestamp: number;
  packet: Packet;
  payloadSize?: number;
  /** A protocol violation this packet was found to be. */
  problem?: string;
}

/** Packets kept per connection, so turning the inspector on still shows CONNECT/CONNACK. */
export const PACKET_LOG_CAPACITY = 500;

/** A fixed-size ring of the latest packets of one connection. Cheap per packet: no encoding, no copy. */
export function createPacketLog(capacity = PACKET_LOG_CAPACITY) {
  const ring: (LoggedPacket | undefined)[] = new Array(capacity);
  let next = 0;
  let size = 0;
  return {
    add(direction: 'in' | 'out', packet: Packet, problem?: string): LoggedPacket {
      const raw = packet as { payload?: unknown };
      let entry: LoggedPacket;
      if (raw.payload instanceof Uint8Array || typeof raw.payload === 'string') {
        const payloadSize = typeof raw.payload === 'string' ? Buffer.byteLength(raw.payload) : raw.payload.byteLength;
        entry = { direction, timestamp: Date.now(), packet: { ...packet, payload: undefined } as unknown as Packet, payloadSize };
      } else {
        entry = { direction, timestamp: Date.now(), packet };
      }
      if (problem) entry.problem = problem;
      ring[next] = entry;
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
      return entry;
    },
    /** Oldest first. */
    entries(): LoggedPacket[] {
      const out: LoggedPacket[] = [];
      for (let i = 0; i < size; i++) out.push(ring[(next - size + i + capacity) % capacity]!);
      return out;
    },
  };
}
