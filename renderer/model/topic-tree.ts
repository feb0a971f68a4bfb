import { RateWindow } from './rate-window';
import { encodeHex } from '../../shared/codecs/hex';
import { decodeSparkplugB, isSparkplugTopic } from '../../shared/codecs/sparkplug-b';
import { decodeUtf8Lenient, decodeUtf8Strict } from '../../shared/codecs/utf8';
import { topicFilterProblem, topicMatches } from '../../shared/mqtt/topic';
import type { DecodedPayload } from '../../shared/contract/codec-rules';
import { translate } from '../ui/i18n';

/**
 * The topic tree of one connection, as a plain mutable model (no React, no DOM): the store feeds it
 * whole batches and bumps a version, and only the rows in view read it. Work per message is O(topic
 * depth); nothing is rebuilt per message. A node never keeps a payload: only its first
 * PREVIEW_BYTES until a row or a filter reads the preview (most values are overwritten before any
 * row shows them: decoding each one was the tree's largest cost under a firehose), then the short
 * text alone. So 2,000 topics of 500 KB payloads cost kilobytes here, not a gigabyte.
 */

/**
 * How long a change counts as recent. A row flashes once at the start of a run of changes (changes
 * less than this apart) and stays tinted while they go on: a flash per row every second under a
 * firehose was a third of the page's work (animation, layers, paint every frame).
 */
export const RECENT_CHANGE_MS = 1000;

/** Characters of the last value kept per node, for the row and for the payload filter. */
export const PREVIEW_CHARS = 200;
/** Bytes decoded for that preview: enough for PREVIEW_CHARS of any script, bounded for huge payloads. */
const PREVIEW_BYTES = PREVIEW_CHARS * 4;
const BINARY_PREVIEW_BYTES = 24;
/** Sparkplug B payloads up to this size are previewed decoded (metric by metric). */
const SPARKPLUG_PREVIEW_BYTES = 64 * 1024;
/** Above this many siblings, names sort by code unit instead of the (natural, slower) collator. */
const COLLATOR_LIMIT = 5000;

// C0 controls other than tab, LF and CR, and DEL: text payloads rarely contain them, binary ones do.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export type TopicSort = 'name' | 'messages' | 'recent' | 'msgRate' | 'byteRate';

/** One topic's traffic over the last minute ("what is flooding the broker"). */
export interface TopicRate {
  topic: string;
  messagesPerSecond: number;
  bytesPerSecond: number;
}

/** What the tree needs of a message (a live MqttMessage or a history summary fit). */
export interface TreeMessage {
  topic: string;
  payload: Uint8Array;
  retain: boolean;
  qos: 0 | 1 | 2;
  timestamp: number;
  /** The whole payload's size when `payload` is only its first bytes (live messages of big payloads). */
  payloadSize?: number;
  /** The payload as its topic's codec rule decoded it (issue 16): the value shown when set. */
  decoded?: DecodedPayload;
}

/** A topic already stored in history: counted and previewed, without a live message behind it. */
export interface TreeTopicSummary {
  topic: string;
  messages: number;
  lastTimestamp: number;
  retained: boolean;
  qos: 0 | 1 | 2;
  payloadSize: number;
  /** The first bytes of the last payload (the store never asks for more). */
  preview: Uint8Array;
  /** The last payload as its codec rule reads it, when History could decode it (a whole small payload). */
  decoded?: DecodedPayload;
}

