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
import { formatNumber, translate } from '../ui/i18n';

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
  const where = translate('app:notices.damagedAt', { path: damage.movedTo });
  if (damage.state === 'recovering') return translate('app:notices.historyRecovering', { where });
  if (damage.state === 'failed' || !damage.recovered) {
    return translate('app:notices.historyFailed', { error: damage.error ?? translate('app:notices.unknownError'), where });
  }
  const { messages, lostAtMost } = damage.recovered;
  const lost = lostAtMost > 0 ? translate('app:notices.lost', { count: lostAtMost, n: formatNumber(lostAtMost) }) : '';
  return translate('app:notices.historyRecovered', { count: messages, n: formatNumber(messages), lost, where });
}

export function profilesRecoveryMessage(report: ProfilesRecovery): string {
  if (report.restoredFrom && report.backupTakenAt !== null) {
    return translate('app:notices.profilesRestored', { count: report.profiles, n: formatNumber(report.profiles), time: time(report.backupTakenAt), path: report.movedTo });
  }
  return translate('app:notices.profilesEmpty', { path: report.movedTo });
}
