/**
 * A fixed-capacity ring of the newest items. Appending is O(1) and never copies the whole list,
 * so a firehose costs the same whether 10 or 20,000 items are kept.
 */
export class Ring<T> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(item: T): void {
    const end = (this.start + this.length) % this.capacity;
    this.slots[end] = item;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The item at `index`, 0 being the oldest kept. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.length) return undefined;
    return this.slots[(this.start + index) % this.capacity];
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.length = 0;
  }
}
