import { WorkbenchFailure } from '../../../shared/contract';
import type { LivePayloads } from './live-payloads';

/**
 * A payload is decoded and searched this many bytes at a time: one multi-megabyte payload is then
 * never one long block of work on the thread that serves MQTT.
 */
const CHUNK_BYTES = 256 * 1024;
/** Work between yields to the event loop, so traffic and other requests get through meanwhile. */
const SLICE_MS = 8;

export interface LivePayloadSearchInput {
  connectionId: string;
  ids: readonly number[];
  text: string;
}

export interface LivePayloadSearchResult {
  /** Ids whose whole payload contains the text. */
  matched: number[];
  /** Ids whose whole payload is no longer held (evicted from the budget): not searched. */
  unknown: number[];
}

export interface LivePayloadSearch {
  search(input: LivePayloadSearchInput): Promise<LivePayloadSearchResult>;
}

/**
 * Text search over the whole payloads of previewed live messages, for the Messages list's text
 * filter (the list holds 4 KiB previews only). The match is the list's: case-insensitive, over the
 * payload decoded as UTF-8 with invalid bytes replaced. A search started for another text on the
 * same connection supersedes a running one (SEARCH_SUPERSEDED), so a user typing does not queue
 * one pass over the 64 MB budget per keystroke.
 */
export function createLivePayloadSearch(payloads: LivePayloads): LivePayloadSearch {
  const latestText = new Map<string, string>();

  return {
    async search({ connectionId, ids, text }) {
      latestText.set(connectionId, text);
      const needle = text.toLowerCase();
      const matched: number[] = [];
      const unknown: number[] = [];
      let sliceStarted = performance.now();
      const pause = async (): Promise<void> => {
        if (performance.now() - sliceStarted < SLICE_MS) return;
        await new Promise((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
        if (latestText.get(connectionId) !== text) {
          throw new WorkbenchFailure('SEARCH_SUPERSEDED', `A newer search of this connection's live payloads replaced the one for "${text}"`);
        }
      };
      for (const id of new Set(ids)) {
        const payload = payloads.held(connectionId, id);
        if (!payload) unknown.push(id);
        else if (await contains(payload, needle, pause)) matched.push(id);
      }
      return { matched, unknown };
    },
  };
}

/** Whether the payload, decoded in chunks and lower-cased, contains `needle` (lower case). */
async function contains(payload: Uint8Array, needle: string, pause: () => Promise<void>): Promise<boolean> {
  const decoder = new TextDecoder('utf-8');
  // The end of the previous chunk, so a match across a chunk boundary is found.
  let carry = '';
  for (let start = 0; start < payload.byteLength; start += CHUNK_BYTES) {
    const end = Math.min(start + CHUNK_BYTES, payload.byteLength);
    const text = carry + decoder.decode(payload.subarray(start, end), { stream: end < payload.byteLength }).toLowerCase();
    if (text.includes(needle)) return true;
    carry = needle.length > 1 ? text.slice(Math.max(0, text.length - (needle.length - 1))) : '';
    await pause();
  }
  return false;
}
