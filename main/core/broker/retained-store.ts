import type { Message } from './message';

class Node {
  readonly children = new Map<string, Node>();
  message: Message | null = null;
}

/**
 * Retained messages by topic ([MQTT-3.3.1-5]). Not session state: they outlive every session.
 * Kept in a level trie so a SUBSCRIBE walks only the branches its filter can match, instead of
 * every retained topic.
 */
export class RetainedStore {
  private readonly root = new Node();
  private readonly byTopic = new Map<string, Message>();

  get size(): number {
    return this.byTopic.size;
  }

  /**
   * [MQTT-3.3.1-5] replaces; [MQTT-3.3.1-6] [MQTT-3.3.1-7] an empty payload deletes and is never
   * stored. Returns true when the store changed.
   */
  set(message: Message, limit = Infinity): boolean {
    if (message.payload.length === 0) return this.delete(message.topic);
    if (this.byTopic.size >= limit && !this.byTopic.has(message.topic)) return false;
    let node = this.root;
    for (const level of message.topic.split('/')) {
      let child = node.children.get(level);
      if (!child) {
        child = new Node();
        node.children.set(level, child);
      }
      node = child;
    }
    node.message = message;
    this.byTopic.set(message.topic, message);
    return true;
  }

  delete(topic: string): boolean {
    if (!this.byTopic.delete(topic)) return false;
    const levels = topic.split('/');
    const path: Node[] = [this.root];
    for (const level of levels) path.push(path.at(-1)!.children.get(level)!);
    path.at(-1)!.message = null;
    for (let i = levels.length; i > 0; i--) {
      const node = path[i]!;
      if (node.message || node.children.size > 0) break;
      path[i - 1]!.children.delete(levels[i - 1]!);
    }
    return true;
  }

  /** Retained messages matching a filter, dropping those whose Message Expiry has passed. */
  match(filter: string, now: number): Message[] {
    const out: Message[] = [];
    const expired: string[] = [];
    this.walk(this.root, filter.split('/'), 0, now, out, expired);
    for (const topic of expired) this.delete(topic);
    return out;
  }

  private walk(node: Node, levels: string[], depth: number, now: number, out: Message[], expired: string[]): void {
    if (depth === levels.length) {
      this.take(node, now, out, expired);
      return;
    }
    const level = levels[depth]!;
    // [MQTT-4.7.2-1] a leading wildcard does not match topics starting with $
    const skipDollar = depth === 0;
    if (level === '#') {
      // "sport/#" matches "sport" itself [MQTT-4.7.1-1]
      if (depth > 0) this.take(node, now, out, expired);
      for (const [name, child] of node.children) if (!(skipDollar && name.startsWith('$'))) this.collect(child, now, out, expired);
      return;
    }
    if (level === '+') {
      for (const [name, child] of node.children) {
        if (skipDollar && name.startsWith('$')) continue;
        this.walk(child, levels, depth + 1, now, out, expired);
      }
      return;
    }
    const child = node.children.get(level);
    if (child) this.walk(child, levels, depth + 1, now, out, expired);
  }

  private collect(node: Node, now: number, out: Message[], expired: string[]): void {
    this.take(node, now, out, expired);
    for (const child of node.children.values()) this.collect(child, now, out, expired);
  }

  private take(node: Node, now: number, out: Message[], expired: string[]): void {
    const message = node.message;
    if (!message) return;
    if (message.isExpired(now)) expired.push(message.topic);
    else out.push(message);
  }

  values(): IterableIterator<Message> {
    return this.byTopic.values();
  }

  clear(): void {
    this.byTopic.clear();
    this.root.children.clear();
  }
}
