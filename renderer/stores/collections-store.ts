import { create } from 'zustand';
import type { CollectionsState, ExpandedMessage, MessageTemplate, RequestChannel, RequestInput, Result, SequenceStatus, VariableSet } from '../../shared/contract';
import { getApi } from './api';
import { describeError } from '../ui/errors';

/** A message offered for saving ("Save to collection…" in the publish panel or its history). */
export interface SaveRequest {
  template: MessageTemplate;
  /** The name proposed (the topic, as a start). */
  name: string;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

interface CollectionsStoreState {
  state: CollectionsState | null;
  /** The last failure of an action, shown by the panel until the next action. */
  error: string | null;
  /** What the save dialog is saving; null when it is closed. */
  saveRequest: SaveRequest | null;
  /** Sequences by id: the status events' latest word. */
  sequences: Record<string, SequenceStatus>;
  /** Loads the collections once and follows their changes and sequences. */
  start(): void;
  openSave(request: SaveRequest): void;
  closeSave(): void;
  clearError(): void;
  /** Calls a collections channel; a state in the answer replaces the one held; a failure is kept in `error`. */
  run<C extends Extract<RequestChannel, `collections.${string}`>>(channel: C, input: RequestInput<C>): Promise<Outcome<unknown>>;
  preview(input: RequestInput<'collections.preview'>): Promise<Outcome<ExpandedMessage>>;
}

let started = false;

function isState(value: unknown): value is CollectionsState {
  return typeof value === 'object' && value !== null && Array.isArray((value as CollectionsState).collections);
}

/** The variables in force for a profile (the user's own, then its environment's, which win). */
export function variablesForProfile(state: CollectionsState | null, profileId: string | undefined): { user: VariableSet; environment: VariableSet | undefined; environmentName: string | undefined } {
  if (!state) return { user: {}, environment: undefined, environmentName: undefined };
  const chosen = profileId ? state.profileEnvironments[profileId] : undefined;
  const environment = chosen ? state.environments.find((e) => e.id === chosen) : undefined;
  return { user: state.variables, environment: environment?.variables, environmentName: environment?.name };
}

export const useCollectionsStore = create<CollectionsStoreState>()((set) => ({
  state: null,
  error: null,
  saveRequest: null,
  sequences: {},
  start() {
    if (started) return;
    started = true;
    const api = getApi();
    api.on('collections.changed', (state) => set({ state }));
    api.on('collections.sequenceStatus', (status) => set((s) => ({ sequences: { ...s.sequences, [status.sequenceId]: status } })));
    void api.collections.list({}).then((result) => {
      if (result.ok) set({ state: result.value });
      else set({ error: describeError(result.error) });
    });
  },
  openSave: (saveRequest) => set({ saveRequest }),
  closeSave: () => set({ saveRequest: null }),
  clearError: () => set({ error: null }),
  async run(channel, input) {
    const name = channel.slice('collections.'.length) as keyof ReturnType<typeof getApi>['collections'];
    const call = getApi().collections[name] as (input: unknown) => Promise<Result<unknown>>;
    const result = await call(input);
    if (!result.ok) {
      set({ error: describeError(result.error) });
      return { ok: false, error: describeError(result.error) };
    }
    const value = result.value;
    const state = isState(value) ? value : isState((value as { state?: unknown })?.state) ? (value as { state: CollectionsState }).state : undefined;
    set({ error: null, ...(state ? { state } : {}) });
    return { ok: true, value };
  },
  async preview(input) {
    const result = await getApi().collections.preview(input);
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: describeError(result.error) };
  },
}));

/** Starts following the collections (idempotent): the panel and the publish panel call it when they mount. */
export function startCollections(): void {
  useCollectionsStore.getState().start();
}
