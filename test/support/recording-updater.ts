// A stand-in for electron-updater's autoUpdater, which needs the Electron binary (not available
// here): it records what main/electron/updates.ts asks of it, and each check and download waits
// for the test's answer. The real updater runs only in the release workflow's packaged app.
import type { DownloadProgress, ReleaseInfo, Updater } from '../../main/electron/updates';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

export type CheckResult = { isUpdateAvailable: boolean; updateInfo: ReleaseInfo } | null;

/** Records what is asked of electron-updater; each check and download waits for the test's answer. */
export class RecordingUpdater implements Updater {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  active = true;
  calls: string[] = [];
  checks: Deferred<CheckResult>[] = [];
  downloads: Deferred<unknown>[] = [];
  private progressListeners: ((progress: DownloadProgress) => void)[] = [];
  isUpdaterActive() {
    return this.active;
  }
  checkForUpdates() {
    this.calls.push('checkForUpdates');
    const answer = deferred<CheckResult>();
    this.checks.push(answer);
    return answer.promise;
  }
  downloadUpdate() {
    this.calls.push('downloadUpdate');
    const answer = deferred<unknown>();
    this.downloads.push(answer);
    return answer.promise;
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean) {
    this.calls.push(`quitAndInstall ${isSilent} ${isForceRunAfter}`);
  }
  on(_event: 'download-progress', listener: (progress: DownloadProgress) => void) {
    this.progressListeners.push(listener);
    return this;
  }
  progress(progress: DownloadProgress) {
    for (const listener of this.progressListeners) listener(progress);
  }
}

/** Lets the updates module's awaited steps run (the fake's answers are promises). */
export const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

