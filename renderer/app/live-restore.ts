import type { ConnectionSummary } from '../../shared/contract';
import { type MessageFilter, NO_FILTER } from '../payload/message-filter';
import type { JsonPath } from '../payload/json-paths';
import { useConnectionsStore } from '../stores/connections-store';
import { messageBySeq, ringOf, useMessagesStore } from '../stores/messages-store';
import { useMessageViewStore } from '../stores/message-view-store';
import { usePlotsStore } from '../stores/plots-store';
import { useUiStore } from '../stores/ui-store';
import { choiceStorage, onChoicesChanged } from '../ui/stored-choice';

/** How many of its latest stored messages each open connection's live list gets back on load. */
export const REFILL_COUNT = 1000;
const FILTER_KEY = 'workbench.messageFilter';
const PLOTS_KEY = 'workbench.plots.series';
const SELECTION_KEY = 'workbench.selection';

interface SavedSeries {
  connectionKey: string;
  topic: string;
  path: JsonPath;
}
interface SavedSelection {
  connectionKey: string;
  topic: string;
  timestamp: number;
  direction: 'in' | 'out';
  /** Messages of a burst share their millisecond: the payload's length and first bytes tell them apart. */
  payload: string;
}

const PAYLOAD_MARK_BYTES = 64;
/** A live message may hold only a preview of its payload (payloadSize is then the whole size). */
const payloadMark = ({ payload, payloadSize }: { payload: Uint8Array; payloadSize?: number }) =>
  `${payloadSize ?? payload.byteLength}:${Array.from(payload.subarray(0, PAYLOAD_MARK_BYTES), (b) => b.toString(16).padStart(2, '0')).join('')}`;

function readJson(key: string): unknown {
  try {
    return JSON.parse(choiceStorage.getItem(key) ?? 'null');
  } catch {
    return null; // an edited or damaged entry: nothing to bring back
  }
}

function writeJson(key: string, value: unknown): void {
  const text = JSON.stringify(value);
  if (text !== choiceStorage.getItem(key)) choiceStorage.setItem(key, text);
}

const keyOf = (connectionId: string) => useConnectionsStore.getState().summaries[connectionId]?.connectionKey;

/** The filter as saved, each field checked against the default's type. */
function savedFilter(): MessageFilter {
  const saved = readJson(FILTER_KEY) as Partial<Record<keyof MessageFilter, unknown>> | null;
  if (!saved || typeof saved !== 'object') return NO_FILTER;
  const filter = { ...NO_FILTER };
  for (const key of Object.keys(NO_FILTER) as (keyof MessageFilter)[]) {
    if (typeof saved[key] === typeof NO_FILTER[key]) (filter as Record<string, unknown>)[key] = saved[key];
  }
  return filter;
}

function restorePlots(open: ConnectionSummary[]): void {
  const saved = readJson(PLOTS_KEY);
  if (!Array.isArray(saved)) return;
  for (const series of saved as SavedSeries[]) {
    const connection = open.find((summary) => summary.connectionKey === series?.connectionKey);
    if (!connection || typeof series.topic !== 'string' || !Array.isArray(series.path)) continue;
    usePlotsStore.getState().addSeries(connection.connectionId, series.topic, series.path);
  }
  usePlotsStore.getState().dismissNotice();
}

function restoreSelection(): void {
  const saved = readJson(SELECTION_KEY) as SavedSelection | null;
  const activeId = useConnectionsStore.getState().activeId;
  if (!saved || !activeId || keyOf(activeId) !== saved.connectionKey || useUiStore.getState().selectedSeq !== null) return;
  const found = ringOf(activeId);
  for (let index = (found?.ring.size ?? 0) - 1; index >= 0; index--) {
    const message = found!.ring.at(index);
    if (message?.timestamp === saved.timestamp && message.topic === saved.topic && message.direction === saved.direction && payloadMark(message) === saved.payload) {
      useUiStore.getState().selectMessage(message.seq);
      return;
    }
  }
}

function saveSelection(): void {
  const activeId = useConnectionsStore.getState().activeId;
  const seq = useUiStore.getState().selectedSeq;
  const message = activeId && seq !== null ? messageBySeq(activeId, seq) : undefined;
  const connectionKey = activeId ? keyOf(activeId) : undefined;
  writeJson(SELECTION_KEY, message && connectionKey ? { connectionKey, topic: message.topic, timestamp: message.timestamp, direction: message.direction, payload: payloadMark(message) } : null);
}

function savePlots(): void {
  const series: SavedSeries[] = [];
  for (const { connectionId, topic, path } of usePlotsStore.getState().series) {
    const connectionKey = keyOf(connectionId);
    if (connectionKey) series.push({ connectionKey, topic, path });
  }
  writeJson(PLOTS_KEY, series);
}

/**
 * What a reload would lose, brought back: the list's filter (before the first render, so its
 * fields show it), then, once the host's connections are in, each open connection's latest
 * messages from History (REFILL_COUNT), the plotted series and the selected message. From then on
 * they are kept in the UI state as they change.
 */
export function startLiveRestore(): () => void {
  useMessageViewStore.getState().setFilter(savedFilter());
  let restored = false;
  const stops = [
    // The data folder's UI state came in after the first render with another filter (one typed
    // here meanwhile is kept: app/ui-state-sync.ts leaves the user's own choices alone).
    onChoicesChanged([FILTER_KEY], () => useMessageViewStore.getState().setFilter(savedFilter())),
    useMessageViewStore.subscribe((state, previous) => {
      if (state.filter !== previous.filter) writeJson(FILTER_KEY, state.filter);
    }),
    usePlotsStore.subscribe((state, previous) => {
      if (restored && state.series !== previous.series) savePlots();
    }),
    useUiStore.subscribe((state, previous) => {
      if (restored && state.selectedSeq !== previous.selectedSeq) saveSelection();
    }),
  ];
  const restore = async () => {
    const { order, summaries } = useConnectionsStore.getState();
    const open = order.flatMap((id) => {
      const summary = summaries[id];
      return summary && summary.status !== 'disconnected' ? [summary] : [];
    });
    await Promise.all(open.map((s) => useMessagesStore.getState().refillFromHistory(s.connectionId, s.connectionKey, REFILL_COUNT).catch(() => undefined)));
    restorePlots(open);
    restoreSelection();
    restored = true;
  };
  let started = false;
  const start = () => {
    if (started || !useUiStore.getState().hostSynced) return;
    started = true;
    void restore();
  };
  stops.push(useUiStore.subscribe(start));
  start();
  return () => {
    for (const stop of stops) stop();
  };
}
