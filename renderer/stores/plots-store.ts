import { create } from 'zustand';
import type { MqttMessage } from '../../shared/contract';
import { type JsonPath, displayPath } from '../payload/json-paths';
import { numberAt, parsePayload } from '../payload/numeric-value';
import { type MaybeDecoded, parseDecoded, usableDecoded } from '../payload/decoded';
import { SeriesBuffer } from '../model/series-buffer';
import { unitOf } from '../payload/units';
import { ringOf } from './messages-store';
import { onChoicesChanged, readChoice, writeChoice } from '../ui/stored-choice';
import { translate } from '../ui/i18n';

/** Series on the chart at once: more lines than this are unreadable anyway. */
export const MAX_SERIES = 8;
const PALETTE = ['#2f81f7', '#e5534b', '#3fb950', '#d29922', '#a371f7', '#db61a2', '#39c5cf', '#8d96a0'];

export const PLOT_WINDOWS = { '1m': 60, '5m': 300, '15m': 900, all: Number.POSITIVE_INFINITY } as const;
export type PlotWindow = keyof typeof PLOT_WINDOWS;
/** A y axis for each series (each readable whatever its magnitude), or one for all (to compare like with like). */
export const PLOT_AXES = ['per-series', 'shared'] as const;
export type PlotAxes = (typeof PLOT_AXES)[number];
/** The chart's window and axes are remembered across launches. */
const WINDOW_KEY = 'workbench.plots.window';
const AXES_KEY = 'workbench.plots.axes';

export interface PlotSeries {
  id: string;
  connectionId: string;
  topic: string;
  /** Where the number is in the JSON payload; [] for a payload that is a number. */
  path: JsonPath;
  label: string;
  color: string;
}

/** The points of each series, by id: mutable rings outside React; `version` says when they changed. */
const buffers = new Map<string, SeriesBuffer>();
/** The unit each series' messages state or imply (payload/units.ts), by id, once known. */
const units = new Map<string, string>();
/** Series by `connectionId NUL topic`, so each message costs one map lookup. */
let byTopic = new Map<string, PlotSeries[]>();

const topicKey = (connectionId: string, topic: string) => `${connectionId}\u0000${topic}`;

function indexSeries(series: readonly PlotSeries[]): void {
  byTopic = new Map();
  for (const s of series) {
    const key = topicKey(s.connectionId, s.topic);
    byTopic.set(key, [...(byTopic.get(key) ?? []), s]);
  }
}

/** A live message whose payload is only a preview (the host sends the first 4 KB of bigger ones). */
type FedMessage = MqttMessage & { payloadSize?: number } & MaybeDecoded;

/** Pushes the values of `messages` into the buffers of matching series; counts points and previews skipped. */
function feed(messages: Iterable<FedMessage>, only?: PlotSeries): { added: number; previews: number } {
  let added = 0;
  let previews = 0;
  for (const message of messages) {
    const series = only ? (only.connectionId === message.connectionId && only.topic === message.topic ? [only] : undefined) : byTopic.get(topicKey(message.connectionId, message.topic));
    if (!series) continue;
    // A rule's decoded JSON plots like a JSON payload (issue 16).
    const decoded = usableDecoded(message);
    // A cut payload is not the value: a preview never yields a point.
    if (!decoded && message.payloadSize !== undefined) {
      previews++;
      continue;
    }
    const parsed = decoded ? parseDecoded(decoded) : parsePayload(message.payload, message.topic);
    if (parsed === undefined) continue;
    for (const s of series) {
      const value = numberAt(parsed, s.path);
      if (value === undefined) continue;
      buffers.get(s.id)?.push(message.timestamp / 1000, value);
      if (!units.has(s.id)) {
        const unit = unitOf(parsed, s.path, s.topic, message.properties?.contentType);
        if (unit) units.set(s.id, unit);
      }
      added++;
    }
  }
  return { added, previews };
}

function* ringMessages(connectionId: string): Generator<FedMessage> {
  const found = ringOf(connectionId);
  if (!found) return;
  for (let i = 0; i < found.ring.size; i++) {
    const message = found.ring.at(i);
    if (message) yield message;
  }
}

