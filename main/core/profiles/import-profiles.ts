import {
  type CodecSettings,
  type ConnectionOptions,
  type ImportCandidate,
  type ImportFormatChoice,
  type ImportPreview,
  type ImportReport,
  MAX_SAVED_SUBSCRIPTIONS,
  type Profile,
  type SameNameAction,
  type SavedSubscription,
  codecSettings,
  connectionOptions,
  savedSubscription,
} from '../../../shared/contract';
import { readProfileImport } from './importers';
import type { ProfileStore } from './profile-store';

/** A candidate of the file that validated, ready to save. */
interface ReadyProfile {
  index: number;
  name: string;
  /** '' when the file has none (an update then keeps the existing folder). */
  folder: string;
  color: string | undefined;
  options: ConnectionOptions;
  subscriptions: SavedSubscription[];
  connectOnLaunch: boolean;
  /** Undefined when the file has none (an update then keeps the existing rules). */
  codecs: CodecSettings | undefined;
  notes: string[];
  /** The existing profile of the same name. */
  existing: Profile | null;
}

function endpointOf(options: { protocol: string; host: string; port: number; path?: string }): string {
  const path = (options.protocol === 'ws' || options.protocol === 'wss') && options.path ? options.path : '';
  return `${options.protocol}://${options.host}:${options.port}${path}`;
}

/** Why a profile's codec settings cannot be saved (codecs-service); none: they can. */
export type CodecsProblems = (settings: CodecSettings) => string[];

/** The file's codec rules when they can be saved; else none, with a note saying why. */
function readyCodecs(raw: unknown, notes: string[], codecsProblems: CodecsProblems | undefined): CodecSettings | undefined {
  if (raw === undefined) return undefined;
  const parsed = codecSettings.safeParse(raw);
  const problems = parsed.success
    ? (codecsProblems?.(parsed.data) ?? [])
    : parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'codecs'}: ${issue.message}`);
  if (problems.length === 0 && parsed.success) return parsed.data;
  notes.push(`Codec rules were not imported: ${problems.join('; ')}`);
  return undefined;
}

/** Reads and validates a file against the chosen (or detected) format; writes nothing. */
function prepareImport(store: ProfileStore, choice: ImportFormatChoice, content: string, codecsProblems?: CodecsProblems) {
  const { format, parsed } = readProfileImport(choice, content);
  // Names compare trimmed and case-insensitively: "Plant" and "plant " are the same profile to a user.
  const byName = new Map<string, Profile>();
  for (const existing of store.list()) {
    const key = existing.name.trim().toLowerCase();
    if (!byName.has(key)) byName.set(key, existing);
  }
  const ready: ReadyProfile[] = [];
  const skipped = [...parsed.skipped];
  for (const candidate of parsed.candidates) {
    const options = connectionOptions.safeParse(candidate.options);
    if (!options.success) {
      const reason = options.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
      skipped.push({ name: candidate.name, reason });
      continue;
    }
    const notes = [...candidate.notes];
    const subscriptions: SavedSubscription[] = [];
    for (const raw of (candidate.subscriptions ?? []).slice(0, MAX_SAVED_SUBSCRIPTIONS)) {
      const result = savedSubscription.safeParse(raw);
      if (result.success) subscriptions.push(result.data);
      else {
        const filter = typeof (raw as { filter?: unknown })?.filter === 'string' ? (raw as { filter: string }).filter : '?';
        notes.push(`Subscription "${filter}" was not imported: ${result.error.issues.map((i) => i.message).join('; ')}`);
      }
    }
    if ((candidate.subscriptions?.length ?? 0) > MAX_SAVED_SUBSCRIPTIONS) {
      notes.push(`Only the first ${MAX_SAVED_SUBSCRIPTIONS} of ${candidate.subscriptions!.length} subscriptions were imported`);
    }
    const name = candidate.name.slice(0, 200);
    const codecs = readyCodecs(candidate.codecs, notes, codecsProblems);
    ready.push({
      index: ready.length,
      name,
      folder: candidate.folder && /^[^/](?:.*[^/])?$/.test(candidate.folder) ? candidate.folder : '',
      color: candidate.color && /^#[0-9a-fA-F]{6}$/.test(candidate.color) ? candidate.color : undefined,
      options: options.data,
      subscriptions,
      connectOnLaunch: candidate.connectOnLaunch ?? false,
      codecs,
      notes,
      existing: byName.get(name.trim().toLowerCase()) ?? null,
    });
  }
  return { format, ready, skipped };
}

/** What importing the file would do: its format, each profile (new or of a taken name) and what is skipped. */
export function previewImport(store: ProfileStore, choice: ImportFormatChoice, content: string, codecsProblems?: CodecsProblems): ImportPreview {
  const { format, ready, skipped } = prepareImport(store, choice, content, codecsProblems);
  const candidates: ImportCandidate[] = ready.map((r) => ({
    index: r.index,
    name: r.name,
    folder: r.folder,
    endpoint: endpointOf(r.options),
    protocolVersion: r.options.protocolVersion,
    subscriptions: r.subscriptions.length,
    existing: r.existing ? { id: r.existing.id, endpoint: endpointOf(r.existing.options) } : null,
    notes: r.notes,
  }));
  return { format, candidates, skipped };
}

export interface ImportChoices {
  /** For every profile whose name is taken, unless `choices` says otherwise for it. */
  onSameName: SameNameAction;
  choices?: { index: number; action: SameNameAction }[];
  codecsProblems?: CodecsProblems;
}

/**
 * Saves what validates: a new name becomes a new profile; a taken one updates that profile (secrets
 * it stores are kept unless the file has them; folder and colour kept unless the file has them) or
 * keeps it untouched, as chosen. Nothing is ever duplicated under the same name.
 */
export function importProfiles(store: ProfileStore, choice: ImportFormatChoice, content: string, { onSameName, choices = [], codecsProblems }: ImportChoices): ImportReport {
  const { format, ready, skipped } = prepareImport(store, choice, content, codecsProblems);
  const actions = new Map(choices.map((c) => [c.index, c.action]));
  const report: ImportReport = { format, imported: [], updated: [], kept: [], skipped, notes: [] };
  // Two entries of one file with the same name: the second finds the profile the first created.
  const taken = new Map<string, Profile>();
  for (const r of ready) {
    const key = r.name.trim().toLowerCase();
    const existing = r.existing ?? taken.get(key) ?? null;
    if (existing) {
      if ((actions.get(r.index) ?? onSameName) === 'keep') {
        report.kept.push({ name: r.name });
        continue;
      }
      const saved = store.save({
        id: existing.id,
        name: existing.name,
        folder: r.folder || existing.folder,
        color: r.color ?? existing.color,
        options: r.options,
        subscriptions: r.subscriptions,
        ...(r.codecs ? { codecs: r.codecs } : {}),
      });
      report.updated.push(saved);
      taken.set(key, saved);
    } else {
      const saved = store.save({ name: r.name, folder: r.folder, color: r.color, options: r.options, subscriptions: r.subscriptions, connectOnLaunch: r.connectOnLaunch, ...(r.codecs ? { codecs: r.codecs } : {}) });
      report.imported.push(saved);
      taken.set(key, saved);
    }
    for (const note of r.notes) report.notes.push({ name: r.name, note });
  }
  return report;
}
