import { Reader } from './reader';
import { malformed, MqttViolation, protocolError, RC } from './reason-codes';

/** Where a property is allowed, as a bit set over the client-to-server packet kinds. */
export const PropKind = {
  CONNECT: 1,
  WILL: 2,
  PUBLISH: 4,
  ACK: 8, // PUBACK, PUBREC, PUBREL, PUBCOMP
  SUBSCRIBE: 16,
  UNSUBSCRIBE: 32,
  DISCONNECT: 64,
  AUTH: 128,
} as const;

const ALL = 0xff;
type ValueType = 'byte' | 'u16' | 'u32' | 'varint' | 'utf8' | 'binary' | 'pair';

interface PropertySpec {
  name: keyof Properties;
  type: ValueType;
  /** Packet kinds a client may send it in; 0 = only the server sends it (CONNACK, SUBACK...). */
  allowed: number;
}

const K = PropKind;
/** Property identifiers (spec 2.2.2.2); see the table at the end of the conformance checklist. */
const SPECS: Record<number, PropertySpec> = {
  0x01: { name: 'payloadFormatIndicator', type: 'byte', allowed: K.PUBLISH | K.WILL },
  0x02: { name: 'messageExpiryInterval', type: 'u32', allowed: K.PUBLISH | K.WILL },
  0x03: { name: 'contentType', type: 'utf8', allowed: K.PUBLISH | K.WILL },
  0x08: { name: 'responseTopic', type: 'utf8', allowed: K.PUBLISH | K.WILL },
  0x09: { name: 'correlationData', type: 'binary', allowed: K.PUBLISH | K.WILL },
  0x0b: { name: 'subscriptionIdentifier', type: 'varint', allowed: K.PUBLISH | K.SUBSCRIBE },
  0x11: { name: 'sessionExpiryInterval', type: 'u32', allowed: K.CONNECT | K.DISCONNECT },
  0x12: { name: 'assignedClientIdentifier', type: 'utf8', allowed: 0 },
  0x13: { name: 'serverKeepAlive', type: 'u16', allowed: 0 },
  0x15: { name: 'authenticationMethod', type: 'utf8', allowed: K.CONNECT | K.AUTH },
  0x16: { name: 'authenticationData', type: 'binary', allowed: K.CONNECT | K.AUTH },
  0x17: { name: 'requestProblemInformation', type: 'byte', allowed: K.CONNECT },
  0x18: { name: 'willDelayInterval', type: 'u32', allowed: K.WILL },
  0x19: { name: 'requestResponseInformation', type: 'byte', allowed: K.CONNECT },
  0x1a: { name: 'responseInformation', type: 'utf8', allowed: 0 },
  0x1c: { name: 'serverReference', type: 'utf8', allowed: K.DISCONNECT },
  0x1f: { name: 'reasonString', type: 'utf8', allowed: K.ACK | K.DISCONNECT | K.AUTH },
  0x21: { name: 'receiveMaximum', type: 'u16', allowed: K.CONNECT },
  0x22: { name: 'topicAliasMaximum', type: 'u16', allowed: K.CONNECT },
  0x23: { name: 'topicAlias', type: 'u16', allowed: K.PUBLISH },
  0x24: { name: 'maximumQoS', type: 'byte', allowed: 0 },
  0x25: { name: 'retainAvailable', type: 'byte', allowed: 0 },
  0x26: { name: 'userProperties', type: 'pair', allowed: ALL },
  0x27: { name: 'maximumPacketSize', type: 'u32', allowed: K.CONNECT },
  0x28: { name: 'wildcardSubscriptionAvailable', type: 'byte', allowed: 0 },
  0x29: { name: 'subscriptionIdentifierAvailable', type: 'byte', allowed: 0 },
  0x2a: { name: 'sharedSubscriptionAvailable', type: 'byte', allowed: 0 },
};

/** Decoded properties. User properties keep their wire order and repeats ([MQTT-3.3.2-18]). */
export interface Properties {
  payloadFormatIndicator?: number;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  subscriptionIdentifier?: number;
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Buffer;
  requestProblemInformation?: number;
  willDelayInterval?: number;
  requestResponseInformation?: number;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: number;
  retainAvailable?: number;
  userProperties?: Array<[string, string]>;
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: number;
  subscriptionIdentifierAvailable?: number;
  sharedSubscriptionAvailable?: number;
}

/** Property ids a broker forwards with a message as they came (everything but expiry, alias, ids, delay). */
const NOT_FORWARDED = new Set([0x02, 0x0b, 0x18, 0x23]);

export const EMPTY = Buffer.alloc(0);

