import { create } from 'zustand';
import type { HostLink } from '../bridge/host-link';
import { TIME_FORMATS, type TimeFormat, setTimeFormat } from '../ui/clock';
import { choiceStorage, onChoicesChanged, readChoice, writeChoice } from '../ui/stored-choice';

/** Whether the Publish panel is open is remembered across launches. */
const PUBLISH_OPEN_KEY = 'workbench.publishPanel';
/** Whether the Plots panel shows its chart (while anything is plotted), remembered too. */
const PLOTS_OPEN_KEY = 'workbench.plotsPanel';
/** Where the message detail sits, remembered too. */
const DETAIL_PLACEMENT_KEY = 'workbench.detailPlacement';

/** How times read everywhere: 24-hour or the OS locale's clock (ui/clock.ts formats them all). */
const TIME_FORMAT_KEY = 'workbench.timeFormat';
const initialTimeFormat = readChoice<TimeFormat>(TIME_FORMAT_KEY, TIME_FORMATS, '24h');
/** Formats every time from now on in `format`; the page's time columns take its width (see messages.css). */
function applyTimeFormat(format: TimeFormat): void {
  setTimeFormat(format);
  // Typed by shape: unit tests compile this without the DOM's types.
  const root = (globalThis as { document?: { documentElement: { dataset: Record<string, string | undefined> } } }).document?.documentElement;
  if (root) root.dataset.timeFormat = format;
}
applyTimeFormat(initialTimeFormat);

/** The live list's columns whose width the user can set by dragging their header's edge. */
export const MESSAGE_COLUMNS = ['time', 'topic', 'qos', 'retain', 'size'] as const;
export type MessageColumn = (typeof MESSAGE_COLUMNS)[number];
/** Where each width is remembered (the topic's key predates the others, so its choice is kept). */
const COLUMN_KEYS: Record<MessageColumn, string> = {
  time: 'workbench.timeColumn',
  topic: 'workbench.topicColumn',
  qos: 'workbench.qosColumn',
  retain: 'workbench.retainColumn',
  size: 'workbench.sizeColumn',
};
/** Narrower than this a column's header letter (or the topic's first level) no longer reads. */
const COLUMN_MIN: Record<MessageColumn, number> = { time: 40, topic: 80, qos: 14, retain: 14, size: 32 };
/** The widths the user has set, in pixels; a column not here takes its default (see messages.css). */
export type ColumnWidths = Partial<Record<MessageColumn, number>>;
const readColumnWidths = (): ColumnWidths => {
  const widths: ColumnWidths = {};
  for (const column of MESSAGE_COLUMNS) {
    const stored = Number(choiceStorage.getItem(COLUMN_KEYS[column]) ?? '');
    if (Number.isInteger(stored) && stored > 0) widths[column] = stored;
  }
  return widths;
};

/** The message detail beside the list (the default: the list keeps its height) or below it. */
export type DetailPlacement = 'beside' | 'below';

/** What the connection dialog edits: a new connection, or a saved profile. */
export type EditorTarget = { mode: 'new' } | { mode: 'edit'; profileId: string };

/** The top-level views: the live workbench, the stored message history, the embedded broker, automation (responders, scenarios, checks). */
export type WorkbenchView = 'workbench' | 'history' | 'broker' | 'stats' | 'automation';

