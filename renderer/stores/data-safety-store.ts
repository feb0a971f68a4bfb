/**
 * Damaged data files found by the core, said once in the app's chrome: a history file set aside
 * and what was recovered from it (issue 13), profiles restored from a backup. Fed by the
 * `history.damage` event and, at every (re)connect of the link, by `history.status` and
 * `profiles.recovery` (the damage may have been found before this page was there to hear it).
 */
import { create } from 'zustand';
import type { HistoryDamage, RequestOutput } from '../../shared/contract';
import { getApi } from './api';
import { formatDateTime } from '../ui/clock';
import { formatCount, formatCountOf } from '../ui/numbers';

export type ProfilesRecovery = NonNullable<RequestOutput<'profiles.recovery'>['report']>;

interface DataSafetyState {
  historyDamage: HistoryDamage | null;
  profilesRecovery: ProfilesRecovery | null;
  /** Notices dismissed by the user, by their text: a new state of the same damage shows again. */
  dismissed: string[];
  setHistoryDamage(damage: HistoryDamage): void;
  load(): Promise<void>;
  dismiss(message: string): void;
}

export const useDataSafetyStore = create<DataSafetyState>()((set) => ({
  historyDamage: null,
  profilesRecovery: null,
  dismissed: [],
  setHistoryDamage: (historyDamage) => set({ historyDamage }),
  async load() {
    try {
      const [status, profiles] = await Promise.all([getApi().history.status({}), getApi().profiles.recovery({})]);
      set({
        ...(status.ok && status.value.damage ? { historyDamage: status.value.damage } : {}),
        ...(profiles.ok ? { profilesRecovery: profiles.value.report } : {}),
      });
    } catch {
      // The link went down meanwhile: the next 'open' loads again.
    }
  },
  dismiss: (message) => set((state) => ({ dismissed: [...state.dismissed, message] })),
}));

const time = (ms: number) => formatDateTime(ms);

export function historyDamageMessage(damage: HistoryDamage): string {
  const where = `The damaged file is kept at ${damage.movedTo}.`;
  if (damage.state === 'recovering') {
    return `The history file was found damaged; recording goes on in a fresh file while the readable messages are recovered into it. ${where}`;
  }
  if (damage.state === 'failed' || !damage.recovered) {
    return `The history file was found damaged and recovering it failed (${damage.error ?? 'unknown error'}); recording goes on in a fresh file. ${where}`;
  }
  const { messages, lostAtMost } = damage.recovered;
  const lost = lostAtMost > 0 ? `; at most ${formatCount(lostAtMost)} ${lostAtMost === 1 ? 'was' : 'were'} on damaged pages and ${lostAtMost === 1 ? 'is' : 'are'} lost` : '';
  return `The history file was found damaged: ${formatCountOf(messages, 'message')} ${messages === 1 ? 'was' : 'were'} recovered into a fresh file${lost}. ${where}`;
}

export function profilesRecoveryMessage(report: ProfilesRecovery): string {
  if (report.restoredFrom && report.backupTakenAt !== null) {
    return `Profiles were restored from the backup of ${time(report.backupTakenAt)} (${formatCountOf(report.profiles, 'profile')}); the damaged file is at ${report.movedTo}.`;
  }
  return `The profiles file was damaged and no backup could be restored, so the list starts empty; the damaged file is at ${report.movedTo}.`;
}