export interface DecodedProperties {
  props: Properties;
  /**
   * For PUBLISH and Will: the raw bytes of the properties forwarded to subscribers unchanged, in
   * their original order (Payload Format, Content Type, Response Topic, Correlation Data, User
   * Properties). Message Expiry is re-encoded per delivery; Topic Alias is connection-local.
   */
  forward: Buffer;
}

const NO_PROPS: DecodedProperties = Object.freeze({ props: Object.freeze({}) as Properties, forward: EMPTY });

/** Reads a Property Length and the properties after it, refusing what the spec does not allow. */
export function readProperties(reader: Reader, kind: number, what: string): DecodedProperties {
  const length = reader.varint(`${what} property length`);
  if (length === 0) return NO_PROPS;
  const end = reader.pos + length;
  if (end > reader.end) throw malformed(`${what}: properties run past the end of the packet`);
  const props: Properties = {};
  const seen = new Set<number>();
  const forwardRanges: number[] = [];
  const { buf } = reader;
  const inner = new Reader(buf, reader.pos, end);
  while (inner.pos < end) {
    const start = inner.pos;
    const id = inner.varint(`${what} property identifier`);
    const spec = SPECS[id];
    if (!spec) throw malformed(`${what}: unknown property 0x${id.toString(16)}`);
    if ((spec.allowed & kind) === 0) throw malformed(`${what}: property ${spec.name} is not allowed here`);
    if (id !== 0x26) {
      if (seen.has(id)) throw protocolError(`${what}: property ${spec.name} given twice`);
      seen.add(id);
    }
    const field = `${what} ${spec.name}`;
    switch (spec.type) {
      case 'byte':
        (props as Record<string, unknown>)[spec.name] = inner.u8(field);
        break;
      case 'u16':
        (props as Record<string, unknown>)[spec.name] = inner.u16(field);
        break;
      case 'u32':
        (props as Record<string, unknown>)[spec.name] = inner.u32(field);
        break;
      case 'varint':
        (props as Record<string, unknown>)[spec.name] = inner.varint(field);
        break;
      case 'utf8':
        (props as Record<string, unknown>)[spec.name] = inner.utf8(field);
        break;
      case 'binary':
        (props as Record<string, unknown>)[spec.name] = Buffer.from(inner.binary(field));
        break;
      case 'pair': {
        const name = inner.utf8(`${what} user property name`); // [MQTT-1.5.7-1]
        const value = inner.utf8(`${what} user property value`);
        (props.userProperties ??= []).push([name, value]);
        break;
      }
    }
    if ((kind === PropKind.PUBLISH || kind === PropKind.WILL) && !NOT_FORWARDED.has(id)) {
      const last = forwardRanges.length;
      // merge adjacent ranges so the usual case is one slice
      if (last > 0 && forwardRanges[last - 1] === start) forwardRanges[last - 1] = inner.pos;
      else forwardRanges.push(start, inner.pos);
    }
  }
  reader.pos = end;
  checkValues(props, what);
  let forward = EMPTY;
  if (forwardRanges.length === 2) forward = Buffer.from(buf.subarray(forwardRanges[0], forwardRanges[1]));
  else if (forwardRanges.length > 2) {
    const parts: Buffer[] = [];
    for (let i = 0; i < forwardRanges.length; i += 2) parts.push(buf.subarray(forwardRanges[i], forwardRanges[i + 1]));
    forward = Buffer.concat(parts);
  }
  return { props, forward };
}

function checkValues(props: Properties, what: string): void {
  const pfi = props.payloadFormatIndicator;
  if (pfi !== undefined && pfi > 1) throw protocolError(`${what}: Payload Format Indicator must be 0 or 1`);
  if (props.receiveMaximum === 0) throw protocolError(`${what}: Receive Maximum must not be 0`);
  if (props.maximumPacketSize === 0) throw protocolError(`${what}: Maximum Packet Size must not be 0`);
  const rri = props.requestResponseInformation;
  if (rri !== undefined && rri > 1) throw protocolError(`${what}: Request Response Information must be 0 or 1`);
  const rpi = props.requestProblemInformation;
  if (rpi !== undefined && rpi > 1) throw protocolError(`${what}: Request Problem Information must be 0 or 1`);
  if (props.subscriptionIdentifier === 0) throw protocolError(`${what}: Subscription Identifier must not be 0`);
}

/** Writes a Variable Byte Integer in its shortest form; returns the new offset. */
export function writeVarint(buf: Buffer, offset: number, value: number): number {
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    buf[offset++] = byte;
  } while (value > 0);
  return offset;
}

export function varintLength(value: number): number {
  if (value < 128) return 1;
  if (value < 16_384) return 2;
  if (value < 2_097_152) return 3;
  return 4;
}

export { MqttViolation, RC };
