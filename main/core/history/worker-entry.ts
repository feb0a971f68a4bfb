import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryError } from './errors';

export interface WorkerEntry {
  /** The file given to `new Worker(...)`. */
  file: string;
  /** Extra workerData (the TypeScript entry when running from sources). */
  tsEntry?: string;
}

/**
 * Finds the history worker's code. In the built app electron-vite emits it as its own entry,
 * out/main/history-worker.js, next to the main bundle (or one level up from a shared chunk).
 * Running from sources (Vitest, `node -r ts-worker-bootstrap.cjs`), this file sits beside
 * history-worker.ts, which is loaded through the bootstrap.
 */
export function resolveWorkerEntry(dir: string = __dirname): WorkerEntry {
  for (const candidate of [join(dir, 'history-worker.js'), join(dir, '..', 'history-worker.js')]) {
    if (existsSync(candidate)) return { file: candidate };
  }
  const tsEntry = join(dir, 'history-worker.ts');
  if (existsSync(tsEntry)) return { file: join(dir, 'ts-worker-bootstrap.cjs'), tsEntry };
  throw new HistoryError(
    'HISTORY_WORKER_FAILED',
    `The history worker (history-worker.js) is missing next to ${dir}: the build must emit main/core/history/history-worker.ts as the entry "history-worker".`,
  );
}
