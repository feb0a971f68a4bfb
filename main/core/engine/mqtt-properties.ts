import type { ReceivedProperties, UserProperties } from '../../../shared/contract';

type MqttJsUserProperties = Record<string, string | string[]>;

/**
 * Our user properties are an ordered list; mqtt.js takes an object of key -> value(s).
 * Values of one key keep their order; the order across different keys follows first appearance
 * (mqtt-packet encodes object keys in insertion order).
 */
export function toMqttJsUserProperties(list: UserProperties | undefined): MqttJsUserProperties | undefined {
  if (!list || list.length === 0) return undefined;
  const out: MqttJsUserProperties = {};
  for (const { key, value } of list) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else out[key] = [existing, value];
  }
  return out;
}

export function fromMqttJsUserProperties(object: MqttJsUserProperties | undefined): UserProperties | undefined {
  if (!object) return undefined;
  const list: UserProperties = [];
  for (const [key, value] of Object.entries(object)) {
    for (const v of Array.isArray(value) ? value : [value]) list.push({ key, value: String(v) });
  }
  return list;
}

/** Buffers become plain Uint8Array views, so they cross the contract as bytes. */
export function asBytes(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

interface PublishPacketProperties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  userProperties?: MqttJsUserProperties;
  subscriptionIdentifier?: number | number[];
  topicAlias?: number;
}

/** The MQTT 5 properties of a received PUBLISH, or undefined when it had none. */
export function receivedPublishProperties(properties: PublishPacketProperties | undefined): ReceivedProperties | undefined {
  if (!properties) return undefined;
  const out: ReceivedProperties = {};
  if (properties.payloadFormatIndicator !== undefined) out.payloadFormatIndicator = properties.payloadFormatIndicator;
  if (properties.messageExpiryInterval !== undefined) out.messageExpiryInterval = properties.messageExpiryInterval;
  if (properties.contentType !== undefined) out.contentType = properties.contentType;
  if (properties.responseTopic !== undefined) out.responseTopic = properties.responseTopic;
  if (properties.correlationData !== undefined) out.correlationData = asBytes(properties.correlationData);
  const userProperties = fromMqttJsUserProperties(properties.userProperties);
  if (userProperties) out.userProperties = userProperties;
  if (properties.subscriptionIdentifier !== undefined) {
    const ids = properties.subscriptionIdentifier;
    out.subscriptionIdentifiers = Array.isArray(ids) ? ids : [ids];
  }
  if (properties.topicAlias !== undefined) out.topicAlias = properties.topicAlias;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Makes packet fields JSON-safe for display: bytes as Uint8Array, nothing secret. */
export function displayable(value: unknown, depth = 0): unknown {
  if (depth > 4) return '…';
  if (value instanceof Uint8Array) return asBytes(value);
  if (Array.isArray(value)) return value.map((v) => displayable(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = displayable(v, depth + 1);
    return out;
  }
  return value;
}
