import { WorkbenchFailure } from '../../../shared/contract';
import type { LivePayloads } from './live-payloads';

/** A held message's text as its codec rule decodes it, or undefined when no rule reads it (then its raw text is searched). */
export type DecodedText = (connectionId: string, topic: string, payload: Uint8Array, contentType: string | undefined) => string | undefined;

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
export function createLivePayloadSearch(payloads: LivePayloads, decodedText?: DecodedText): LivePayloadSearch {
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
          throw new WorkbenchFailure('SEARCH_SUPERSEDED', `A newer search of this connection's live payloads replaced the one for "${text}"`, { reason: 'searchSuperseded', text });
        }
      };
      for (const id of new Set(ids)) {
        const held = payloads.heldMessage(connectionId, id);
        if (!held) {
          unknown.push(id);
          continue;
        }
        // A topic a codec rule covers is searched in its decoded text, as the list shows it (issue 16).
        const decoded = decodedText?.(connectionId, held.topic, held.payload, held.contentType);
        if (decoded !== undefined) {
          if (decoded.toLowerCase().includes(needle)) matched.push(id);
          await pause();
        } else if (await contains(held.payload, needle, pause)) matched.push(id);
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
