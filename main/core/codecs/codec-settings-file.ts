import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type CodecSettings, codecSettings } from '../../../shared/contract/codec-rules';
import { restrictToOwner } from '../files/private-files';

const EMPTY: CodecSettings = { rules: [], schemas: [] };

/**
 * The global codec rules in `<dataDir>/codecs.json` (0600, beside ui-state.json): replaced whole
 * through a temporary file so a crash never leaves half of it. A file that does not read as codec
 * settings is set aside as `codecs.json.damaged` (the user's schemas are in it) and the defaults apply.
 */
export function loadCodecSettingsFile(path: string): CodecSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    console.warn(`The codec rules in ${path} could not be read (${(error as Error).message}); none apply`);
    return EMPTY;
  }
  let reason: string;
  try {
    const parsed = codecSettings.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
  } catch (error) {
    reason = (error as Error).message;
  }
  console.warn(`The codec rules in ${path} are damaged (${reason}); the file was set aside as ${path}.damaged and none apply`);
  try {
    renameSync(path, `${path}.damaged`);
  } catch {
    // Left where it is: the next save replaces it, which is no worse than not starting.
  }
  return EMPTY;
}

export function saveCodecSettingsFile(path: string, settings: CodecSettings): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(settings), { mode: 0o600 });
  restrictToOwner(temporary);
  renameSync(temporary, path);
}