interface PlotsState {
  series: PlotSeries[];
  /** Bumped when points are added (at most once per event-feed flush, i.e. per frame). */
  version: number;
  window: PlotWindow;
  axes: PlotAxes;
  /** Why the last add did not happen, shown above the chart. */
  notice: string | null;
  /** Adds a series (filled from the messages already kept) unless it is already plotted. */
  addSeries(connectionId: string, topic: string, path: JsonPath): void;
  removeSeries(id: string): void;
  clear(): void;
  setWindow(window: PlotWindow): void;
  setAxes(axes: PlotAxes): void;
  dismissNotice(): void;
  /** Called by the event feed with each batch of live messages as it arrives; publish() shows them. */
  ingest(messages: readonly MqttMessage[]): void;
  /** Re-renders the chart if points were added since the last call (once per frame at most). */
  publish(): void;
}

/** Points were added since the last publish. */
let unpublished = false;

let nextId = 1;

const readPlotChoices = () => ({
  window: readChoice(WINDOW_KEY, Object.keys(PLOT_WINDOWS) as PlotWindow[], '5m'),
  axes: readChoice(AXES_KEY, PLOT_AXES, 'per-series'),
});

export const usePlotsStore = create<PlotsState>()((set, get) => ({
  series: [],
  version: 0,
  ...readPlotChoices(),
  notice: null,
  addSeries(connectionId, topic, path) {
    const { series } = get();
    const label = path.length === 0 ? topic : `${topic} › ${displayPath(path)}`;
    if (series.some((s) => s.connectionId === connectionId && s.topic === topic && JSON.stringify(s.path) === JSON.stringify(path))) {
      set({ notice: translate('plots:notice.alreadyPlotted', { label }) });
      return;
    }
    if (series.length >= MAX_SERIES) {
      set({ notice: translate('plots:notice.tooMany', { max: String(MAX_SERIES) }) });
      return;
    }
    const used = new Set(series.map((s) => s.color));
    const color = PALETTE.find((c) => !used.has(c)) ?? PALETTE[series.length % PALETTE.length]!;
    const added: PlotSeries = { id: `s${nextId++}`, connectionId, topic, path: [...path], label, color };
    buffers.set(added.id, new SeriesBuffer());
    // Backfill from the ring: the chart starts with the history the user has already seen.
    const backfill = feed(ringMessages(connectionId), added);
    const next = [...series, added];
    indexSeries(next);
    const notice =
      backfill.added === 0 && backfill.previews > 0
        ? translate('plots:notice.previews', { topic })
        : null;
    set((state) => ({ series: next, version: state.version + 1, notice }));

// The host's UI state came in after the first render with other choices: follow them.
onChoicesChanged([WINDOW_KEY, AXES_KEY], () => usePlotsStore.setState(readPlotChoices()));
  },
  removeSeries(id) {
    buffers.delete(id);
    units.delete(id);
    const next = get().series.filter((s) => s.id !== id);
    indexSeries(next);
    set((state) => ({ series: next, version: state.version + 1, notice: null }));
  },
  clear() {
    buffers.clear();
    units.clear();
    indexSeries([]);
    set((state) => ({ series: [], version: state.version + 1, notice: null }));
  },
  setWindow(window) {
    writeChoice(WINDOW_KEY, window);
    set({ window });
  },
  setAxes(axes) {
    writeChoice(AXES_KEY, axes);
    set({ axes });
  },
  dismissNotice: () => set({ notice: null }),
  ingest(messages) {
    if (byTopic.size === 0) return;
    if (feed(messages).added > 0) unpublished = true;
  },
  publish() {
    if (!unpublished) return;
    unpublished = false;
    set((state) => ({ version: state.version + 1 }));
  },
}));

/** A series' unit, once a message stated or implied it; read during render after selecting `version`. */
export function seriesUnit(id: string): string | undefined {
  return units.get(id);
}

/** A series' points; read during render after selecting `version`. */
export function seriesBuffer(id: string): SeriesBuffer | undefined {
  return buffers.get(id);
}