export interface TopicNode {
  /** This level's name (may be empty: `a//b` has an empty middle level). */
  readonly name: string;
  /** The full topic. */
  readonly topic: string;
  readonly depth: number;
  readonly parent: TopicNode | null;
  children: Map<string, TopicNode> | null;
  /** Children sorted by name, cached until a child is added. */
  sortedChildren: TopicNode[] | null;
  /** A message was seen on exactly this topic. */
  hasValue: boolean;
  /** Messages on exactly this topic. */
  messages: number;
  /** Messages on this topic and every topic below it. */
  totalMessages: number;
  /** Topics with a value below this one (not counting itself). */
  subTopics: number;
  /** Topics whose retained message is known to be held by the broker, here and below. */
  retainedTopics: number;
  /** The broker holds a retained message for this topic, as far as this client saw. */
  retained: boolean;
  /** `seq` of the last message in the connection's message ring, or null (history, or skipped). */
  lastSeq: number | null;
  /** Arrival time of the newest message here and below (recency sort), 0 for none. */
  lastTimestamp: number;
  /** Arrival time of the last message on exactly this topic. */
  valueTimestamp: number;
  /** One line of the last value (decoded on first read). */
  readonly preview: string;
  readonly isBinary: boolean;
  payloadSize: number;
  qos: 0 | 1 | 2;
  /** Local clock time of the last change here or below: rows flash when it is recent. */
  changedAt: number;
  /** When the current run of changes here or below began (see RECENT_CHANGE_MS). */
  burstStartedAt: number;
  expanded: boolean;
  /** The codec rule's reading of the last value, when a rule decoded it (its format marks the row). */
  decoded: DecodedPayload | undefined;
  /** Messages and bytes here and below over the last minute; null until a live message came. */
  rate: RateWindow | null;
  /** The last value: its first bytes (or all of them) and the whole payload's size. */
  setPayload(payload: Uint8Array, size: number, decoded?: DecodedPayload): void;
}

export interface TreeView {
  /** Case-insensitive substring of the topic, or an MQTT filter when it has + or #. */
  topicFilter: string;
  /** Case-insensitive substring of the last value's preview. */
  payloadFilter: string;
  sort: TopicSort;
  /** The clock the rate orders read (default Date.now, the clock messages are ingested on). */
  now?: number;
}

export interface TreeRow {
  node: TopicNode;
  /** Expanded for the filter's sake (a match is below), whatever the node's own state. */
  forcedOpen: boolean;
}

class TreeNode implements TopicNode {
  readonly depth: number;
  children: Map<string, TopicNode> | null = null;
  sortedChildren: TopicNode[] | null = null;
  hasValue = false;
  messages = 0;
  totalMessages = 0;
  subTopics = 0;
  retainedTopics = 0;
  retained = false;
  lastSeq: number | null = null;
  lastTimestamp = 0;
  valueTimestamp = 0;
  payloadSize = 0;
  qos: 0 | 1 | 2 = 0;
  changedAt = 0;
  burstStartedAt = 0;
  expanded = false;
  decoded: DecodedPayload | undefined = undefined;
  rate: RateWindow | null = null;
  /** The last payload's head, not decoded yet (null once it is). */
  private pending: Uint8Array | null = null;
  private pendingSize = 0;
  private previewText = '';
  private previewIsBinary = false;
  /** A Sparkplug B topic previews its value decoded: known once per node, not per message. */
  private readonly sparkplug: boolean;

  constructor(
    readonly name: string,
    readonly topic: string,
    readonly parent: TopicNode | null,
  ) {
    this.sparkplug = isSparkplugTopic(topic);
    this.depth = parent ? parent.depth + 1 : -1;
  }

  get preview(): string {
    this.decodePending();
    return this.previewText;
  }

  get isBinary(): boolean {
    this.decodePending();
    return this.previewIsBinary;
  }

  setPayload(payload: Uint8Array, size: number, decoded?: DecodedPayload): void {
    // A rule's decoded text is the value shown (made into a line when a row reads it, as the raw preview is).
    this.decoded = decoded && !decoded.problem ? decoded : undefined;
    // A small payload is kept as is (reading `.buffer` to check its size would move an on-heap
    // typed array off the heap, a cost per message); a big one only by a copy of its head.
    // A Sparkplug B payload is previewed decoded, which needs all of it (live ones are at most 4 KiB).
    const keep = this.sparkplug ? SPARKPLUG_PREVIEW_BYTES : PREVIEW_BYTES;
    this.pending = payload.byteLength <= keep ? payload : payload.slice(0, keep);
    this.pendingSize = size;
  }

