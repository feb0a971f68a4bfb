import { useEffect, useState } from 'react';
import { fetchPayload } from '../../stores/messages-store';
import type { RingMessage } from '../../model/message-ring';
import { describeError } from '../../ui/errors';

/** Whole payloads fetched for the detail, newest last; a few, so flipping between messages is instant. */
const CACHE_ENTRIES = 6;
const cache = new Map<string, Uint8Array>();

export type FullPayload =
  | { state: 'full'; payload: Uint8Array }
  /** `payload` is the preview meanwhile. */
  | { state: 'loading'; payload: Uint8Array }
  | { state: 'unavailable'; payload: Uint8Array; reason: string };

const keyOf = (message: RingMessage) => `${message.connectionId}:${message.id}`;

function initial(message: RingMessage | undefined): FullPayload | undefined {
  if (!message) return undefined;
  if (message.payloadSize === undefined || message.id === undefined) return { state: 'full', payload: message.payload };
  const cached = cache.get(keyOf(message));
  return cached ? { state: 'full', payload: cached } : { state: 'loading', payload: message.payload };
}

/**
 * The message's whole payload. Live messages carry at most a 4 KB preview (the host bounds what a
 * firehose sends the UI); a bigger one is fetched from the host on demand, and may have left its
 * memory budget, in which case History has it.
 */
export function useFullPayload(message: RingMessage | undefined): FullPayload | undefined {
  const [fetched, setFetched] = useState<{ key: string; result: FullPayload } | null>(null);
  const start = initial(message);
  const key = message ? keyOf(message) : '';
  const needsFetch = start?.state === 'loading';

  useEffect(() => {
    if (!needsFetch || !message || message.id === undefined) return;
    let isCurrent = true;
    void fetchPayload(message.connectionId, message.id).then((result) => {
      if (!isCurrent) return;
      if (result.ok) {
        cache.delete(key);
        cache.set(key, result.value.payload);
        for (const old of [...cache.keys()].slice(0, Math.max(0, cache.size - CACHE_ENTRIES))) cache.delete(old);
        setFetched({ key, result: { state: 'full', payload: result.value.payload } });
      } else {
        setFetched({ key, result: { state: 'unavailable', payload: message.payload, reason: describeError(result.error) } });
      }
    });
    return () => {
      isCurrent = false;
    };
  }, [needsFetch, key, message]);

  if (needsFetch && fetched?.key === key) return fetched.result;
  return start;
}
