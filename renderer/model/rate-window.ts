/** Width of one bucket: the last minute is 12 of them, so a window costs 96 bytes (10,000 topics: ~1 MB). */
export const RATE_BUCKET_MS = 5000;
/** Buckets in a window: 12 × 5 s = the last minute. */
export const RATE_BUCKETS = 12;

/**
 * Messages and bytes over the last minute, in 5 s buckets: a sliding window that costs the same memory
 * however fast messages come. The current bucket counts as far as it has gone, so a rate reads
 * (sum of the buckets) / (time they cover).
 */
export class RateWindow {
  /** [messages × RATE_BUCKETS, bytes × RATE_BUCKETS]. */
  private readonly counts = new Float64Array(RATE_BUCKETS * 2);
  /** Index (time / RATE_BUCKET_MS) of the newest bucket written. */
  private head = -1;
  /** When the first message came: a topic younger than a minute is averaged over its own age. */
  private readonly since: number;

  constructor(now: number) {
    this.since = now;
  }

  add(now: number, messages: number, bytes: number): void {
    const slot = this.advance(now);
    this.counts[slot] = this.counts[slot]! + messages;
    this.counts[RATE_BUCKETS + slot] = this.counts[RATE_BUCKETS + slot]! + bytes;
  }

  /** Per second over the last minute (or since the first message, if sooner; at least one second). */
  rates(now: number): { messagesPerSecond: number; bytesPerSecond: number } {
    this.advance(now);
    let messages = 0;
    let bytes = 0;
    for (let i = 0; i < RATE_BUCKETS; i++) {
      messages += this.counts[i]!;
      bytes += this.counts[RATE_BUCKETS + i]!;
    }
    const covered = (RATE_BUCKETS - 1) * RATE_BUCKET_MS + (now % RATE_BUCKET_MS);
    const seconds = Math.max(1, Math.min(covered, now - this.since) / 1000);
    return { messagesPerSecond: messages / seconds, bytesPerSecond: bytes / seconds };
  }

  /** Clears the buckets that fell out of the window since the last call; returns the current slot. */
  private advance(now: number): number {
    const index = Math.floor(now / RATE_BUCKET_MS);
    if (index > this.head) {
      const stale = Math.min(RATE_BUCKETS, index - this.head);
      for (let k = 1; k <= stale; k++) {
        const slot = (this.head + k) % RATE_BUCKETS;
        this.counts[slot] = 0;
        this.counts[RATE_BUCKETS + slot] = 0;
      }
      this.head = index;
    }
    return ((index % RATE_BUCKETS) + RATE_BUCKETS) % RATE_BUCKETS;
  }
}
