import { type DecodedPayload, LIVE_DECODED_MAX_CHARS, type StoredMessage, type TopicSummary } from '../../../shared/contract';
import { type CodecScopes, createScopedEngines } from './codec-scopes';
import { LIVE_DECODE_MAX_PAYLOAD_BYTES } from './live-decoder';

/**
 * History's rows as the rules read them (issue 16): a page of History, or the last values a
 * reloaded page refills its live list with, carries `decoded` like a live message does, so the
 * list, the tree and the plots show the same decoded values whether a message came live or from
 * History. Rules are applied when read, so a rule added today decodes last week's messages.
 * Bounded as live decoding is: at most LIVE_DECODED_MAX_CHARS of text, no payload over 1 MB (the
 * detail decodes those on demand with codecs.decode).
 */
export interface StoredDecoder {
  messages<M extends StoredMessage>(messages: M[]): M[];
  /**
   * The topic tree's summaries from History: a summary carries only the head of its last payload,
   * so only one whose head is the whole payload can be decoded (the others decode when opened).
   */
  summaries(connectionKey: string, topics: TopicSummary[]): TopicSummary[];
}

export function createStoredDecoder(codecScopes: () => CodecScopes | undefined): StoredDecoder {
  const engines = createScopedEngines();
  const decode = (connectionKey: string, topic: string, payload: Uint8Array, contentType?: string): DecodedPayload | undefined => {
    if (payload.byteLength > LIVE_DECODE_MAX_PAYLOAD_BYTES) return undefined;
    const engine = engines.forKey(connectionKey);
    const rule = engine?.match(topic, contentType);
    return engine && rule ? engine.decode(rule, payload, { contentType, maxChars: LIVE_DECODED_MAX_CHARS }) : undefined;
  };
  /** False when no rule exists at all (nothing to do). */
  const ready = () => {
    const scopes = codecScopes();
    engines.use(scopes);
    return scopes !== undefined;
  };
  return {
    messages(messages) {
      if (!ready()) return messages;
      for (const message of messages) {
        const contentType = typeof message.properties?.contentType === 'string' ? message.properties.contentType : undefined;
        const decoded = decode(message.connectionKey, message.topic, message.payload, contentType);
        if (decoded) message.decoded = decoded;
      }
      return messages;
    },
    summaries(connectionKey, topics) {
      if (!ready()) return topics;
      for (const summary of topics) {
        if (summary.preview.byteLength !== summary.payloadSize) continue;
        const decoded = decode(connectionKey, summary.topic, summary.preview);
        if (decoded) summary.decoded = decoded;
      }
      return topics;
    },
  };
}
