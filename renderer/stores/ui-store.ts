import { create } from 'zustand';
import type { HostLink } from '../bridge/host-link';

interface UiState {
  hostLink: HostLink;
  /** The seq of the message shown in the detail pane, if any. */
  selectedSeq: number | null;
  setHostLink(link: HostLink): void;
  selectMessage(seq: number | null): void;
}

export const useUiStore = create<UiState>()((set) => ({
  hostLink: { state: 'connecting' },
  selectedSeq: null,
  setHostLink: (hostLink) => set({ hostLink }),
  selectMessage: (selectedSeq) => set({ selectedSeq }),
}));