  private decodePending(): void {
    if (!this.pending) return;
    if (this.decoded) {
      this.pending = null;
      this.previewText = this.decoded.image ? `${this.decoded.image.mime} ${this.decoded.image.width}×${this.decoded.image.height}` : this.decoded.text.slice(0, PREVIEW_CHARS).replace(/[\r\n\t]+/g, ' ');
      this.previewIsBinary = false;
      return;
    }
    const { text, isBinary } = (this.sparkplug && sparkplugPreview(this.pending, this.pendingSize)) || previewOf(this.pending, this.pendingSize);
    this.pending = null;
    this.previewText = text;
    this.previewIsBinary = isBinary;
  }
}

function createNode(name: string, topic: string, parent: TopicNode | null): TopicNode {
  return new TreeNode(name, topic, parent);
}

/**
 * A Sparkplug B payload's metrics in one line, as MQTT Explorer shows them: `name=value · ...`
 * (alias N for a metric sent by alias). Null when the payload is cut or does not decode.
 */
export function sparkplugPreview(payload: Uint8Array, size = payload.byteLength): { text: string; isBinary: boolean } | null {
  if (size !== payload.byteLength) return null;
  let metrics: Record<string, unknown>[];
  try {
    metrics = decodeSparkplugB(payload).metrics as Record<string, unknown>[];
  } catch {
    return null;
  }
  const parts: string[] = [];
  for (const metric of metrics) {
    const name = typeof metric.name === 'string' ? metric.name : translate('payload:sparkplug.alias', { alias: String(metric.alias) });
    const value = metric.isNull === true ? 'null' : typeof metric.value === 'object' ? '…' : String(metric.value);
    parts.push(`${name}=${value}`);
  }
  const line = parts.length > 0 ? parts.join(' · ') : translate('payload:sparkplug.noMetrics');
  return { text: line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS)}…` : line, isBinary: false };
}

/** One line of the payload's start: text if it decodes as such, else hex. Never decodes more than PREVIEW_BYTES. */
export function previewOf(payload: Uint8Array, size = payload.byteLength): { text: string; isBinary: boolean } {
  if (size === 0) return { text: '', isBinary: false };
  const ascii = asciiPreview(payload, size);
  if (ascii !== null) return { text: ascii, isBinary: false };
  const head = payload.subarray(0, PREVIEW_BYTES);
  let text = decodeUtf8Strict(head);
  // A prefix may cut a multi-byte character in two: drop up to 3 trailing bytes and retry.
  for (let cut = 1; text === null && head.length < size && cut <= 3; cut++) text = decodeUtf8Strict(head.subarray(0, head.length - cut));
  if (text === null) {
    const lenient = decodeUtf8Lenient(head);
    if (lenient.split('\uFFFD').length - 1 <= lenient.length / 20) text = lenient;
  }
  if (text === null || CONTROL_CHARS.test(text)) {
    const hex = encodeHex(payload.subarray(0, BINARY_PREVIEW_BYTES), ' ');
    return { text: size > BINARY_PREVIEW_BYTES ? `${hex} …` : hex, isBinary: true };
  }
  const line = text.replace(/[\r\n\t]+/g, ' ');
  return { text: line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS)}…` : line, isBinary: false };
}

/**
 * The common case without TextDecoder or regular expressions: a payload whose first PREVIEW_CHARS
 * bytes are printable ASCII (tabs and line breaks become spaces). Null when any byte is not.
 * Measured in the UI bench: the preview was the tree's largest cost per message.
 */
function asciiPreview(payload: Uint8Array, size: number): string | null {
  const n = Math.min(payload.length, PREVIEW_CHARS);
  let text = '';
  let isSpace = false;
  for (let i = 0; i < n; i++) {
    const b = payload[i]!;
    if (b === 9 || b === 10 || b === 13) {
      if (!isSpace) text += ' ';
      isSpace = true;
    } else if (b >= 0x20 && b < 0x7f) {
      text += String.fromCharCode(b);
      isSpace = false;
    } else return null;
  }
  return size > n ? `${text}…` : text;
}

