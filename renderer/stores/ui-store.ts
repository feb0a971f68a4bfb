import { create } from 'zustand';
import type { HostLink } from '../bridge/host-link';
import { readChoice, writeChoice } from '../ui/stored-choice';

/** Whether the Publish panel is open is remembered across launches. */
const PUBLISH_OPEN_KEY = 'workbench.publishPanel';

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
  view: WorkbenchView;
  /** The keyboard shortcuts overlay. */
  helpOpen: boolean;
  setHostLink(link: HostLink): void;
  setHostSynced(synced: boolean): void;
  selectMessage(seq: number | null): void;
  openEditor(target: EditorTarget | null): void;
  setInspectorOpen(open: boolean): void;
  setPublishOpen(open: boolean): void;
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
  setView: (view) => set({ view }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
}));
