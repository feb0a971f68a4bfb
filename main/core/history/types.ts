import type { HistoryCursor, HistoryQuery, StoredMessage } from '../../../shared/contract';
import type { CodecScopes } from '../codecs/codec-scopes';

/**
 * A stored message, a query (every field optional, the ones given combined with AND), a page's
 * cursor, a connection (key and last label), a gap and a topic's summary are the contract's
 * types: one source for what History returns and what the UI reads.
 */
export type { HistoryConnection, HistoryCursor, HistoryGap, HistoryQuery, StoredMessage, TopicSummary } from '../../../shared/contract';

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

export interface PageRequest {
  query?: HistoryQuery;
  /** The codec rules a text search reads covered topics' payloads with (decoded text, not raw bytes). */
  codecs?: CodecScopes | undefined;
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

