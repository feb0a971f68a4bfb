/**
 * Builds out/ with electron-vite when it is missing or older than the sources. Plain JavaScript:
 * it runs before anything is built. Progress goes to stderr so a command's stdout stays its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const stampFile = join(root, 'out', '.build-stamp');
const SOURCE_DIRS = ['main', 'renderer', 'shared'];
const SOURCE_FILES = ['package.json', 'electron.vite.config.ts'];
const OUTPUTS = ['out/main/host.js', 'out/main/broker.js', 'out/main/mqtt-workbench.js', 'out/main/history-worker.js', 'out/renderer/index.html'];

function newestSourceTime() {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) visit(join(root, dir));
  for (const file of SOURCE_FILES) if (existsSync(join(root, file))) visit(join(root, file));
  return newest;
}

export function buildIfNeeded() {
  const built = existsSync(stampFile) && OUTPUTS.every((file) => existsSync(join(root, file)));
  if (built && statSync(stampFile).mtimeMs >= newestSourceTime()) return;
  console.error('Building the workbench...');
  const bin = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
  const result = spawnSync(bin, ['build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('Build failed: run `npx electron-vite build` to see why.');
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, new Date().toISOString());
}
