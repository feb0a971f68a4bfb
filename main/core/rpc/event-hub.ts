import type { EventChannel, EventPayload } from '../../../shared/contract';

export type EventListener = (channel: EventChannel, payload: unknown) => void;

/** Fan-out of core events to every transport (IPC window, WebSocket clients, tests). */
export interface EventHub {
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  subscribe(listener: EventListener): () => void;
}

export function createEventHub(): EventHub {
  const listeners = new Set<EventListener>();
  return {
    emit(channel, payload) {
      for (const listener of listeners) {
        try {
          listener(channel, payload);
        } catch (error) {
          // One broken transport must not stop events reaching the others.
          console.error(`event listener failed on ${channel}:`, error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