const collator = new Intl.Collator('en', { numeric: true });
const byName = (a: TopicNode, b: TopicNode): number => collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byCodeUnit = (a: TopicNode, b: TopicNode): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const byMessages = (a: TopicNode, b: TopicNode): number => b.totalMessages - a.totalMessages || byCodeUnit(a, b);
const byRecent = (a: TopicNode, b: TopicNode): number => b.lastTimestamp - a.lastTimestamp || byCodeUnit(a, b);

export class TopicTree {
  readonly root: TopicNode = createNode('', '', null);
  /** Every node by its full topic: a known topic (nearly every message) costs one lookup, no split. */
  private readonly byTopic = new Map<string, TopicNode>();
  /** Nodes created so far: ingest compares it to tell a new row from a new value. */
  private created = 0;

  constructor() {
    this.root.expanded = true;
  }

  /** Topics with a value. */
  get topicCount(): number {
    return this.root.subTopics;
  }

  get messageCount(): number {
    return this.root.totalMessages;
  }

  /** The node of a topic, creating it and its parents (counted in `created`). */
  private ensure(topic: string): TopicNode {
    const known = this.byTopic.get(topic);
    if (known) return known;
    let node = this.root;
    let start = 0;
    for (;;) {
      const slash = topic.indexOf('/', start);
      const name = slash < 0 ? topic.slice(start) : topic.slice(start, slash);
      let child = node.children?.get(name);
      if (!child) {
        child = createNode(name, slash < 0 ? topic : topic.slice(0, slash), node);
        (node.children ??= new Map()).set(name, child);
        this.byTopic.set(child.topic, child);
        node.sortedChildren = null;
        this.created++;
      }
      node = child;
      if (slash < 0) return node;
      start = slash + 1;
    }
  }

  find(topic: string): TopicNode | undefined {
    return this.byTopic.get(topic);
  }

  private setRetained(node: TopicNode, retained: boolean): void {
    if (node.retained === retained) return;
    node.retained = retained;
    const delta = retained ? 1 : -1;
    for (let n: TopicNode | null = node; n; n = n.parent) n.retainedTopics += delta;
  }

  /** `liveBytes`: a message received now, counted in each level's rate window (history refills are not). */
  private setValue(node: TopicNode, count: number, timestamp: number, now: number, liveBytes?: number): void {
    if (!node.hasValue) {
      node.hasValue = true;
      for (let n = node.parent; n; n = n.parent) n.subTopics++;
    }
    node.messages += count;
    node.valueTimestamp = timestamp;
    for (let n: TopicNode | null = node; n; n = n.parent) {
      n.totalMessages += count;
      if (timestamp > n.lastTimestamp) n.lastTimestamp = timestamp;
      if (now - n.changedAt >= RECENT_CHANGE_MS) n.burstStartedAt = now;
      n.changedAt = now;
      // On the receiving clock (`now`), so a broker's skewed timestamps do not bend the rates; the root has none.
      if (liveBytes !== undefined && n !== this.root) (n.rate ??= new RateWindow(now)).add(now, count, liveBytes);
    }
  }

  /**
   * Takes one received message. `seq` is its place in the connection's message ring (null when it
   * is not kept there). Returns true when a node was created (the rows may change, not just values).
   * A retained flag with a payload marks the topic retained; an empty payload (how a retained
   * message is deleted) clears the mark; a live message without the flag leaves it as it was, since
   * brokers clear the flag on messages that are not sent because of a subscription.
   */
  ingest(message: TreeMessage, seq: number | null, now: number): boolean {
    const before = this.created;
    const node = this.ensure(message.topic);
    const size = message.payloadSize ?? message.payload.byteLength;
    node.setPayload(message.payload, size, message.decoded);
    node.payloadSize = size;
    node.qos = message.qos;
    node.lastSeq = seq;
    this.setValue(node, 1, message.timestamp, now, size);
    if (size === 0) this.setRetained(node, false);
    else if (message.retain) this.setRetained(node, true);
    return this.created !== before;
  }

