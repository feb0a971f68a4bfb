/**
 * MQTT reason codes, one table for the whole app: the broker sends them (RC), the engine and the UI
 * say what a broker answered (describeReason). MQTT 5 reason codes are spec 2.4; MQTT 3.1/3.1.1
 * CONNACK return codes (3.1.1: 3.2.2.3) are a table of their own, their values differ.
 */
const MQTT5 = {
  SUCCESS: [0x00, 'Success'],
  GRANTED_QOS_1: [0x01, 'Granted QoS 1'],
  GRANTED_QOS_2: [0x02, 'Granted QoS 2'],
  DISCONNECT_WITH_WILL: [0x04, 'Disconnect with Will Message'],
  NO_MATCHING_SUBSCRIBERS: [0x10, 'No matching subscribers'],
  NO_SUBSCRIPTION_EXISTED: [0x11, 'No subscription existed'],
  CONTINUE_AUTHENTICATION: [0x18, 'Continue authentication'],
  REAUTHENTICATE: [0x19, 'Re-authenticate'],
  UNSPECIFIED_ERROR: [0x80, 'Unspecified error'],
  MALFORMED_PACKET: [0x81, 'Malformed Packet'],
  PROTOCOL_ERROR: [0x82, 'Protocol Error'],
  IMPLEMENTATION_SPECIFIC_ERROR: [0x83, 'Implementation specific error'],
  UNSUPPORTED_PROTOCOL_VERSION: [0x84, 'Unsupported Protocol Version'],
  CLIENT_IDENTIFIER_NOT_VALID: [0x85, 'Client Identifier not valid'],
  BAD_USER_NAME_OR_PASSWORD: [0x86, 'Bad User Name or Password'],
  NOT_AUTHORIZED: [0x87, 'Not authorized'],
  SERVER_UNAVAILABLE: [0x88, 'Server unavailable'],
  SERVER_BUSY: [0x89, 'Server busy'],
  BANNED: [0x8a, 'Banned'],
  SERVER_SHUTTING_DOWN: [0x8b, 'Server shutting down'],
  BAD_AUTHENTICATION_METHOD: [0x8c, 'Bad authentication method'],
  KEEP_ALIVE_TIMEOUT: [0x8d, 'Keep Alive timeout'],
  SESSION_TAKEN_OVER: [0x8e, 'Session taken over'],
  TOPIC_FILTER_INVALID: [0x8f, 'Topic Filter invalid'],
  TOPIC_NAME_INVALID: [0x90, 'Topic Name invalid'],
  PACKET_IDENTIFIER_IN_USE: [0x91, 'Packet Identifier in use'],
  PACKET_IDENTIFIER_NOT_FOUND: [0x92, 'Packet Identifier not found'],
  RECEIVE_MAXIMUM_EXCEEDED: [0x93, 'Receive Maximum exceeded'],
  TOPIC_ALIAS_INVALID: [0x94, 'Topic Alias invalid'],
  PACKET_TOO_LARGE: [0x95, 'Packet too large'],
  MESSAGE_RATE_TOO_HIGH: [0x96, 'Message rate too high'],
  QUOTA_EXCEEDED: [0x97, 'Quota exceeded'],
  ADMINISTRATIVE_ACTION: [0x98, 'Administrative action'],
  PAYLOAD_FORMAT_INVALID: [0x99, 'Payload format invalid'],
  RETAIN_NOT_SUPPORTED: [0x9a, 'Retain not supported'],
  QOS_NOT_SUPPORTED: [0x9b, 'QoS not supported'],
  USE_ANOTHER_SERVER: [0x9c, 'Use another server'],
  SERVER_MOVED: [0x9d, 'Server moved'],
  SHARED_SUBSCRIPTIONS_NOT_SUPPORTED: [0x9e, 'Shared Subscriptions not supported'],
  CONNECTION_RATE_EXCEEDED: [0x9f, 'Connection rate exceeded'],
  MAXIMUM_CONNECT_TIME: [0xa0, 'Maximum connect time'],
  SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED: [0xa1, 'Subscription Identifiers not supported'],
  WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED: [0xa2, 'Wildcard Subscriptions not supported'],
} as const;

const CONNACK_V3 = {
  ACCEPTED: [0x00, 'Connection accepted'],
  UNACCEPTABLE_PROTOCOL_VERSION: [0x01, 'Unacceptable protocol version'],
  IDENTIFIER_REJECTED: [0x02, 'Identifier rejected'],
  SERVER_UNAVAILABLE: [0x03, 'Server unavailable'],
  BAD_USER_NAME_OR_PASSWORD: [0x04, 'Bad user name or password'],
  NOT_AUTHORIZED: [0x05, 'Not authorized'],
} as const;

type Codes<T extends Record<string, readonly [number, string]>> = { readonly [K in keyof T]: T[K][0] };

function codesOf<T extends Record<string, readonly [number, string]>>(table: T): Codes<T> {
  return Object.fromEntries(Object.entries(table).map(([key, [code]]) => [key, code])) as Codes<T>;
}

function namesOf(table: Record<string, readonly [number, string]>): Map<number, string> {
  return new Map(Object.values(table));
}

/** MQTT 5.0 reason codes by name: `RC.NOT_AUTHORIZED` is 0x87. */
export const RC = codesOf(MQTT5);
/** MQTT 3.1/3.1.1 CONNACK return codes by name. */
export const RC311 = codesOf(CONNACK_V3);

const NAMES = namesOf(MQTT5);
const CONNACK_V3_NAMES = namesOf(CONNACK_V3);

export function hexCode(code: number): string {
  return `0x${code.toString(16).padStart(2, '0')}`;
}

/** "Not authorized"; for SUBACK 0x00 reads "Granted QoS 0". */
export function reasonName(code: number, packetType?: string): string {
  if (code === RC.SUCCESS && packetType === 'suback') return 'Granted QoS 0';
  return NAMES.get(code) ?? 'Unknown';
}

/** "0x87 Not authorized". */
export function describeReason(code: number, packetType?: string): string {
  return `${hexCode(code)} ${reasonName(code, packetType)}`;
}

/** A CONNACK code in words: 3.1.1 return codes below 0x80, MQTT 5 reason codes from 0x80. */
export function describeConnackCode(code: number): string {
  const v3 = code !== RC311.ACCEPTED ? CONNACK_V3_NAMES.get(code) : undefined;
  return `${hexCode(code)} ${v3 ?? reasonName(code)}`;
}
