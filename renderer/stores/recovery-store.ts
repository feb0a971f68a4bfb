/**
 * The desktop app reloaded this page after its renderer process died (`app.recovered`). The
 * notice says so once: connections, profiles and history live in the main process, so nothing
 * the user had is lost, only what was on screen (open dialogs, unsent editor text).
 */
import { create } from 'zustand';
import { translate } from '../ui/i18n';

interface RecoveryState {
  /** Why the previous page went away, while the notice is shown. */
  recovered: { reason: string; exitCode: number } | null;
  setRecovered(details: { reason: string; exitCode: number }): void;
  dismiss(): void;
}

export const useRecoveryStore = create<RecoveryState>()((set) => ({
  recovered: null,
  setRecovered: (recovered) => set({ recovered }),
  dismiss: () => set({ recovered: null }),
}));

/** What the notice says, in words a user can act on. */
export function recoveryMessage(details: { reason: string; exitCode: number }): string {
  const cause =
    details.reason === 'oom' ? translate('app:notices.oom') : details.reason === 'killed' ? translate('app:notices.killed') : translate('app:notices.stopped', { reason: details.reason });
  return translate('app:notices.recovered', { cause });
}
