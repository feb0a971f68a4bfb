import { useMemo } from 'react';
import { create } from 'zustand';
import type { EventPayload, Profile, RequestOutput, Result, WorkbenchError } from '../../shared/contract';
import type { CodecProblem, CodecRule, CodecSchema, CodecSettings, DecodedPayload } from '../../shared/contract/codec-rules';
import { getApi } from './api';
import { translate } from '../ui/i18n';
import { useProfilesStore } from './profiles-store';
import { describeError, pageError } from '../ui/errors';

export type RuleProblemEvent = EventPayload<'codecs.ruleProblem'>;
export type CheckedSchema = RequestOutput<'codecs.checkSchema'>;
export type EncodeResult = RequestOutput<'codecs.encode'>;

const codecsApi = () => getApi().codecs;

export const NO_CODECS: CodecSettings = { rules: [], schemas: [] };

/** A profile's codec settings (absent on profiles saved before codec rules). */
export function profileCodecs(profile: Profile | undefined): CodecSettings {
  return profile?.codecs ?? NO_CODECS;
}

/** Whose rules the rules dialog edits. */
export type CodecScope = { kind: 'global' } | { kind: 'profile'; profileId: string };

/** What "Decode messages like this with…" hands the editor: a rule to add, selected. */
export interface RuleSeed {
  filter: string;
  /** Other filters offered for it (the topic and its wildcarded parents). */
  choices: string[];
  contentType?: string;
}

export interface RulesDialogState {
  scope: CodecScope;
  seed?: RuleSeed;
}

/** A ruleProblem event as a notice (counts updated by later events for the same rule). */
export type RuleNotice = RuleProblemEvent;

interface CodecsState {
  global: CodecSettings;
  globalLoaded: boolean;
  dialog: RulesDialogState | null;
  notices: RuleNotice[];
  /** Rules whose notice was dismissed: later counts do not bring it back. */
  dismissed: Record<string, true>;
  loadGlobal(): Promise<void>;
  saveGlobal(settings: CodecSettings): Promise<WorkbenchError | null>;
  /** Saves a profile's rules, keeping everything else of it. */
  saveProfile(profileId: string, settings: CodecSettings): Promise<WorkbenchError | null>;
  openDialog(state: RulesDialogState | null): void;
  noteRuleProblem(event: RuleProblemEvent): void;
  dismissNotice(ruleId: string): void;
}

const noticeKey = (event: { ruleId: string; profileId?: string }) => `${event.profileId ?? ''}:${event.ruleId}`;

export const useCodecsStore = create<CodecsState>()((set, get) => ({
  global: NO_CODECS,
  globalLoaded: false,
  dialog: null,
  notices: [],
  dismissed: {},
  async loadGlobal() {
    try {
      const result = await codecsApi().getGlobal({});
      if (result.ok) set({ global: result.value, globalLoaded: true });
    } catch {
      // A host without the codecs domain: no global rules.
    }
  },
  async saveGlobal(settings) {
    const result = await codecsApi().setGlobal(settings);
    if (!result.ok) return result.error;
    set({ global: result.value, globalLoaded: true });
    return null;
  },
  async saveProfile(profileId, settings) {
    const profile = useProfilesStore.getState().profiles.find((p) => p.id === profileId);
    if (!profile) return pageError('NOT_FOUND', translate('codecs:problem.profileGone'));
    const result = await useProfilesStore.getState().save({
      id: profile.id,
      name: profile.name,
      folder: profile.folder,
      ...(profile.color ? { color: profile.color } : {}),
      // The public options: stored secrets are kept when not sent again.
      options: profile.options,
      codecs: settings,
    });
    return result.ok ? null : result.error;
  },
  openDialog: (dialog) => set({ dialog }),
  noteRuleProblem(event) {
    const key = noticeKey(event);
    if (get().dismissed[key]) return;
    set((state) => {
      const others = state.notices.filter((n) => noticeKey(n) !== key);
      return { notices: [...others, event] };
    });
  },
  dismissNotice(ruleId) {
    set((state) => {
      const gone = state.notices.filter((n) => n.ruleId === ruleId);
      const dismissed = { ...state.dismissed };
      for (const n of gone) dismissed[noticeKey(n)] = true;
      return { notices: state.notices.filter((n) => n.ruleId !== ruleId), dismissed };
    });
  },
}));

/** Compiles a schema without saving it: its message types (protobuf) or its problems. */
export async function checkSchema(schema: CodecSchema): Promise<CheckedSchema> {
  const result = await codecsApi().checkSchema({ schema });
  if (result.ok) return result.value;
  return { messageTypes: [], problems: [{ message: describeError(result.error) }] };
}

/**
 * A live message decoded whole (pretty), by its id in the host. `payload` is the page's copy when it
 * is whole (under the preview size the host need not keep it); a bigger one the host holds.
 */
export async function decodeLive(connectionId: string, messageId: number, topic: string, payload: Uint8Array | undefined, contentType?: string): Promise<Result<{ decoded: DecodedPayload | null }>> {
  return codecsApi().decode({ connectionId, messageId, topic, ...(payload ? { payload } : {}), ...(contentType ? { contentType } : {}) });
}

/** A payload (History's) decoded with the rules of a connection or profile. */
export async function decodeBytes(scope: { connectionId?: string; profileId?: string }, topic: string, payload: Uint8Array, contentType?: string): Promise<Result<{ decoded: DecodedPayload | null }>> {
  return codecsApi().decode({ ...scope, topic, payload, ...(contentType ? { contentType } : {}) });
}

/** JSON in, the bytes a rule makes of it out (for publishing). */
export async function encodeWithRule(scope: { connectionId?: string; profileId?: string }, ruleId: string, text: string): Promise<Result<EncodeResult>> {
  return codecsApi().encode({ ...scope, ruleId, text });
}

/** The rules a connection decodes with, in order: its profile's, then the global ones. */
export function useConnectionRules(profileId: string | undefined): CodecRule[] {
  const profileRules = useProfilesStore((s) => (profileId ? profileCodecs(s.profiles.find((p) => p.id === profileId)).rules : NO_CODECS.rules));
  const globalRules = useCodecsStore((s) => s.global.rules);
  return useMemo(() => [...profileRules, ...globalRules], [profileRules, globalRules]);
}

/** Formats that encode on publish (images, raw, text, typed views and Sparkplug do not). */
const ENCODABLE = new Set<CodecRule['format']['kind']>(['protobuf', 'avro', 'cbor', 'msgpack', 'json', 'layout', 'script']);
export function canEncode(rule: CodecRule): boolean {
  return ENCODABLE.has(rule.format.kind);
}

/** A problem as one line: `file:line:column message`, or `at byte N: message`. */
export function describeProblem(problem: CodecProblem): string {
  if (problem.file !== undefined) {
    const where = [problem.file, problem.line, problem.column].filter((part) => part !== undefined).join(':');
    return `${where}: ${problem.message}`;
  }
  if (problem.offset !== undefined) return translate('codecs:problem.atByte', { offset: String(problem.offset), message: problem.message });
  if (problem.line !== undefined) {
    const at = { line: String(problem.line), message: problem.message };
    return problem.column !== undefined ? translate('codecs:problem.atLineColumn', { ...at, column: String(problem.column) }) : translate('codecs:problem.atLine', at);
  }
  return problem.message;
}
