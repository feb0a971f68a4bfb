import { create } from 'zustand';
import type { HostLink } from '../bridge/host-link';

/** What the connection dialog edits: a new connection, or a saved profile. */
export type EditorTarget = { mode: 'new' } | { mode: 'edit'; profileId: string };

interface UiState {
  hostLink: HostLink;
  /** The seq of the message shown in the detail pane, if any (within the active connection). */
  selectedSeq: number | null;
  editor: EditorTarget | null;
  inspectorOpen: boolean;
  setHostLink(link: HostLink): void;
  selectMessage(seq: number | null): void;
  openEditor(target: EditorTarget | null): void;
  setInspectorOpen(open: boolean): void;
}

export const useUiStore = create<UiState>()((set) => ({
  hostLink: { state: 'connecting' },
  selectedSeq: null,
  editor: null,
  inspectorOpen: false,
  setHostLink: (hostLink) => set({ hostLink }),
  selectMessage: (selectedSeq) => set({ selectedSeq }),
  openEditor: (editor) => set({ editor }),
  setInspectorOpen: (inspectorOpen) => set({ inspectorOpen }),
}));
