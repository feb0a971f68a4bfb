import { type AutomationSettings, automationSettings } from '../../../../shared/contract/automation';
import { loadJsonDataFile, saveJsonDataFile } from '../../files/json-data-file';

const EMPTY: AutomationSettings = { responders: [] };

/**
 * The responders in `<dataDir>/automation.json` (0600, as codecs.json): replaced whole through a
 * temporary file so a crash never leaves half of it. A file that does not read as automation
 * settings is set aside as `automation.json.damaged` (the user's scripts are in it) and none run.
 */
export function loadAutomationFile(path: string): AutomationSettings {
  return loadJsonDataFile(path, automationSettings, { what: 'responders', fallbackMeans: 'none run', fallback: () => EMPTY }, (settings) => settings);
}

export function saveAutomationFile(path: string, settings: AutomationSettings): void {
  saveJsonDataFile(path, settings);
}
