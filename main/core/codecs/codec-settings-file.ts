import { type CodecSettings, codecSettings } from '../../../shared/contract/codec-rules';
import { loadJsonDataFile, saveJsonDataFile } from '../files/json-data-file';

const EMPTY: CodecSettings = { rules: [], schemas: [] };

/**
 * The global codec rules in `<dataDir>/codecs.json` (0600, beside ui-state.json): replaced whole
 * through a temporary file so a crash never leaves half of it. A file that does not read as codec
 * settings is set aside as `codecs.json.damaged` (the user's schemas are in it) and the defaults apply.
 */
export function loadCodecSettingsFile(path: string): CodecSettings {
  return loadJsonDataFile(path, codecSettings, { what: 'codec rules', fallbackMeans: 'none apply', fallback: () => EMPTY }, (settings) => settings);
}

export function saveCodecSettingsFile(path: string, settings: CodecSettings): void {
  saveJsonDataFile(path, settings);
}