  /**
   * Takes a message this client published. With the retain flag the broker now holds it (an empty
   * one: it forgot it), whether or not a subscription brings it back: the echo of a subscription
   * carries no retain flag [MQTT-3.3.1-9], so without this a retained message just published could
   * not be cleared from the tree. It is not counted as a message: the tree counts what it received.
   * Returns true when a node was created.
   */
  published(message: Pick<TreeMessage, 'topic' | 'payload' | 'retain' | 'payloadSize'>): boolean {
    if (!message.retain) return false;
    const size = message.payloadSize ?? message.payload.byteLength;
    if (size === 0) {
      const node = this.find(message.topic);
      if (node) this.setRetained(node, false);
      return false;
    }
    const before = this.created;
    this.setRetained(this.ensure(message.topic), true);
    return this.created !== before;
  }

  /**
   * Takes what history holds for a topic. History also stores the live messages seen so far, so
   * the count is the larger of the two, and a live value newer than the stored one stays.
   */
  absorb(summary: TreeTopicSummary, now: number): boolean {
    const before = this.created;
    const node = this.ensure(summary.topic);
    const created = this.created !== before;
    const extra = Math.max(0, summary.messages - node.messages);
    if (node.hasValue && node.valueTimestamp >= summary.lastTimestamp) {
      if (extra > 0) this.setValue(node, extra, node.valueTimestamp, now);
      return created;
    }
    node.setPayload(summary.preview, summary.payloadSize, summary.decoded);
    node.payloadSize = summary.payloadSize;
    node.qos = summary.qos;
    node.lastSeq = null;
    this.setValue(node, extra, summary.lastTimestamp, now);
    this.setRetained(node, summary.retained && summary.payloadSize > 0);
    return created;
  }

  /** After the user deleted them: the broker no longer holds these topics' retained messages. */
  clearRetained(topics: readonly string[]): void {
    for (const topic of topics) {
      const node = this.find(topic);
      if (node) this.setRetained(node, false);
    }
  }

