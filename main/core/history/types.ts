/** What the history stores per message: the engine's MqttMessage plus the MQTT 5 extras. */
export interface HistoryMessage {
  direction: 'in' | 'out';
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  /** Milliseconds since the epoch, taken at arrival. */
  timestamp: number;
  packetId?: number | null;
  /** MQTT 5 properties (byte values such as correlation data as Uint8Array). */
  properties?: Record<string, unknown> | null;
}

/**
 * A message with the connection it belongs to: the connection's stable key (a saved profile or the
 * endpoint, see engine/connection-identity.ts), never the engine's per-run id. Rows written before
 * keys existed keep that run id (c1, c2...) as their key.
 */
export interface HistoryMessageInput extends HistoryMessage {
  connectionKey: string;
}

/** A connection history holds messages of: its key and the label it was last described with. */
export interface HistoryConnection {
  key: string;
  label: string;
}

export interface StoredMessage {
  id: number;
  connectionKey: string;
  /** The connection's label as last described (a renamed profile relabels its history). */
  connectionLabel: string;
  direction: 'in' | 'out';
  topic: string;
  payload: Uint8Array;
  payloadSize: number;
  qos: 0 | 1 | 2;
  retain: boolean;
  dup: boolean;
  timestamp: number;
  packetId: number | null;
  properties: Record<string, unknown> | null;
}

/** Every field is optional; the ones given are combined with AND. */
export interface HistoryQuery {
  connectionKeys?: string[];
  /** Every connection last described with one of these labels (across runs and keys). */
  connectionLabels?: string[];
  direction?: 'in' | 'out';
  /** An MQTT topic filter; `+` and `#` are wildcards, as in a subscription. */
  topicFilter?: string;
  /** Inclusive bounds, milliseconds since the epoch. */
  since?: number;
  until?: number;
  qos?: (0 | 1 | 2)[];
  retain?: boolean;
  minPayloadSize?: number;
  maxPayloadSize?: number;
  /** Case-insensitive substring over payloads that decode as UTF-8. */
  text?: string;
}

/** Keyset cursor: the (timestamp, id) of the last row of the previous page. */
export interface HistoryCursor {
  timestamp: number;
  id: number;
}

export interface PageRequest {
  query?: HistoryQuery;
  limit?: number;
  cursor?: HistoryCursor | null;
  /** 'desc' (newest first, the default) or 'asc'. */
  order?: 'asc' | 'desc';
}

export interface HistoryPage {
  messages: StoredMessage[];
  /** Pass back to get the next page; null when this page is the last. */
  nextCursor: HistoryCursor | null;
}

export interface RetentionLimits {
  maxMessages?: number;
  maxBytes?: number;
  maxAgeMs?: number;
}

/** Retention: the global limits, plus limits for each connection (and overrides by connection key). */
export interface RetentionPolicy extends RetentionLimits {
  perConnection?: RetentionLimits;
  connections?: Record<string, RetentionLimits>;
}

export interface HistoryGap {
  connectionKey: string;
  fromTs: number;
  toTs: number;
  dropped: number;
  reason: string;
}

/** A topic of a connection as the topic tree loads it: counts and the head of its last payload. */
export interface TopicSummary {
  topic: string;
  messages: number;
  lastTimestamp: number;
  /** The newest message that set or deleted a retained value set one. */
  retained: boolean;
  qos: 0 | 1 | 2;
  payloadSize: number;
  preview: Uint8Array;
}
