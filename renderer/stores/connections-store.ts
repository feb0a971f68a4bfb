import { create } from 'zustand';
import type { ConnectionOptionsInput, ConnectionSummary, WorkbenchError } from '../../shared/contract';
import type { Qos } from './qos';
import { getApi } from './api';

export interface Subscription {
  filter: string;
  requestedQos: Qos;
  state: 'pending' | 'active' | 'failed';
  grantedQos?: Qos;
  error?: WorkbenchError;
}

interface ConnectionsState {
  /** Every connection the host reported, by id (status events and list()). */
  summaries: Record<string, ConnectionSummary>;
  /** The connection the panels act on. */
  activeId: string | null;
  /** True while a connect request is in flight. */
  connecting: boolean;
  /** The failure of the last connect or disconnect request, shown until the next attempt. */
  error: WorkbenchError | null;
  /** Subscriptions per connection id, in the order they were made. */
  subscriptions: Record<string, Subscription[]>;

  applyStatus(summary: ConnectionSummary): void;
  /** Replaces the known connections with the host's list (after the host link comes back). */
  resync(list: ConnectionSummary[]): void;
  connect(options: ConnectionOptionsInput): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(filter: string, qos: Qos): Promise<void>;
  unsubscribe(filter: string): Promise<void>;
}

function withSubscription(list: Subscription[] = [], next: Subscription): Subscription[] {
  return [...list.filter((s) => s.filter !== next.filter), next];
}

export const useConnectionsStore = create<ConnectionsState>()((set, get) => {
  const updateSubscriptions = (id: string, change: (list: Subscription[]) => Subscription[]) =>
    set((state) => ({ subscriptions: { ...state.subscriptions, [id]: change(state.subscriptions[id] ?? []) } }));

  return {
    summaries: {},
    activeId: null,
    connecting: false,
    error: null,
    subscriptions: {},

    applyStatus(summary) {
      set((state) => ({ summaries: { ...state.summaries, [summary.connectionId]: summary } }));
    },

    resync(list) {
      set((state) => {
        const summaries: Record<string, ConnectionSummary> = {};
        for (const summary of list) summaries[summary.connectionId] = summary;
        // A connection the host no longer knows is gone; keep it visible as disconnected.
        for (const [id, old] of Object.entries(state.summaries)) {
          summaries[id] ??= { ...old, status: 'disconnected' };
        }
        return { summaries };
      });
    },

    async connect(options) {
      set({ connecting: true, error: null });
      const result = await getApi().connections.connect(options);
      if (result.ok) {
        const id = result.value.connectionId;
        set((state) => ({ connecting: false, activeId: id, subscriptions: { ...state.subscriptions, [id]: [] } }));
      } else {
        set({ connecting: false, error: result.error });
      }
    },

    async disconnect() {
      const id = get().activeId;
      if (!id) return;
      set({ error: null });
      const result = await getApi().connections.disconnect({ connectionId: id });
      if (!result.ok && result.error.code !== 'CONNECTION_NOT_FOUND') set({ error: result.error });
      // Whatever the host said, this connection is no longer ours to act on.
      set((state) => {
        const summary = state.summaries[id];
        return summary ? { summaries: { ...state.summaries, [id]: { ...summary, status: 'disconnected' } } } : {};
      });
    },

    async subscribe(filter, qos) {
      const id = get().activeId;
      if (!id) return;
      updateSubscriptions(id, (list) => withSubscription(list, { filter, requestedQos: qos, state: 'pending' }));
      const result = await getApi().messages.subscribe({ connectionId: id, filter, qos });
      updateSubscriptions(id, (list) =>
        withSubscription(
          list,
          result.ok
            ? { filter, requestedQos: qos, state: 'active', grantedQos: result.value.grantedQos }
            : { filter, requestedQos: qos, state: 'failed', error: result.error },
        ),
      );
    },

    async unsubscribe(filter) {
      const id = get().activeId;
      if (!id) return;
      const subscription = get().subscriptions[id]?.find((s) => s.filter === filter);
      // A failed subscription exists only here: nothing to tell the broker.
      if (subscription?.state !== 'failed') {
        const result = await getApi().messages.unsubscribe({ connectionId: id, filter });
        if (!result.ok) {
          updateSubscriptions(id, (list) =>
            list.map((s) => (s.filter === filter ? { ...s, error: result.error } : s)),
          );
          return;
        }
      }
      updateSubscriptions(id, (list) => list.filter((s) => s.filter !== filter));
    },
  };
});

/** The active connection's summary, or null before the first connect. */
export function useActiveConnection(): ConnectionSummary | null {
  return useConnectionsStore((state) => (state.activeId ? (state.summaries[state.activeId] ?? null) : null));
}
