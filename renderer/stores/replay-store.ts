import { create } from 'zustand';
import type { ReplayProgressEvent, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';
import { createEarlyProgress } from './early-progress';
import { useHistoryStore } from './history-store';

/** How fast a replay goes: a multiple of the original pace, or as fast as the broker takes it. */
export const REPLAY_SPEEDS = ['1', '2', '10', 'max'] as const;
export type ReplaySpeed = (typeof REPLAY_SPEEDS)[number];
/** "Skip pauses" caps every idle stretch at this. */
export const REPLAY_MAX_GAP_MS = 5000;

export interface ReplayOptions {
  connectionId: string | null;
  speed: ReplaySpeed;
  topicPrefix: string;
  skipPauses: boolean;
  keepRetain: boolean;
}

interface ReplayState {
  options: ReplayOptions;
  /** The latest progress of the replay started here (kept after it ends, to say how it ended). */
  replay: ReplayProgressEvent | null;
  error: WorkbenchError | null;
  setOptions(options: Partial<ReplayOptions>): void;
  /** Replays what History's list shows (or its form) to the chosen open connection. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** From `history.replayProgress`. */
  apply(progress: ReplayProgressEvent): void;
}

/** Progress that arrived before the `history.replay` response named its id. */
const early = createEarlyProgress<ReplayProgressEvent>();

export const useReplayStore = create<ReplayState>()((set, get) => ({
  options: { connectionId: null, speed: '1', topicPrefix: '', skipPauses: false, keepRetain: false },
  replay: null,
  error: null,
  setOptions: (options) => set((state) => ({ options: { ...state.options, ...options } })),

  async start() {
    const { options, replay } = get();
    if (replay?.state === 'running' || !options.connectionId) return;
    const query = useHistoryStore.getState().actionQuery();
    if (!query) return;
    set({ error: null, replay: null });
    const result = await getApi().history.replay({
      connectionId: options.connectionId,
      query,
      speed: options.speed === 'max' ? 1 : Number(options.speed),
      asFastAsPossible: options.speed === 'max',
      maxGapMs: options.skipPauses ? REPLAY_MAX_GAP_MS : null,
      topicPrefix: options.topicPrefix,
      keepRetain: options.keepRetain,
    });
    if (!result.ok) {
      set({ error: result.error });
      return;
    }
    const { replayId, total } = result.value;
    const known = early.take(replayId);
    set({ replay: known ?? { replayId, connectionId: options.connectionId, sent: 0, total, state: 'running' } });
  },

  async stop() {
    const { replay } = get();
    if (replay?.state !== 'running') return;
    const result = await getApi().history.stopReplay({ replayId: replay.replayId });
    if (result.ok) get().apply(result.value);
    // NOT_FOUND: it ended meanwhile; its last progress event says how.
    else if (result.error.code !== 'NOT_FOUND') set({ error: result.error });
  },

  apply(progress) {
    const current = get().replay;
    if (current?.replayId !== progress.replayId) {
      early.keep(progress.replayId, progress);
      return;
    }
    if (current.state !== 'running') return;
    set({ replay: progress });
  },
}));
