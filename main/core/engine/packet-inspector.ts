import mqttPacket from 'mqtt-packet';
import type { InspectedPacket } from '../../../shared/contract';
import { displayable } from './mqtt-properties';
import type { LoggedPacket } from './packet-log';

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

/** Size of a packet we sent: re-encoded, with a stand-in payload of the logged size. */
function encodedSize(entry: LoggedPacket, protocolVersion: number): number | undefined {
  try {
    const packet = entry.payloadSize !== undefined ? { ...entry.packet, payload: Buffer.alloc(entry.payloadSize) } : entry.packet;
    return mqttPacket.generate(packet as mqttPacket.Packet, { protocolVersion }).length;
  } catch {
    return undefined; // a packet mqtt-packet cannot re-encode: size stays unknown
  }
}

/** Turns a logged packet into what the inspector shows. Runs only while someone inspects. */
export function inspectPacket(connectionId: string, entry: LoggedPacket, protocolVersion: number): InspectedPacket {
  const raw = entry.packet as unknown as Record<string, unknown>;
  const inspected: InspectedPacket = { connectionId, direction: entry.direction, type: String(raw.cmd), timestamp: entry.timestamp };
  // Received packets carry their remaining length; add the fixed header to report bytes on the wire.
  const size = entry.direction === 'in' && typeof raw.length === 'number' ? undefined : encodedSize(entry, protocolVersion);
  if (size !== undefined) inspected.size = size;
  else if (typeof raw.length === 'number') inspected.size = raw.length + 1 + (raw.length < 128 ? 1 : raw.length < 16384 ? 2 : raw.length < 2097152 ? 3 : 4);
  if (typeof raw.messageId === 'number') inspected.packetId = raw.messageId;
  if (typeof raw.qos === 'number') inspected.qos = raw.qos;
  if (typeof raw.retain === 'boolean') inspected.retain = raw.retain;
  if (typeof raw.dup === 'boolean') inspected.dup = raw.dup;
  if (typeof raw.topic === 'string') inspected.topic = raw.topic;
  if (entry.payloadSize !== undefined) inspected.payloadSize = entry.payloadSize;
  const reasonCode = raw.reasonCode ?? raw.returnCode;
  if (typeof reasonCode === 'number') inspected.reasonCode = reasonCode;
  if (Array.isArray(raw.granted)) inspected.reasonCodes = raw.granted.map((g) => (typeof g === 'number' ? g : Number((g as { qos?: number }).qos)));
  if (typeof raw.sessionPresent === 'boolean') inspected.sessionPresent = raw.sessionPresent;
  if (entry.problem) inspected.problem = entry.problem;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!OMITTED_FIELDS.has(key) && value !== undefined) fields[key] = displayable(value);
  }
  redact(fields);
  if (Object.keys(fields).length > 0) inspected.fields = fields;
  return inspected;
}
