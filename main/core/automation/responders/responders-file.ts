import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type AutomationSettings, automationSettings } from '../../../../shared/contract/automation';
import { restrictToOwner } from '../../files/private-files';

const EMPTY: AutomationSettings = { responders: [] };

/**
 * The responders in `<dataDir>/automation.json` (0600, as codecs.json): replaced whole through a
 * temporary file so a crash never leaves half of it. A file that does not read as automation
 * settings is set aside as `automation.json.damaged` (the user's scripts are in it) and none run.
 */
export function loadAutomationFile(path: string): AutomationSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    console.warn(`The responders in ${path} could not be read (${(error as Error).message}); none run`);
    return EMPTY;
  }
  let reason: string;
  try {
    const parsed = automationSettings.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    reason = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
  } catch (error) {
    reason = (error as Error).message;
  }
  console.warn(`The responders in ${path} are damaged (${reason}); the file was set aside as ${path}.damaged and none run`);
  try {
    renameSync(path, `${path}.damaged`);
  } catch {
    // Left where it is: the next save replaces it.
  }
  return EMPTY;
}

export function saveAutomationFile(path: string, settings: AutomationSettings): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, JSON.stringify(settings), { mode: 0o600 });
  restrictToOwner(temporary);
  renameSync(temporary, path);
}
