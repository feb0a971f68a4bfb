import { create } from 'zustand';
import type { HostLink } from '../bridge/host-link';
import { choiceStorage, readChoice, writeChoice } from '../ui/stored-choice';

/** Whether the Publish panel is open is remembered across launches. */
const PUBLISH_OPEN_KEY = 'workbench.publishPanel';
/** Whether the Plots panel shows its chart (while anything is plotted), remembered too. */
const PLOTS_OPEN_KEY = 'workbench.plotsPanel';
/** Where the message detail sits, remembered too. */
const DETAIL_PLACEMENT_KEY = 'workbench.detailPlacement';

/** The live list's topic column width in pixels, when the user has set one (null: the default share). */
const TOPIC_COLUMN_KEY = 'workbench.topicColumn';
const readTopicColumn = (): number | null => {
  const stored = Number(choiceStorage.getItem(TOPIC_COLUMN_KEY) ?? '');
  return Number.isInteger(stored) && stored > 0 ? stored : null;
};

/** The message detail beside the list (the default: the list keeps its height) or below it. */
export type DetailPlacement = 'beside' | 'below';

/** What the connection dialog edits: a new connection, or a saved profile. */
export type EditorTarget = { mode: 'new' } | { mode: 'edit'; profileId: string };

/** The top-level views: the live workbench, the stored message history, the embedded broker. */
export type WorkbenchView = 'workbench' | 'history' | 'broker';

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
  topicColumn: number | null;
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
  setTopicColumn(width: number | null): void;
  setView(view: WorkbenchView): void;
  setHelpOpen(open: boolean): void;
}

export const useUiStore = create<UiState>()((set) => ({
  hostLink: { state: 'connecting' },
  hostSynced: false,
  selectedSeq: null,
  editor: null,
  inspectorOpen: false,
  publishOpen: readChoice(PUBLISH_OPEN_KEY, ['open', 'closed'], 'open') === 'open',
  plotsOpen: readChoice(PLOTS_OPEN_KEY, ['open', 'closed'], 'open') === 'open',
  detailPlacement: readChoice<DetailPlacement>(DETAIL_PLACEMENT_KEY, ['beside', 'below'], 'beside'),
  topicColumn: readTopicColumn(),
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
  setTopicColumn(width) {
    const topicColumn = width === null ? null : Math.round(Math.min(Math.max(width, 80), 2000));
    writeChoice(TOPIC_COLUMN_KEY, topicColumn === null ? '' : String(topicColumn));
    set({ topicColumn });
  },
  setView: (view) => set({ view }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
}));
