import type { Packet } from 'mqtt';
import { type InspectedPacket, WorkbenchFailure } from '../../../shared/contract';
import { createBatcher } from '../engine/batcher';
import type { ConnectionManager } from '../engine/connection-manager';
import { inspectPacket } from '../engine/packet-inspector';
import { createPacketLog } from '../engine/packet-log';
import type { EventHub } from '../rpc/event-hub';
import type { ChannelsOf, Service } from './service';

export interface InspectorService extends Service<ChannelsOf<'inspector'>> {
  /** Every packet in and out of every connection. */
  record(connectionId: string, direction: 'in' | 'out', packet: Packet, problem?: string): void;
  /** Sends what is batched now (before a status change). */
  flush(): void;
  /** A connection went away: its log and its streaming end. */
  forget(connectionId: string): void;
}

/** The packet inspector: the latest packets of every connection, streamed for those being inspected. */
export function createInspectorService(events: EventHub, connections: ConnectionManager): InspectorService {
  const batches = createBatcher<InspectedPacket>((batch) => events.emit('inspector.packets', { packets: batch }));
  /** The latest packets of every connection, kept cheaply so the inspector can show CONNECT/CONNACK. */
  const packetLogs = new Map<string, ReturnType<typeof createPacketLog>>();
  /** Connections whose packets are being streamed to the inspector, with their protocol version. */
  const inspected = new Map<string, number>();

  return {
    record(connectionId, direction, packet, problem) {
      let log = packetLogs.get(connectionId);
      if (!log) packetLogs.set(connectionId, (log = createPacketLog()));
      const entry = log.add(direction, packet, problem);
      const protocolVersion = inspected.get(connectionId);
      if (protocolVersion !== undefined) batches.push(inspectPacket(connectionId, entry, protocolVersion));
    },
    flush: () => batches.flush(),
    forget(connectionId) {
      inspected.delete(connectionId);
      packetLogs.delete(connectionId);
    },
    handlers: {
      'inspector.setEnabled': ({ connectionId, enabled }) => {
        const summary = connections.list().find((c) => c.connectionId === connectionId);
        if (!summary) throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${connectionId}`, { reason: 'noConnection', id: connectionId });
        if (enabled && !inspected.has(connectionId)) {
          inspected.set(connectionId, summary.protocolVersion);
          // Replay what was logged before the inspector opened (CONNECT, CONNACK, SUBSCRIBE...).
          for (const entry of packetLogs.get(connectionId)?.entries() ?? []) {
            batches.push(inspectPacket(connectionId, entry, summary.protocolVersion));
          }
        } else if (!enabled) inspected.delete(connectionId);
        return {};
      },
    },
    async close() {
      batches.flush();
      batches.dispose();
    },
  };
}
