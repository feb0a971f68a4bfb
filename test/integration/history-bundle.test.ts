import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHistory } from '../../main/core/history/create-history';
import { resolveWorkerEntry } from '../../main/core/history/worker-entry';
import { historyTempDir, message } from '../support/history-fixtures';

// The app runs the worker from the bundle electron-vite builds (out/main/history-worker.js, CommonJS,
// dependencies external). This builds the same entry the same way, into a folder inside the repo so
// require('better-sqlite3') resolves as it does from out/main, and runs history on it.
const root = join(__dirname, '../..');
const outDir = join(root, 'test/artifacts', `history-bundle-${process.pid}`);
let temp: ReturnType<typeof historyTempDir>;

beforeAll(async () => {
  temp = historyTempDir();
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    // As electron.vite.config.ts: cborg is ESM only, so the CommonJS bundle carries it.
    ssr: { noExternal: ['cborg'] },
    build: {
      ssr: true,
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rollupOptions: {
        input: { 'history-worker': join(root, 'main/core/history/history-worker.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
        external: ['better-sqlite3'],
      },
    },
  });
}, 60_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  temp.cleanup();
});

it('finds the built history-worker.js next to the main bundle, or one level up from a chunk', () => {
  expect(resolveWorkerEntry(outDir)).toEqual({ file: join(outDir, 'history-worker.js') });
  mkdirSync(join(outDir, 'chunks'), { recursive: true });
  expect(resolveWorkerEntry(join(outDir, 'chunks'))).toEqual({ file: join(outDir, 'history-worker.js') });
});

it('says which build entry is missing when there is neither a bundle nor the sources', () => {
  expect(() => resolveWorkerEntry(temp.dir)).toThrowError(expect.objectContaining({ code: 'HISTORY_WORKER_FAILED', message: expect.stringContaining('"history-worker"') as string }) as Error);
});

it('stores and queries through the bundled CommonJS worker', async () => {
  const history = await createHistory({ path: temp.file('bundled.db'), workerEntry: resolveWorkerEntry(outDir) });
  try {
    history.append('c1', message({ topic: 'bundle/works', text: 'from the built worker' }));
    await history.flush();
    const page = await history.page({ query: { topicFilter: 'bundle/#', text: 'built' } });
    expect(page.messages.map((m) => m.topic)).toEqual(['bundle/works']);
  } finally {
    await history.close();
  }
});
