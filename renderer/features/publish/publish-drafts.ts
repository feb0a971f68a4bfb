import { create } from 'zustand';
import { PAYLOAD_FORMATS, type PayloadFormat } from '../../../shared/codecs/payload-format';
import { QOS_LEVELS, type Qos } from '../../stores/qos';
import { choiceStorage, onChoicesChanged } from '../../ui/stored-choice';
import { INITIAL_PROPERTIES, type PublishPropertiesForm } from './publish-properties';

/** What the publish form holds for one connection, as typed. */
export interface PublishDraft {
  topic: string;
  qos: Qos;
  retain: boolean;
  mode: PayloadFormat;
  payload: string;
  properties: PublishPropertiesForm;
  /** "Variables": the topic and payload are expanded ({{now}}, {{seq}}, {{site}}…) for each publish. */
  variablesOn: boolean;
  /** The user's variables, one `name=value` a line. */
  variables: string;
}

export const EMPTY_DRAFT: PublishDraft = { topic: '', qos: 0, retain: false, mode: 'text', payload: '', properties: INITIAL_PROPERTIES, variablesOn: false, variables: '' };

/**
 * A longer payload stays in its draft while the page is open but is not remembered across a reload
 * or restart: the drafts share one UI-state entry (64 KB at most, see UI_STATE_LIMITS).
 */
export const DRAFT_PAYLOAD_LIMIT = 16 * 1024;
/** The newest drafts that fit in this many bytes are remembered. */
const STORED_BYTES = 60 * 1024;
/** The drafts of this many connections at most. */
const STORED_DRAFTS = 30;
const STORAGE_KEY = 'workbench.publishDrafts';
/** Typing writes once it pauses. */
const SAVE_DELAY_MS = 400;

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;

/** The payload is remembered only up to DRAFT_PAYLOAD_LIMIT bytes. */
export function payloadTooLongToKeep(payload: string): boolean {
  return payload.length > DRAFT_PAYLOAD_LIMIT / 4 && byteLength(payload) > DRAFT_PAYLOAD_LIMIT;
}

type Stored = PublishDraft & { at: number };

/** A stored draft, checked field by field: an edited or older entry falls back to the defaults. */
function parseDraft(value: unknown): Stored | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const properties = v.properties && typeof v.properties === 'object' ? { ...INITIAL_PROPERTIES, ...(v.properties as Partial<PublishPropertiesForm>) } : INITIAL_PROPERTIES;
  if (!Array.isArray(properties.userProperties)) properties.userProperties = [];
  return {
    topic: typeof v.topic === 'string' ? v.topic : '',
    qos: QOS_LEVELS.find((q) => q === v.qos) ?? 0,
    retain: v.retain === true,
    mode: PAYLOAD_FORMATS.find((f) => f === v.mode) ?? 'text',
    payload: typeof v.payload === 'string' ? v.payload : '',
    properties,
    variablesOn: v.variablesOn === true,
    variables: typeof v.variables === 'string' ? v.variables : '',
    at: typeof v.at === 'number' ? v.at : 0,
  };
}

function load(): Record<string, Stored> {
  try {
    const parsed: unknown = JSON.parse(choiceStorage.getItem(STORAGE_KEY) ?? '{}');
    const drafts: Record<string, Stored> = {};
    if (parsed && typeof parsed === 'object') {
      for (const [key, value] of Object.entries(parsed)) {
        const draft = parseDraft(value);
        if (draft) drafts[key] = draft;
      }
    }
    return drafts;
  } catch {
    return {}; // a damaged entry must not break publishing
  }
}

/** The newest drafts that fit, long payloads left out. */
export function serializeDrafts(drafts: Record<string, Stored>): string {
  const newest = Object.entries(drafts)
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, STORED_DRAFTS)
    .map(([key, draft]) => [key, payloadTooLongToKeep(draft.payload) ? { ...draft, payload: '' } : draft] as const);
  let text = JSON.stringify(Object.fromEntries(newest));
  while (newest.length > 0 && byteLength(text) > STORED_BYTES) {
    newest.pop();
    text = JSON.stringify(Object.fromEntries(newest));
  }
  return text;
}

interface PublishDraftsState {
  /** By connection key (profile or endpoint, stable across runs); '' when no connection is open. */
  drafts: Record<string, Stored>;
  update(key: string, change: Partial<PublishDraft>): void;
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;

function save(drafts: Record<string, Stored>): void {
  if (saveTimer !== undefined) clearTimeout(saveTimer);
  saveTimer = undefined;
  const text = serializeDrafts(drafts);
  if (text !== choiceStorage.getItem(STORAGE_KEY)) choiceStorage.setItem(STORAGE_KEY, text);
}

/**
 * The publish form's draft per connection: switching tabs shows each connection's own, and the
 * drafts come back after a reload or a restart (kept in the UI state in the data folder).
 */
export const usePublishDrafts = create<PublishDraftsState>()((set, get) => ({
  drafts: load(),
  update(key, change) {
    set((state) => ({ drafts: { ...state.drafts, [key]: { ...(state.drafts[key] ?? EMPTY_DRAFT), ...change, at: Date.now() } } }));
    saveTimer ??= setTimeout(() => save(get().drafts), SAVE_DELAY_MS);
  },
}));

// The data folder's UI state came in after the page started from its copy (app/ui-state-sync.ts):
// the newer of each connection's two drafts wins (one typed here meanwhile is newer).
onChoicesChanged([STORAGE_KEY], () => {
  const drafts = { ...usePublishDrafts.getState().drafts };
  for (const [key, draft] of Object.entries(load())) if (!drafts[key] || drafts[key].at < draft.at) drafts[key] = draft;
  usePublishDrafts.setState({ drafts });
});

// A reload right after typing: written now (ui-state-sync sends what the host has not confirmed on the next load).
globalThis.addEventListener?.('pagehide', () => {
  if (saveTimer !== undefined) save(usePublishDrafts.getState().drafts);
});
