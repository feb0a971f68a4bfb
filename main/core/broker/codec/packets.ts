import type { Properties } from './properties';

export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
  AUTH: 15,
} as const;

export type ProtocolVersion = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;

export interface WillMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  props: Properties;
  /** Raw Will properties forwarded with the message (see readProperties). */
  forward: Buffer;
}

export interface ConnectPacket {
  type: 1;
  protocolName: string;
  version: ProtocolVersion;
  cleanStart: boolean;
  keepAlive: number;
  props: Properties;
  clientId: string;
  will: WillMessage | null;
  username: string | undefined;
  password: Buffer | undefined;
}

export interface PublishPacket {
  type: 3;
  dup: boolean;
  qos: QoS;
  retain: boolean;
  topic: string;
  /** The topic's UTF-8 bytes as received (a slice of the frame: copy to keep). */
  topicBytes: Buffer;
  packetId: number;
  props: Properties;
  forward: Buffer;
  payload: Buffer;
}

export interface AckPacket {
  type: 4 | 5 | 6 | 7;
  packetId: number;
  reasonCode: number;
  props: Properties;
}

export interface SubscriptionRequest {
  filter: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
}

export interface SubscribePacket {
  type: 8;
  packetId: number;
  props: Properties;
  subscriptions: SubscriptionRequest[];
}

export interface UnsubscribePacket {
  type: 10;
  packetId: number;
  props: Properties;
  filters: string[];
}

export interface PingreqPacket {
  type: 12;
}

export interface DisconnectPacket {
  type: 14;
  reasonCode: number;
  props: Properties;
}

export interface AuthPacket {
  type: 15;
  reasonCode: number;
  props: Properties;
}

/** Packet types only a server sends; a client sending one is a protocol error. */
export interface ServerOnlyPacket {
  type: 2 | 9 | 11 | 13;
}

export type ClientPacket =
  | ConnectPacket
  | PublishPacket
  | AckPacket
  | SubscribePacket
  | UnsubscribePacket
  | PingreqPacket
  | DisconnectPacket
  | AuthPacket
  | ServerOnlyPacket;
