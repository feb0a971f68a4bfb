import { LIVE_PAYLOAD_PREVIEW_BYTES, type LiveMessage, type MqttMessage, WorkbenchFailure } from '../../../shared/contract';

/** Whole payloads of recent previewed messages are kept up to this many bytes, newest first. */
export const LIVE_PAYLOAD_BUDGET_BYTES = 64 * 1024 * 1024;

export interface HeldMessage {
  payload: Uint8Array;
  topic: string;
  contentType: string | undefined;
}

export interface LivePayloads {
  /** Numbers the message and cuts its payload to a preview when it is big (keeping the whole). */
  toLive(message: MqttMessage): LiveMessage;
  /** The whole payload of a previewed message, or PAYLOAD_EVICTED once it left the budget. */
  fullPayload(connectionId: string, id: number): Uint8Array;
  /** The whole payload while it is held, else undefined (evicted, never a preview, another connection's). */
  held(connectionId: string, id: number): Uint8Array | undefined;
  /** The same with the message's topic and Content Type (what a codec rule is chosen by). */
  heldMessage(connectionId: string, id: number): HeldMessage | undefined;
  /** Drops what a closed connection held. */
  forget(connectionId: string): void;
}

/**
 * What the live views get of each message: a number, and the payload cut to a preview when it is
 * large. A firehose of 500 KB payloads is then ~4 KB per message toward the UI instead of 500 KB,
 * while History stores every byte and the recent whole payloads stay one request away.
 */
export function createLivePayloads({ previewBytes = LIVE_PAYLOAD_PREVIEW_BYTES, budgetBytes = LIVE_PAYLOAD_BUDGET_BYTES } = {}): LivePayloads {
  let nextId = 0;
  /** Insertion order is age order: eviction takes from the front. Keyed by message id. */
  const kept = new Map<number, { connectionId: string } & HeldMessage>();
  let keptBytes = 0;

  function evictTo(limit: number): void {
    for (const [id, entry] of kept) {
      if (keptBytes <= limit) return;
      kept.delete(id);
      keptBytes -= entry.payload.byteLength;
    }
  }

  function heldMessage(connectionId: string, id: number): HeldMessage | undefined {
    const entry = kept.get(id);
    return entry && entry.connectionId === connectionId ? entry : undefined;
  }
  const held = (connectionId: string, id: number) => heldMessage(connectionId, id)?.payload;

  return {
    toLive(message) {
      const id = nextId++;
      const size = message.payload.byteLength;
      if (size <= previewBytes) return { ...message, id };
      // A payload over the whole budget is not kept at all (History has it).
      if (size <= budgetBytes) {
        evictTo(budgetBytes - size);
        kept.set(id, { connectionId: message.connectionId, payload: message.payload, topic: message.topic, contentType: message.properties?.contentType });
        keptBytes += size;
      }
      return { ...message, id, payload: message.payload.subarray(0, previewBytes), payloadSize: size };
    },
    fullPayload(connectionId, id) {
      const payload = held(connectionId, id);
      if (!payload) {
        if (id >= nextId) throw new WorkbenchFailure('NOT_FOUND', `No live message ${id}`, { reason: 'noLiveMessage', id });
        throw new WorkbenchFailure('PAYLOAD_EVICTED', 'This payload is no longer held in memory (newer large messages replaced it); open it from History', {});
      }
      return payload;
    },
    held,
    heldMessage,
    forget(connectionId) {
      for (const [id, entry] of kept) {
        if (entry.connectionId !== connectionId) continue;
        kept.delete(id);
        keptBytes -= entry.payload.byteLength;
      }
    },
  };
}
