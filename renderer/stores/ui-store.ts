import { create } from 'zustand';
import type { HostLink } from '../bridge/host-link';

/** What the connection dialog edits: a new connection, or a saved profile. */
export type EditorTarget = { mode: 'new' } | { mode: 'edit'; profileId: string };

/** The top-level views: the live workbench, the stored message history, the embedded broker. */
export type WorkbenchView = 'workbench' | 'history' | 'broker';

interface UiState {
  hostLink: HostLink;
  /** The seq of the message shown in the detail pane, if any (within the active connection). */
  selectedSeq: number | null;
  editor: EditorTarget | null;
  inspectorOpen: boolean;
  view: WorkbenchView;
  /** The keyboard shortcuts overlay. */
  helpOpen: boolean;
  setHostLink(link: HostLink): void;
  selectMessage(seq: number | null): void;
  openEditor(target: EditorTarget | null): void;
  setInspectorOpen(open: boolean): void;
  setView(view: WorkbenchView): void;
  setHelpOpen(open: boolean): void;
}

export const useUiStore = create<UiState>()((set) => ({
  hostLink: { state: 'connecting' },
  selectedSeq: null,
  editor: null,
  inspectorOpen: false,
  view: 'workbench',
  helpOpen: false,
  setHostLink: (hostLink) => set({ hostLink }),
  selectMessage: (selectedSeq) => set({ selectedSeq }),
  openEditor: (editor) => set({ editor }),
  setInspectorOpen: (inspectorOpen) => set({ inspectorOpen }),
  setView: (view) => set({ view }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
}));
