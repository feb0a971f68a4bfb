import { MESSAGE_BATCH_MAX_COUNT, MESSAGE_BATCH_MAX_DELAY_MS } from '../../../shared/contract';

export interface Batcher<T> {
  push(item: T): void;
  /** Emits what is buffered now (e.g. before a disconnect is reported). */
  flush(): void;
  dispose(): void;
}

/**
 * Collects items and hands them on in batches bounded by time and count, so a firehose of
 * 100k msg/s becomes ~20 events/s instead of 100k IPC or WebSocket frames.
 */
export function createBatcher<T>(
  onBatch: (items: T[]) => void,
  { maxCount = MESSAGE_BATCH_MAX_COUNT, maxDelayMs = MESSAGE_BATCH_MAX_DELAY_MS } = {},
): Batcher<T> {
  let buffer: T[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    onBatch(batch);
  }

  return {
    push(item) {
      buffer.push(item);
      if (buffer.length >= maxCount) flush();
      else if (!timer) timer = setTimeout(flush, maxDelayMs);
    },
    flush,
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
      buffer = [];
    },
  };
}
