import { create } from 'zustand';
import { type MessageFilter, NO_FILTER } from '../payload/message-filter';
import type { ViewMode } from '../payload/payload-view';

/** How many per-message mode choices are kept (the oldest are forgotten first). */
const MESSAGE_MODES_LIMIT = 500;
const TOPIC_MODES_KEY = 'workbench.topicModes';
const TOPIC_MODES_LIMIT = 1000;

function loadTopicModes(): Record<string, ViewMode> {
  try {
    const stored = JSON.parse(globalThis.localStorage?.getItem(TOPIC_MODES_KEY) ?? '{}') as unknown;
    return stored && typeof stored === 'object' ? (stored as Record<string, ViewMode>) : {};
  } catch {
    return {};
  }
}

function saveTopicModes(modes: Record<string, ViewMode>): void {
  try {
    globalThis.localStorage?.setItem(TOPIC_MODES_KEY, JSON.stringify(modes));
  } catch {
    // Storage full or unavailable: the choice still holds for this session.
  }
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
