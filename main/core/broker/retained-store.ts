import { topicMatches } from '../../../shared/mqtt/topic';
import type { Message } from './message';

/** Retained messages by topic ([MQTT-3.3.1-5]). Not session state: they outlive every session. */
export class RetainedStore {
  private readonly messages = new Map<string, Message>();

  get size(): number {
    return this.messages.size;
  }

  /** [MQTT-3.3.1-5] replaces; [MQTT-3.3.1-6] [MQTT-3.3.1-7] an empty payload deletes and is never stored. */
  /** Returns true when the store changed (an empty payload deleting nothing changes nothing). */
  set(message: Message): boolean {
    if (message.payload.length === 0) return this.messages.delete(message.topic);
    this.messages.set(message.topic, message);
    return true;
  }

  /** Retained messages matching a filter, dropping those whose Message Expiry has passed. */
  match(filter: string, now: number): Message[] {
    const out: Message[] = [];
    for (const [topic, message] of this.messages) {
      if (message.isExpired(now)) {
        this.messages.delete(topic);
        continue;
      }
      if (topicMatches(filter, topic)) out.push(message);
    }
    return out;
  }

  values(): IterableIterator<Message> {
    return this.messages.values();
  }

  clear(): void {
    this.messages.clear();
  }
}
