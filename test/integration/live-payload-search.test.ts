/**
 * The live list's text filter over whole payloads: a real core and broker, the renderer's stores
 * and filter index driven through the contract (validation included), as the Messages list drives
 * them. The list holds 4 KiB previews; a match further into a payload is found by the host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilteredIndex, NO_FILTER, createMatcher } from '../../renderer/payload/message-filter';
import { setApi } from '../../renderer/stores/api';
import { messageBySeq, ringOf, useMessagesStore } from '../../renderer/stores/messages-store';
import { payloadSearchFor, usePayloadSearchStore } from '../../renderer/stores/payload-search-store';
import { LIVE_PAYLOAD_PREVIEW_BYTES, type RequestChannel, createWorkbenchApi } from '../../shared/contract';
import { waitFor } from '../support/core-harness';
import { type TestBroker, startTestBroker } from '../support/raw-mqtt-client';
import { useCoreHarness } from '../support/fixtures';

let broker: TestBroker;

beforeAll(async () => {
  broker = await startTestBroker();
  // The renderer's API over the core's dispatcher: every request is validated as from a window.
  setApi(createWorkbenchApi({ invoke: (channel: RequestChannel, input: unknown) => harness.core.dispatcher.handle(channel, input), on: () => () => undefined }));
});
afterAll(async () => {
  await broker?.stop();
});

const harness = useCoreHarness(); // declared after: closed before the broker stops

/** `size` bytes of filler with `text` at `at`. */
function payload(size: number, text = '', at = 0): Uint8Array {
  const bytes = new Uint8Array(size).fill(0x2e);
  bytes.set(new TextEncoder().encode(text), at);
  return bytes;
}

describe('text search over whole live payloads', () => {
  it('finds a match past the 4 KiB preview of a received payload, through the contract and in the list index', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5 });
    await harness.call('messages.subscribe', { connectionId, filter: 'report/#', qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'report/far', payload: payload(100_000, 'Overheat in zone 7', 50_000), qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'report/none', payload: payload(100_000), qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'report/small', payload: payload(100, 'overheat in zone 7'), qos: 1 });
    const live = await waitFor(() => {
      const received = harness.received().filter((m) => m.topic.startsWith('report/'));
      return received.length === 3 ? received : undefined;
    }, 'the three reports');
    const [far, none] = live;
    expect(far!.payload.byteLength).toBe(LIVE_PAYLOAD_PREVIEW_BYTES);
    expect(new TextDecoder().decode(far!.payload)).not.toMatch(/overheat/i);

    // The request itself: the host searches what it holds whole.
    expect(await harness.call('messages.searchPayloads', { connectionId, ids: [far!.id, none!.id], text: 'OVERHEAT IN ZONE' })).toEqual({ matched: [far!.id], unknown: [] });

    // As the list does it: the index tests the previews, the search asks the host about the two
    // that lack the text, and the late match joins the list in arrival order.
    useMessagesStore.getState().ingest(live);
    useMessagesStore.getState().publish();
    const filter = { ...NO_FILTER, text: 'overheat in zone' };
    const search = payloadSearchFor(connectionId, filter.text)!;
    expect(payloadSearchFor(connectionId, filter.text)).toBe(search);
    const index = new FilteredIndex(createMatcher(filter, search)!);
    const { ring, epoch } = ringOf(connectionId)!;
    index.sync(ring, epoch);
    expect(index.length).toBe(1); // the small one, whole in the list
    expect(search.asking).toBe(2);
    const version = usePayloadSearchStore.getState().version;
    await waitFor(() => usePayloadSearchStore.getState().version > version && search.asking === 0, 'the host to answer');
    const { found } = search.foundSince(0);
    index.include(found.filter(({ id, seq }) => messageBySeq(connectionId, seq)?.id === id).map(({ seq }) => seq));
    const topics = Array.from({ length: index.length }, (_, i) => messageBySeq(connectionId, index.seqAt(i)!)!.topic);
    expect(topics).toEqual(['report/far', 'report/small']);
    expect(search.unsearched).toBe(0);
    await harness.call('connections.disconnect', { connectionId });
  });

  it('says which payloads it could not search once the host no longer holds them', async () => {
    const { connectionId } = await harness.call('connections.connect', { protocol: 'mqtt', host: '127.0.0.1', port: broker.port, protocolVersion: 5 });
    await harness.call('messages.subscribe', { connectionId, filter: 'gone/#', qos: 1 });
    await harness.call('messages.publish', { connectionId, topic: 'gone/one', payload: payload(10_000, 'needle', 9_000), qos: 1 });
    const [message] = await waitFor(() => {
      const received = harness.received().filter((m) => m.topic === 'gone/one');
      return received.length === 1 ? received : undefined;
    }, 'the message');
    // Disconnecting drops what the connection held: its list may still show the message.
    await harness.call('connections.disconnect', { connectionId });
    expect(await harness.call('messages.searchPayloads', { connectionId, ids: [message!.id], text: 'needle' })).toEqual({ matched: [], unknown: [message!.id] });

    useMessagesStore.getState().ingest([message!]);
    useMessagesStore.getState().publish();
    const search = payloadSearchFor(connectionId, 'needle')!;
    const index = new FilteredIndex(createMatcher({ ...NO_FILTER, text: 'needle' }, search)!);
    const { ring, epoch } = ringOf(connectionId)!;
    index.sync(ring, epoch);
    await waitFor(() => search.asking === 0, 'the host to answer');
    expect(search.unsearched).toBe(1);
    expect(index.length).toBe(0);
  });
});
