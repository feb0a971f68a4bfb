import { create } from 'zustand';
import type { ImportFormatChoice, ImportPreview, ImportReport, Profile, RequestInput, SameNameAction, SecretsProtectionInfo, WorkbenchError } from '../../shared/contract';
import { getApi } from './api';

export type SaveProfileInput = RequestInput<'profiles.save'>;

interface ProfilesState {
  profiles: Profile[];
  loaded: boolean;
  /** In English, for the command line; the page words secretsProtectionInfo. */
  secretsProtection: string;
  /** Said plainly beside the password field: how secrets are protected at rest (null until profiles.list answers). */
  secretsProtectionInfo: SecretsProtectionInfo | null;
  osProtected: boolean;
  error: WorkbenchError | null;
  /** The last import's report, shown until dismissed. */
  report: ImportReport | null;
  load(): Promise<void>;
  save(input: SaveProfileInput): Promise<{ ok: true; profile: Profile } | { ok: false; error: WorkbenchError }>;
  duplicate(id: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** A file read and checked, waiting for the user's go (nothing written yet); null when none. */
  pendingImport: PendingImport | null;
  /** Reads a file as profiles.previewImport: the preview, or an error naming the file's real format. */
  previewFile(format: ImportFormatChoice, content: string): Promise<void>;
  /** What to do with a candidate whose name is taken; `null` index: every such candidate. */
  decideSameName(index: number | null, action: SameNameAction): void;
  /** Imports the pending file with the decisions made. */
  confirmImport(): Promise<void>;
  cancelImport(): void;
  exportJson(ids?: string[]): Promise<string | null>;
  dismissReport(): void;
}

export interface PendingImport {
  format: ImportFormatChoice;
  content: string;
  preview: ImportPreview;
  /** Per candidate index whose name is taken: update or keep (keep unless the user says). */
  decisions: Record<number, SameNameAction>;
  busy: boolean;
}

export const useProfilesStore = create<ProfilesState>()((set, get) => ({
  profiles: [],
  loaded: false,
  secretsProtection: '',
  secretsProtectionInfo: null,
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
  pendingImport: null,
  async previewFile(format, content) {
    const result = await getApi().profiles.previewImport({ format, content });
    if (!result.ok) return set({ error: result.error, report: null, pendingImport: null });
    const decisions: Record<number, SameNameAction> = {};
    for (const candidate of result.value.candidates) if (candidate.existing) decisions[candidate.index] = 'keep';
    set({ pendingImport: { format, content, preview: result.value, decisions, busy: false }, error: null, report: null });
  },
  decideSameName(index, action) {
    const pending = get().pendingImport;
    if (!pending) return;
    const decisions = { ...pending.decisions };
    for (const key of Object.keys(decisions)) if (index === null || Number(key) === index) decisions[Number(key)] = action;
    set({ pendingImport: { ...pending, decisions } });
  },
  async confirmImport() {
    const pending = get().pendingImport;
    if (!pending || pending.busy) return;
    set({ pendingImport: { ...pending, busy: true } });
    const choices = Object.entries(pending.decisions).map(([index, action]) => ({ index: Number(index), action }));
    const result = await getApi().profiles.import({ format: pending.preview.format, content: pending.content, onSameName: 'keep', choices });
    if (!result.ok) return set({ error: result.error, report: null, pendingImport: null });
    set({ report: result.value, error: null, pendingImport: null });
    await get().load();
  },
  cancelImport: () => set({ pendingImport: null }),
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
