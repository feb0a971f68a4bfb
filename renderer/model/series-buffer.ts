/** Points kept per series: older ones drop off. uPlot draws 10,000 points per series in a few ms. */
export const MAX_POINTS_PER_SERIES = 10_000;

/**
 * The newest points of one series in two typed-array rings (x in seconds, as uPlot's time scale
 * wants, and y). Appending is O(1) and the memory is fixed, whatever the message rate.
 */
export class SeriesBuffer {
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  private start = 0;
  private length = 0;

  constructor(readonly capacity = MAX_POINTS_PER_SERIES) {
    this.xs = new Float64Array(capacity);
    this.ys = new Float64Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(x: number, y: number): void {
    const end = (this.start + this.length) % this.capacity;
    this.xs[end] = x;
    this.ys[end] = y;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
  }

  x(index: number): number {
    return this.xs[(this.start + index) % this.capacity]!;
  }

  y(index: number): number {
    return this.ys[(this.start + index) % this.capacity]!;
  }

  /** The index of the first point with x >= `from` (points arrive in time order). */
  firstAtOrAfter(from: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.x(mid) < from) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}

/** uPlot's data: one shared x array, then one y array per series with null where it has no point. */
export type AlignedData = [number[], ...(number | null)[][]];

/**
 * Joins several series on one x axis for uPlot, keeping only points with x >= `from`. A k-way merge
 * of already sorted buffers: O(points × series), bounded by MAX_POINTS_PER_SERIES each.
 */
export function alignSeries(buffers: readonly SeriesBuffer[], from = Number.NEGATIVE_INFINITY): AlignedData {
  const xs: number[] = [];
  const ys: (number | null)[][] = buffers.map(() => []);
  const cursors = buffers.map((buffer) => buffer.firstAtOrAfter(from));
  for (;;) {
    let next = Number.POSITIVE_INFINITY;
    for (let s = 0; s < buffers.length; s++) {
      if (cursors[s]! < buffers[s]!.size) next = Math.min(next, buffers[s]!.x(cursors[s]!));
    }
    if (next === Number.POSITIVE_INFINITY) break;
    xs.push(next);
    for (let s = 0; s < buffers.length; s++) {
      const buffer = buffers[s]!;
      const cursor = cursors[s]!;
      if (cursor < buffer.size && buffer.x(cursor) === next) {
        ys[s]!.push(buffer.y(cursor));
        cursors[s] = cursor + 1;
      } else {
        ys[s]!.push(null);
      }
    }
  }
  return [xs, ...ys];
}
