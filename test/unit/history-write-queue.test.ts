import { describe, expect, it } from 'vitest';
import type { HistoryMessage } from '../../main/core/history/types';
import { MESSAGE_OVERHEAD_BYTES, type OutgoingBatch, WriteQueue, type WriteQueueEvent, type WriteQueueLimits } from '../../main/core/history/write-queue';

function message(timestamp: number, payloadBytes = 1, topic = 't'): HistoryMessage {
  return { direction: 'in', topic, payload: new Uint8Array(payloadBytes), qos: 0, retain: false, dup: false, timestamp };
}

/** A queue whose sink records what it was given, and can wait for the next batch. */
function queueWith(limits: Partial<WriteQueueLimits>) {
  const sent: OutgoingBatch[] = [];
  const events: WriteQueueEvent[] = [];
  const accepted: string[] = [];
  let waiting: ((batch: OutgoingBatch) => void) | null = null;
  const queue = new WriteQueue(
    {
      accepted: (connectionKey, m) => accepted.push(`${connectionKey}@${m.timestamp}`),
      send: (batch) => {
        sent.push(batch);
        waiting?.(batch);
        waiting = null;
      },
      event: (event) => events.push(event),
    },
    // Intervals long enough never to fire in a test unless it waits for one.
    { flushIntervalMs: 60_000, ...limits },
  );
  const nextBatch = (): Promise<OutgoingBatch> => new Promise((resolve) => (waiting = resolve));
  return { queue, sent, events, accepted, nextBatch };
}

