/**
 * The desktop app's updates, on the page's side (the updates domain; main/electron/updates.ts).
 * Browser mode answers DESKTOP_ONLY, and the page then shows nothing about updates. The state
 * follows `updates.state` events (the event feed), so progress and "ready to restart" arrive
 * without asking.
 */
import { create } from 'zustand';
import type { Result, UpdateSettings, UpdateState } from '../../shared/contract';
import { getApi } from './api';
import { describeError } from '../ui/errors';

interface UpdatesStore {
  /** null until asked; false where there are no updates (browser mode). */
  available: boolean | null;
  state: UpdateState | null;
  settings: UpdateSettings | null;
  /** The last request's failure, said as the core said it. */
  problem: string | null;
  panelOpen: boolean;
  load(): Promise<void>;
  setState(state: UpdateState): void;
  setPanelOpen(open: boolean): void;
  changeSettings(patch: Partial<UpdateSettings>): Promise<void>;
  check(onMetered?: boolean): Promise<void>;
  download(onMetered?: boolean): Promise<void>;
  restartToUpdate(): Promise<void>;
}

/**
 * Whether the connection is metered, from what the browser says (the Network Information API):
 * true with Data Saver on (saveData) or a cellular connection; false on Wi-Fi or Ethernet; null when
 * it does not say, which desktop Chromium mostly does not (see main/electron/updates.ts).
 */
export function meteredFromConnection(connection: { saveData?: boolean; type?: string } | undefined): boolean | null {
  if (!connection) return null;
  if (connection.saveData === true || connection.type === 'cellular') return true;
  if (connection.type === 'wifi' || connection.type === 'ethernet') return false;
  return null;
}

type NetworkInformation = EventTarget & { saveData?: boolean; type?: string };
const connectionInfo = (): NetworkInformation | undefined => (navigator as Navigator & { connection?: NetworkInformation }).connection;

function reportNetwork(): void {
  void getApi().updates.reportNetwork({ metered: meteredFromConnection(connectionInfo()) });
}

export const useUpdatesStore = create<UpdatesStore>()((set, get) => {
  /** Takes a request's answer: its state, or what went wrong. */
  const take = (result: Result<UpdateState>): void => {
    if (result.ok) set({ state: result.value, problem: null });
    else set({ problem: describeError(result.error) });
  };
  return {
    available: null,
    state: null,
    settings: null,
    problem: null,
    panelOpen: false,
    async load() {
      const api = getApi();
      const [state, settings] = await Promise.all([api.updates.state({}), api.updates.settings({})]);
      if (!state.ok || !settings.ok) {
        // DESKTOP_ONLY in browser mode: no Updates section at all.
        set({ available: false });
        return;
      }
      set({ available: true, state: state.value, settings: settings.value });
      reportNetwork();
      connectionInfo()?.addEventListener('change', reportNetwork);
    },
    setState: (state) => set({ state }),
    setPanelOpen: (panelOpen) => set({ panelOpen }),
    async changeSettings(patch) {
      const result = await getApi().updates.setSettings(patch);
      if (result.ok) set({ settings: result.value, problem: null });
      else set({ problem: describeError(result.error) });
    },
    async check(onMetered = false) {
      take(await getApi().updates.check({ onMetered }));
    },
    async download(onMetered = false) {
      take(await getApi().updates.download({ onMetered }));
    },
    async restartToUpdate() {
      const result = await getApi().updates.restartToUpdate({});
      if (!result.ok) set({ problem: describeError(result.error) });
      else if (get().problem) set({ problem: null });
    },
  };
});
