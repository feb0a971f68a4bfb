import { type LiveMessage, type MqttMessage, WorkbenchFailure } from '../../../shared/contract';
import type { LiveDecoder } from '../codecs/live-decoder';
import type { Downloads } from '../downloads/downloads';
import { createBatcher } from '../engine/batcher';
import type { ConnectionManager } from '../engine/connection-manager';
import { createLivePayloadSearch } from '../engine/live-payload-search';
import { type LivePayloads, createLivePayloads } from '../engine/live-payloads';
import { createRepeatPublisher } from '../engine/repeat-publisher';
import type { EventHub } from '../rpc/event-hub';
import type { ChannelsOf, Service } from './service';

export interface MessagesService extends Service<ChannelsOf<'messages'>> {
  /** A message in or out: kept for its full payload, sent to the UI in the next batch. */
  push(message: MqttMessage): void;
  /** Sends what is batched now (before a status change, so a UI never sees messages after "disconnected"). */
  flush(): void;
  /** A connection went away: its repeats stop and its payloads are dropped. */
  forget(connectionId: string): void;
  /** Stops every repeat, before the connections close (close() also does). */
  stopRepeats(): void;
  /** The whole payloads of recent live messages (codecs.decode reads them by message id). */
  payloads: Pick<LivePayloads, 'held' | 'fullPayload'>;
}

/** Subscribing and publishing on open connections, and the live messages they bring to the UI. */
export function createMessagesService(events: EventHub, connections: ConnectionManager, downloads: Downloads, codecs?: LiveDecoder): MessagesService {
  const livePayloads = createLivePayloads();
  const livePayloadSearch = createLivePayloadSearch(livePayloads, codecs ? (...args) => codecs.text(...args) : undefined);
  const batches = createBatcher<LiveMessage>((batch) => {
    events.emit('messages.batch', { messages: batch });
    // After the batch, so a UI has the messages a rule's report counts.
    codecs?.report();
  });
  const repeats = createRepeatPublisher(
    (input) => connections.publish(input),
    (status) => events.emit('messages.repeatStatus', status),
  );

  return {
    payloads: livePayloads,
    push(message) {
      // The whole payload is decoded, before the live message keeps only a preview of it.
      const decoded = codecs?.decode(message);
      const live = livePayloads.toLive(message);
      if (decoded) live.decoded = decoded;
      batches.push(live);
    },
    flush: () => batches.flush(),
    forget(connectionId) {
      repeats.stopForConnection(connectionId, 'The connection was closed');
      livePayloads.forget(connectionId);
    },
    stopRepeats: () => repeats.stopAll(),
    handlers: {
      'messages.subscribe': (input) => connections.subscribe(input),
      'messages.unsubscribe': async ({ connectionId, filter }) => {
        await connections.unsubscribe(connectionId, filter);
        return {};
      },
      'messages.publish': async (input) => {
        await connections.publish(input);
        return {};
      },
      'messages.request': (input) => connections.request(input),
      'messages.startRepeat': (input) => {
        if (!connections.has(input.message.connectionId)) {
          throw new WorkbenchFailure('CONNECTION_NOT_FOUND', `No connection with id ${input.message.connectionId}`, { reason: 'noConnection', id: input.message.connectionId });
        }
        return repeats.start(input);
      },
      'messages.stopRepeat': ({ repeatId }) => repeats.stop(repeatId),
      'messages.payload': ({ connectionId, id }) => ({ payload: livePayloads.fullPayload(connectionId, id) }),
      'messages.downloadPayload': ({ connectionId, id, fileName }) => {
        const payload = livePayloads.fullPayload(connectionId, id);
        return { downloadId: downloads.mintBytes(payload, fileName), fileName, bytes: payload.byteLength };
      },
      'messages.searchPayloads': (input) => livePayloadSearch.search(input),
    },
    async close() {
      repeats.stopAll();
      batches.flush();
      batches.dispose();
    },
  };
}
