import type { MqttMessage } from '../../shared/contract';
import type { Bridge } from '../bridge';
import { useConnectionsStore } from './connections-store';
import { MESSAGE_CAPACITY, useMessagesStore } from './messages-store';
import { useUiStore } from './ui-store';

/** Flush at least this often even when no animation frame comes (hidden tabs pause rAF). */
const MAX_FLUSH_DELAY_MS = 250;

/**
 * The one place host events enter the stores, outside React. Message batches are coalesced per
 * animation frame, so a firehose costs one store update (one render) per frame, not per message.
 * Returns a disposer.
 */
export function startEventFeed(bridge: Bridge): () => void {
  let pending: MqttMessage[] = [];
  let skipped = 0;
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = timer = undefined;
    if (pending.length === 0 && skipped === 0) return;
    const messages = pending;
    const dropped = skipped;
    pending = [];
    skipped = 0;
    useMessagesStore.getState().append(messages, dropped);
  }

  function enqueue(messages: readonly MqttMessage[]): void {
    for (const message of messages) pending.push(message);
    // More than the ring holds would be evicted at once anyway: count them, don't keep them.
    if (pending.length > MESSAGE_CAPACITY) {
      const excess = pending.length - MESSAGE_CAPACITY;
      pending = pending.slice(excess);
      skipped += excess;
    }
    if (frame === undefined) {
      frame = requestAnimationFrame(flush);
      timer = setTimeout(flush, MAX_FLUSH_DELAY_MS);
    }
  }

  async function resync(): Promise<void> {
    const result = await bridge.api.connections.list({});
    if (result.ok) useConnectionsStore.getState().resync(result.value);
  }

  const disposers = [
    bridge.api.on('messages.batch', ({ messages }) => enqueue(messages)),
    bridge.api.on('connections.status', (summary) => {
      // The host sends messages before a status change; keep that order in the UI.
      flush();
      useConnectionsStore.getState().applyStatus(summary);
    }),
    bridge.onLink((link) => {
      useUiStore.getState().setHostLink(link);
      // Status events may have been missed while the link was down.
      if (link.state === 'open') void resync();
    }),
  ];
  useUiStore.getState().setHostLink(bridge.link());

  return () => {
    flush();
    for (const dispose of disposers) dispose();
  };
}
