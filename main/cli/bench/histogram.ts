/**
 * A latency histogram of fixed size: 32 sub-buckets per power of two of microseconds (about 3 %
 * relative error), so a bench of any length keeps the same few kilobytes, never one entry per message.
 */
const SUB_BITS = 5;
const SUB = 1 << SUB_BITS;
const EXPONENTS = 40; // 2^40 µs is about 12 days

export interface LatencySummary {
  count: number;
  /** Milliseconds. */
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Histogram {
  /** Records one value in milliseconds (negative values, from clocks apart, count as 0). */
  record(ms: number): void;
  readonly count: number;
  summary(): LatencySummary | undefined;
}

function bucketOf(us: number): number {
  if (us < SUB) return us;
  const exponent = 31 - Math.clz32(us); // floor(log2(us)), >= SUB_BITS
  const shift = exponent - SUB_BITS;
  return (shift + 1) * SUB + ((us >>> shift) - SUB);
}

/** The middle of a bucket, in microseconds. */
function valueOf(bucket: number): number {
  if (bucket < SUB) return bucket;
  const shift = Math.floor(bucket / SUB) - 1;
  const low = (SUB + (bucket % SUB)) * 2 ** shift;
  return low + (2 ** shift - 1) / 2;
}

export function createHistogram(): Histogram {
  const counts = new Float64Array((EXPONENTS + 1) * SUB);
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = 0;
  return {
    record(ms) {
      const value = ms > 0 ? ms : 0;
      const us = Math.min(Math.round(value * 1000), 2 ** 31 - 1);
      counts[bucketOf(us)]!++;
      count++;
      sum += value;
      if (value < min) min = value;
      if (value > max) max = value;
    },
    get count() {
      return count;
    },
    summary() {
      if (count === 0) return undefined;
      const at = (q: number) => {
        const rank = Math.ceil(q * count);
        let seen = 0;
        for (let i = 0; i < counts.length; i++) {
          seen += counts[i]!;
          // Clamped to the exact extremes: a bucket's middle can lie outside what was seen.
          if (seen >= rank) return Math.min(max, Math.max(min, valueOf(i) / 1000));
        }
        return max;
      };
      return { count, min, mean: sum / count, p50: at(0.5), p95: at(0.95), p99: at(0.99), max };
    },
  };
}
