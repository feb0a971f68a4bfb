import { BatchBuilder, type PackedBatch } from './packed-batch';
import type { HistoryGap, HistoryMessage } from './types';

export interface WriteQueueLimits {
  /**
   * Backpressure bound: messages accepted but not yet committed (queued here + in the writer).
   * Beyond it new messages are dropped, counted per connection, reported as an event and recorded
   * in the database as a gap. 100k messages is ~1 s of a 100k msg/s firehose, and bounds what a
   * crash can lose when the writer has fallen behind.
   */
  maxPendingMessages: number;
  /** The same bound in payload bytes (a single message larger than this is still taken when nothing is pending). */
  maxPendingBytes: number;
  /** Pending messages are handed to the writer at least this often (the issue asks for <= 100 ms). */
  flushIntervalMs: number;
  /** ...or as soon as this many are pending. */
  maxBatchMessages: number;
}

export const DEFAULT_WRITE_QUEUE_LIMITS: WriteQueueLimits = {
  maxPendingMessages: 100_000,
  maxPendingBytes: 128 * 1024 * 1024,
  flushIntervalMs: 50,
  maxBatchMessages: 5_000,
};

/** Per-message bookkeeping counted against maxPendingBytes besides the payload. */
export const MESSAGE_OVERHEAD_BYTES = 100;

/** One batch handed to the writer; it answers with `acknowledged(seq)` or `failed(seq)`. */
export interface OutgoingBatch {
  seq: number;
  batch: PackedBatch;
  /** Drops recorded since the last batch: stored with it. */
  gaps: HistoryGap[];
  /** The batch's buffers, to transfer instead of copy. */
  transfer: ArrayBuffer[];
}

export type WriteQueueEvent =
  | { type: 'flushed'; written: number; count: number; ms: number }
  | { type: 'backpressure'; dropping: true; connectionKey: string }
  | { type: 'backpressure'; dropping: false; dropped: number; gaps: HistoryGap[] }
  | { type: 'error'; error: Error };

export interface WriteQueueSink {
  /** A message was taken (after it joined the batch, before the batch may be sent). */
  accepted?(connectionKey: string, message: HistoryMessage): void;
  /** Hands a batch to the writer; must not throw (a writer that is gone reports through `writerFailed`). */
  send(batch: OutgoingBatch): void;
  event(event: WriteQueueEvent): void;
}

export interface WriteQueueStats {
  /** Messages taken into the queue. */
  accepted: number;
  /** Messages committed to the database. */
  written: number;
  /** Accepted but not yet committed. */
  pending: number;
  pendingBytes: number;
  /** Refused because the queue was full (backpressure), in total and per connection key. */
  dropped: number;
  droppedByConnection: Record<string, number>;
  /** Messages lost because their transaction failed (disk full, I/O error); see the 'error' event. */
  failed: number;
  /** True while messages are being dropped. */
  isDropping: boolean;
  lastFlush: { count: number; ms: number } | null;
}

/**
 * The main thread's side of history writes: O(1) per message. Messages are packed into the next
 * batch, which goes to the sink (the writer worker) every `flushIntervalMs` or at `maxBatchMessages`.
 * What was sent stays pending until the writer acknowledges it; beyond the pending bounds the newest
 * messages are dropped (what is stored stays a contiguous run) and each run of drops becomes one
 * gap per connection, stored with the next batch. No threads here: the sink decides where batches go.
 */
