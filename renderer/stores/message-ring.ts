import type { MqttMessage } from '../../shared/contract';

/** A message as the UI keeps it: `seq` numbers every message ever received, for stable row keys. */
export interface StoredMessage extends MqttMessage {
  seq: number;
}

/**
 * A fixed-capacity ring of the newest messages. Appending is O(1) per message and never copies
 * the whole list, so a firehose costs the same whether 10 or 20,000 messages are kept.
 */
export class MessageRing {
  private readonly slots: (StoredMessage | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<StoredMessage | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(message: StoredMessage): void {
    const end = (this.start + this.length) % this.capacity;
    this.slots[end] = message;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The message at `index`, 0 being the oldest kept. */
  at(index: number): StoredMessage | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.slots[(this.start + index) % this.capacity];
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.length = 0;
  }
}
