import type { Session, Subscription } from './session';

/** A shared subscription group: each message goes to one member ([MQTT-4.8.2-*]). */
export class SharedGroup {
  readonly members: Subscription[] = [];
  private next = 0;

  constructor(
    readonly name: string,
    readonly topicFilter: string,
  ) {}

  /** Round robin, preferring members whose session is connected. */
  pick(): Subscription | undefined {
    const count = this.members.length;
    if (count === 0) return undefined;
    for (let i = 0; i < count; i++) {
      const member = this.members[(this.next + i) % count]!;
      if (member.session.connection) {
        this.next = (this.next + i + 1) % count;
        return member;
      }
    }
    const member = this.members[this.next % count]!;
    this.next = (this.next + 1) % count;
    return member;
  }
}

class Node {
  readonly children = new Map<string, Node>();
  subscriptions: Map<Session, Subscription> | null = null;
  groups: Map<string, SharedGroup> | null = null;

  isEmpty(): boolean {
    return this.children.size === 0 && !this.subscriptions?.size && !this.groups?.size;
  }
}

export type MatchVisitor = (subscription: Subscription) => void;
export type GroupVisitor = (group: SharedGroup) => void;

/**
 * Topic filter trie: one level per node, so matching costs the topic's depth times the wildcard
 * branches present, not the number of subscriptions.
 */
export class SubscriptionTrie {
  private readonly root = new Node();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(subscription: Subscription): void {
    const node = this.nodeFor(subscription.topicFilter, true)!;
    if (subscription.group === null) {
      node.subscriptions ??= new Map();
      if (!node.subscriptions.has(subscription.session)) this.count++;
      node.subscriptions.set(subscription.session, subscription);
      return;
    }
    node.groups ??= new Map();
    let group = node.groups.get(subscription.group);
    if (!group) {
      group = new SharedGroup(subscription.group, subscription.topicFilter);
      node.groups.set(subscription.group, group);
    }
    const index = group.members.findIndex((m) => m.session === subscription.session);
    if (index >= 0) group.members[index] = subscription;
    else {
      group.members.push(subscription);
      this.count++;
    }
  }

  remove(subscription: Subscription): void {
    const path: Node[] = [];
    const levels = subscription.topicFilter.split('/');
    let node: Node | undefined = this.root;
    for (const level of levels) {
      path.push(node);
      node = node.children.get(level);
      if (!node) return;
    }
    if (subscription.group === null) {
      if (node.subscriptions?.get(subscription.session) === subscription) {
        node.subscriptions.delete(subscription.session);
        this.count--;
      }
    } else {
      const group = node.groups?.get(subscription.group);
      if (group) {
        const index = group.members.indexOf(subscription);
        if (index >= 0) {
          group.members.splice(index, 1);
          this.count--;
        }
        if (group.members.length === 0) node.groups!.delete(subscription.group);
      }
    }
    // prune empty nodes so churn does not grow the trie
    for (let i = levels.length - 1; i >= 0 && node.isEmpty(); i--) {
      const parent: Node = path[i]!;
      parent.children.delete(levels[i]!);
      node = parent;
    }
  }

  /** Visits every subscription and shared group whose filter matches the topic name. */
  match(topic: string, onSubscription: MatchVisitor, onGroup: GroupVisitor): void {
    const levels = topic.split('/');
    // [MQTT-4.7.2-1] topics starting with $ are not matched by filters starting with a wildcard
    this.walk(this.root, levels, 0, topic.charCodeAt(0) === 0x24, onSubscription, onGroup);
  }

  private walk(node: Node, levels: string[], depth: number, dollar: boolean, onSub: MatchVisitor, onGroup: GroupVisitor): void {
    const wildcardsAllowed = !(dollar && depth === 0);
    if (depth === levels.length) {
      visit(node, onSub, onGroup);
      // "sport/#" also matches "sport" (the parent level) [MQTT-4.7.1-1]
      const hash = node.children.get('#');
      if (hash && wildcardsAllowed) visit(hash, onSub, onGroup);
      return;
    }
    if (wildcardsAllowed) {
      const hash = node.children.get('#');
      if (hash) visit(hash, onSub, onGroup);
      const plus = node.children.get('+');
      if (plus) this.walk(plus, levels, depth + 1, dollar, onSub, onGroup);
    }
    const exact = node.children.get(levels[depth]!);
    if (exact) this.walk(exact, levels, depth + 1, dollar, onSub, onGroup);
  }

  private nodeFor(filter: string, create: boolean): Node | undefined {
    let node = this.root;
    for (const level of filter.split('/')) {
      let child = node.children.get(level);
      if (!child) {
        if (!create) return undefined;
        child = new Node();
        node.children.set(level, child);
      }
      node = child;
    }
    return node;
  }
}

function visit(node: Node, onSub: MatchVisitor, onGroup: GroupVisitor): void {
  if (node.subscriptions) for (const subscription of node.subscriptions.values()) onSub(subscription);
  if (node.groups) for (const group of node.groups.values()) onGroup(group);
}
