import { create } from 'zustand';
import type { LiveMessage, MqttMessage } from '../../shared/contract';
import { getApi } from './api';
import { useConnectionsStore } from './connections-store';
import type { RingMessage } from '../model/message-ring';
import { messageBySeq } from './messages-store';
import { onChoicesChanged, readChoice, writeChoice } from '../ui/stored-choice';
import { RECENT_CHANGE_MS, type TopicNode, TopicTree, type TopicSort, type TreeMessage } from '../model/topic-tree';
import { describeError } from '../ui/errors';

/** Row structure (new nodes) is republished at most this often: a flood of new topics costs a few re-flattens a second, not one a frame. */
const STRUCTURE_PERIOD_MS = 250;
/** Orders by messages or recency follow the values this often (rows jumping every frame are unreadable). */
const RESORT_PERIOD_MS = 1000;
/** Empty retained publishes in flight at once when deleting a subtree. */
const DELETE_CONCURRENCY = 50;
/** History topics asked for when a connection's tree is first shown. */
const HISTORY_TOPIC_LIMIT = 100_000;

/** Whether the Topics panel shows is remembered across launches (and reloads). */
const TOPICS_PANEL_KEY = 'workbench.topicsPanel';
const readPanelOpen = () => readChoice(TOPICS_PANEL_KEY, ['open', 'closed'], 'open') === 'open';

/** What the feed hands over: live messages (a big payload arrives as its head plus its size). */
type FeedMessage = MqttMessage & Partial<Pick<LiveMessage, 'payloadSize'>> & Pick<TreeMessage, 'decoded'>;

/** One tree per open connection; mutable, so components select `version`/`structure` to re-render. */
const trees = new Map<string, TopicTree>();
/** Connections whose stored topics were asked for already. */
const historyLoaded = new Set<string>();
/** Closed tabs: a batch still in flight for one must not bring its tree back. Ids are never reused. */
const forgotten = new Set<string>();

export function treeOf(connectionId: string): TopicTree {
  let tree = trees.get(connectionId);
  if (!tree) trees.set(connectionId, (tree = new TopicTree()));
  return tree;
}

export function peekTree(connectionId: string | null): TopicTree | undefined {
  return connectionId ? trees.get(connectionId) : undefined;
}

/**
 * The node's last message if the connection's live list still holds it. Seqs restart when the list
 * is cleared, so the topic and time must match too.
 */
export function lastMessageOf(connectionId: string, node: TopicNode): RingMessage | undefined {
  if (node.lastSeq === null) return undefined;
  const message = messageBySeq(connectionId, node.lastSeq);
  return message && message.topic === node.topic && message.timestamp === node.valueTimestamp ? message : undefined;
}

/**
 * Known topics of a connection starting with `prefix` (for publish-topic autocomplete), in name
 * order, at most `limit`. Stable export: other features rely on it.
 */
export function topicSuggestions(connectionId: string, prefix: string, limit: number): string[] {
  return trees.get(connectionId)?.suggestions(prefix, limit) ?? [];
}

/**
 * topicSuggestions() for a component: it re-renders when new topics arrive (a few times a second at
 * most), so a topic that shows up after the user typed the prefix is still offered.
 */
export function useTopicSuggestions(connectionId: string | null, prefix: string, limit: number): string[] {
  useTopicTreeStore((s) => s.structure);
  return connectionId ? topicSuggestions(connectionId, prefix, limit) : [];
}

export interface DeleteRetainedResult {
  deleted: number;
  failed: number;
  error?: string;
}