describe('history write queue', () => {
  it('sends a batch as soon as maxBatchMessages are queued, numbered in order', () => {
    const { queue, sent, accepted } = queueWith({ maxBatchMessages: 3 });
    for (let i = 1; i <= 7; i++) expect(queue.append('a', message(i))).toBe(true);
    expect(sent.map((b) => [b.seq, b.batch.count])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    expect(accepted).toHaveLength(7);
    queue.send();
    expect(sent.map((b) => b.batch.count)).toEqual([3, 3, 1]);
    expect(queue.stats()).toMatchObject({ accepted: 7, pending: 7, written: 0 });
  });

  it('sends what is queued after flushIntervalMs', async () => {
    const { queue, sent, nextBatch } = queueWith({ flushIntervalMs: 5, maxBatchMessages: 100 });
    const batch = nextBatch();
    queue.append('a', message(1));
    queue.append('b', message(2));
    expect(sent).toHaveLength(0);
    expect((await batch).batch.count).toBe(2);
  });

  it('keeps messages pending until the writer acknowledges their batch', () => {
    const { queue, events } = queueWith({ maxBatchMessages: 2 });
    for (let i = 1; i <= 4; i++) queue.append('a', message(i, 10));
    expect(queue.stats()).toMatchObject({ pending: 4, pendingBytes: 4 * (10 + 1 + MESSAGE_OVERHEAD_BYTES) });
    queue.acknowledged(1, 3);
    expect(queue.stats()).toMatchObject({ pending: 2, written: 2, lastFlush: { count: 2, ms: 3 } });
    // An ack covers every batch up to its sequence number.
    queue.acknowledged(2, 4);
    expect(queue.stats()).toMatchObject({ pending: 0, pendingBytes: 0, written: 4 });
    expect(events).toEqual([
      { type: 'flushed', written: 2, count: 2, ms: 3 },
      { type: 'flushed', written: 4, count: 2, ms: 4 },
    ]);
  });

  it('drops the newest beyond maxPendingMessages, counted per connection, one gap per connection per episode', () => {
    const { queue, sent, events } = queueWith({ maxPendingMessages: 2, maxBatchMessages: 100 });
    expect(queue.append('a', message(1))).toBe(true);
    expect(queue.append('a', message(2))).toBe(true);
    expect(queue.append('a', message(3))).toBe(false);
    expect(queue.append('b', message(4))).toBe(false);
    expect(queue.append('a', message(5))).toBe(false);
    expect(queue.stats()).toMatchObject({ dropped: 3, droppedByConnection: { a: 2, b: 1 }, isDropping: true, pending: 2 });
    expect(events).toEqual([
      { type: 'backpressure', dropping: true, connectionKey: 'a' },
      { type: 'backpressure', dropping: true, connectionKey: 'b' },
    ]);
    queue.send();
    queue.acknowledged(1, 1);
    // The next accepted message ends the episode: its gaps are reported and stored with the next batch.
    expect(queue.append('a', message(6))).toBe(true);
    const backToNormal = { type: 'backpressure', dropping: false, dropped: 3, gaps: [
      { connectionKey: 'a', fromTs: 3, toTs: 5, dropped: 2, reason: 'backpressure: the history writer could not keep up' },
      { connectionKey: 'b', fromTs: 4, toTs: 4, dropped: 1, reason: 'backpressure: the history writer could not keep up' },
    ] };
    expect(events.at(-1)).toEqual(backToNormal);
    expect(queue.stats().isDropping).toBe(false);
    queue.send();
    expect(sent[1]!.gaps).toEqual(backToNormal.gaps);
    expect(sent[1]!.batch.count).toBe(1);
  });

  it('bounds pending bytes, but takes one message larger than the bound when nothing is pending', () => {
    const { queue } = queueWith({ maxPendingBytes: 1000, maxBatchMessages: 100 });
    expect(queue.append('a', message(1, 5000))).toBe(true);
    expect(queue.append('a', message(2, 1))).toBe(false);
    queue.send();
    queue.acknowledged(1, 1);
    expect(queue.append('a', message(3, 500))).toBe(true);
    expect(queue.append('a', message(4, 500))).toBe(false);
  });

  it('flush() resolves once every message appended so far is acknowledged', async () => {
    const { queue, sent } = queueWith({ maxBatchMessages: 100 });
    await queue.flush(); // nothing pending
    queue.append('a', message(1));
    let flushed = false;
    const flushing = queue.flush().then(() => (flushed = true));
    expect(sent).toHaveLength(1);
    queue.append('a', message(2));
    queue.acknowledged(1, 1);
    await flushing;
    expect(flushed).toBe(true);
    expect(queue.stats().pending).toBe(1);
  });

  it('whenRoom() waits from half full until down to a quarter', async () => {
    const { queue } = queueWith({ maxPendingMessages: 8, maxBatchMessages: 1 });
    for (let i = 1; i <= 3; i++) queue.append('a', message(i));
    expect(queue.whenRoom()).toBeNull();
    queue.append('a', message(4));
    let roomy = false;
    const room = queue.whenRoom()!.then(() => (roomy = true));
    queue.acknowledged(1, 1); // 3 pending: not yet a quarter
    await Promise.resolve();
    expect(roomy).toBe(false);
    queue.acknowledged(2, 1); // 2 pending: a quarter of 8
    await room;
    expect(queue.whenRoom()).toBeNull();
  });

  it('on close sends what is queued, records a drop episode still open, and takes nothing more', () => {
    const { queue, sent, events } = queueWith({ maxPendingMessages: 1, maxBatchMessages: 100 });
    queue.append('a', message(1));
    queue.append('a', message(2)); // dropped: full
    queue.close();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.batch.count).toBe(1);
    expect(sent[0]!.gaps).toEqual([{ connectionKey: 'a', fromTs: 2, toTs: 2, dropped: 1, reason: 'backpressure: the history writer could not keep up' }]);
    expect(events.at(-1)).toMatchObject({ type: 'backpressure', dropping: false, dropped: 1 });
    expect(queue.append('a', message(3))).toBe(false);
    expect(queue.whenRoom()).toBeNull();
    expect(queue.stats()).toMatchObject({ dropped: 2, droppedByConnection: { a: 2 } });
  });

  it('counts a failed transaction and, when the writer is gone, everything pending, as failed', async () => {
    const { queue, sent, events } = queueWith({ maxBatchMessages: 2 });
    for (let i = 1; i <= 5; i++) queue.append('a', message(i));
    const error = new Error('disk full');
    queue.failed(1, error);
    expect(queue.stats()).toMatchObject({ failed: 2, pending: 3 });
    const flushing = queue.flush();
    queue.writerFailed(new Error('worker exited'));
    await flushing;
    expect(queue.stats()).toMatchObject({ failed: 5, pending: 0, pendingBytes: 0 });
    expect(events.map((e) => e.type)).toEqual(['error', 'error']);
    const before = sent.length;
    expect(queue.append('a', message(6))).toBe(false);
    queue.send();
    expect(sent).toHaveLength(before);
    expect(queue.stats().droppedByConnection).toEqual({ a: 1 });
  });
});
