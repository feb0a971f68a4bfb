import { create } from 'zustand';
import { type MessageFilter, NO_FILTER } from '../payload/message-filter';
import type { ViewMode } from '../payload/payload-view';
import { choiceStorage, onChoicesChanged } from '../ui/stored-choice';

/** How many per-message mode choices are kept (the oldest are forgotten first). */
const MESSAGE_MODES_LIMIT = 500;
const TOPIC_MODES_KEY = 'workbench.topicModes';
const TOPIC_MODES_LIMIT = 1000;
/** Characters of the stored entry at most (a topic is often ASCII: well under the 64 KB of a UI-state value). */
const TOPIC_MODES_BYTES = 30_000;

function loadTopicModes(): Record<string, ViewMode> {
  try {
    const stored = JSON.parse(choiceStorage.getItem(TOPIC_MODES_KEY) ?? '{}') as unknown;
    return stored && typeof stored === 'object' ? (stored as Record<string, ViewMode>) : {};
  } catch {
    return {};
  }
}

function saveTopicModes(modes: Record<string, ViewMode>): void {
  // In the data folder's UI state too, so a reload, another port or the desktop app find them.
  // Within one UI-state entry (64 KB): the oldest choices go first.
  const entries = Object.entries(modes);
  let text = JSON.stringify(modes);
  while (text.length > TOPIC_MODES_BYTES && entries.length > 0) {
    entries.splice(0, Math.ceil(entries.length / 10));
    text = JSON.stringify(Object.fromEntries(entries));
  }
  choiceStorage.setItem(TOPIC_MODES_KEY, text);
}

interface MessageViewState {
  /** The list's filter (the text part already debounced). */
  filter: MessageFilter;
  /** Payload modes chosen for single messages, by `connectionId:seq`. */
  messageModes: Record<string, ViewMode>;
  /** Payload modes remembered per topic (kept across launches). */
  topicModes: Record<string, ViewMode>;
  setFilter(change: Partial<MessageFilter>): void;
  setMessageMode(key: string, mode: ViewMode): void;
  /** Remembers `mode` for the topic, or forgets it with null. */
  setTopicMode(topic: string, mode: ViewMode | null): void;
}

export const useMessageViewStore = create<MessageViewState>()((set) => ({
  filter: NO_FILTER,
  messageModes: {},
  topicModes: loadTopicModes(),
  setFilter: (change) => set((state) => ({ filter: { ...state.filter, ...change } })),
  setMessageMode: (key, mode) =>
    set((state) => {
      const modes = { ...state.messageModes };
      delete modes[key];
      modes[key] = mode;
      const keys = Object.keys(modes);
      for (const old of keys.slice(0, Math.max(0, keys.length - MESSAGE_MODES_LIMIT))) delete modes[old];
      return { messageModes: modes };
    }),
  setTopicMode: (topic, mode) =>
    set((state) => {
      const modes = { ...state.topicModes };
      delete modes[topic];
      if (mode) modes[topic] = mode;
      const keys = Object.keys(modes);
      for (const old of keys.slice(0, Math.max(0, keys.length - TOPIC_MODES_LIMIT))) delete modes[old];
      saveTopicModes(modes);
      return { topicModes: modes };
    }),
}));

// The host's UI state came in after the first render with other choices: follow them.
onChoicesChanged([TOPIC_MODES_KEY], () => useMessageViewStore.setState({ topicModes: loadTopicModes() }));