export class WriteQueue {
  private readonly builder = new BatchBuilder();
  private readonly limits: WriteQueueLimits;
  private gaps: HistoryGap[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;
  private ackedSeq = 0;
  /** Sent batches not yet acknowledged: seq -> count and bytes, released on the ack. */
  private readonly inFlight = new Map<number, { count: number; bytes: number }>();
  private queuedBytes = 0;
  private pending = 0;
  private pendingBytes = 0;
  private readonly counts = { accepted: 0, written: 0, dropped: 0, failed: 0, droppedByConnection: {} as Record<string, number> };
  private lastFlush: WriteQueueStats['lastFlush'] = null;
  /** Drops since the last accepted message, one gap per connection (an episode). */
  private readonly openGaps = new Map<string, HistoryGap>();
  private droppedThisEpisode = 0;
  private readonly flushWaiters: { seq: number; resolve: () => void }[] = [];
  /** Waiting for the queue to drain (whenRoom), and whether it is crowded (between the two marks). */
  private roomWaiters: (() => void)[] = [];
  private crowded = false;
  private closed = false;
  private failure: Error | null = null;

  constructor(
    private readonly sink: WriteQueueSink,
    limits: { [K in keyof WriteQueueLimits]?: number | undefined } = {},
  ) {
    this.limits = { ...DEFAULT_WRITE_QUEUE_LIMITS };
    for (const key of Object.keys(this.limits) as (keyof WriteQueueLimits)[]) this.limits[key] = limits[key] ?? this.limits[key];
  }

  /** Takes a message for storage; false when it was dropped (closed, failed, or backpressure), counted and reported. */
  append(connectionKey: string, message: HistoryMessage): boolean {
    if (this.closed || this.failure) {
      this.drop(connectionKey, message, this.closed ? 'history closed' : 'history writer failed');
      return false;
    }
    const { maxPendingMessages, maxPendingBytes, maxBatchMessages, flushIntervalMs } = this.limits;
    const bytes = message.payload.byteLength + message.topic.length + MESSAGE_OVERHEAD_BYTES;
    // Drop the newest: what is stored stays a contiguous run, with one recorded gap per episode.
    if (this.pending >= maxPendingMessages || (this.pending > 0 && this.pendingBytes + bytes > maxPendingBytes)) {
      this.drop(connectionKey, message, 'backpressure: the history writer could not keep up');
      return false;
    }
    if (this.openGaps.size > 0) this.closeGaps();
    this.builder.add(connectionKey, message);
    this.sink.accepted?.(connectionKey, message);
    this.queuedBytes += bytes;
    this.pending++;
    this.pendingBytes += bytes;
    this.counts.accepted++;
    if (this.builder.size >= maxBatchMessages) this.send();
    else if (!this.timer) this.timer = setTimeout(() => this.send(), flushIntervalMs);
    return true;
  }

  /** Hands what is queued (messages and gaps) to the sink now. */
  send(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if ((this.builder.size === 0 && this.gaps.length === 0) || this.failure) return;
    const seq = ++this.seq;
    this.inFlight.set(seq, { count: this.builder.size, bytes: this.queuedBytes });
    const { batch, transfer } = this.builder.take();
    const gaps = this.gaps;
    this.gaps = [];
    this.queuedBytes = 0;
    this.sink.send({ seq, batch, gaps, transfer });
  }

  /** Resolves once every message appended so far is committed (or reported failed). */
  flush(): Promise<void> {
    this.send();
    if (this.ackedSeq >= this.seq || this.failure) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ seq: this.seq, resolve }));
  }

  /**
   * Null while the queue has room; once it is half full, a promise that resolves when it is down
   * to a quarter (or the queue closed or failed).
   */
  whenRoom(): Promise<void> | null {
    if (!this.crowded) {
      const { maxPendingMessages, maxPendingBytes } = this.limits;
      if (this.closed || this.failure || (this.pending < maxPendingMessages / 2 && this.pendingBytes < maxPendingBytes / 2)) return null;
      this.crowded = true;
    }
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** The writer committed every batch up to `seq`, in `ms`. */
  acknowledged(seq: number, ms: number): void {
    const { count } = this.release(seq);
    this.counts.written += count;
    this.lastFlush = { count, ms };
    this.sink.event({ type: 'flushed', written: this.counts.written, count, ms });
    this.settle();
  }

  /** The writer's transaction for the batches up to `seq` failed: their messages are lost, counted and reported. */
  failed(seq: number, error: Error): void {
    const { count } = this.release(seq);
    this.counts.failed += count;
    this.sink.event({ type: 'error', error });
    this.settle();
  }

  /** The writer is gone: whatever was waiting for it is lost with it, counted, never silently. */
  writerFailed(error: Error): void {
    this.failure = error;
    this.counts.failed += this.pending;
    this.pending = 0;
    this.pendingBytes = 0;
    this.queuedBytes = 0;
    this.inFlight.clear();
    this.builder.take();
    this.sink.event({ type: 'error', error });
    this.settle();
  }

  /** Takes no more messages: a drop episode still open is recorded as a gap, and what is queued is sent. */
  close(): void {
    if (this.closed) return;
    // A gap still open at close is recorded too: nothing is dropped silently.
    if (this.openGaps.size > 0) this.closeGaps();
    this.closed = true;
    this.send();
  }

  /** After the writer closed: wakes whatever still waits for room or a flush. */
  writerClosed(): void {
    this.settle();
  }

  stats(): WriteQueueStats {
    return {
      ...this.counts,
      droppedByConnection: { ...this.counts.droppedByConnection },
      pending: this.pending,
      pendingBytes: this.pendingBytes,
      isDropping: this.openGaps.size > 0,
      lastFlush: this.lastFlush,
    };
  }

  private release(ackSeq: number): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (const [batchSeq, batch] of this.inFlight) {
      if (batchSeq > ackSeq) break;
      count += batch.count;
      bytes += batch.bytes;
      this.inFlight.delete(batchSeq);
    }
    this.pending -= count;
    this.pendingBytes -= bytes;
    this.ackedSeq = Math.max(this.ackedSeq, ackSeq);
    return { count, bytes };
  }

  private settle(): void {
    const { maxPendingMessages, maxPendingBytes } = this.limits;
    if (
      this.crowded &&
      (this.failure || this.closed || (this.pending <= maxPendingMessages / 4 && this.pendingBytes <= maxPendingBytes / 4))
    ) {
      this.crowded = false;
      const waiting = this.roomWaiters;
      this.roomWaiters = [];
      for (const resolve of waiting) resolve();
    }
    for (let i = this.flushWaiters.length - 1; i >= 0; i--) {
      if (this.flushWaiters[i]!.seq <= this.ackedSeq || this.failure) {
        this.flushWaiters[i]!.resolve();
        this.flushWaiters.splice(i, 1);
      }
    }
  }

  private drop(connectionKey: string, message: HistoryMessage, reason: string): void {
    this.counts.dropped++;
    this.counts.droppedByConnection[connectionKey] = (this.counts.droppedByConnection[connectionKey] ?? 0) + 1;
    this.droppedThisEpisode++;
    const gap = this.openGaps.get(connectionKey);
    if (gap) {
      gap.dropped++;
      gap.fromTs = Math.min(gap.fromTs, message.timestamp);
      gap.toTs = Math.max(gap.toTs, message.timestamp);
    } else {
      this.openGaps.set(connectionKey, { connectionKey, fromTs: message.timestamp, toTs: message.timestamp, dropped: 1, reason });
      this.sink.event({ type: 'backpressure', dropping: true, connectionKey });
    }
  }

  private closeGaps(): void {
    const gaps = [...this.openGaps.values()];
    this.openGaps.clear();
    this.gaps.push(...gaps);
    this.sink.event({ type: 'backpressure', dropping: false, dropped: this.droppedThisEpisode, gaps });
    this.droppedThisEpisode = 0;
  }
}
