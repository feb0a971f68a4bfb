import { describe, expect, it } from 'vitest';
import { BatchBuilder } from '../../main/core/history/packed-batch';
import { message } from '../support/history-fixtures';

describe('history packed batches', () => {
  it('packs messages into columns, growing past its initial capacity, payloads back to back', () => {
    const builder = new BatchBuilder(4);
    const inputs = Array.from({ length: 10 }, (_, i) =>
      message({ topic: `t/${i % 3}`, payload: new Uint8Array(i * 30).fill(i), qos: (i % 3) as 0 | 1 | 2, retain: i === 2, dup: i === 3, direction: i === 4 ? 'out' : 'in', packetId: i === 5 ? 65535 : null, timestamp: 1_700_000_000_000.9 + i }),
    );
    for (const input of inputs) builder.add('c1', input);
    expect(builder.size).toBe(10);
    const { batch, transfer } = builder.take();
    expect(batch.count).toBe(10);
    expect(batch.newKeys).toEqual([
      [1, 'c1', 't/0'],
      [2, 'c1', 't/1'],
      [3, 'c1', 't/2'],
    ]);
    expect([...batch.keys]).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1]);
    expect([...batch.flags.slice(0, 6)]).toEqual([0, 1, 2 | 4, 0 | 8, 1 | 16, 2]);
    expect([...batch.packetIds.slice(4, 7)]).toEqual([-1, 65535, -1]);
    let start = 0;
    batch.payloadEnds.forEach((end, i) => {
      expect(batch.payloads.subarray(start, end)).toEqual(inputs[i]!.payload);
      start = end;
    });
    expect(batch.timestamps[9]).toBe(1_700_000_000_009.9);
    expect(transfer.every((buffer) => buffer instanceof ArrayBuffer)).toBe(true);
  });

  it('sends each topic once, then only its number, across batches', () => {
    const builder = new BatchBuilder();
    builder.add('c1', message({ topic: 'a' }));
    expect(builder.take().batch.newKeys).toEqual([[1, 'c1', 'a']]);
    builder.add('c1', message({ topic: 'a' }));
    builder.add('c2', message({ topic: 'a' }));
    const { batch } = builder.take();
    expect(batch.newKeys).toEqual([[2, 'c2', 'a']]);
    expect([...batch.keys]).toEqual([1, 2]);
  });

  it('carries MQTT 5 properties only for the messages that have them, bytes as base64', () => {
    const builder = new BatchBuilder();
    builder.add('c1', message());
    builder.add('c1', message({ properties: { correlationData: Uint8Array.from([1, 2]), messageExpiryInterval: 60 } }));
    builder.add('c1', message({ properties: {} }));
    expect(builder.take().batch.properties).toEqual([[1, '{"correlationData":{"$bytes":"AQI="},"messageExpiryInterval":60}']]);
  });

  it('starts empty after take, and an empty take is a valid empty batch', () => {
    const builder = new BatchBuilder();
    builder.add('c1', message());
    builder.take();
    expect(builder.size).toBe(0);
    const { batch } = builder.take();
    expect(batch).toMatchObject({ count: 0, newKeys: [], properties: [] });
    expect(batch.payloads.byteLength).toBe(0);
  });
});
