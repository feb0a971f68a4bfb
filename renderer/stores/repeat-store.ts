import { create } from 'zustand';
import type { RepeatStatus } from '../../shared/contract';

/** Repeated publishing in progress or finished, by repeat id (the status events' latest word). */
interface RepeatState {
  repeats: Record<string, RepeatStatus>;
  apply(status: RepeatStatus): void;
}

export const useRepeatStore = create<RepeatState>()((set) => ({
  repeats: {},
  apply: (status) => set((state) => ({ repeats: { ...state.repeats, [status.repeatId]: status } })),
}));
