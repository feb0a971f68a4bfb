import { type ErrorCode, type MqttMessage, WorkbenchFailure } from '../../../shared/contract';

interface Pending {
  responseTopic: string;
  correlationData: Uint8Array;
  resolve(message: MqttMessage | null): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Matches responses to outstanding requests by response topic and correlation data (MQTT 5, 4.10). */
export interface RequestTracker {
  /** Subscribes to the response topic unless another request already did; true when this call subscribed. */
  ensureSubscribed(topic: string, subscribe: (topic: string) => Promise<void>): Promise<boolean>;
  /** Drops one user of the response topic; true when it was the last. */
  release(topic: string): boolean;
  /** Resolves with the response, or null on timeout. */
  waitFor(responseTopic: string, correlationData: Uint8Array, timeoutMs: number): Promise<MqttMessage | null>;
  /** Offers a received message; returns true when it answered a request. */
  offer(message: MqttMessage): boolean;
  failAll(code: ErrorCode): void;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function createRequestTracker(): RequestTracker {
  const pending = new Set<Pending>();
  const topicUsers = new Map<string, number>();

  return {
    async ensureSubscribed(topic, subscribe) {
      const users = topicUsers.get(topic) ?? 0;
      topicUsers.set(topic, users + 1);
      if (users > 0) return false;
      try {
        await subscribe(topic);
      } catch (error) {
        topicUsers.delete(topic);
        throw error;
      }
      return true;
    },
    release(topic) {
      const users = (topicUsers.get(topic) ?? 1) - 1;
      if (users <= 0) topicUsers.delete(topic);
      else topicUsers.set(topic, users);
      return users <= 0;
    },
    waitFor(responseTopic, correlationData, timeoutMs) {
      return new Promise((resolve, reject) => {
        const entry: Pending = {
          responseTopic,
          correlationData,
          resolve,
          reject,
          timer: setTimeout(() => {
            pending.delete(entry);
            resolve(null);
          }, timeoutMs),
        };
        pending.add(entry);
      });
    },
    offer(message) {
      if (pending.size === 0) return false;
      const correlation = message.properties?.correlationData;
      if (!correlation) return false;
      for (const entry of pending) {
        if (entry.responseTopic === message.topic && sameBytes(entry.correlationData, correlation)) {
          clearTimeout(entry.timer);
          pending.delete(entry);
          entry.resolve(message);
          return true;
        }
      }
      return false;
    },
    failAll(code) {
      for (const entry of pending) {
        clearTimeout(entry.timer);
        entry.reject(new WorkbenchFailure(code, 'The connection closed before the response arrived', { reason: 'responseClosed' }));
      }
      pending.clear();
    },
  };
}