interface TopicTreeState {
  /** Bumped whenever any value changed (once per feed flush at most). */
  version: number;
  /** Bumped when the rows may have changed: new nodes, expand/collapse, filter, sort. */
  structure: number;
  topicFilter: string;
  payloadFilter: string;
  sort: TopicSort;
  /** The selected node's topic, per connection. */
  selected: Record<string, string>;
  /** Whether the Topics panel shows (its width is the layout's, see app/center-rows.tsx). */
  panelOpen: boolean;
  /**
   * Takes the messages the message store just took into the trees, without re-rendering anything
   * yet: publishValues() shows them. The event feed calls the two in consecutive frames, so the
   * message list and the tree render in separate tasks under a firehose.
   */
  ingestBatch(messages: readonly FeedMessage[]): void;
  /** Re-renders the tree if a batch came in since the last call. */
  publishValues(): void;
  setTopicFilter(filter: string): void;
  setPayloadFilter(filter: string): void;
  setSort(sort: TopicSort): void;
  select(connectionId: string, topic: string | null): void;
  toggle(connectionId: string, topic: string, expanded?: boolean): void;
  setAllExpanded(connectionId: string, expanded: boolean): void;
  setPanelOpen(open: boolean): void;
  /** Publishes an empty retained message to each topic (batched), and clears their marks. */
  deleteRetained(connectionId: string, topics: readonly string[]): Promise<DeleteRetainedResult>;
  /** Adds the topics history holds for a connection (once per connection). */
  loadFromHistory(connectionId: string): Promise<void>;
  forget(connectionId: string): void;
}

let structureTimer: ReturnType<typeof setTimeout> | undefined;
let resortTimer: ReturnType<typeof setTimeout> | undefined;
let lastStructureAt = 0;
/** Re-renders once traffic stops, so rows tinted as changing (RECENT_CHANGE_MS) clear. */
let quietTimer: ReturnType<typeof setTimeout> | undefined;
/** What ingestBatch took that publishValues has not shown yet. */
let unpublished: { created: boolean } | null = null;