  /** Topics at or under `node` whose retained message the broker holds (the delete list). */
  retainedUnder(node: TopicNode): string[] {
    const topics: string[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.retainedTopics === 0) continue;
      if (n.retained) topics.push(n.topic);
      if (n.children) for (const child of n.children.values()) stack.push(child);
    }
    return topics;
  }

  /** Children in the given order; the name order is cached per node until a child is added. */
  ordered(node: TopicNode, sort: TopicSort, now = Date.now()): TopicNode[] {
    if (!node.children) return [];
    if (sort === 'name') {
      if (!node.sortedChildren) {
        const list = [...node.children.values()];
        node.sortedChildren = list.sort(list.length > COLLATOR_LIMIT ? byCodeUnit : byName);
      }
      return node.sortedChildren;
    }
    if (sort === 'msgRate' || sort === 'byteRate') {
      const key = sort === 'msgRate' ? 'messagesPerSecond' : 'bytesPerSecond';
      const rated = [...node.children.values()].map((child) => ({ child, rate: child.rate ? child.rate.rates(now)[key] : 0 }));
      return rated.sort((a, b) => b.rate - a.rate || byCodeUnit(a.child, b.child)).map((r) => r.child);
    }
    return [...node.children.values()].sort(sort === 'messages' ? byMessages : byRecent);
  }

  /**
   * The `limit` topics (with a value of their own) with the most messages or bytes per second over the
   * last minute: "what is flooding the broker". One pass over the topics, kept to the best `limit`.
   */
  topRates(now: number, limit: number, by: 'messages' | 'bytes' = 'messages'): TopicRate[] {
    const best: TopicRate[] = [];
    const key = by === 'messages' ? 'messagesPerSecond' : 'bytesPerSecond';
    for (const node of this.byTopic.values()) {
      if (!node.hasValue || !node.rate) continue;
      const rates = node.rate.rates(now);
      if (rates.messagesPerSecond === 0) continue;
      if (best.length === limit && rates[key] <= best[limit - 1]![key]) continue;
      const entry = { topic: node.topic, ...rates };
      let at = best.length;
      while (at > 0 && best[at - 1]![key] < entry[key]) at--;
      best.splice(at, 0, entry);
      if (best.length > limit) best.pop();
    }
    return best;
  }

  setExpanded(node: TopicNode, expanded: boolean): void {
    if (node.children) node.expanded = expanded;
  }

  /** Expands or collapses every node (or every node below `from`). */
  setAllExpanded(expanded: boolean, from: TopicNode = this.root): void {
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (!node.children) continue;
      if (node !== this.root) node.expanded = expanded;
      for (const child of node.children.values()) if (child.children) stack.push(child);
    }
  }

  /**
   * The rows to show, in order: every child of an expanded node. With a filter, a node shows when
   * it matches or something below it does; the nodes on the way to a match open by themselves, and
   * a match shows its own subtree as the user left it.
   */
  rows(view: TreeView): TreeRow[] {
    const rows: TreeRow[] = [];
    const topicQuery = view.topicFilter.trim();
    const payloadQuery = view.payloadFilter.trim().toLowerCase();
    if (!topicQuery && !payloadQuery) {
      const visit = (node: TopicNode): void => {
        for (const child of this.ordered(node, view.sort, view.now)) {
          rows.push({ node: child, forcedOpen: false });
          if (child.expanded && child.children) visit(child);
        }
      };
      visit(this.root);
      return rows;
    }
    const isMqttFilter = (topicQuery.includes('+') || topicQuery.includes('#')) && topicFilterProblem(topicQuery) === null;
    const topicNeedle = topicQuery.toLowerCase();
    const matchesSelf = (node: TopicNode): boolean => {
      if (topicQuery) {
        const ok = isMqttFilter ? topicMatches(topicQuery, node.topic) : node.topic.toLowerCase().includes(topicNeedle);
        if (!ok) return false;
      }
      return !payloadQuery || (node.hasValue && node.preview.toLowerCase().includes(payloadQuery));
    };
    // Post-order: does each subtree hold a match? Kept only for the nodes that do.
    const hasMatch = new Map<TopicNode, boolean>();
    const mark = (node: TopicNode): boolean => {
      let below = false;
      if (node.children) for (const child of node.children.values()) if (mark(child)) below = true;
      const self = node !== this.root && matchesSelf(node);
      if (self || below) hasMatch.set(node, self);
      return self || below;
    };
    mark(this.root);
    const visit = (node: TopicNode, insideMatch: boolean): void => {
      for (const child of this.ordered(node, view.sort, view.now)) {
        const self = hasMatch.get(child);
        if (self === undefined && !insideMatch) continue;
        const inside = insideMatch || self === true;
        // A node on the way to a match opens; inside a match the user's own state rules.
        const forcedOpen = !inside && child.children !== null;
        rows.push({ node: child, forcedOpen });
        if (child.children && (forcedOpen || child.expanded)) visit(child, inside);
      }
    };
    visit(this.root, false);
    return rows;
  }

  /**
   * Known topics starting with `prefix`, for topic autocomplete: the levels before the last `/`
   * must match exactly, the last one by its start. Nodes are visited in name order, shallow first
   * within each branch, and only topics that carried a message are returned.
   */
  suggestions(prefix: string, limit: number): string[] {
    if (limit <= 0) return [];
    const slash = prefix.lastIndexOf('/');
    let parent: TopicNode | undefined = this.root;
    if (slash >= 0) parent = this.find(prefix.slice(0, slash));
    if (!parent?.children) return [];
    const partial = prefix.slice(slash + 1);
    const found: string[] = [];
    const walk = (node: TopicNode): void => {
      if (found.length >= limit) return;
      if (node.hasValue) found.push(node.topic);
      for (const child of this.ordered(node, 'name')) {
        if (found.length >= limit) return;
        walk(child);
      }
    };
    for (const child of this.ordered(parent, 'name')) {
      if (found.length >= limit) break;
      if (child.name.startsWith(partial)) walk(child);
    }
    return found;
  }
}
