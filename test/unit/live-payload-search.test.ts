import { describe, expect, it } from 'vitest';
import { createLivePayloadSearch } from '../../main/core/engine/live-payload-search';
import { createLivePayloads } from '../../main/core/engine/live-payloads';
import { LIVE_PAYLOAD_PREVIEW_BYTES, type MqttMessage } from '../../shared/contract';

const encoder = new TextEncoder();

/** A message whose payload is `size` bytes of filler with `text` written at `at`. */
function message(connectionId: string, size: number, text = '', at = 0): MqttMessage {
  const payload = new Uint8Array(size).fill(0x2e); // '.'
  payload.set(encoder.encode(text), at);
  return { connectionId, direction: 'in', topic: 't', payload, qos: 0, retain: false, dup: false, timestamp: 1 };
}

describe('live payload search: the text filter over whole payloads the list holds only previews of', () => {
  it('finds text whose only occurrence is past the 4 KiB preview, case-insensitively', async () => {
    const live = createLivePayloads();
    const search = createLivePayloadSearch(live);
    const far = live.toLive(message('c1', 20_000, 'Overheat in Zone 7', 12_000));
    const none = live.toLive(message('c1', 20_000));
    expect(far.payload.byteLength).toBe(LIVE_PAYLOAD_PREVIEW_BYTES);
    expect(new TextDecoder().decode(far.payload)).not.toContain('Overheat');
    expect(await search.search({ connectionId: 'c1', ids: [far.id, none.id], text: 'OVERHEAT in zone' })).toEqual({ matched: [far.id], unknown: [] });
  });

  it('finds text that straddles the boundary between two decoded chunks of a big payload, and multi-byte characters', async () => {
    const live = createLivePayloads();
    const search = createLivePayloadSearch(live);
    // The chunks are 256 KiB: this text starts 5 bytes before the first boundary.
    const straddling = live.toLive(message('c1', 600_000, 'température élevée', 256 * 1024 - 5));
    expect(await search.search({ connectionId: 'c1', ids: [straddling.id], text: 'TEMPÉRATURE ÉLEVÉE' })).toEqual({ matched: [straddling.id], unknown: [] });
    expect(await search.search({ connectionId: 'c1', ids: [straddling.id], text: 'température élevée!' })).toEqual({ matched: [], unknown: [] });
  });

  it('reports a payload it no longer holds as unknown, never as "no match": evicted, over the budget, or another connection’s', async () => {
    const live = createLivePayloads({ previewBytes: 8, budgetBytes: 100 });
    const search = createLivePayloadSearch(live);
    const evicted = live.toLive(message('c1', 60, 'needle', 30));
    const kept = live.toLive(message('c1', 60, 'needle', 30)); // 120 > 100: the first one goes
    const tooBig = live.toLive(message('c1', 101, 'needle', 30)); // never kept (bigger than the budget)
    const otherConnection = live.toLive(message('c2', 9, 'needle', 1));
    expect(await search.search({ connectionId: 'c1', ids: [evicted.id, kept.id, tooBig.id, otherConnection.id], text: 'needle' })).toEqual({
      matched: [kept.id],
      unknown: [evicted.id, tooBig.id, otherConnection.id],
    });
    // A newer big payload takes the budget: the one that matched a moment ago is now unknown.
    const newest = live.toLive(message('c1', 60, 'needle', 30));
    expect(await search.search({ connectionId: 'c1', ids: [kept.id, newest.id], text: 'needle' })).toEqual({ matched: [newest.id], unknown: [kept.id] });
  });

  it('ends a running search when a newer one on the same connection asks for other text (SEARCH_SUPERSEDED)', async () => {
    const live = createLivePayloads();
    const search = createLivePayloadSearch(live);
    // Enough whole payloads (40 MB) that the first search yields to the event loop before it is done.
    const ids = Array.from({ length: 20 }, () => live.toLive(message('c1', 2 * 1024 * 1024)).id);
    const first = search.search({ connectionId: 'c1', ids, text: 'tem' });
    const second = search.search({ connectionId: 'c1', ids: ids.slice(0, 1), text: 'temp' });
    // Another connection's search is its own.
    const elsewhere = search.search({ connectionId: 'c2', ids: [], text: 'x' });
    await expect(first).rejects.toMatchObject({ code: 'SEARCH_SUPERSEDED' });
    expect(await second).toEqual({ matched: [], unknown: [] });
    expect(await elsewhere).toEqual({ matched: [], unknown: [] });
  });
});
