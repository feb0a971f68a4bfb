/**
 * When the window's renderer process dies (a crash, the OOM killer, a GPU reset taking it down),
 * the page is reloaded. Connections, profiles and history live in the main process, so the new
 * page picks up where the old one stopped; it is told once it has loaded, and says so. A page
 * that keeps dying is not reloaded for ever. No 'electron' import: Vitest runs this.
 */

export interface GoneDetails {
  reason: string;
  exitCode: number;
}

/** The parts of WebContents this reads. */
export interface RecoverableContents {
  on(event: 'render-process-gone', listener: (event: unknown, details: GoneDetails) => void): unknown;
  once(event: 'did-finish-load', listener: () => void): unknown;
  reload(): void;
  isDestroyed(): boolean;
}

export interface CrashRecoveryOptions {
  /** The reloaded page has loaded: tell it what happened. */
  onRecovered: (details: GoneDetails) => void;
  /** Too many crashes in a row: stop reloading (the caller tells the user). */
  onGiveUp: (details: GoneDetails) => void;
  log?: (message: string) => void;
  now?: () => number;
  /** At most this many reloads within `windowMs`. */
  maxReloads?: number;
  windowMs?: number;
}

export function recoverFromCrashes(contents: RecoverableContents, options: CrashRecoveryOptions): void {
  const log = options.log ?? ((message: string) => console.error(message));
  const now = options.now ?? Date.now;
  const maxReloads = options.maxReloads ?? 3;
  const windowMs = options.windowMs ?? 60_000;
  let reloads: number[] = [];

  contents.on('render-process-gone', (_event, details) => {
    const gone = { reason: String(details.reason), exitCode: Number(details.exitCode) || 0 };
    // A clean exit is the window closing, not a crash.
    if (gone.reason === 'clean-exit' || contents.isDestroyed()) return;
    const at = now();
    reloads = reloads.filter((time) => at - time < windowMs);
    if (reloads.length >= maxReloads) {
      log(`The workbench window's renderer is gone again (${gone.reason}, exit code ${gone.exitCode}); not reloading after ${reloads.length} reloads in ${windowMs / 1000} s`);
      options.onGiveUp(gone);
      return;
    }
    reloads.push(at);
    log(`The workbench window's renderer is gone (${gone.reason}, exit code ${gone.exitCode}); reloading it`);
    contents.once('did-finish-load', () => options.onRecovered(gone));
    contents.reload();
  });
}
