import { create } from 'zustand';
import type { BrokerReport, RequestOutput, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';

export type CheckRun = RequestOutput<'checks.runFile'>;

interface ChecksState {
  /** The broker check running now (a profile id), or null. */
  checkingProfile: string | null;
  report: BrokerReport | null;
  reportError: WorkbenchError | null;
  running: boolean;
  run: CheckRun | null;
  runError: WorkbenchError | null;
  checkBroker(profileId: string, maxPacketProbe: number): Promise<void>;
  runFile(text: string, fileName: string): Promise<void>;
}

const api = () => getApi().checks;

/** The broker check and scripted checks (checks.*): one result of each kept for the Automation view. */
export const useChecksStore = create<ChecksState>()((set) => ({
  checkingProfile: null,
  report: null,
  reportError: null,
  running: false,
  run: null,
  runError: null,
  async checkBroker(profileId, maxPacketProbe) {
    set({ checkingProfile: profileId, reportError: null });
    const result = await api().brokerCheck({ target: { profileId }, maxPacketProbe });
    set(result.ok ? { checkingProfile: null, report: result.value } : { checkingProfile: null, report: null, reportError: result.error });
  },
  async runFile(text, fileName) {
    set({ running: true, runError: null });
    const result = await api().runFile({ text, fileName });
    set(result.ok ? { running: false, run: result.value } : { running: false, run: null, runError: result.error });
  },
}));
