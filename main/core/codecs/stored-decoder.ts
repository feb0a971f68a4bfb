import { LIVE_DECODED_MAX_CHARS, type StoredMessage } from '../../../shared/contract';
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
export function createStoredDecoder(codecScopes: () => CodecScopes | undefined): <M extends StoredMessage>(messages: M[]) => M[] {
  const engines = createScopedEngines();
  return (messages) => {
    const scopes = codecScopes();
    if (!scopes) return messages;
    engines.use(scopes);
    for (const message of messages) {
      if (message.payload.byteLength > LIVE_DECODE_MAX_PAYLOAD_BYTES) continue;
      const engine = engines.forKey(message.connectionKey);
      const contentType = typeof message.properties?.contentType === 'string' ? message.properties.contentType : undefined;
      const rule = engine?.match(message.topic, contentType);
      if (!engine || !rule) continue;
      message.decoded = engine.decode(rule, message.payload, { contentType, maxChars: LIVE_DECODED_MAX_CHARS });
    }
    return messages;
  };
}
