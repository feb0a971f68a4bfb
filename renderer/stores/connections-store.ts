import { create } from 'zustand';
import { type ActiveSubscription, type ConnectionOptionsInput, type ConnectionSummary, type RequestInput, type WorkbenchError, profileIdOfKey } from '../../shared/contract';
import { getApi } from './api';
import { useInspectorStore } from './inspector-store';
import { useMessagesStore } from './messages-store';
import type { Qos } from './qos';
import { useUiStore } from './ui-store';
import { translate } from '../ui/i18n';
import { pageError } from '../ui/errors';

export type SubscribeOptions = Omit<RequestInput<'messages.subscribe'>, 'connectionId'>;

export interface Subscription {
  filter: string;
  options: SubscribeOptions;
  state: 'pending' | 'active' | 'failed';
  grantedQos?: Qos;
  /** The SUBACK reason code for this filter (0-2 = granted QoS, >= 0x80 = failure). */
  reasonCode?: number;
  error?: WorkbenchError;
}

/** Where a connection came from, for its tab (a profile's colour and name). */
export interface ConnectionOrigin {
  profileId?: string;
  color?: string;
}

interface ConnectionsState {
  /** Every connection the host reported, by id (status events and list()). */
  summaries: Record<string, ConnectionSummary>;
  /** Open connections in tab order. */
  order: string[];
  origins: Record<string, ConnectionOrigin>;
  /** The connection the panels act on. */
  activeId: string | null;
  /** The failure of the last disconnect request, shown until the next one. */
  error: WorkbenchError | null;
  /** Subscriptions per connection id, in the order they were made. */
  subscriptions: Record<string, Subscription[]>;

  applyStatus(summary: ConnectionSummary): void;
  /** Replaces the known connections with the host's list (after the host link comes back). */
  resync(list: ConnectionSummary[]): void;
  /**
   * Puts back the tabs a page had open (app/open-tabs.ts), in their order: a connection the host
   * holds takes its place, one it does not comes back closed, ready to reconnect.
   */
  restoreTabs(tabs: RememberedTab[], activeKey?: string): void;
  select(id: string): void;
  /** Connects with options typed in; resolves with the failure, if any. */
  connect(options: ConnectionOptionsInput): Promise<WorkbenchError | null>;
  /** Connects with a saved profile; its secrets stay in the host. */
  connectProfile(profileId: string, color?: string): Promise<WorkbenchError | null>;
  disconnect(id?: string): Promise<void>;
  /** Opens a closed profile connection again, in the same tab position. */
  reconnect(id: string): Promise<WorkbenchError | null>;
  /** Disconnects (if still open) and closes the tab, forgetting its messages. */
  close(id: string): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<void>;
  unsubscribe(filter: string): Promise<void>;
}

/** A saved profile's tab as a page remembers it, by the connection's key across runs. */
export interface RememberedTab {
  connectionKey: string;
  name: string;
  url: string;
  protocolVersion: ConnectionSummary['protocolVersion'];
  color?: string;
}

/** Where a connection the page did not open itself came from: its key names its saved profile. */
function originOf(summary: { connectionKey: string }): ConnectionOrigin {
  const profileId = profileIdOfKey(summary.connectionKey);
  return profileId === undefined ? {} : { profileId };
}

/** A closed tab for a remembered profile connection the host does not hold (yet). */
function closedTab(tab: RememberedTab): ConnectionSummary {
  return {
    connectionId: `restored:${tab.connectionKey}`,
    name: tab.name,
    connectionKey: tab.connectionKey,
    status: 'disconnected',
    url: tab.url,
    protocolVersion: tab.protocolVersion,
    requestedVersion: tab.protocolVersion,
    clientId: '',
    reconnectAttempts: 0,
    problems: [],
    problemCount: 0,
    hiddenDollarMessages: 0,
    subscriptions: [],
  };
}

function fromHost(active: ActiveSubscription): Subscription {
  const { filter, grantedQos, qos, ...rest } = active;
  return { filter, options: { filter, qos, ...rest }, state: 'active', grantedQos, reasonCode: grantedQos };
}

/**
 * The host holds the truth about what is subscribed (a reload, another window, a profile's saved
 * subscriptions): its active list, in its order, plus what only this window knows (a SUBSCRIBE still
 * waiting for its SUBACK, a failure to show).
 */
export function mergeSubscriptions(local: Subscription[] = [], host: ActiveSubscription[]): Subscription[] {
  const merged = host.map(fromHost);
  const known = new Set(host.map((s) => s.filter));
  for (const subscription of local) {
    if (!known.has(subscription.filter) && subscription.state !== 'active') merged.push(subscription);
  }
  return merged;
}

