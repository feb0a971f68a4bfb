import type { Packet } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import type { InspectedPacket } from '../../../shared/contract';
import { displayable } from './mqtt-properties';

/** Fields shown elsewhere in InspectedPacket, or never shown (the payload is in the message list). */
const OMITTED_FIELDS = new Set(['cmd', 'length', 'messageId', 'qos', 'retain', 'dup', 'topic', 'payload', 'reasonCode', 'returnCode', 'granted', 'sessionPresent']);
/** Never leave the engine, not even to the inspector. */
const SECRET_FIELDS = new Set(['password', 'authenticationData']);

function redact(fields: Record<string, unknown>): void {
  for (const key of Object.keys(fields)) {
    if (SECRET_FIELDS.has(key)) fields[key] = '(set)';
  }
  const properties = fields.properties as Record<string, unknown> | undefined;
  if (properties && typeof properties === 'object') redact(properties);
}

/** Turns an mqtt.js packet into what the inspector shows; sizes of sent packets are computed. */
export function inspectPacket(connectionId: string, direction: 'in' | 'out', packet: Packet, protocolVersion: number): InspectedPacket {
  const raw = packet as unknown as Record<string, unknown>;
  const inspected: InspectedPacket = { connectionId, direction, type: packet.cmd, timestamp: Date.now() };
  if (typeof raw.length === 'number') inspected.size = raw.length;
  else {
    try {
      inspected.size = mqttPacket.generate(packet as mqttPacket.Packet, { protocolVersion }).length;
    } catch {
      // a packet mqtt-packet cannot re-encode: size stays unknown
    }
  }
  if (typeof raw.messageId === 'number') inspected.packetId = raw.messageId;
  if (typeof raw.qos === 'number') inspected.qos = raw.qos;
  if (typeof raw.retain === 'boolean') inspected.retain = raw.retain;
  if (typeof raw.dup === 'boolean') inspected.dup = raw.dup;
  if (typeof raw.topic === 'string') inspected.topic = raw.topic;
  if (raw.payload instanceof Uint8Array) inspected.payloadSize = raw.payload.byteLength;
  else if (typeof raw.payload === 'string') inspected.payloadSize = Buffer.byteLength(raw.payload);
  const reasonCode = raw.reasonCode ?? raw.returnCode;
  if (typeof reasonCode === 'number') inspected.reasonCode = reasonCode;
  if (Array.isArray(raw.granted)) inspected.reasonCodes = raw.granted.map((g) => (typeof g === 'number' ? g : Number((g as { qos?: number }).qos)));
  if (typeof raw.sessionPresent === 'boolean') inspected.sessionPresent = raw.sessionPresent;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!OMITTED_FIELDS.has(key) && value !== undefined) fields[key] = displayable(value);
  }
  redact(fields);
  if (Object.keys(fields).length > 0) inspected.fields = fields;
  return inspected;
}