export const useTopicTreeStore = create<TopicTreeState>()((set, get) => {
  /** Republishes the structure now, or once the period has passed (one timer for all trees). */
  function structureChanged(): void {
    const now = Date.now();
    if (now - lastStructureAt >= STRUCTURE_PERIOD_MS) {
      lastStructureAt = now;
      clearTimeout(structureTimer);
      structureTimer = undefined;
      set((s) => ({ structure: s.structure + 1 }));
    } else if (structureTimer === undefined) {
      structureTimer = setTimeout(() => {
        structureTimer = undefined;
        lastStructureAt = Date.now();
        set((s) => ({ structure: s.structure + 1 }));
      }, STRUCTURE_PERIOD_MS - (now - lastStructureAt));
    }
  }

  /** Value-based orders re-sort now and then while values change; the name order never needs to. */
  function valuesChanged(): void {
    if (get().sort === 'name' || resortTimer !== undefined) return;
    resortTimer = setTimeout(() => {
      resortTimer = undefined;
      set((s) => ({ structure: s.structure + 1 }));
    }, RESORT_PERIOD_MS);
  }

  function ingest(messages: readonly FeedMessage[]): boolean {
    const now = Date.now();
    let created = false;
    for (const message of messages) {
      if (forgotten.has(message.connectionId)) continue;
      // The tree is what the broker has: a message this client published counts only for its retain flag.
      if (message.direction !== 'in') {
        if (message.retain && treeOf(message.connectionId).published(message)) created = true;
        continue;
      }
      // The message store numbered the message when it took it into the list (after which it is its seq).
      const seq = (message as Partial<RingMessage>).seq ?? null;
      if (treeOf(message.connectionId).ingest(message, seq, now)) created = true;
    }
    return created;
  }

  return {
    version: 0,
    structure: 0,
    topicFilter: '',
    payloadFilter: '',
    sort: 'name',
    selected: {},
    panelOpen: readPanelOpen(),

    ingestBatch(messages) {
      if (messages.length === 0) return;
      const created = ingest(messages);
      unpublished = { created: created || (unpublished?.created ?? false) };
    },

    publishValues() {
      if (!unpublished) return;
      const { created } = unpublished;
      unpublished = null;
      set((s) => ({ version: s.version + 1 }));
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => set((s) => ({ version: s.version + 1 })), RECENT_CHANGE_MS + 50);
      if (created) structureChanged();
      else valuesChanged();
    },

    setTopicFilter: (topicFilter) => set((s) => ({ topicFilter, structure: s.structure + 1 })),
    setPayloadFilter: (payloadFilter) => set((s) => ({ payloadFilter, structure: s.structure + 1 })),
    setSort: (sort) => set((s) => ({ sort, structure: s.structure + 1 })),

    select(connectionId, topic) {
      set((s) => {
        const selected = { ...s.selected };
        if (topic === null) delete selected[connectionId];
        else selected[connectionId] = topic;
        return { selected };
      });
    },

    toggle(connectionId, topic, expanded) {
      const tree = trees.get(connectionId);
      const node = tree?.find(topic);
      if (!tree || !node?.children) return;
      tree.setExpanded(node, expanded ?? !node.expanded);
      set((s) => ({ structure: s.structure + 1 }));
    },

    setAllExpanded(connectionId, expanded) {
      trees.get(connectionId)?.setAllExpanded(expanded);
      set((s) => ({ structure: s.structure + 1 }));
    },

    setPanelOpen(panelOpen) {
      writeChoice(TOPICS_PANEL_KEY, panelOpen ? 'open' : 'closed');
      set({ panelOpen });
    },

    async deleteRetained(connectionId, topics) {
      const api = getApi();
      const done: string[] = [];
      let failed = 0;
      let error: string | undefined;
      for (let i = 0; i < topics.length; i += DELETE_CONCURRENCY) {
        const chunk = topics.slice(i, i + DELETE_CONCURRENCY);
        const results = await Promise.all(chunk.map((topic) => api.messages.publish({ connectionId, topic, payload: new Uint8Array(0), qos: 1, retain: true })));
        results.forEach((result, j) => {
          if (result.ok) done.push(chunk[j]!);
          else {
            failed++;
            error ??= describeError(result.error);
          }
        });
      }
      trees.get(connectionId)?.clearRetained(done);
      set((s) => ({ version: s.version + 1 }));
      return { deleted: done.length, failed, ...(error ? { error } : {}) };
    },

    async loadFromHistory(connectionId) {
      if (historyLoaded.has(connectionId)) return;
      historyLoaded.add(connectionId);
      const result = await getApi().history.topics({ connectionId, limit: HISTORY_TOPIC_LIMIT });
      // History may be off (no data folder): the tree then starts from live traffic alone.
      if (!result.ok || forgotten.has(connectionId)) return;
      const tree = treeOf(connectionId);
      const now = Date.now();
      for (const summary of result.value.topics) tree.absorb(summary, now);
      set((s) => ({ version: s.version + 1 }));
      structureChanged();
    },

    forget(connectionId) {
      trees.delete(connectionId);
      forgotten.add(connectionId);
      set((s) => {
        const selected = { ...s.selected };
        delete selected[connectionId];
        return { selected, structure: s.structure + 1 };
      });
    },
  };
});

// The host's UI state came in after the first render with another choice: follow it.
onChoicesChanged([TOPICS_PANEL_KEY], () => useTopicTreeStore.setState({ panelOpen: readPanelOpen() }));

/**
 * Follows the open connections: a new one gets its stored topics from history, a closed one's
 * tree is dropped. Returns a disposer.
 */
export function watchTopicTrees(): () => void {
  let known = new Set<string>();
  const update = (order: readonly string[]) => {
    const now = new Set(order);
    for (const id of now) if (!known.has(id)) void useTopicTreeStore.getState().loadFromHistory(id);
    for (const id of known) if (!now.has(id)) useTopicTreeStore.getState().forget(id);
    known = now;
  };
  update(useConnectionsStore.getState().order);
  return useConnectionsStore.subscribe((state, previous) => {
    if (state.order !== previous.order) update(state.order);
  });
}

/** A topic's last message from history, for a node whose message has left the live list. */
export function fetchLastValue(connectionId: string, topic: string) {
  return getApi().history.lastValues({ connectionId, topic, count: 1 });
}
