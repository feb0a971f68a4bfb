import {
  type ImportFormat,
  type ImportReport,
  MAX_SAVED_SUBSCRIPTIONS,
  type SavedSubscription,
  WorkbenchFailure,
  connectionOptions,
  savedSubscription,
} from '../../../shared/contract';
import { parseProfileImport } from './importers';
import type { ProfileStore } from './profile-store';

/** Reads a profiles file in one of the known formats and saves what validates; reports the rest. */
export function importProfiles(store: ProfileStore, format: ImportFormat, content: string): ImportReport {
  let parsed: ReturnType<typeof parseProfileImport>;
  try {
    parsed = parseProfileImport(format, content);
  } catch (error) {
    throw new WorkbenchFailure('IMPORT_INVALID', (error as Error).message);
  }
  const report: ImportReport = { imported: [], skipped: [...parsed.skipped], notes: [] };
  for (const candidate of parsed.candidates) {
    const options = connectionOptions.safeParse(candidate.options);
    if (!options.success) {
      const reason = options.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
      report.skipped.push({ name: candidate.name, reason });
      continue;
    }
    const folder = candidate.folder && /^[^/](?:.*[^/])?$/.test(candidate.folder) ? candidate.folder : '';
    const color = candidate.color && /^#[0-9a-fA-F]{6}$/.test(candidate.color) ? candidate.color : undefined;
    const subscriptions: SavedSubscription[] = [];
    for (const raw of (candidate.subscriptions ?? []).slice(0, MAX_SAVED_SUBSCRIPTIONS)) {
      const parsed = savedSubscription.safeParse(raw);
      if (parsed.success) subscriptions.push(parsed.data);
      else {
        const filter = typeof (raw as { filter?: unknown })?.filter === 'string' ? (raw as { filter: string }).filter : '?';
        candidate.notes.push(`Subscription "${filter}" was not imported: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      }
    }
    if ((candidate.subscriptions?.length ?? 0) > MAX_SAVED_SUBSCRIPTIONS) {
      candidate.notes.push(`Only the first ${MAX_SAVED_SUBSCRIPTIONS} of ${candidate.subscriptions!.length} subscriptions were imported`);
    }
    report.imported.push(
      store.save({ name: candidate.name.slice(0, 200), folder, color, options: options.data, subscriptions, connectOnLaunch: candidate.connectOnLaunch ?? false }),
    );
    for (const note of candidate.notes) report.notes.push({ name: candidate.name, note });
  }
  return report;
}