interface UiState {
  hostLink: HostLink;
  /**
   * The connections shown are the host's current ones: false from the moment the link drops until
   * it is open again and connections.list has been read, so the header never shows a stale "connected".
   */
  hostSynced: boolean;
  /** The seq of the message shown in the detail pane, if any (within the active connection). */
  selectedSeq: number | null;
  editor: EditorTarget | null;
  inspectorOpen: boolean;
  /** The Publish panel shows its form; closed, only its header (the draft is kept). */
  publishOpen: boolean;
  /** The Plots panel shows its chart; closed, only its header (the series keep being fed). */
  plotsOpen: boolean;
  detailPlacement: DetailPlacement;
  columnWidths: ColumnWidths;
  /** Read by every component that shows a time, so it draws again when the format changes. */
  timeFormat: TimeFormat;
  view: WorkbenchView;
  /** The keyboard shortcuts overlay. */
  helpOpen: boolean;
  setHostLink(link: HostLink): void;
  setHostSynced(synced: boolean): void;
  selectMessage(seq: number | null): void;
  openEditor(target: EditorTarget | null): void;
  setInspectorOpen(open: boolean): void;
  setPublishOpen(open: boolean): void;
  setPlotsOpen(open: boolean): void;
  setDetailPlacement(placement: DetailPlacement): void;
  /** `null` gives the column its default width back. */
  setColumnWidth(column: MessageColumn, width: number | null): void;
  setTimeFormat(format: TimeFormat): void;
  setView(view: WorkbenchView): void;
  setHelpOpen(open: boolean): void;
}

/** The choices of this store kept in the UI state (the time format is read apart: it is applied to the page). */
const readRemembered = () => ({
  publishOpen: readChoice(PUBLISH_OPEN_KEY, ['open', 'closed'], 'open') === 'open',
  plotsOpen: readChoice(PLOTS_OPEN_KEY, ['open', 'closed'], 'open') === 'open',
  detailPlacement: readChoice<DetailPlacement>(DETAIL_PLACEMENT_KEY, ['beside', 'below'], 'beside'),
  columnWidths: readColumnWidths(),
});

export const useUiStore = create<UiState>()((set) => ({
  hostLink: { state: 'connecting' },
  hostSynced: false,
  selectedSeq: null,
  editor: null,
  inspectorOpen: false,
  ...readRemembered(),
  timeFormat: initialTimeFormat,
  view: 'workbench',
  helpOpen: false,
  setHostLink: (hostLink) => set((state) => ({ hostLink, hostSynced: hostLink.state === 'open' ? state.hostSynced : false })),
  setHostSynced: (hostSynced) => set({ hostSynced }),
  selectMessage: (selectedSeq) => set({ selectedSeq }),
  openEditor: (editor) => set({ editor }),
  setInspectorOpen: (inspectorOpen) => set({ inspectorOpen }),
  setPublishOpen(publishOpen) {
    writeChoice(PUBLISH_OPEN_KEY, publishOpen ? 'open' : 'closed');
    set({ publishOpen });
  },
  setPlotsOpen(plotsOpen) {
    writeChoice(PLOTS_OPEN_KEY, plotsOpen ? 'open' : 'closed');
    set({ plotsOpen });
  },
  setDetailPlacement(detailPlacement) {
    writeChoice(DETAIL_PLACEMENT_KEY, detailPlacement);
    set({ detailPlacement });
  },
  setColumnWidth(column, width) {
    const kept = width === null ? null : Math.round(Math.min(Math.max(width, COLUMN_MIN[column]), 2000));
    writeChoice(COLUMN_KEYS[column], kept === null ? '' : String(kept));
    set((state) => {
      const columnWidths = { ...state.columnWidths };
      if (kept === null) delete columnWidths[column];
      else columnWidths[column] = kept;
      return { columnWidths };
    });
  },
  setTimeFormat(timeFormat) {
    writeChoice(TIME_FORMAT_KEY, timeFormat);
    applyTimeFormat(timeFormat);
    set({ timeFormat });
  },
  setView: (view) => set({ view }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
}));

// The host's UI state came in after the first render with other choices: follow them.
onChoicesChanged([PUBLISH_OPEN_KEY, PLOTS_OPEN_KEY, DETAIL_PLACEMENT_KEY, TIME_FORMAT_KEY, ...Object.values(COLUMN_KEYS)], () => {
  const timeFormat = readChoice<TimeFormat>(TIME_FORMAT_KEY, TIME_FORMATS, '24h');
  applyTimeFormat(timeFormat);
  useUiStore.setState({ ...readRemembered(), timeFormat });
});

/** For a component that shows a time: it draws again when the time format changes. */
export function useTimeFormat(): TimeFormat {
  return useUiStore((s) => s.timeFormat);
}
