import { z } from 'zod';
import { connectionId, empty } from './common';

/** One MQTT packet as the engine sent or received it. */
export const inspectedPacket = z.object({
  connectionId,
  direction: z.enum(['in', 'out']),
  /** connect, connack, publish, puback, ..., auth */
  type: z.string(),
  timestamp: z.number(),
  /** Remaining length, when known. */
  size: z.number().optional(),
  packetId: z.number().optional(),
  qos: z.number().optional(),
  retain: z.boolean().optional(),
  dup: z.boolean().optional(),
  topic: z.string().optional(),
  payloadSize: z.number().optional(),
  reasonCode: z.number().optional(),
  /** Per-filter SUBACK/UNSUBACK codes. */
  reasonCodes: z.array(z.number()).optional(),
  sessionPresent: z.boolean().optional(),
  /** What is wrong with this packet, when the broker broke the protocol with it (see engine/outgoing-tracker.ts). */
  problem: z.string().optional(),
  /** Other fields (subscriptions, keep alive, client id...) and MQTT 5 properties, JSON-safe. */
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type InspectedPacket = z.infer<typeof inspectedPacket>;

export const inspectorContract = {
  requests: {
    /** Turns the packet stream of one connection on or off (off by default: it costs per packet). */
    setEnabled: { input: z.object({ connectionId, enabled: z.boolean() }).strict(), output: empty },
  },
  events: {
    /** Packets in both directions, batched like messages. */
    packets: { payload: z.object({ packets: z.array(inspectedPacket).max(2000) }) },
  },
} as const;