/**
 * Origins for connections this page did not open (a reload, "connect on launch"): the host says
 * which profile each came from. One this page opened keeps what it knows (its colour).
 */
function withHostOrigins(origins: Record<string, ConnectionOrigin>, summaries: ConnectionSummary[]): Record<string, ConnectionOrigin> {
  const missing = summaries.filter((s) => origins[s.connectionId] === undefined && originOf(s).profileId !== undefined);
  if (missing.length === 0) return origins;
  return { ...origins, ...Object.fromEntries(missing.map((s) => [s.connectionId, originOf(s)])) };
}

function withSubscription(list: Subscription[] = [], next: Subscription): Subscription[] {
  const index = list.findIndex((s) => s.filter === next.filter);
  if (index < 0) return [...list, next];
  return list.map((s, i) => (i === index ? next : s));
}

export const useConnectionsStore = create<ConnectionsState>()((set, get) => {
  const updateSubscriptions = (id: string, change: (list: Subscription[]) => Subscription[]) =>
    set((state) => ({ subscriptions: { ...state.subscriptions, [id]: change(state.subscriptions[id] ?? []) } }));

  /** Saved subscriptions the broker refused stay visible as failed rows (the granted ones come with the status). */
  const showSubscribeFailures = (id: string, failures: { filter: string; error: { code: string; message: string; params?: Record<string, string | number> } }[]) => {
    for (const { filter, error: failure } of failures) {
      const error = failure as WorkbenchError; // a code from the host's ERROR_CODES
      updateSubscriptions(id, (list) =>
        withSubscription(list, { filter, options: { filter, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }, state: 'failed', error, ...reasonFromError(error) }),
      );
    }
  };

  const opened = (id: string, origin: ConnectionOrigin) => {
    set((state) => ({
      activeId: id,
      order: state.order.includes(id) ? state.order : [...state.order, id],
      origins: { ...state.origins, [id]: origin },
      // Status events may have brought the host's list first (a profile's saved subscriptions).
      subscriptions: { ...state.subscriptions, [id]: state.subscriptions[id] ?? [] },
    }));
    useUiStore.getState().selectMessage(null);
  };

  return {
    summaries: {},
    order: [],
    origins: {},
    activeId: null,
    error: null,
    subscriptions: {},

    applyStatus(summary) {
      // Kept for every id: a connect's first status events arrive before its response names the id.
      // Tabs come only from this window's connects and the host's list (resync).
      set((state) => ({
        summaries: { ...state.summaries, [summary.connectionId]: summary },
        origins: withHostOrigins(state.origins, [summary]),
        // A closed connection keeps its last list on screen; an open one follows the host.
        subscriptions:
          summary.status === 'disconnected'
            ? state.subscriptions
            : { ...state.subscriptions, [summary.connectionId]: mergeSubscriptions(state.subscriptions[summary.connectionId], summary.subscriptions) },
      }));
    },

    resync(list) {
      const replaced: string[] = [];
      set((state) => {
        const summaries: Record<string, ConnectionSummary> = {};
        for (const summary of list) summaries[summary.connectionId] = summary;
        // A connection the host no longer knows is gone; keep it visible as disconnected.
        for (const [id, old] of Object.entries(state.summaries)) {
          summaries[id] ??= { ...old, status: 'disconnected' };
        }
        const origins = { ...state.origins };
        const order = [...state.order];
        let activeId = state.activeId;
        const held = new Set(list.map((s) => s.connectionId));
        for (const summary of list) {
          const id = summary.connectionId;
          origins[id] ??= originOf(summary);
          if (order.includes(id)) continue;
          // The same profile or endpoint opened again by a restarted host takes its closed tab's place.
          const stale = order.findIndex((other) => !held.has(other) && summaries[other]?.connectionKey === summary.connectionKey);
          if (stale < 0) {
            order.push(id);
            continue;
          }
          const old = order[stale]!;
          order[stale] = id;
          origins[id] = { ...origins[old], ...origins[id] };
          delete summaries[old];
          if (activeId === old) activeId = id;
          replaced.push(old);
        }
        const subscriptions = { ...state.subscriptions };
        for (const summary of list) subscriptions[summary.connectionId] = mergeSubscriptions(state.subscriptions[summary.connectionId], summary.subscriptions);
        return { summaries, order, origins, subscriptions, activeId: activeId ?? order[0] ?? null };
      });
      for (const old of replaced) {
        useMessagesStore.getState().forget(old);
        useInspectorStore.getState().forget(old);
      }
    },

    restoreTabs(tabs, activeKey) {
      set((state) => {
        const summaries = { ...state.summaries };
        const origins = { ...state.origins };
        const byKey = new Map(state.order.map((id) => [summaries[id]?.connectionKey, id]));
        const restored: string[] = [];
        for (const tab of tabs) {
          let id = byKey.get(tab.connectionKey);
          if (id === undefined) {
            const closed = closedTab(tab);
            id = closed.connectionId;
            summaries[id] = closed;
          }
          if (restored.includes(id)) continue;
          origins[id] = { ...originOf(tab), ...origins[id], ...(tab.color ? { color: tab.color } : {}) };
          restored.push(id);
        }
        const order = [...restored, ...state.order.filter((id) => !restored.includes(id))];
        const active = order.find((id) => summaries[id]?.connectionKey === activeKey);
        return { summaries, origins, order, activeId: active ?? state.activeId ?? order[0] ?? null };
      });
    },

    select(id) {
      if (get().activeId === id) return;
      set({ activeId: id });
      useUiStore.getState().selectMessage(null);
      useInspectorStore.getState().select(null);
    },

    async connect(options) {
      const result = await getApi().connections.connect(options);
      if (!result.ok) return result.error;
      opened(result.value.connectionId, {});
      return null;
    },

    async connectProfile(profileId, color) {
      const result = await getApi().profiles.connect({ id: profileId });
      if (!result.ok) return result.error;
      const { connectionId, subscribeFailures } = result.value;
      opened(connectionId, { profileId, ...(color ? { color } : {}) });
      showSubscribeFailures(connectionId, subscribeFailures);
      return null;
    },

    async disconnect(id = get().activeId ?? undefined) {
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

    async reconnect(id) {
      const origin = get().origins[id];
      if (!origin?.profileId) return pageError('NOT_FOUND', translate('connectionTabs:info.reopenOnlyProfile'));
      const result = await getApi().profiles.connect({ id: origin.profileId });
      if (!result.ok) return result.error;
      const next = result.value.connectionId;
      set((state) => ({
        order: state.order.map((other) => (other === id ? next : other)),
        origins: { ...state.origins, [next]: origin },
        // The saved subscriptions it was given may have arrived with its status already.
        subscriptions: { ...state.subscriptions, [next]: state.subscriptions[next] ?? [] },
        activeId: state.activeId === id ? next : state.activeId,
      }));
      showSubscribeFailures(next, result.value.subscribeFailures);
      useMessagesStore.getState().forget(id);
      useInspectorStore.getState().forget(id);
      return null;
    },

    async close(id) {
      if (get().summaries[id]?.status !== 'disconnected') await get().disconnect(id);
      set((state) => {
        const order = state.order.filter((other) => other !== id);
        const summaries = { ...state.summaries };
        const subscriptions = { ...state.subscriptions };
        delete summaries[id];
        delete subscriptions[id];
        const index = state.order.indexOf(id);
        const activeId = state.activeId === id ? (order[Math.min(index, order.length - 1)] ?? null) : state.activeId;
        return { order, summaries, subscriptions, activeId };
      });
      useMessagesStore.getState().forget(id);
      useInspectorStore.getState().forget(id);
    },

    async subscribe(options) {
      const id = get().activeId;
      if (!id) return;
      const { filter } = options;
      updateSubscriptions(id, (list) => withSubscription(list, { filter, options, state: 'pending' }));
      const result = await getApi().messages.subscribe({ ...options, connectionId: id });
      updateSubscriptions(id, (list) =>
        withSubscription(
          list,
          result.ok
            ? { filter, options, state: 'active', grantedQos: result.value.grantedQos, reasonCode: result.value.reasonCode }
            : { filter, options, state: 'failed', error: result.error, ...reasonFromError(result.error) },
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
          updateSubscriptions(id, (list) => list.map((s) => (s.filter === filter ? { ...s, error: result.error } : s)));
          return;
        }
      }
      updateSubscriptions(id, (list) => list.filter((s) => s.filter !== filter));
    },
  };
});

/** A SUBACK refusal names its reason code (params, or 0xNN in the message of an older core); keep it for the row's badge. */
function reasonFromError(error: WorkbenchError): { reasonCode?: number } {
  const match = /0x([0-9a-f]{2})/i.exec(String(error.params?.reasonCode ?? error.message));
  return match ? { reasonCode: parseInt(match[1]!, 16) } : {};
}

/** The active connection's summary, or null before the first connect. */
export function useActiveConnection(): ConnectionSummary | null {
  return useConnectionsStore((state) => (state.activeId ? (state.summaries[state.activeId] ?? null) : null));
}
