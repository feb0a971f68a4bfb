import { create } from 'zustand';
import type { ImportFormat, ImportReport, Profile, RequestInput, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';

export type SaveProfileInput = RequestInput<'profiles.save'>;

interface ProfilesState {
  profiles: Profile[];
  loaded: boolean;
  /** Said plainly beside the password field: how secrets are protected at rest. */
  secretsProtection: string;
  osProtected: boolean;
  error: WorkbenchError | null;
  /** The last import's report, shown until dismissed. */
  report: ImportReport | null;
  load(): Promise<void>;
  save(input: SaveProfileInput): Promise<{ ok: true; profile: Profile } | { ok: false; error: WorkbenchError }>;
  duplicate(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  importFile(format: ImportFormat, content: string): Promise<void>;
  exportJson(ids?: string[]): Promise<string | null>;
  dismissReport(): void;
}

export const useProfilesStore = create<ProfilesState>()((set, get) => ({
  profiles: [],
  loaded: false,
  secretsProtection: '',
  osProtected: false,
  error: null,
  report: null,

  async load() {
    const result = await getApi().profiles.list({});
    if (result.ok) set({ ...result.value, loaded: true, error: null });
    else set({ error: result.error });
  },
  async save(input) {
    const result = await getApi().profiles.save(input);
    if (!result.ok) return { ok: false, error: result.error };
    await get().load();
    return { ok: true, profile: result.value };
  },
  async duplicate(id) {
    const result = await getApi().profiles.duplicate({ id });
    set({ error: result.ok ? null : result.error });
    await get().load();
  },
  async remove(id) {
    const result = await getApi().profiles.delete({ id });
    set({ error: result.ok ? null : result.error });
    await get().load();
  },
  async importFile(format, content) {
    const result = await getApi().profiles.import({ format, content });
    if (!result.ok) return set({ error: result.error, report: null });
    set({ report: result.value, error: null });
    await get().load();
  },
  async exportJson(ids) {
    const result = await getApi().profiles.export(ids ? { ids } : {});
    if (!result.ok) {
      set({ error: result.error });
      return null;
    }
    return result.value.json;
  },
  dismissReport: () => set({ report: null }),
}));
