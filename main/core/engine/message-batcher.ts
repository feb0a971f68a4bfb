import { MESSAGE_BATCH_MAX_COUNT, MESSAGE_BATCH_MAX_DELAY_MS, type MqttMessage } from '../../../shared/contract';

export interface MessageBatcher {
  push(message: MqttMessage): void;
  /** Emits what is buffered now (e.g. before a disconnect is reported). */
  flush(): void;
  dispose(): void;
}

/**
 * Collects messages and hands them on in batches bounded by time and count, so a firehose of
 * 100k msg/s becomes ~20 events/s instead of 100k IPC or WebSocket frames.
 */
export function createMessageBatcher(
  onBatch: (messages: MqttMessage[]) => void,
  { maxCount = MESSAGE_BATCH_MAX_COUNT, maxDelayMs = MESSAGE_BATCH_MAX_DELAY_MS } = {},
): MessageBatcher {
  let buffer: MqttMessage[] = [];
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
    push(message) {
      buffer.push(message);
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
