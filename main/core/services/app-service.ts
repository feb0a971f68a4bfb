import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UI_STATE_LIMITS, type WindowTarget, WorkbenchFailure } from '../../../shared/contract';
import type { ChannelsOf, Service } from './service';

export interface AppServiceOptions {
  version: string;
  shell: 'electron' | 'browser';
  /** How secrets are protected, as the UI tells the user. */
  secretsProtection: string;
  /** Without one, the UI state lives in memory for this run. */
  dataDir: string | undefined;
  /** The desktop shell opens (or brings forward) a window for a view; browser mode has none: the page opens a tab. */
  openWindow?: (target: WindowTarget) => void;
  /**
   * Told the UI state once at start and after every change the page makes (the desktop shell's
   * native menu follows the language chosen in the page).
   */
  onUiStateChanged?: (entries: Readonly<Record<string, string>>) => void;
}

/**
 * The app's own channels: what it is (app.info), and the UI's remembered choices in
 * `<dataDir>/ui-state.json` (0600): one JSON object of strings, replaced whole through a temporary file so a crash never leaves half of it. A file that does not
 * parse is set aside as `ui-state.json.damaged` and the UI starts from its defaults. Without a data
 * folder the state lives in memory for this run.
 */
export function createAppService({ version, shell, secretsProtection, dataDir, openWindow, onUiStateChanged }: AppServiceOptions): Service<ChannelsOf<'app'>> & {
  /** An entry, for the core's own use (see UI_STATE_KEYS). */
  get(key: string): string | undefined;
  /** Sets (a string) or removes (null) an entry the core keeps; written only when it changes. */
  set(key: string, value: string | null): void;
} {
  const path = dataDir ? join(dataDir, 'ui-state.json') : undefined;
  let entries: Record<string, string> = {};
  if (path) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') entries[key] = value;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        console.warn(`The UI state in ${path} could not be read (${(error as Error).message}); it was set aside and the defaults apply`);
        try {
          renameSync(path, `${path}.damaged`);
        } catch {
          // Nothing more to save.
        }
        entries = {};
      }
    }
  }

  onUiStateChanged?.(entries);

  function save(): void {
    if (!path) return;
    const temporary = `${path}.tmp`;
    writeFileSync(temporary, JSON.stringify(entries), { mode: 0o600 });
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  }

  return {
    get: (key) => entries[key],
    set(key, value) {
      if ((entries[key] ?? null) === value) return;
      const next = { ...entries };
      if (value === null) delete next[key];
      else next[key] = value;
      entries = next;
      try {
        save();
      } catch (error) {
        console.warn(`The UI state could not be saved (${(error as Error).message})`);
      }
    },
    handlers: {
      'app.info': () => ({ version, shell, secretsProtection }),
      'app.uiState': () => ({ entries: { ...entries } }),
      'app.openWindow': (target) => {
        if (!openWindow) return { opened: false };
        openWindow(target);
        return { opened: true };
      },
      'app.setUiState': ({ entries: changes }) => {
        const next = { ...entries };
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) delete next[key];
          else next[key] = value;
        }
        const keys = Object.keys(next).length;
        const bytes = Buffer.byteLength(JSON.stringify(next));
        if (keys > UI_STATE_LIMITS.keys || bytes > UI_STATE_LIMITS.totalBytes) {
          throw new WorkbenchFailure('INVALID_REQUEST', `The UI state would hold ${keys} entries in ${bytes} bytes: at most ${UI_STATE_LIMITS.keys} entries and ${UI_STATE_LIMITS.totalBytes} bytes`, {
            reason: 'uiStateTooLarge',
            keys,
            bytes,
            maxKeys: UI_STATE_LIMITS.keys,
            maxBytes: UI_STATE_LIMITS.totalBytes,
          });
        }
        entries = next;
        save();
        onUiStateChanged?.(entries);
        return {};
      },
    },
    // Every change is written at once: nothing is pending.
    close: async () => {},
  };
}
