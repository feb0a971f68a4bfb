import { type ImportFormat, type ImportReport, WorkbenchFailure, connectionOptions } from '../../../shared/contract';
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
    report.imported.push(store.save({ name: candidate.name.slice(0, 200), folder, color, options: options.data }));
    for (const note of candidate.notes) report.notes.push({ name: candidate.name, note });
  }
  return report;
}
